/**
 * ISAKMP header (RFC 2408 §3.1).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Initiator                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Responder                            !
 * !                            Cookie                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                          Message ID                           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                            Length                             !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { DecodeError } from "../errors.js";
import { HEADER_LENGTH, ISAKMP_VERSION } from "./constants.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

export interface Header {
  initiatorCookie: Buffer;
  responderCookie: Buffer;
  nextPayload: number;
  version: number;
  exchangeType: number;
  flags: number;
  messageId: number;
  /** Total message length including this header. */
  length: number;
}

export function encodeHeader(h: Header): Buffer {
  if (h.initiatorCookie.length !== 8 || h.responderCookie.length !== 8) {
    throw new RangeError("cookies are 8 bytes");
  }
  return new Writer()
    .bytes(h.initiatorCookie)
    .bytes(h.responderCookie)
    .u8(h.nextPayload)
    .u8(h.version)
    .u8(h.exchangeType)
    .u8(h.flags)
    .u32(h.messageId)
    .u32(h.length)
    .finish();
}

export function decodeHeader(buf: Buffer): Header {
  const r = new Reader(buf);
  const h: Header = {
    initiatorCookie: Buffer.from(r.bytes(8, "initiator cookie")),
    responderCookie: Buffer.from(r.bytes(8, "responder cookie")),
    nextPayload: r.u8("next payload"),
    version: r.u8("version"),
    exchangeType: r.u8("exchange type"),
    flags: r.u8("flags"),
    messageId: r.u32("message ID"),
    length: r.u32("length"),
  };
  if (h.length < HEADER_LENGTH) {
    throw new DecodeError("bad-length", `header length ${h.length} is below ${HEADER_LENGTH}`, 24);
  }
  return h;
}

export function isIkev1(h: Header): boolean {
  return h.version >> 4 === ISAKMP_VERSION >> 4;
}

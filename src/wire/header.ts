/**
 * The IKE header, the same 28 bytes in both versions (IKEv1: RFC 2408 §3.1, "ISAKMP header";
 * IKEv2: RFC 7296 §3.1, where the cookies are the SPIs and the flags differ: each version names its own).
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
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

import type { EncodeOptions } from "./chain.js";

export const HEADER_LENGTH = 28;

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

/** The major version (high nibble of the version byte): 1 for IKEv1 (ISAKMP), 2 for IKEv2. */
export function isIkev1(h: Header): boolean {
  return h.version >> 4 === 1;
}

/** Builds header + body with the length filled in (or, with `fixLengths: false`, the header's own). */
export function encodeMessage(header: Omit<Header, "length"> & { length?: number }, body: Buffer, opts: EncodeOptions = {}): Buffer {
  const length = opts.fixLengths === false && header.length !== undefined ? header.length : HEADER_LENGTH + body.length;
  return Buffer.concat([encodeHeader({ ...header, length }), body]);
}


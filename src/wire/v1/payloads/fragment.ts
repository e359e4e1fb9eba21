/**
 * IKE fragment payload (type 132), the vendor-ID-negotiated IKEv1 fragmentation Cisco introduced
 * and strongSwan, Microsoft and others speak (announced with the FRAGMENTATION vendor ID). A message too
 * large for the path is cut into pieces, each sent in its own datagram as an ISAKMP header (the
 * message's cookies and exchange type, next payload 132, message ID 0) and one fragment payload;
 * the pieces, in fragment-number order, are the whole original message, its header included.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !          Fragment ID          !  Fragment Num !     Flags     !   Flags: 0x01 = last fragment
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Fragment Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { DecodeError } from "../../../errors.js";
import { HEADER_LENGTH, PayloadType } from "../constants.js";
import { decodeHeader, encodeHeader } from "../../header.js";
import { Reader } from "../../reader.js";

export const FRAGMENT_LAST = 0x01;
/** Generic payload header and the fragment fields. */
export const FRAGMENT_OVERHEAD = HEADER_LENGTH + 4 + 4;

export interface FragmentPayload {
  fragmentId: number;
  /** From 1. */
  number: number;
  last: boolean;
  data: Buffer;
}

export function encodeFragment(p: FragmentPayload): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(p.fragmentId, 0);
  b[2] = p.number;
  b[3] = p.last ? FRAGMENT_LAST : 0;
  return Buffer.concat([b, p.data]);
}

export function fragmentLength(p: FragmentPayload): number {
  return 4 + p.data.length;
}

export function decodeFragment(body: Buffer): FragmentPayload {
  const r = new Reader(body, 0, body.length, PayloadType.FRAGMENT);
  const fragmentId = r.u16("fragment ID");
  const number = r.u8("fragment number");
  const flags = r.u8("fragment flags");
  if (number === 0) throw new DecodeError("bad-value", "fragment number 0 (numbers start at 1)", 2, PayloadType.FRAGMENT);
  return { fragmentId, number, last: (flags & FRAGMENT_LAST) !== 0, data: Buffer.from(r.rest()) };
}

/** Whether a datagram is an IKEv1 fragment message (its header's next payload is 132). */
export function isFragmentMessage(datagram: Buffer): boolean {
  return datagram.length >= HEADER_LENGTH && datagram[16] === PayloadType.FRAGMENT;
}

/** A fragment message's fragment (header checked: one payload of type 132 filling the datagram). */
export function decodeFragmentMessage(datagram: Buffer): FragmentPayload {
  const h = decodeHeader(datagram);
  if (h.length !== datagram.length) throw new DecodeError("bad-length", `fragment message length ${h.length} but ${datagram.length} bytes received`, 24);
  const r = new Reader(datagram, HEADER_LENGTH, datagram.length, PayloadType.FRAGMENT);
  r.u8("next payload");
  r.u8("reserved");
  const len = r.u16("payload length");
  if (len !== datagram.length - HEADER_LENGTH || len < 8) throw new DecodeError("bad-length", `fragment payload length ${len} does not fill the message (${datagram.length - HEADER_LENGTH} bytes)`, HEADER_LENGTH + 2, PayloadType.FRAGMENT);
  return decodeFragment(datagram.subarray(HEADER_LENGTH + 4));
}

/**
 * `message` cut into fragment messages of at most `maxDatagram` bytes each (the ISAKMP part of
 * the datagram), numbered from 1, the last flagged. At most 255 fragments (the number is one byte).
 */
export function fragmentMessage(message: Buffer, fragmentId: number, maxDatagram: number): Buffer[] {
  const h = decodeHeader(message);
  const room = maxDatagram - FRAGMENT_OVERHEAD;
  if (room < 1) throw new RangeError(`fragment size ${maxDatagram} leaves no room for data`);
  const count = Math.ceil(message.length / room);
  if (count > 255) throw new RangeError(`${message.length} bytes need ${count} fragments of ${maxDatagram} bytes; at most 255`);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const data = message.subarray(i * room, (i + 1) * room);
    const body = encodeFragment({ fragmentId, number: i + 1, last: i === count - 1, data });
    const length = HEADER_LENGTH + 4 + body.length;
    const gen = Buffer.from([0, 0, (4 + body.length) >> 8, (4 + body.length) & 0xff]);
    out.push(Buffer.concat([encodeHeader({ ...h, nextPayload: PayloadType.FRAGMENT, flags: 0, messageId: 0, length }), gen, body]));
  }
  return out;
}

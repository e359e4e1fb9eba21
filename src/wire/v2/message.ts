/**
 * An IKEv2 message (RFC 7296 §3.1, §3.2): the shared 28-byte header with IKEv2's version and flags,
 * then the payload chain, each payload's critical bit kept. An SK or SKF payload ends the chain (its
 * Next Payload names the first payload inside it: `innerFirst`).
 */
import { DecodeError } from "../../errors.js";
import { type OutgoingPayload, decodeChain, encodeChain } from "../chain.js";
import { HEADER_LENGTH, type Header, decodeHeader, encodeHeader } from "../header.js";
import { CRITICAL, IKEV2_VERSION, Ikev2Flags, Ikev2Payload } from "./constants.js";

export interface Ikev2Payload {
  type: number;
  critical: boolean;
  /** Body without the generic header. */
  body: Buffer;
  /** Generic header + body, as on the wire. */
  raw: Buffer;
}

export interface Ikev2Message {
  header: Header;
  /** The I flag: sent by the original initiator of the IKE SA. */
  initiator: boolean;
  /** The R flag: a response. */
  response: boolean;
  payloads: Ikev2Payload[];
  /** With a last SK or SKF payload: the type of the first payload inside it. */
  innerFirst?: number;
  warnings: string[];
  /** The message as received (to its announced length). */
  raw: Buffer;
}

const endsChain = (type: number): boolean => type === Ikev2Payload.SK || type === Ikev2Payload.SKF;

/** Decodes a datagram (after any non-ESP marker) as IKEv2. A header of another major version is a DecodeError (`unsupported`). */
export function decodeIkev2Message(buf: Buffer, opts: { lenient?: boolean } = {}): Ikev2Message {
  const header = decodeHeader(buf);
  if (header.version >> 4 !== IKEV2_VERSION >> 4) throw new DecodeError("unsupported", `major version ${header.version >> 4}, not IKEv2`, 17);
  if (header.length > buf.length) throw new DecodeError("truncated", `header announces ${header.length} bytes, datagram has ${buf.length}`, 24);
  const warnings: string[] = [];
  if (header.length < buf.length) warnings.push(`${buf.length - header.length} bytes after the announced length ignored`);
  if ((header.flags & 0x07) !== 0) warnings.push(`header flags 0x${header.flags.toString(16)}: IKEv1's bits set`);
  const body = Buffer.from(buf.subarray(HEADER_LENGTH, header.length));
  const chain = decodeChain(body, header.nextPayload, { ...opts, baseOffset: HEADER_LENGTH, flagsAllowed: CRITICAL, endsChain });
  const payloads = chain.payloads.map((p) => ({ type: p.type, critical: (p.raw[1]! & CRITICAL) !== 0, body: p.body, raw: p.raw }));
  const last = chain.payloads.at(-1);
  const msg: Ikev2Message = {
    header,
    initiator: (header.flags & Ikev2Flags.INITIATOR) !== 0,
    response: (header.flags & Ikev2Flags.RESPONSE) !== 0,
    payloads,
    warnings: [...warnings, ...chain.warnings],
    raw: Buffer.from(buf.subarray(0, header.length)),
  };
  if (last !== undefined && endsChain(last.type)) msg.innerFirst = last.raw[0]!;
  else if (chain.trailing.length > 0) {
    const m = `${chain.trailing.length} bytes after the last payload`;
    if (opts.lenient !== true) throw new DecodeError("bad-length", m, header.length - chain.trailing.length);
    msg.warnings.push(m);
  }
  return msg;
}

export interface Ikev2Outgoing {
  spiI: Buffer;
  spiR: Buffer;
  exchangeType: number;
  /** Ikev2Flags bits. */
  flags: number;
  messageId: number;
  payloads: readonly (OutgoingPayload & { critical?: boolean })[];
}

/** Header + payload chain, lengths filled in; a payload with `critical` gets the critical bit. */
export function encodeIkev2Message(m: Ikev2Outgoing): Buffer {
  const chain = encodeChain(m.payloads.map((p) => ({ ...p, flags: (p.flags ?? 0) | (p.critical === true ? CRITICAL : 0) })));
  const header = { initiatorCookie: m.spiI, responderCookie: m.spiR, nextPayload: chain.firstType, version: IKEV2_VERSION, exchangeType: m.exchangeType, flags: m.flags, messageId: m.messageId, length: HEADER_LENGTH + chain.bytes.length };
  return Buffer.concat([encodeHeader(header), chain.bytes]);
}

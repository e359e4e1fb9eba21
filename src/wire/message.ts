/**
 * An ISAKMP message: header, then a chain of payloads, each with the generic header
 * (RFC 2408 §3.2):
 *
 * ! Next Payload (1) ! RESERVED (1) ! Payload Length (2, includes these 4 bytes) ! body ...
 *
 * Decoding keeps each payload's raw bytes (header included) and its body: phase 2 hashes cover the
 * payloads after HASH with their generic headers, HASH_I/HASH_R cover bodies.
 */
import { DecodeError } from "../errors.js";
import { Flags, HEADER_LENGTH, PayloadType } from "./constants.js";
import { type Header, decodeHeader, encodeHeader } from "./header.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

export interface RawPayload {
  type: number;
  /** Body without the generic header. */
  body: Buffer;
  /** Generic header + body, as on the wire. */
  raw: Buffer;
}

export interface PayloadChain {
  payloads: RawPayload[];
  /** Bytes after the payload whose Next Payload is 0 (encryption padding, or junk). */
  trailing: Buffer;
  /** Lenient mode only: what could not be decoded. */
  warnings: string[];
}

export interface EncodeOptions {
  /**
   * false: write the lengths as given (a payload's `length`, the header's `length`) instead of
   * computing them, so that a test can build a malformed packet without patching bytes.
   */
  fixLengths?: boolean;
}

/** A payload to encode: its type and body; `length` is used only with `fixLengths: false`. */
export interface OutgoingPayload {
  type: number;
  body: Buffer;
  length?: number;
}

/** Encodes payloads in order, filling in each Next Payload field. Returns the first type too. */
export function encodeChain(payloads: readonly OutgoingPayload[], opts: EncodeOptions = {}): { firstType: number; bytes: Buffer } {
  const w = new Writer();
  payloads.forEach((p, i) => {
    const next = payloads[i + 1]?.type ?? PayloadType.NONE;
    if (p.body.length + 4 > 0xffff) throw new RangeError(`payload ${p.type} is too long`);
    w.u8(next).u8(0).u16(opts.fixLengths === false && p.length !== undefined ? p.length : p.body.length + 4).bytes(p.body);
  });
  return { firstType: payloads[0]?.type ?? PayloadType.NONE, bytes: w.finish() };
}

/**
 * Decodes a payload chain starting with `firstType`. Strict mode throws DecodeError on any
 * inconsistency; lenient mode stops at the first bad payload and reports it in `warnings`.
 */
export function decodeChain(buf: Buffer, firstType: number, opts: { lenient?: boolean; baseOffset?: number } = {}): PayloadChain {
  const payloads: RawPayload[] = [];
  const warnings: string[] = [];
  const r = new Reader(buf);
  let type = firstType;
  try {
    while (type !== PayloadType.NONE) {
      const start = r.offset;
      const next = r.u8("next payload");
      const reserved = r.u8("reserved");
      const len = r.u16("payload length");
      if (len < 4) throw new DecodeError("bad-length", `payload length ${len} is below 4`, start + (opts.baseOffset ?? 0), type);
      if (len - 4 > r.remaining) {
        throw new DecodeError("truncated", `payload length ${len} exceeds the ${r.remaining + 4} bytes left`, start + (opts.baseOffset ?? 0), type);
      }
      if (reserved !== 0) warnings.push(`payload ${type} at offset ${start}: reserved byte is ${reserved}`);
      const body = Buffer.from(r.bytes(len - 4, "payload body"));
      payloads.push({ type, body, raw: Buffer.from(buf.subarray(start, start + len)) });
      type = next;
    }
  } catch (e) {
    if (!opts.lenient || !(e instanceof DecodeError)) throw e;
    warnings.push(e.message);
    return { payloads, trailing: Buffer.alloc(0), warnings };
  }
  return { payloads, trailing: Buffer.from(r.rest()), warnings };
}

export interface Message {
  header: Header;
  /** For an unencrypted message: the decoded chain. Empty for an encrypted one. */
  payloads: RawPayload[];
  /** For an encrypted message: the ciphertext after the header. */
  ciphertext?: Buffer;
  warnings: string[];
  raw: Buffer;
}

/** Decodes a datagram (after any non-ESP marker). Encrypted bodies are left for the crypto layer. */
export function decodeMessage(buf: Buffer, opts: { lenient?: boolean } = {}): Message {
  const header = decodeHeader(buf);
  if (header.length > buf.length) {
    throw new DecodeError("truncated", `header announces ${header.length} bytes, datagram has ${buf.length}`, 24);
  }
  const warnings: string[] = [];
  if (header.length < buf.length) warnings.push(`${buf.length - header.length} bytes after the announced length ignored`);
  const body = buf.subarray(HEADER_LENGTH, header.length);
  const raw = Buffer.from(buf.subarray(0, header.length));
  if (header.flags & Flags.ENCRYPTION) {
    return { header, payloads: [], ciphertext: Buffer.from(body), warnings, raw };
  }
  const chain = decodeChain(Buffer.from(body), header.nextPayload, { ...opts, baseOffset: HEADER_LENGTH });
  // libreswan pads a message to a multiple of 4 bytes with zeros after the last payload (seen in
  // its Aggressive Mode message 2): alignment, not a malformed message.
  const alignment = chain.trailing.length < 4 && chain.trailing.every((x) => x === 0);
  if (chain.trailing.length > 0 && !alignment) {
    const msg = `${chain.trailing.length} bytes after the last payload`;
    if (!opts.lenient) throw new DecodeError("bad-length", msg, header.length - chain.trailing.length);
    warnings.push(msg);
  }
  return { header, payloads: chain.payloads, warnings: [...warnings, ...chain.warnings], raw };
}

/** Builds header + body with the length filled in (or, with `fixLengths: false`, the header's own). */
export function encodeMessage(header: Omit<Header, "length"> & { length?: number }, body: Buffer, opts: EncodeOptions = {}): Buffer {
  const length = opts.fixLengths === false && header.length !== undefined ? header.length : HEADER_LENGTH + body.length;
  return Buffer.concat([encodeHeader({ ...header, length }), body]);
}


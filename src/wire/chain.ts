/**
 * The payload chain after the header, the same in both versions: each payload opens with the
 * generic payload header (IKEv1: RFC 2408 §3.2; IKEv2: RFC 7296 §3.2, whose first bit of the
 * reserved byte is the critical bit) and names the type of the next one.
 *
 * ! Next Payload (1) ! RESERVED (1) ! Payload Length (2, includes these 4 bytes) ! body ...
 *
 * Decoding keeps each payload's raw bytes (header included) and its body: IKEv1's phase 2 hashes
 * cover the payloads after HASH with their generic headers, HASH_I/HASH_R cover bodies.
 */
import { DecodeError } from "../errors.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

/** Next Payload 0: the last payload of the chain (both versions). */
export const NO_NEXT_PAYLOAD = 0;

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

/**
 * A payload to encode: its type and body; `length` is used only with `fixLengths: false`. `flags`:
 * the byte after Next Payload (reserved in IKEv1; IKEv2's critical bit is its first bit), 0 unless given.
 */
export interface OutgoingPayload {
  type: number;
  body: Buffer;
  length?: number;
  flags?: number;
}

/** Encodes payloads in order, filling in each Next Payload field. Returns the first type too. */
export function encodeChain(payloads: readonly OutgoingPayload[], opts: EncodeOptions = {}): { firstType: number; bytes: Buffer } {
  const w = new Writer();
  payloads.forEach((p, i) => {
    const next = payloads[i + 1]?.type ?? NO_NEXT_PAYLOAD;
    if (p.body.length + 4 > 0xffff) throw new RangeError(`payload ${p.type} is too long`);
    w.u8(next).u8(p.flags ?? 0).u16(opts.fixLengths === false && p.length !== undefined ? p.length : p.body.length + 4).bytes(p.body);
  });
  return { firstType: payloads[0]?.type ?? NO_NEXT_PAYLOAD, bytes: w.finish() };
}

/**
 * Decodes a payload chain starting with `firstType`. Strict mode throws DecodeError on any
 * inconsistency; lenient mode stops at the first bad payload and reports it in `warnings`.
 * `flagsAllowed`: the bits of the byte after Next Payload the version defines (0 for IKEv1, the
 * critical bit for IKEv2); any other bit set is a warning. `endsChain`: payload types after which
 * nothing follows (IKEv2's SK and SKF, whose Next Payload is the type of their first inner payload).
 */
export function decodeChain(buf: Buffer, firstType: number, opts: { lenient?: boolean; baseOffset?: number; flagsAllowed?: number; endsChain?: (type: number) => boolean } = {}): PayloadChain {
  const payloads: RawPayload[] = [];
  const warnings: string[] = [];
  const r = new Reader(buf);
  let type = firstType;
  try {
    while (type !== NO_NEXT_PAYLOAD) {
      const start = r.offset;
      const next = r.u8("next payload");
      const reserved = r.u8("reserved");
      const len = r.u16("payload length");
      if (len < 4) throw new DecodeError("bad-length", `payload length ${len} is below 4`, start + (opts.baseOffset ?? 0), type);
      if (len - 4 > r.remaining) {
        throw new DecodeError("truncated", `payload length ${len} exceeds the ${r.remaining + 4} bytes left`, start + (opts.baseOffset ?? 0), type);
      }
      // The byte's bits a version defines (IKEv2: the critical bit) are kept in `raw`; others are reported.
      if ((reserved & ~(opts.flagsAllowed ?? 0)) !== 0) warnings.push(`payload ${type} at offset ${start}: reserved byte is ${reserved}`);
      const body = Buffer.from(r.bytes(len - 4, "payload body"));
      payloads.push({ type, body, raw: Buffer.from(buf.subarray(start, start + len)) });
      // IKEv2's SK and SKF end the chain: their Next Payload names the first payload inside them.
      if (opts.endsChain?.(type) === true) break;
      type = next;
    }
  } catch (e) {
    if (!opts.lenient || !(e instanceof DecodeError)) throw e;
    warnings.push(e.message);
    return { payloads, trailing: Buffer.alloc(0), warnings };
  }
  return { payloads, trailing: Buffer.from(r.rest()), warnings };
}

/**
 * An IKEv1 (ISAKMP) message: the shared header (../header.ts), then either the payload chain
 * (../chain.ts) or, with the Encryption flag (RFC 2408 §3.1), ciphertext for the crypto layer.
 */
import { DecodeError } from "../../errors.js";
import { type RawPayload, decodeChain } from "../chain.js";
import { HEADER_LENGTH, type Header, decodeHeader } from "../header.js";
import { Flags } from "./constants.js";

export { type EncodeOptions, type OutgoingPayload, type PayloadChain, type RawPayload, decodeChain, encodeChain } from "../chain.js";
export { encodeMessage } from "../header.js";

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

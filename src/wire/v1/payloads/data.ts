/**
 * The common part of payloads whose body is one opaque field (KE, Nonce, Hash, Signature, Vendor ID,
 * NAT-D): a bounds check on decode, the bytes kept as received.
 */
import { DecodeError } from "../../../errors.js";

export interface DataBounds {
  type: number;
  name: string;
  min: number;
  max: number;
}

/** The body as a fresh Buffer, or a DecodeError naming the payload when its length is out of bounds. */
export function decodeData(body: Buffer, b: DataBounds): Buffer {
  if (body.length < b.min || body.length > b.max) {
    const allowed = b.max === Infinity ? `at least ${b.min}` : b.min === b.max ? `${b.min}` : `${b.min} to ${b.max}`;
    throw new DecodeError(body.length < b.min ? "truncated" : "bad-length", `${b.name} payload of ${body.length} bytes (${allowed} allowed)`, 0, b.type);
  }
  return Buffer.from(body);
}

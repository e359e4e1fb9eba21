/**
 * Payloads whose body is only data (RFC 2408 §3.7, §3.11, §3.13, §3.16; RFC 3947 §3.2):
 * Key Exchange, Hash, Nonce, Vendor ID and NAT-D. Nothing to decode beyond the generic header, but
 * some lengths are constrained.
 */
import { DecodeError } from "../../errors.js";
import { PayloadType } from "../constants.js";

/** RFC 2409 §5: nonce data is between 8 and 256 bytes. */
export function checkNonce(body: Buffer): Buffer {
  if (body.length < 8 || body.length > 256) {
    throw new DecodeError("bad-length", `nonce of ${body.length} bytes (8 to 256 allowed)`, 0, PayloadType.NONCE);
  }
  return body;
}

export function checkHash(body: Buffer, expected: number, type: number = PayloadType.HASH): Buffer {
  if (body.length !== expected) {
    throw new DecodeError("bad-length", `hash of ${body.length} bytes, the negotiated hash gives ${expected}`, 0, type);
  }
  return body;
}

/**
 * IKEv2 Authentication payload (RFC 7296 §3.8).
 *
 *  ! Auth Method (1) ! RESERVED (3) ! Authentication Data ...
 *
 * Method 14 (RFC 7427 §3) starts its data with a one-byte length and the ASN.1 AlgorithmIdentifier of
 * the signature; the codec keeps the data whole.
 */
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface AuthPayload {
  method: number;
  data: Buffer;
}

export function encodeAuth(a: AuthPayload): Buffer {
  return new Writer(4 + a.data.length).u8(a.method).u8(0).u16(0).bytes(a.data).finish();
}

export function authLength(a: AuthPayload): number {
  return 4 + a.data.length;
}

export function decodeAuth(body: Buffer): AuthPayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.AUTH);
  const method = r.u8("auth method");
  r.bytes(3, "reserved");
  return { method, data: Buffer.from(r.rest()) };
}

/**
 * IKEv2 Key Exchange payload (RFC 7296 §3.4).
 *
 *  ! Diffie-Hellman Group Num (2) ! RESERVED (2) ! Key Exchange Data ...
 *
 * The data's form depends on the group (RFC 7296 §3.4 MODP, RFC 5903 §7 ECP, RFC 8031 §3 Curve25519/448):
 * checking it is the key exchange's work, not the codec's.
 */
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface KePayload {
  group: number;
  data: Buffer;
}

export function encodeKe(ke: KePayload): Buffer {
  return new Writer(4 + ke.data.length).u16(ke.group).u16(0).bytes(ke.data).finish();
}

export function keLength(ke: KePayload): number {
  return 4 + ke.data.length;
}

export function decodeKe(body: Buffer): KePayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.KE);
  const group = r.u16("DH group number");
  r.u16("reserved");
  return { group, data: Buffer.from(r.rest()) };
}

/**
 * NAT-D payload (RFC 3947 §3.2; payload type 20, 130 in the drafts): HASH(CKY-I | CKY-R | IP | Port)
 * with the negotiated hash. The first NAT-D is the peer's address as the sender saw it, the others
 * the sender's own addresses.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                 HASH of the address and port                  ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export interface NatDPayload {
  hashData: Buffer;
}

export function encodeNatD(p: NatDPayload): Buffer {
  return p.hashData;
}

export function natDLength(p: NatDPayload): number {
  return p.hashData.length;
}

/** `type`: 20 (RFC 3947) or 130 (drafts), for the error's payload type. */
export function decodeNatD(body: Buffer, type: number = PayloadType.NAT_D): NatDPayload {
  return { hashData: decodeData(body, { type, name: "NAT-D", min: 1, max: Infinity }) };
}

export function isNatD(type: number): boolean {
  return type === PayloadType.NAT_D || type === PayloadType.NAT_D_DRAFT;
}

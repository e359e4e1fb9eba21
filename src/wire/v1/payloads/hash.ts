/**
 * Hash payload (RFC 2408 §3.11): HASH_I, HASH_R, HASH(1..3) of Quick Mode, the HASH of
 * Informational and Transaction messages. Its length is the negotiated hash's output.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                           Hash Data                           ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export interface HashPayload {
  hashData: Buffer;
}

export function encodeHash(p: HashPayload): Buffer {
  return p.hashData;
}

export function hashLength(p: HashPayload): number {
  return p.hashData.length;
}

/** `expected`: the negotiated hash's output length, when known. */
export function decodeHash(body: Buffer, expected?: number): HashPayload {
  const n = expected ?? 0;
  return { hashData: decodeData(body, { type: PayloadType.HASH, name: "Hash", min: expected ?? 1, max: expected !== undefined ? n : Infinity }) };
}

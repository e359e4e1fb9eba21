/**
 * Nonce payload (RFC 2408 §3.13); RFC 2409 §5 bounds the nonce data to 8..256 bytes.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                            Nonce Data                         ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export const NONCE_MIN = 8;
export const NONCE_MAX = 256;

export interface NoncePayload {
  nonceData: Buffer;
}

export function encodeNonce(p: NoncePayload): Buffer {
  return p.nonceData;
}

export function nonceLength(p: NoncePayload): number {
  return p.nonceData.length;
}

export function decodeNonce(body: Buffer): NoncePayload {
  return { nonceData: decodeData(body, { type: PayloadType.NONCE, name: "Nonce", min: NONCE_MIN, max: NONCE_MAX }) };
}

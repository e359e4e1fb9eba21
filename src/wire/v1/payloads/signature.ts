/**
 * Signature payload (RFC 2408 §3.12): SIG_I or SIG_R, the signature over HASH_I or HASH_R made with
 * the method negotiated (RFC 2409 §5.1; ECDSA as RFC 4754 §7: r | s, each the curve's size).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                         Signature Data                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export interface SignaturePayload {
  signatureData: Buffer;
}

export function encodeSignature(p: SignaturePayload): Buffer {
  return p.signatureData;
}

export function signatureLength(p: SignaturePayload): number {
  return p.signatureData.length;
}

export function decodeSignature(body: Buffer): SignaturePayload {
  return { signatureData: decodeData(body, { type: PayloadType.SIG, name: "Signature", min: 1, max: Infinity }) };
}

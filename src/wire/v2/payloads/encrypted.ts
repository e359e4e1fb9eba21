/**
 * IKEv2 Encrypted and Authenticated payload SK (RFC 7296 §3.14) and its fragment SKF (RFC 7383 §2.5).
 *
 * SK:   ! Initialization Vector ! Encrypted IKE Payloads + Padding + Pad Length (1) ! Integrity Checksum Data !
 * SKF:  ! Fragment Number (2) ! Total Fragments (2) ! the same as SK ...
 *
 * The IV and ICV lengths are the negotiated cipher's and integrity algorithm's (AEAD: RFC 5282 §3:
 * an 8-byte IV and the cipher's ICV), so the split takes them as arguments. The SK payload's Next
 * Payload names the first payload inside; it is the last payload of its message.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface SkParts {
  iv: Buffer;
  ciphertext: Buffer;
  icv: Buffer;
}

export function encodeSk(p: SkParts): Buffer {
  return Buffer.concat([p.iv, p.ciphertext, p.icv]);
}

export function decodeSk(body: Buffer, ivLength: number, icvLength: number, payloadType: number = Ikev2Payload.SK): SkParts {
  if (body.length < ivLength + icvLength) throw new DecodeError("truncated", `SK body of ${body.length} bytes, shorter than its ${ivLength}-byte IV and ${icvLength}-byte ICV`, 0, payloadType);
  return { iv: Buffer.from(body.subarray(0, ivLength)), ciphertext: Buffer.from(body.subarray(ivLength, body.length - icvLength)), icv: Buffer.from(body.subarray(body.length - icvLength)) };
}

export interface SkfHeader {
  fragmentNumber: number;
  totalFragments: number;
  /** What follows the two numbers: IV, ciphertext, ICV (decodeSk with the SKF type splits it). */
  rest: Buffer;
}

export function encodeSkf(f: SkfHeader): Buffer {
  return new Writer(4 + f.rest.length).u16(f.fragmentNumber).u16(f.totalFragments).bytes(f.rest).finish();
}

export function decodeSkf(body: Buffer): SkfHeader {
  const r = new Reader(body, 0, body.length, Ikev2Payload.SKF);
  const fragmentNumber = r.u16("fragment number");
  const totalFragments = r.u16("total fragments");
  if (fragmentNumber === 0 || fragmentNumber > totalFragments) throw new DecodeError("bad-value", `fragment ${fragmentNumber} of ${totalFragments}`, 0, Ikev2Payload.SKF);
  return { fragmentNumber, totalFragments, rest: Buffer.from(r.rest()) };
}

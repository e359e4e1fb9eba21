/**
 * IKEv2 Certificate and Certificate Request payloads (RFC 7296 §3.6, §3.7): the same layout.
 *
 *  ! Cert Encoding (1) ! Certificate Data / Certification Authority ...
 *
 * CERT with encoding 4 holds a DER X.509 certificate; CERTREQ with encoding 4 holds the
 * concatenated 20-byte SHA-1 hashes of the trusted CAs' SubjectPublicKeyInfo (RFC 7296 §3.7),
 * not DNs as in IKEv1.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface CertPayload {
  encoding: number;
  data: Buffer;
}

export function encodeCert(c: CertPayload): Buffer {
  return new Writer(1 + c.data.length).u8(c.encoding).bytes(c.data).finish();
}

export function certLength(c: CertPayload): number {
  return 1 + c.data.length;
}

export function decodeCert(body: Buffer, payloadType: number = Ikev2Payload.CERT): CertPayload {
  const r = new Reader(body, 0, body.length, payloadType);
  return { encoding: r.u8("cert encoding"), data: Buffer.from(r.rest()) };
}

/** The CA key hashes of an X.509 CERTREQ (encoding 4): 20 bytes each. */
export function certReqAuthorities(c: CertPayload): Buffer[] {
  if (c.data.length % 20 !== 0) throw new DecodeError("bad-length", `CERTREQ data of ${c.data.length} bytes is not a list of 20-byte SHA-1 hashes`, 1, Ikev2Payload.CERTREQ);
  const out: Buffer[] = [];
  for (let i = 0; i < c.data.length; i += 20) out.push(Buffer.from(c.data.subarray(i, i + 20)));
  return out;
}

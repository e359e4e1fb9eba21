/**
 * Certificate Request payload (RFC 2408 §3.10): the certificate type wanted and, optionally, an
 * acceptable authority (for X.509, the DER of the CA's distinguished name, RFC 4945 §3.2.3; empty
 * means any).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Cert. Type   !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~                    Certificate Authority                      ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";

export interface CertificateRequestPayload {
  /** A Certificate Encoding value (see certificate.ts). */
  certType: number;
  /** Empty: any authority. */
  authority: Buffer;
  /** Decoded payloads: the body as received. */
  raw?: Buffer;
}

export function encodeCertificateRequest(p: CertificateRequestPayload): Buffer {
  return Buffer.concat([Buffer.from([p.certType]), p.authority]);
}

export function certificateRequestLength(p: CertificateRequestPayload): number {
  return 1 + p.authority.length;
}

export function decodeCertificateRequest(body: Buffer): CertificateRequestPayload {
  const r = new Reader(body, 0, body.length, PayloadType.CR);
  const certType = r.u8("certificate type");
  return { certType, authority: Buffer.from(r.rest()), raw: Buffer.from(body) };
}

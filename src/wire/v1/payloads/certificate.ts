/**
 * Certificate payload (RFC 2408 §3.9; encodings as profiled by RFC 4945 §3.3).
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Cert Encoding !                                               !
 * +-+-+-+-+-+-+-+-+                                               !
 * ~                       Certificate Data                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { DecodeError } from "../../../errors.js";
import { PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";

/** Certificate Encoding values (RFC 2408 §3.9, RFC 4945 §3.3). */
export const CertEncoding = {
  PKCS7: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  X509_KEY_EXCHANGE: 5,
  KERBEROS: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
  /** RFC 4945's "hash and URL" is IKEv2's; IKEv1 stacks use 12 and 13 too (strongSwan). */
  HASH_URL_X509: 12,
  HASH_URL_BUNDLE: 13,
} as const;

const ENCODING_NAMES: Readonly<Record<number, string>> = {
  1: "PKCS #7 wrapped X.509",
  2: "PGP",
  3: "DNS signed key",
  4: "X.509 signature",
  5: "X.509 key exchange",
  6: "Kerberos token",
  7: "CRL",
  8: "ARL",
  9: "SPKI",
  10: "X.509 attribute",
  12: "hash and URL of X.509",
  13: "hash and URL of X.509 bundle",
};

export function certEncodingName(encoding: number): string {
  return ENCODING_NAMES[encoding] ?? `encoding ${encoding}`;
}

export interface CertificatePayload {
  encoding: number;
  data: Buffer;
  /** Decoded payloads: the body as received. */
  raw?: Buffer;
}

export function encodeCertificate(p: CertificatePayload): Buffer {
  return Buffer.concat([Buffer.from([p.encoding]), p.data]);
}

export function certificateLength(p: CertificatePayload): number {
  return 1 + p.data.length;
}

export function decodeCertificate(body: Buffer): CertificatePayload {
  const r = new Reader(body, 0, body.length, PayloadType.CERT);
  const encoding = r.u8("certificate encoding");
  if (r.remaining === 0) throw new DecodeError("truncated", "certificate payload without certificate data", r.offset, PayloadType.CERT);
  return { encoding, data: Buffer.from(r.rest()), raw: Buffer.from(body) };
}

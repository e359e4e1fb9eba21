/**
 * A certificate parsed both ways: node:crypto's X509Certificate (keys, fingerprints, issuer checks)
 * and @peculiar/asn1-x509's structure (what node:crypto does not expose). Its own module so that the
 * parser (certificate.ts) and the chain evaluator (chain.ts) share it without importing each other.
 */
import type { X509Certificate } from "node:crypto";
import type { Certificate } from "@peculiar/asn1-x509";

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  asn: Certificate;
  /** basicConstraints cA. */
  isCa: boolean;
}

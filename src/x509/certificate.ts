/**
 * A certificate as the report shows it (identity.remoteCertificates[]): what node:crypto's
 * X509Certificate gives (public key, fingerprint, issuer checks), and from the DER, parsed by
 * @peculiar/asn1-x509, what it does not (the signature algorithm, key usage bits, SANs as data,
 * DNs in one-line form, validity as dates).
 */
import { X509Certificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
} from "@peculiar/asn1-x509";
import { nameText } from "./name.js";
import { toPem } from "./pem.js";
import { CertEncoding, certEncodingName, decodeCertificate } from "../wire/v1/payloads/certificate.js";
import { endEntityFirst } from "./chain.js";
import type { ParsedCertificate } from "./parsed.js";

export interface PublicKeyInfo {
  /** rsa, ec, dsa, ed25519, ... (node:crypto's asymmetricKeyType). */
  type: string;
  bits: number | null;
  /** EC keys: P-256, P-384, P-521 or OpenSSL's curve name. */
  curve?: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Hex, as encoded (no sign byte). */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days from now to notAfter (negative once expired). */
  daysLeft: number;
  publicKey: PublicKeyInfo;
  signatureAlgorithm: string;
  subjectAltNames: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  /** SHA-256 of the DER, hex. */
  sha256: string;
  /** Only with --show-certs. */
  pem?: string;
}

/** Signature algorithm OIDs (RFC 3279, RFC 4055, RFC 5758, RFC 8410) by name. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.2": "md2WithRSAEncryption",
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
  "1.2.840.10040.4.3": "dsaWithSHA1",
  "2.16.840.1.101.3.4.3.2": "dsaWithSHA256",
  "1.2.840.10045.4.1": "ecdsaWithSHA1",
  "1.2.840.10045.4.3.2": "ecdsaWithSHA256",
  "1.2.840.10045.4.3.3": "ecdsaWithSHA384",
  "1.2.840.10045.4.3.4": "ecdsaWithSHA512",
  "1.3.101.112": "ed25519",
  "1.3.101.113": "ed448",
};

/** Extended key usage purposes (RFC 5280 §4.2.1.12, RFC 4945 §5.1.3.12, RFC 4809). */
const KEY_PURPOSES: Readonly<Record<string, string>> = {
  "2.5.29.37.0": "any",
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.5": "ipsecEndSystem",
  "1.3.6.1.5.5.7.3.6": "ipsecTunnel",
  "1.3.6.1.5.5.7.3.7": "ipsecUser",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "1.3.6.1.5.5.7.3.17": "ipsecIKE",
  "1.3.6.1.5.5.8.2.2": "iKEIntermediate",
};

const CURVES: Readonly<Record<string, string>> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
const CURVE_BITS: Readonly<Record<string, number>> = { "P-256": 256, "P-384": 384, "P-521": 521 };

/** A received or loaded certificate: node:crypto's view and the parsed DER. */
export type { ParsedCertificate } from "./parsed.js";

/** Parses a DER certificate; throws (with the parser's reason) on bytes that are not one. */
export function parseCertificate(der: Buffer): ParsedCertificate {
  const x509 = new X509Certificate(der);
  const asn = AsnConvert.parse(der, Certificate);
  const bc = extension(asn, id_ce_basicConstraints, BasicConstraints);
  return { der, x509, asn, isCa: bc?.cA === true };
}

function extension<T>(asn: Certificate, oid: string, type: new () => T): T | undefined {
  const e = asn.tbsCertificate.extensions?.find((x) => x.extnID === oid);
  return e === undefined ? undefined : AsnConvert.parse(e.extnValue.buffer, type);
}

/** The DER of a certificate's subject (what a CERTREQ names as the authority, RFC 4945 §3.2.3). */
export function subjectDer(der: Buffer): Buffer {
  return Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject));
}

export function publicKeyInfo(c: ParsedCertificate): PublicKeyInfo {
  const key = c.x509.publicKey;
  const d = key.asymmetricKeyDetails ?? {};
  const type = key.asymmetricKeyType ?? "unknown";
  if (type === "ec") {
    const curve = d.namedCurve !== undefined ? (CURVES[d.namedCurve] ?? d.namedCurve) : "unknown";
    return { type, bits: CURVE_BITS[curve] ?? null, curve };
  }
  return { type, bits: d.modulusLength ?? (type === "ed25519" ? 256 : type === "ed448" ? 456 : null) };
}

export function signatureAlgorithmName(c: ParsedCertificate): string {
  const oid = c.asn.signatureAlgorithm.algorithm;
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

export function subjectAltNames(c: ParsedCertificate): string[] {
  const san = extension(c.asn, id_ce_subjectAltName, SubjectAlternativeName);
  return Array.from(san ?? [], (g) => {
    if (g.dNSName !== undefined) return `DNS:${g.dNSName}`;
    if (g.iPAddress !== undefined) return `IP:${g.iPAddress}`;
    if (g.rfc822Name !== undefined) return `email:${g.rfc822Name}`;
    if (g.uniformResourceIdentifier !== undefined) return `URI:${g.uniformResourceIdentifier}`;
    if (g.directoryName !== undefined) return `DN:${nameText(g.directoryName)}`;
    if (g.registeredID !== undefined) return `RID:${g.registeredID}`;
    return "other";
  });
}

export function describeCertificate(c: ParsedCertificate, nowMs: number, withPem: boolean): CertificateInfo {
  const tbs = c.asn.tbsCertificate;
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  const ku = extension(c.asn, id_ce_keyUsage, KeyUsage);
  const eku = extension(c.asn, id_ce_extKeyUsage, ExtendedKeyUsage);
  const info: CertificateInfo = {
    subject: nameText(tbs.subject),
    issuer: nameText(tbs.issuer),
    serialNumber: Buffer.from(tbs.serialNumber).toString("hex"),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - nowMs) / 86_400_000),
    publicKey: publicKeyInfo(c),
    signatureAlgorithm: signatureAlgorithmName(c),
    subjectAltNames: subjectAltNames(c),
    keyUsage: ku?.toJSON() ?? [],
    extendedKeyUsage: Array.from(eku ?? [], (p) => KEY_PURPOSES[p] ?? p),
    sha256: c.x509.fingerprint256.replace(/:/g, "").toLowerCase(),
  };
  if (withPem) info.pem = toPem(c.der);
  return info;
}

/**
 * The X.509 certificates among CERT payload bodies, end entity first, each parsed as far as the
 * report reads it (a hostile extension or a key OpenSSL cannot decode fails here, not later); the
 * rest in words. The signature check and the report both take certificates from here.
 */
export function parseCertificatePayloads(bodies: readonly Buffer[]): { parsed: ParsedCertificate[]; unreadable: string[] } {
  const parsed: ParsedCertificate[] = [];
  const unreadable: string[] = [];
  for (const body of bodies) {
    try {
      const c = decodeCertificate(body);
      if (c.encoding !== CertEncoding.X509_SIGNATURE) {
        unreadable.push(`a CERT payload of ${certEncodingName(c.encoding)} (${c.data.length} bytes) was not parsed`);
        continue;
      }
      const cert = parseCertificate(c.data);
      describeCertificate(cert, 0, false);
      parsed.push(cert);
    } catch (e) {
      unreadable.push(`a CERT payload (${body.length} bytes) is not a certificate we can read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { parsed: endEntityFirst(parsed), unreadable };
}

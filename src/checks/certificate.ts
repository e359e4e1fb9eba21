/**
 * The gateway's certificates audited (identity.remoteCertificates): validity, key and signature
 * strength, self-signed, whether the gateway's ID is in its certificate (RFC 4945 §3.1), and the
 * chain against --ca. One rule per finding id, its severity and reason as data.
 */
import type { Severity } from "../data/ratings.js";
import type { CertificateInfo } from "../x509/certificate.js";
import type { ChainResult } from "../x509/chain.js";
import type { Check, Finding } from "./registry.js";

export interface CertificateAuditInput {
  /** The gateway's certificates as reported, end entity first (empty: nothing to audit). */
  certificates: readonly CertificateInfo[];
  chain: ChainResult | null;
  /** The gateway's ID payload in words (a DN as its one-line form). */
  remoteId: { type: string; value: string } | null;
  /** certificate-expiring within this many days. */
  warnDays: number;
}

interface Rule {
  id: string;
  title: string;
  severity: Severity;
  reason: string;
  /** One detail per certificate (or chain) the rule applies to. */
  applies(i: CertificateAuditInput): string[];
}

const WEAK_SIGNATURE = /^(md2|md5|sha1)With|^dsaWithSHA1$|^ecdsaWithSHA1$/;

/** Whether the ID names what the certificate is issued to (RFC 4945 §3.1: the ID must match a SAN, or the subject for a DN). */
export function idInCertificate(id: { type: string; value: string }, c: CertificateInfo): boolean | null {
  const san = (prefix: string, v: string): boolean => c.subjectAltNames.some((s) => s.toLowerCase() === `${prefix}:${v}`.toLowerCase());
  switch (id.type) {
    case "ipv4":
    case "ipv6":
      return san("IP", id.value);
    case "fqdn":
      return san("DNS", id.value);
    case "user-fqdn":
      return san("email", id.value);
    case "der-asn1-dn":
      return c.subject === id.value;
    default:
      return null;
  }
}

const each = (i: CertificateAuditInput, pick: (c: CertificateInfo) => string | undefined): string[] => i.certificates.flatMap((c) => pick(c) ?? []);
const ee = (i: CertificateInfo[] | readonly CertificateInfo[]): CertificateInfo | undefined => i[0];
const day = (iso: string): string => iso.slice(0, 10);

export const CERTIFICATE_RULES: readonly Rule[] = [
  {
    id: "certificate-expired",
    title: "gateway certificate expired",
    severity: "HIGH",
    reason: "peers that check validity refuse it; one that does not accepts a certificate whose key may be long compromised",
    applies: (i) => each(i, (c) => (c.daysLeft < 0 ? `${c.subject} expired on ${day(c.notAfter)} (${-c.daysLeft} days ago)` : undefined)),
  },
  {
    id: "certificate-not-yet-valid",
    title: "gateway certificate not yet valid",
    severity: "HIGH",
    reason: "peers refuse it until its notBefore (or the gateway's clock is wrong)",
    applies: (i) => each(i, (c) => (Date.parse(c.notBefore) > Date.now() ? `${c.subject} is valid only from ${c.notBefore}` : undefined)),
  },
  {
    id: "certificate-expiring",
    title: "gateway certificate expiring soon",
    severity: "MEDIUM",
    reason: "renew it before it expires, or every peer that checks validity will refuse the gateway",
    applies: (i) => each(i, (c) => (c.daysLeft >= 0 && c.daysLeft <= i.warnDays ? `${c.subject} expires on ${day(c.notAfter)} (in ${c.daysLeft} days; --cert-warn-days ${i.warnDays})` : undefined)),
  },
  {
    id: "certificate-weak-key",
    title: "weak key in gateway certificate",
    severity: "HIGH",
    reason: "RSA and DSA keys under 2048 bits are below current minimums (NIST SP 800-131A); 1024-bit keys are within reach of well-funded attackers",
    applies: (i) => each(i, (c) => ((c.publicKey.type === "rsa" || c.publicKey.type === "dsa") && c.publicKey.bits !== null && c.publicKey.bits < 2048 ? `${c.subject} has a ${c.publicKey.bits}-bit ${c.publicKey.type.toUpperCase()} key` : undefined)),
  },
  {
    id: "certificate-weak-signature",
    title: "weak signature on gateway certificate",
    severity: "MEDIUM",
    reason: "MD5 and SHA-1 signatures can be forged by chosen-prefix collisions (a rogue certificate with the same signature)",
    // A self-signed anchor's own signature protects nothing: trust in it is by configuration.
    applies: (i) => each(i, (c) => (WEAK_SIGNATURE.test(c.signatureAlgorithm) && c.subject !== c.issuer ? `${c.subject} is signed with ${c.signatureAlgorithm}` : undefined)),
  },
  {
    id: "certificate-self-signed",
    title: "self-signed gateway certificate",
    severity: "MEDIUM",
    reason: "no authority vouches for it: peers must pin this very certificate, and one that accepts it without pinning accepts any impostor's",
    applies: (i) => (i.chain?.selfSigned === true && ee(i.certificates) !== undefined ? [`${ee(i.certificates)!.subject} is self-signed`] : []),
  },
  {
    id: "certificate-id-mismatch",
    title: "gateway ID not in its certificate",
    severity: "MEDIUM",
    reason: "RFC 4945 §3.1: the ID payload must match the certificate's subject or a subjectAltName; peers that check refuse the gateway, peers that do not cannot bind the certificate to the identity",
    applies: (i) => {
      const c = ee(i.certificates);
      if (c === undefined || i.remoteId === null || idInCertificate(i.remoteId, c) !== false) return [];
      return [`the gateway's ID ${i.remoteId.type} ${i.remoteId.value} matches neither the subject (${c.subject}) nor a subjectAltName (${c.subjectAltNames.join(", ") || "none"})`];
    },
  },
  {
    id: "certificate-untrusted",
    title: "gateway certificate not trusted",
    severity: "HIGH",
    reason: "its chain does not verify to the trust anchors given with --ca: a peer configured with them refuses the gateway (or it is not the gateway you think)",
    applies: (i) => (i.chain?.trusted === false && i.certificates.length > 0 ? [i.chain.detail] : []),
  },
  {
    id: "certificate-chain-incomplete",
    title: "gateway certificate chain incomplete",
    severity: "LOW",
    reason: "the gateway did not send an intermediate its certificate needs: peers that lack it locally cannot build the path",
    // Only with --ca: without anchors, an issuer not sent is most often the root, which peers hold themselves.
    applies: (i) => (i.chain?.incomplete === true && i.chain.trusted !== null && i.certificates.length > 0 ? [i.chain.detail] : []),
  },
];

export const CERTIFICATE_CHECKS: readonly Check<CertificateAuditInput>[] = CERTIFICATE_RULES.map((r) => ({
  id: r.id,
  title: r.title,
  run: (i: CertificateAuditInput): Finding[] => r.applies(i).map((detail) => ({ id: r.id, severity: r.severity, detail: `${detail}: ${r.reason}` })),
}));

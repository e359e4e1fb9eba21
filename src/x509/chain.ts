/**
 * The gateway's chain checked the way a peer would (RFC 5280 §6, the parts an audit can judge from
 * the certificates alone): from the end entity, each certificate's issuer is looked for among the
 * trust anchors (--ca) first and the certificates the gateway sent next, matched by name
 * (checkIssued) and proven by its signature (verify). Revocation is not checked (no CRL or OCSP
 * fetch: a probe sends packets to the gateway only).
 */
import type { ParsedCertificate } from "./parsed.js";
import { nameText } from "./name.js";

export interface ChainResult {
  /** true/false against the anchors; null when none were given. */
  trusted: boolean | null;
  detail: string;
  /** No issuer of the last certificate reached was sent or given (and it is not self-signed). */
  incomplete: boolean;
  /** The end entity is self-signed. */
  selfSigned: boolean;
  /** The certificates of the path found, end entity first (anchor last when one was reached). */
  path: ParsedCertificate[];
}

function issues(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
  try {
    return subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

const subjectOf = (c: ParsedCertificate): string => nameText(c.asn.tbsCertificate.subject);
const issuerOf = (c: ParsedCertificate): string => nameText(c.asn.tbsCertificate.issuer);

export function evaluateChain(received: readonly ParsedCertificate[], anchors: readonly ParsedCertificate[] | undefined, nowMs: number): ChainResult {
  const ee = received[0];
  if (ee === undefined) return { trusted: anchors === undefined ? null : false, detail: "the gateway sent no certificate", incomplete: false, selfSigned: false, path: [] };
  const selfSigned = issues(ee, ee);
  const path = [ee];
  const unused = new Set(received.slice(1));
  let current = ee;
  // Each step uses up one sent certificate, so the walk ends after at most received.length steps.
  for (;;) {
    const anchor = anchors?.find((a) => issues(a, current) || a.der.equals(current.der));
    if (anchor !== undefined) {
      if (!anchor.der.equals(current.der)) path.push(anchor);
      const expired = path.find((c) => c.asn.tbsCertificate.validity.notAfter.getTime().getTime() < nowMs || c.asn.tbsCertificate.validity.notBefore.getTime().getTime() > nowMs);
      return {
        trusted: expired === undefined,
        detail:
          expired === undefined
            ? `verified to the trust anchor ${subjectOf(anchor)} (${path.length} certificate${path.length > 1 ? "s" : ""})`
            : `a path to the trust anchor ${subjectOf(anchor)} exists, but ${subjectOf(expired)} is outside its validity period`,
        incomplete: false,
        selfSigned,
        path,
      };
    }
    const next = [...unused].find((c) => issues(c, current));
    if (next === undefined) break;
    unused.delete(next);
    path.push(next);
    current = next;
  }
  const root = issues(current, current);
  const incomplete = !root;
  const where = root ? `ends at the self-signed ${subjectOf(current)}` : `stops at ${subjectOf(current)}: its issuer ${issuerOf(current)} was neither sent nor given`;
  if (anchors === undefined) return { trusted: null, detail: `not checked (no --ca); the chain ${where}`, incomplete, selfSigned, path };
  return { trusted: false, detail: `no path to a trust anchor of --ca: the chain ${where}`, incomplete, selfSigned, path };
}

/**
 * The certificates a gateway sent, end entity first: the first one that issued none of the others
 * (gateways usually send it first, but RFC 4945 §3.3 does not order CERT payloads), then the rest
 * as received.
 */
export function endEntityFirst(received: readonly ParsedCertificate[]): ParsedCertificate[] {
  const ee = received.find((c) => !received.some((o) => o !== c && issues(c, o))) ?? received[0];
  return ee === undefined ? [] : [ee, ...received.filter((c) => c !== ee)];
}

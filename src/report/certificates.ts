/**
 * The certificate side of identity (issue 12): what the gateway presented and asked for, the check
 * of its signature and of its chain, as the report's data, and the input of the certificate audit.
 */
import type { Phase1Result } from "../exchanges/phase1/index.js";
import type { CertificateOptions } from "../probe/options.js";
import { certEncodingName, decodeCertificate } from "../wire/payloads/certificate.js";
import { type CertificateInfo, type ParsedCertificate, describeCertificate, parseCertificate } from "../x509/certificate.js";
import { type ChainResult, endEntityFirst, evaluateChain } from "../x509/chain.js";
import { derNameText } from "../x509/name.js";
import { toPem } from "../x509/pem.js";
import type { CertificateAuditInput } from "../checks/index.js";
import type { IdentityReport } from "./model.js";

export type CertificateFields = Pick<IdentityReport, "remoteCertificates" | "certificateRequests" | "signature" | "chain">;

export interface CertificateView {
  fields: CertificateFields;
  audit: CertificateAuditInput;
  chainResult: ChainResult | null;
  /** CERT payloads that are not X.509 certificates we could read, in words. */
  unreadable: string[];
}

/** The X.509 certificates among CERT payload bodies, each parsed as far as the report reads it; the rest in words. */
function parseAll(bodies: readonly Buffer[]): { parsed: ParsedCertificate[]; unreadable: string[] } {
  const parsed: ParsedCertificate[] = [];
  const unreadable: string[] = [];
  for (const body of bodies) {
    try {
      const c = decodeCertificate(body);
      if (c.encoding !== 4) {
        unreadable.push(`a CERT payload of ${certEncodingName(c.encoding)} (${c.data.length} bytes) was not parsed`);
        continue;
      }
      const cert = parseCertificate(c.data);
      // Every field the report shows must parse too: a hostile extension fails here, not in the report.
      describeCertificate(cert, 0, false);
      parsed.push(cert);
    } catch (e) {
      unreadable.push(`a CERT payload (${body.length} bytes) is not a certificate we can read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { parsed, unreadable };
}

export function certificateView(r: Phase1Result | undefined, opts: CertificateOptions | undefined, remoteId: { type: string; value: string } | null, nowMs: number): CertificateView {
  const { parsed, unreadable } = parseAll(r?.certificates ?? []);
  const ordered = endEntityFirst(parsed);
  const infos: CertificateInfo[] = ordered.map((c) => describeCertificate(c, nowMs, opts?.showPem === true));
  let anchors: ParsedCertificate[] | undefined;
  if (opts?.ca !== undefined) anchors = opts.ca.map((der) => parseCertificate(der));
  const chainResult = ordered.length > 0 || anchors !== undefined ? evaluateChain(ordered, anchors, nowMs) : null;
  const requests = (r?.certificateRequests ?? []).map((q) => {
    let authority: string | null = null;
    if (q.authority.length > 0) {
      try {
        authority = derNameText(q.authority);
      } catch {
        authority = `#${q.authority.toString("hex")}`;
      }
    }
    return { encoding: certEncodingName(q.certType), authority };
  });
  return {
    fields: {
      remoteCertificates: infos,
      certificateRequests: requests,
      signature: r?.signature ?? null,
      chain: chainResult !== null && ordered.length > 0 ? { trusted: chainResult.trusted, detail: chainResult.detail } : null,
    },
    audit: { certificates: infos, chain: chainResult, remoteId, warnDays: opts?.warnDays ?? 30 },
    chainResult,
    unreadable,
  };
}

/** The gateway's certificates as one PEM file, end entity first (--save-certs); null when it sent none. */
export function certificatesPem(r: Phase1Result | undefined): string | null {
  const { parsed } = parseAll(r?.certificates ?? []);
  return parsed.length === 0 ? null : endEntityFirst(parsed).map((c) => toPem(c.der)).join("");
}

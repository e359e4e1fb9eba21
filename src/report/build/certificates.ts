/**
 * The certificate side of identity: what the gateway presented and asked for, the check
 * of its signature and of its chain, as the report's data, and the input of the certificate audit.
 */
import type { Phase1Result } from "../../exchanges/v1/phase1/index.js";
import type { CertificateOptions } from "../../probe/options.js";
import { certEncodingName } from "../../wire/v1/payloads/certificate.js";
import { type CertificateInfo, type ParsedCertificate, describeCertificate, parseCertificate, parseCertificatePayloads } from "../../x509/certificate.js";
import { type ChainResult, evaluateChain } from "../../x509/chain.js";
import { authorityText } from "../../x509/name.js";
import { toPem } from "../../x509/pem.js";
import type { CertificateAuditInput } from "../../checks/index.js";
import type { IdentityReport } from "../model/probe.js";

export type CertificateFields = Pick<IdentityReport, "remoteCertificates" | "certificateRequests" | "signature" | "chain">;

export interface CertificateView {
  fields: CertificateFields;
  audit: CertificateAuditInput;
  chainResult: ChainResult | null;
  /** CERT payloads that are not X.509 certificates we could read, in words. */
  unreadable: string[];
}

/** What an exchange kept of the gateway's certificates: its CERT and CERTREQ payloads and the check of its signature. */
export type CertificateEvidence = Pick<Phase1Result, "certificates" | "certificateRequests"> & Partial<Pick<Phase1Result, "signature">>;

export function certificateView(r: CertificateEvidence | undefined, opts: CertificateOptions | undefined, remoteId: { type: string; value: string } | null, nowMs: number): CertificateView {
  const { parsed: ordered, unreadable } = parseCertificatePayloads(r?.certificates ?? []);
  const infos: CertificateInfo[] = ordered.map((c) => describeCertificate(c, nowMs, opts?.showPem === true));
  let anchors: ParsedCertificate[] | undefined;
  if (opts?.ca !== undefined) anchors = opts.ca.map((der) => parseCertificate(der));
  const chainResult = ordered.length > 0 || anchors !== undefined ? evaluateChain(ordered, anchors, nowMs) : null;
  const requests = (r?.certificateRequests ?? []).map((q) => ({ encoding: certEncodingName(q.certType), authority: authorityText(q.authority) }));
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
export function certificatesPem(r: CertificateEvidence | undefined): string | null {
  const { parsed } = parseCertificatePayloads(r?.certificates ?? []);
  return parsed.length === 0 ? null : parsed.map((c) => toPem(c.der)).join("");
}

/** The console form of identity's certificate fields: the gateway's certificates, its CERTREQs, SIG_R and chain. */
import type { ChalkInstance } from "chalk";
import type { IdentityReport } from "../model/probe.js";
import { table, wrap } from "./layout.js";

export function renderCertificates(report: IdentityReport, c: ChalkInstance, color: boolean, out: string[]): void {
  // A report written before these fields existed (a saved JSON) renders without them.
  const id = { ...report, signature: report.signature ?? null, chain: report.chain ?? null, remoteCertificates: report.remoteCertificates ?? [], certificateRequests: report.certificateRequests ?? [] };
  if (id.signature !== null || id.chain !== null) {
    const parts: string[] = [];
    if (id.signature !== null) parts.push(`SIG_R ${id.signature.verified ? c.green("verified") : c.red("does not verify")} (${id.signature.algorithm})`);
    if (id.chain !== null) parts.push(id.chain.trusted === null ? `chain ${id.chain.detail}` : `chain ${id.chain.trusted ? c.green("trusted") : c.red("not trusted")}: ${id.chain.detail}`);
    out.push(wrap(`${c.bold("Signature:")} ${parts.join("; ")}`, 110));
  }
  for (const [i, cert] of id.remoteCertificates.entries()) {
    out.push("", c.bold(`Gateway certificate ${i + 1} of ${id.remoteCertificates.length}${i === 0 ? " (end entity)" : ""}`));
    const t = table(c, undefined, color);
    const days = cert.daysLeft < 0 ? c.red(`expired ${-cert.daysLeft} days ago`) : `${cert.daysLeft} days left`;
    const key = `${cert.publicKey.type.toUpperCase()}${cert.publicKey.curve !== undefined ? ` ${cert.publicKey.curve}` : ""}${cert.publicKey.bits !== null ? ` (${cert.publicKey.bits} bits)` : ""}`;
    t.push({ subject: [wrap(cert.subject, 80)] }, { issuer: [wrap(cert.issuer, 80)] }, { validity: [`${cert.notBefore} to ${cert.notAfter} (${days})`] }, { "public key": [key] }, { signature: [cert.signatureAlgorithm] });
    if (cert.subjectAltNames.length > 0) t.push({ "alt names": [wrap(cert.subjectAltNames.join(", "), 80)] });
    if (cert.keyUsage.length > 0 || cert.extendedKeyUsage.length > 0) t.push({ usage: [wrap([...cert.keyUsage, ...cert.extendedKeyUsage].join(", "), 80)] });
    t.push({ serial: [cert.serialNumber] }, { SHA256: [cert.sha256] });
    out.push(t.toString());
    if (cert.pem !== undefined) out.push(cert.pem.trimEnd());
  }
  if (id.certificateRequests.length > 0) {
    out.push("", `${c.bold("The gateway asked for certificates")} (CERTREQ):`);
    for (const r of id.certificateRequests) out.push(`  ${r.encoding}${r.authority !== null ? ` from ${r.authority}` : ", any authority"}`);
  }
}

/** Terminal rendering of the IKEv2 probe's report (`ikeprobe probe --ikev2`). */
import { Chalk } from "chalk";
import type { ProbeV2Report } from "../model/probe-v2.js";
import { findingsTable, fitLines, sevColor, table } from "./layout.js";

export function renderProbeV2Table(r: ProbeV2Report, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  const addr = r.target.address !== null && r.target.address !== r.target.host ? ` (${r.target.address})` : "";
  out.push(c.bold(`ikeprobe ${r.tool.version}: ${r.target.host}${addr} port ${r.target.port}, IKEv2, from ${r.source.address ?? "?"} port ${r.source.port ?? "?"}`));
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  out.push("", c.bold("IKE_SA_INIT offers"));
  const offers = table(c, ["#", "proposal", "status", "gateway said", "RTT"], color);
  r.ikeSa.offers.forEach((o, i) => {
    const status = o.status === "accepted" ? c.green(o.status) : o.status === "rejected" ? c.red(o.status) : c.yellow(o.status);
    const said = [o.status === "accepted" ? "SA" : (o.notify ?? (o.status === "no-response" ? "nothing" : "")), o.retriedWithGroup !== undefined ? `after INVALID_KE_PAYLOAD: sent again with ${o.retriedWithGroup}` : "", o.cookies > 0 ? `${o.cookies} COOKIE${o.cookies === 1 ? "" : "s"} echoed` : "", o.error ?? ""].filter((x) => x !== "").join("; ");
    offers.push([String(i + 1), o.proposal, status, said, o.rttMs !== undefined ? `${o.rttMs} ms` : "-"]);
  });
  out.push(offers.toString());
  const s = r.ikeSa.selected;
  if (s !== null) {
    out.push("", c.bold("Selected transforms"));
    const t = table(c, undefined, color);
    t.push({ proposal: [s.proposal] }, { encryption: [s.encryption] }, { prf: [s.prf] }, { integrity: [s.integrity ?? "(in the AEAD cipher)"] }, { group: [s.group] }, { rating: [`${sevColor(c, s.severity)}${s.reasons.length > 0 ? ` ${s.reasons.join("; ")}` : ""}`] });
    out.push(t.toString());
  }
  const n = r.ikeSa.notifies;
  if (n !== null) {
    const yes = (b: boolean): string => (b ? "yes" : "no");
    out.push(`Extensions: fragmentation ${yes(n.fragmentation)}, signature hashes ${n.signatureHashAlgorithms?.join("/") ?? "none"}, childless ${yes(n.childless)}, multiple auth ${yes(n.multipleAuth)}, NAT detection ${yes(n.natDetection)}${n.other.length > 0 ? `; also ${n.other.join(", ")}` : ""}`);
  }
  const nat = r.ikeSa.natDetected;
  if (nat !== null || r.ikeSa.floated) out.push(`NAT: ${nat === null ? "not detected (no NAT detection notifies)" : `${nat.local ? "we are behind a NAT (or the gateway claims so)" : "none on our side"}; ${nat.gateway ? "the gateway is behind a NAT (or claims to be)" : "none on the gateway's side"}`}${r.ikeSa.floated ? "; IKE_AUTH onward on UDP 4500 (NAT-T)" : ""}`);
  const fr = r.ikeSa.fragmentation;
  if (fr !== null && (fr.sent > 0 || fr.received > 0)) out.push(`IKE fragmentation (RFC 7383): IKE_AUTH sent in ${fr.sent > 0 ? `${fr.sent} fragments` : "one message"}, its answer received in ${fr.received > 0 ? `${fr.received} fragments, reassembled` : "one message"}`);
  if (r.ikeSa.vendorIds.length > 0) out.push(`Vendor IDs: ${r.ikeSa.vendorIds.map((v) => v.name ?? v.hex).join(", ")}`);
  const id = r.identity;
  const idColor = id.status === "authenticated" ? c.green : id.status === "not-attempted" ? (x: string) => x : c.red;
  if (id.stage === null) out.push(`Identity: ${id.status.toUpperCase()} (${id.detail})`);
  else {
    out.push("", c.bold("IKE_AUTH"));
    const t = table(c, undefined, color);
    const name = (x: { type: string; value: string } | null, none: string): string => (x !== null ? `${x.type}:${x.value}` : none);
    t.push(
      { result: [idColor(id.status.toUpperCase())] },
      { why: [id.detail] },
      { "our ID (IDi)": [name(id.local, "-")] },
      { "IDr asked for": [name(id.requestedRemote, "none (the gateway picks)")] },
      { "gateway's ID": [name(id.remote, "-")] },
      ...(id.ourAuth !== undefined ? [{ "our AUTH": [id.ourAuth] }] : []),
      ...(id.remoteCertificates ?? []).map((cert, i) => ({ [i === 0 ? "gateway's certificate" : "intermediate"]: [`${cert.subject} (issuer ${cert.issuer}; ${cert.publicKey.curve ?? `${cert.publicKey.type}${cert.publicKey.bits !== null ? `-${cert.publicKey.bits}` : ""}`}; ${cert.daysLeft} days left)`] })),
      ...(id.chain != null ? [{ chain: [id.chain.trusted === true ? c.green(id.chain.detail) : id.chain.trusted === false ? c.red(id.chain.detail) : id.chain.detail] }] : []),
      ...(id.certificateNotes ?? []).map((n) => ({ note: [n] })),
      ...(id.eap !== undefined ? [{ EAP: [`${id.eap.methods.join(" then ")}; ${id.eap.ended}`] }] : []),
      ...(id.gatewayAuth !== null ? [{ "gateway's AUTH": [`${id.gatewayAuth.scheme ?? id.gatewayAuth.method}: ${id.gatewayAuth.verified === null ? "not checked" : id.gatewayAuth.verified ? c.green("verified") : c.red("does not verify")}`] }] : []),
      ...(id.evidence !== null && id.evidence !== "" ? [{ evidence: [id.evidence] }] : []),
    );
    out.push(t.toString());
  }
  if (r.childSas.length > 0) renderChildSas(r, c, color, out);
  if (r.dpd !== null) out.push(`Liveness check (empty INFORMATIONAL): ${r.dpd.answered ? c.green("answered") : c.red("no answer")}${r.dpd.rttMs !== null ? ` in ${r.dpd.rttMs} ms` : ""}; ${r.dpd.detail}`);
  out.push(`Cleanup: ${r.cleanup.detail}`);
  if (r.findings.length > 0) out.push("", c.bold("Findings"), findingsTable(r.findings, c, color));
  return fitLines(`${out.join("\n")}\n`);
}

function renderChildSas(r: ProbeV2Report, c: InstanceType<typeof Chalk>, color: boolean, out: string[]): void {
  const first = r.childSas[0]!;
  out.push("", c.bold(`CHILD SAs (ESP, ${first.asked.mode}; asked ${first.asked.localTs.join(", ")} === ${first.asked.remoteTs.join(", ")})`));
  const t = table(c, ["#", "proposal", "exchange", "status", "SA / gateway said", "RTT"], color);
  r.childSas.forEach((ch, i) => {
    const status = ch.status === "accepted" ? c.green(ch.status) : ch.status === "refused" ? c.red(ch.status) : c.yellow(ch.status);
    const sa = ch.sa;
    const said =
      sa !== null
        ? [`${sa.proposal}, ${sa.mode}`, `SPIs in ${sa.spiIn} out ${sa.spiOut}`, `${sa.localTs.join(", ")} === ${sa.remoteTs.join(", ")}${sa.narrowed ? c.yellow(" (narrowed)") : ""}`, ...sa.mismatches.map((m) => c.yellow(m))].join("\n")
        : `${ch.notify !== undefined ? `${ch.notify}: ` : ""}${ch.detail}`;
    t.push([String(i + 1), ch.proposal, ch.exchange, status, said, ch.rttMs !== undefined ? `${ch.rttMs} ms` : "-"]);
  });
  out.push(t.toString());
}

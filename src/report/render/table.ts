/** Terminal rendering of a report: cli-table3 tables, chalk colors (off for NO_COLOR / --no-color / pipes). */
import { Chalk, type ChalkInstance } from "chalk";
import type { Report } from "../model/probe.js";
import { renderCertificates } from "./certificates.js";
import { findingsTable, fitLines, table, wrap } from "./layout.js";

export { fitLines, setTableWidth } from "./layout.js";

const GROUP_DESC: Record<string, string> = {
  modp768: "768-bit MODP",
  modp1024: "1024-bit MODP",
  modp1536: "1536-bit MODP",
  modp2048: "2048-bit MODP",
  modp3072: "3072-bit MODP",
  modp4096: "4096-bit MODP",
  modp6144: "6144-bit MODP",
  modp8192: "8192-bit MODP",
  ecp256: "256-bit ECP (NIST P-256)",
  ecp384: "384-bit ECP (NIST P-384)",
  ecp521: "521-bit ECP (NIST P-521)",
  modp1024s160: "1024-bit MODP, 160-bit subgroup",
  modp2048s224: "2048-bit MODP, 224-bit subgroup",
  modp2048s256: "2048-bit MODP, 256-bit subgroup",
  curve25519: "Curve25519",
};

function duration(s: number): string {
  if (s % 86400 === 0) return `${s} s (${s / 86400} d)`;
  if (s % 3600 === 0) return `${s} s (${s / 3600} h)`;
  if (s % 60 === 0) return `${s} s (${s / 60} min)`;
  return `${s} s`;
}

export function renderTable(r: Report, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  out.push(c.bold(`ikeprobe ${r.tool.version}: ${r.target.host}${r.target.host !== r.target.address ? ` (${r.target.address})` : ""} port ${r.target.port}, from ${r.source.address} port ${r.source.port}`));

  out.push("", c.bold(`Phase 1 offers (${r.phase1.mode === "aggressive" ? "Aggressive" : "Main"} Mode)`));
  const offers = table(c, ["#", "proposal", "auth", "status", "gateway said", "RTT"], color);
  r.phase1.offers.forEach((o, i) => {
    const status =
      o.status === "accepted" ? c.green("accepted") : o.status === "rejected" ? c.red("rejected") : o.status === "no-response" ? c.yellow("no response") : c.magenta("malformed reply");
    offers.push([String(i + 1), o.proposal, o.auth, status, o.notify ?? o.error ?? (o.status === "accepted" ? "SA with this transform" : ""), o.rttMs !== undefined ? `${o.rttMs.toFixed(1)} ms` : `${o.transmissions} sent`]);
  });
  out.push(offers.toString());

  const s = r.phase1.selected;
  if (s !== null) {
    out.push("", c.bold("Selected transform"));
    const t = table(c, undefined, color);
    t.push(
      { encryption: [`${s.encryption}${s.keyLength !== null ? ` (${s.keyLength}-bit key)` : ""}`] },
      { hash: [s.hash] },
      { auth: [s.auth] },
      { group: [`${s.group}${GROUP_DESC[s.group] ? ` (${GROUP_DESC[s.group]})` : ""}`] },
      { lifetime: [`${duration(s.lifetimeSeconds)}${s.lifetimeChanged ? c.yellow(` (we offered ${duration(s.offeredLifetimeSeconds)})`) : ""}`] },
    );
    if (s.lifetimeKilobytes !== undefined) t.push({ "lifetime (KB)": [String(s.lifetimeKilobytes)] });
    for (const m of s.mismatches) t.push({ mismatch: [c.yellow(m)] });
    out.push(t.toString());
  }

  if (r.phase1.vendorIds.length > 0) {
    out.push("", c.bold("Gateway vendor IDs"));
    const v = table(c, ["vendor ID", "name"], color);
    for (const vid of r.phase1.vendorIds) v.push([vid.hex, vid.name ?? c.dim("unknown")]);
    out.push(v.toString());
  }

  const n = r.phase1.natT;
  if (n !== null) {
    // A NAT-D mismatch is what the gateway says: some fake theirs on purpose to force encapsulation.
    const where = [n.localBehindNat === true && "we are behind a NAT (or the gateway claims so)", n.gatewayBehindNat === true && "the gateway is behind a NAT (or claims to be)"].filter(Boolean).join("; ");
    out.push(
      "",
      `${c.bold("NAT-T:")} ${n.mode === "off" ? "off (--nat-t off)" : n.supported ? `supported (${n.variant})` : "not announced by the gateway"}` +
        `${n.detected === true ? `; NAT detected: ${where}` : n.detected === false ? "; no NAT detected" : n.mode !== "off" ? "; NAT not tested (no NAT-D exchanged)" : ""}${n.floated ? "; moved to UDP 4500" : ""}${n.forced ? " (forced)" : ""}`,
    );
  }

  const fr = r.phase1.fragmentation;
  if (fr !== null && fr !== undefined && (fr.supported || fr.sent > 0 || fr.received > 0)) {
    out.push(`${c.bold("IKE fragmentation:")} ${fr.supported ? "supported by the gateway" : "not announced by the gateway"}; ${fr.sent} fragment(s) sent, ${fr.received} received${fr.mode !== "auto" ? ` (--fragmentation ${fr.mode})` : ""}`);
  }

  const id = r.identity;
  const idColor = id.status === "authenticated" ? c.green : id.status === "not-attempted" ? c.dim : id.status === "untrusted" ? c.yellow : c.red;
  out.push("", `${c.bold("Identity:")} ${idColor(id.status.toUpperCase())}`);
  const it = table(c, undefined, color);
  it.push({ "our ID": [`${id.local.type} ${id.local.value}`] });
  if (id.remote !== null) it.push({ "gateway ID": [`${id.remote.type} ${id.remote.value}`] });
  it.push({ detail: [wrap(id.detail, 90)] });
  if (id.evidence !== null) it.push({ evidence: [wrap(id.evidence, 90)] });
  out.push(it.toString());
  renderCertificates(id, c, color, out);

  renderSession(r, c, color, out);
  if (r.phase2 !== null) renderPhase2(r, c, color, out);
  if (r.informational.length > 0) {
    out.push("", c.bold("Informational messages from the gateway (decrypted, HASH verified)"));
    for (const i of r.informational) {
      const parts = [...i.notifies.map((n) => `notify ${n.name}${n.spi ? ` (SPI ${n.spi})` : ""}`), ...i.deletes.map((d) => `DELETE protocol ${d.protocolId} SPI ${d.spis.join(", ")}`)];
      out.push(`  message ID ${i.messageId.toString(16).padStart(8, "0")}: ${parts.join("; ") || "empty"}`);
    }
  }

  if (r.unsolicited.length > 0) {
    out.push("", c.bold("Unsolicited messages from the gateway (not answered)"));
    for (const u of r.unsolicited) out.push(`  ${u.detail}`);
  }

  if (r.phase1.cookies !== null) out.push(`${c.bold("Cookies:")} initiator ${r.phase1.cookies.initiator}, responder ${r.phase1.cookies.responder ?? "-"}`);
  if (r.phase1.keys !== undefined) {
    const k = table(c, undefined, color);
    k.push({ SKEYID: [r.phase1.keys.skeyid] }, { SKEYID_d: [r.phase1.keys.skeyidD] }, { SKEYID_a: [r.phase1.keys.skeyidA] }, { SKEYID_e: [r.phase1.keys.skeyidE] }, { "encryption key": [r.phase1.keys.encryptionKey] });
    out.push("", c.bold("Phase 1 keys"), k.toString());
  }
  out.push(`${c.bold("Cleanup:")} ${r.cleanup.deleted ? c.green(r.cleanup.detail) : r.cleanup.detail}`);
  const rtts = new Map<string, string[]>();
  const label: Record<string, string> = { mm1: "1→2", mm3: "3→4", mm5: "5→6", am1: "1→2", qm1: "1→2" };
  for (const st of r.timings.steps) {
    const list = rtts.get(st.proposal) ?? [];
    list.push(`${label[st.step] ?? st.step} ${st.answered ? `${st.rttMs.toFixed(1)} ms` : c.yellow(`no answer after ${st.transmissions} sends`)}${st.answered && st.transmissions > 1 ? ` (${st.transmissions} sends)` : ""}`);
    rtts.set(st.proposal, list);
  }
  if (rtts.size > 0) out.push(`${c.bold("Round trips:")} ${[...rtts].map(([p, l]) => `${p}: ${l.join(", ")}`).join("; ")}`);
  out.push(
    `${c.bold("Timing:")} ${r.timings.totalMs.toFixed(0)} ms in all; ${r.stats.exchanges} exchange(s), ${r.stats.packetsSent} packets sent, ${r.stats.packetsReceived} answers` +
      `${r.stats.ignored > 0 ? `, ${r.stats.ignored} unrelated datagrams ignored` : ""}`,
  );
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  return fitLines(`${out.join("\n")}\n`);
}

/** Aggressive Mode hash, XAUTH, Mode-Config, DPD and the findings. */
function renderSession(r: Report, c: ChalkInstance, color: boolean, out: string[]): void {
  const am = r.phase1.aggressive;
  if (am !== null && am.hashExposed) {
    out.push("", c.bold("Aggressive Mode hash"));
    const t = table(c, undefined, color);
    t.push({ exposed: [c.red(`yes: HASH_R (${am.hashAlgorithm}) from the gateway's PSK`)] });
    if (am.remote !== null) t.push({ "gateway ID": [`${am.remote.type} ${am.remote.value}`] });
    t.push({ saved: [am.savedTo !== null ? `${am.savedTo} (${am.savedHashes} line${am.savedHashes === 1 ? "" : "s"}, psk-crack format)` : c.dim("no (--save-hash FILE)")] });
    if (am.message3 !== null) t.push({ "message 3": [am.message3] });
    out.push(t.toString());
  }
  const x = r.xauth;
  if (x !== null && x.status !== "not-requested") {
    const color2 = x.status === "authenticated" ? c.green : x.status === "required" ? c.yellow : c.red;
    out.push("", `${c.bold("XAUTH:")} ${color2(x.status.toUpperCase())}`);
    const t = table(c, undefined, color);
    t.push({ detail: [wrap(x.detail, 90)] });
    if (x.requested.length > 0) t.push({ "gateway asked for": [x.requested.join(", ")] });
    if (x.message !== null) t.push({ "gateway message": [wrap(x.message, 90)] });
    out.push(t.toString());
  }
  const m = r.modeConfig;
  if (m !== null) {
    out.push("", c.bold(`Mode-Config (${m.mode ?? "-"}): ${m.detail}`));
    if (m.attributes.length > 0) {
      const t = table(c, ["attribute", "value"], color);
      for (const a of m.attributes) t.push([a.name, wrap(a.value, 70)]);
      out.push(t.toString());
    }
  }
  const d = r.dpd;
  if (d !== null) out.push("", `${c.bold("DPD:")} ${d.answered ? c.green(d.detail) : c.red(d.detail)}`);
  if (r.findings.length > 0) out.push("", c.bold("Findings"), findingsTable(r.findings, c, color));
}


function renderPhase2(r: Report, c: ChalkInstance, color: boolean, out: string[]): void {
  const p2 = r.phase2!;
  const ts = p2.localTs !== null || p2.remoteTs !== null ? `, selectors ${p2.localTs ?? "(our address)"} <-> ${p2.remoteTs ?? "(gateway address)"}` : ", no selectors sent (the gateway uses the peer addresses)";
  out.push("", c.bold(`Phase 2 proposals (Quick Mode, ${p2.mode}${ts})`));
  const t = table(c, ["#", "proposal", "status", "gateway said", "RTT"], color);
  p2.proposals.forEach((p, i) => {
    const status =
      p.status === "accepted" ? c.green("accepted") : p.status === "rejected" ? c.red("rejected") : p.status === "no-response" ? c.yellow("no response") : c.magenta(p.status);
    t.push([String(i + 1), `${p.protocol} ${p.proposal}`, status, wrap(p.detail ?? p.notify ?? (p.status === "accepted" ? "IPsec SA set up" : ""), 60), p.rttMs !== undefined ? `${p.rttMs.toFixed(1)} ms` : `${p.transmissions} sent`]);
  });
  out.push(t.toString());
  for (const p of p2.proposals) {
    const sa = p.sa;
    if (sa === undefined) continue;
    out.push("", c.bold(`IPsec SA: ${sa.protocol} ${p.proposal}`));
    const k = table(c, undefined, color);
    k.push(
      { protocol: [sa.protocol.toUpperCase()] },
      { encryption: [sa.encryption === null ? "-" : `${sa.encryption}${sa.keyLength !== null ? ` (${sa.keyLength}-bit key)` : ""}`] },
      { integrity: [sa.integrity ?? (sa.protocol === "esp" ? "(in the AEAD cipher)" : "-")] },
      { PFS: [sa.pfsGroup ?? c.yellow("none")] },
      { mode: [`${sa.mode}, encapsulation ${sa.encapsulation}`] },
      { "SPI in / out": [`${sa.spiIn} / ${sa.spiOut}`] },
      { lifetime: [`${duration(sa.lifetimeSeconds)}${sa.lifetimeKilobytes !== null ? `, ${sa.lifetimeKilobytes} KB` : ""}`] },
      { "local selector": [sa.localTs] },
      { "remote selector": [sa.remoteTs] },
    );
    if (sa.commitBit) k.push({ commit: [sa.connected ? "commit bit set; the gateway's CONNECTED notify arrived" : c.yellow("commit bit set; no CONNECTED notify from the gateway")] });
    if (sa.deletedByGateway) k.push({ deleted: [c.red("the gateway deleted this SA during the run")] });
    for (const m of sa.mismatches) k.push({ note: [c.yellow(m)] });
    if (sa.keys !== undefined) {
      k.push({ "in keys": [`enc ${sa.keys.in.encryptionKey || "-"}\ninteg ${sa.keys.in.integrityKey || "-"}`] }, { "out keys": [`enc ${sa.keys.out.encryptionKey || "-"}\ninteg ${sa.keys.out.integrityKey || "-"}`] });
    }
    out.push(k.toString());
  }
}

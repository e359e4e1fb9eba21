/** Terminal rendering of scan and check reports. */
import { Chalk, type ChalkInstance } from "chalk";
import type Table from "cli-table3";
import { findingsTable, fitLines, sevColor, table, wrap } from "./layout.js";
import { severityRank } from "../../data/ratings.js";
import type { Ikev2Scan, ModeResult, ScanReport, TargetScan } from "../model/scan.js";
import type { CheckReport } from "../model/check.js";

function scanTable(c: ChalkInstance, head: string[], color: boolean): Table.Table {
  return table(c, head, color, { wordWrap: true, colWidths: head.length === 4 ? [10, 28, 11, 70] : [] });
}

export function renderTarget(t: TargetScan, c: ChalkInstance, color: boolean): string {
  const out: string[] = [];
  const addr = t.target.address !== null && t.target.address !== t.target.host ? ` (${t.target.address})` : "";
  out.push(c.bold(`${t.target.host}${addr} port ${t.target.port}: ${t.status}${t.error ? `: ${t.error}` : ""}`));
  for (const w of t.warnings) out.push(c.yellow(`  warning: ${w}`));
  if (t.status === "error") return out.join("\n");
  out.push(`  implementation: ${t.fingerprint.implementation ?? c.dim("unknown")}${t.fingerprint.evidence.length ? c.dim(` (${t.fingerprint.evidence.join("; ")})`) : ""}`);
  const cap = t.capabilities;
  if (t.mainMode !== null) out.push(`  IKEv1 capabilities: NAT-T ${cap.natT ?? "no"}, DPD ${cap.dpd ? "yes" : "no"}, XAUTH ${cap.xauth ? "yes" : "no"}, IKE fragmentation ${cap.fragmentation ? "yes" : "no"}, Cisco Unity ${cap.ciscoUnity ? "yes" : "no"}`);
  if (t.backoff !== null) {
    const b = t.backoff;
    const series = b.packets === 0 ? "no answer" : b.intervals.length === 0 ? "message 2 never re-sent" : `message 2 re-sent after ${b.intervals.map((g) => `${g} s`).join(", ")}`;
    out.push(`  back-off: ${b.note ?? `${series} (listened ${b.listenedSeconds} s${b.complete ? "" : ", stopped at the bound"})`}; ${b.match !== null ? `matches ${b.match.implementation}${b.match.strength === "weak" ? " (weak)" : ""}` : "no known pattern"}`);
  }
  for (const cert of t.certificates ?? []) {
    const key = `${cert.publicKey.type.toUpperCase()}${cert.publicKey.curve !== undefined ? ` ${cert.publicKey.curve}` : ""}${cert.publicKey.bits !== null ? ` ${cert.publicKey.bits}` : ""}`;
    out.push(`  certificate: ${cert.subject} (issuer ${cert.issuer}; ${key}; ${cert.signatureAlgorithm}; ${cert.daysLeft < 0 ? c.red(`expired ${-cert.daysLeft} days ago`) : `${cert.daysLeft} days left`})`);
  }
  if (t.fingerprint.basis.length === 1 && t.fingerprint.basis[0] === "vendor-id") out.push(c.dim("  (the implementation rests on the vendor ID table alone)"));
  out.push(`  worst finding: ${sevColor(c, t.severity)}`);
  if (t.findings.length > 0) out.push(findingsTable(t.findings, c, color));
  if (t.mainMode !== null) renderIkev1(t.mainMode, t.aggressiveMode, c, color, out);
  if (t.ikev2 !== null) renderIkev2(t.ikev2, c, color, out);
  const s = t.stats;
  out.push(c.dim(`  ${s.exchanges} exchanges, ${s.packetsSent} packets sent, ${s.packetsReceived} answers, ${s.seconds} s (${s.waitedSeconds} s waiting for half-open SAs to expire; ${s.halfOpenReleased} released at once; ${s.livenessChecks} liveness checks)`));
  return out.join("\n");
}

/** The IKEv1 section: Main Mode, and Aggressive Mode when scanned. */
function renderIkev1(mm: ModeResult, ag: TargetScan["aggressiveMode"], c: ChalkInstance, color: boolean, out: string[]): void {
  out.push("", c.bold(`  IKEv1 Main Mode: ${mm.accepted.length} accepted, ${mm.rejectedCount + mm.dropped.length} refused${mm.dropped.length > 0 ? ` (${mm.dropped.length} silently)` : ""}, ${mm.unknown.length} unknown (no answer)`));
  if (mm.accepted.length > 0) {
    const tb = scanTable(c, ["severity", "proposal", "auth", "why"], color);
    for (const a of [...mm.accepted].sort((x, y) => severityRank(y.severity) - severityRank(x.severity) || x.proposal.localeCompare(y.proposal))) {
      tb.push([sevColor(c, a.severity), a.proposal, a.auth, a.reasons.join("; ") || c.dim("-")]);
    }
    out.push(tb.toString());
  }
  if (mm.unknown.length > 0) {
    const shown = mm.unknown.slice(0, 12).map((u) => `${u.proposal}/${u.auth}`).join(", ");
    out.push(c.yellow(`  unknown (never answered, not refused): ${shown}${mm.unknown.length > 12 ? ` and ${mm.unknown.length - 12} more` : ""}`));
  }
  if (mm.dropped.length > 0) out.push(c.dim(`  refused silently (${mm.dropped.length}): the gateway ignored them twice while it answered an accepted offer right before and after each time; it drops what it refuses`));
  for (const m of mm.malformed) out.push(c.magenta(`  unreadable answer (${m.offered} transforms offered): ${m.error}`));
  for (const n of mm.notes) out.push(c.dim(`  note: the gateway ${n}`));
  if (ag !== null) {
    const refused = Object.entries(ag.notifies).map(([k, v]) => `${k} x${v}`).join(", ");
    out.push("", c.bold(`  IKEv1 Aggressive Mode: ${ag.accepted.length > 0 ? `answered with groups ${ag.groupsAnswered.join(", ")}` : "no transform accepted"}${refused ? ` (refusals: ${refused})` : ""}${ag.unknown.length ? `, ${ag.unknown.length} unknown` : ""}`));
    if (ag.accepted.length > 0) {
      const tb = scanTable(c, ["severity", "proposal", "auth", "why"], color);
      for (const a of ag.accepted) tb.push([sevColor(c, a.severity), a.proposal, a.auth, a.reasons.join("; ")]);
      out.push(tb.toString());
    }
  }
}

/** The IKEv2 section: the accepted combinations grouped by the proposals they make up, rated; the group order; the extensions. */
function renderIkev2(v2: Ikev2Scan, c: ChalkInstance, color: boolean, out: string[]): void {
  const complete = v2.complete ? "" : c.yellow(" (incomplete: a question went unanswered)");
  out.push("", c.bold(`  IKEv2: ${!v2.answered ? "no answer to IKE_SA_INIT" : `${v2.accepted.length} combination${v2.accepted.length === 1 ? "" : "s"} accepted`}`) + complete);
  if (v2.proposals.length > 0) out.push(`  proposals (strongSwan syntax): ${v2.proposals.join(", ")}`);
  if (v2.groups.length > 0) out.push(`  groups, the gateway's first choice first: ${v2.groups.join(", ")}`);
  if (v2.accepted.length > 0) {
    // Each combination under the first reconstructed proposal whose tokens hold all of its own.
    const tokens = (p: string): Set<string> => new Set(p.split("-"));
    const proposals = v2.proposals.map((p) => ({ p, t: tokens(p) }));
    const under = (a: { proposal: string }): string => proposals.find(({ t }) => [...tokens(a.proposal)].every((x) => t.has(x)))?.p ?? a.proposal;
    const tb = table(c, ["proposal", "severity", "combination", "why"], color);
    for (const p of [...new Set(v2.accepted.map(under))]) {
      const rows = v2.accepted.filter((a) => under(a) === p).sort((x, y) => severityRank(y.severity) - severityRank(x.severity));
      rows.forEach((a, i) => tb.push([i === 0 ? p : "", sevColor(c, a.severity), a.proposal, wrap(a.reasons.join("; "), 50) || c.dim("-")]));
    }
    out.push(tb.toString());
  }
  const n = v2.notifies;
  if (n !== null) {
    const yes = (b: boolean): string => (b ? "yes" : "no");
    out.push(`  extensions: fragmentation ${yes(n.fragmentation)}, signature hashes ${n.signatureHashAlgorithms?.join("/") ?? "none"}, redirect ${yes(n.redirect)}, childless ${yes(n.childless)}, intermediate exchange ${yes(n.intermediateExchange)}, PPK ${yes(n.usePpk)}, NAT detection ${yes(n.natDetection)}, multiple auth ${yes(n.multipleAuth)}${n.other.length > 0 ? `; also ${n.other.join(", ")}` : ""}`);
  }
  if (v2.vendorIds.length > 0) out.push(`  IKEv2 vendor IDs: ${v2.vendorIds.map((v) => v.name ?? v.hex).join(", ")}`);
  if (v2.cookie.required) out.push(`  the gateway demanded a COOKIE ${v2.cookie.count} time${v2.cookie.count === 1 ? "" : "s"}`);
  for (const [k, v] of Object.entries(v2.errors)) out.push(c.dim(`  answered ${k} x${v}`));
  for (const note of v2.notes) out.push(c.dim(`  note: ${note}`));
  const s = v2.stats;
  out.push(c.dim(`  ${s.exchanges} IKE_SA_INIT exchanges (${s.questions} questions) for ${s.catalogue} combinations, ${s.halfOpen} half-open SA${s.halfOpen === 1 ? "" : "s"} left, ${(s.wallMs / 1000).toFixed(1)} s${v2.stateless ? "" : "; questions carried a KE inside the offer"}`));
}

export function renderScanTable(r: ScanReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const head = c.bold(`ikeprobe ${r.tool.version} scan: ${r.targets.length} target(s), catalogue ${r.catalogue.name} (${r.catalogue.transforms} transforms)`);
  const d = r.discovery;
  const discovery =
    d === undefined
      ? []
      : [`Discovery${d.shard !== "1/1" ? ` (shard ${d.shard})` : ""}: ${d.addresses} addresses${d.excluded > 0 ? ` (${d.excluded} excluded)` : ""}, ${d.sent} probes at ${d.rate} a second in ${(d.wallMs / 1000).toFixed(1)} s: ${d.responders === 0 ? "no responder" : `${d.responders} responder${d.responders === 1 ? "" : "s"}, enumerated below`}; the silent addresses are not listed`];
  return fitLines(`${[head, ...discovery, ...r.targets.map((t) => `\n${renderTarget(t, c, color)}`)].join("\n")}\n`);
}

export function renderCheckTable(r: CheckReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [c.bold(`ikeprobe ${r.tool.version} check against ${r.policy.file}`)];
  for (const t of r.targets) {
    out.push("", `${t.target.host} port ${t.target.port}: ${t.compliant ? c.green.bold("COMPLIANT") : c.red.bold("NOT COMPLIANT")}`);
    for (const w of t.scan.warnings) out.push(c.yellow(`  warning: ${w}`));
    if (t.violations.length > 0) {
      const tb = table(c, ["rule", "mode", "violation"], color, { wordWrap: true, colWidths: [22, 12, 80] });
      for (const v of t.violations) tb.push([v.rule, v.mode === "main" ? "Main" : v.mode === "aggressive" ? "Aggressive" : v.mode === "ikev2" ? "IKEv2" : c.dim("-"), v.message]);
      out.push(tb.toString());
    }
    for (const p of t.passed) out.push(c.dim(`  ok: ${p}`));
  }
  return fitLines(`${out.join("\n")}\n`);
}

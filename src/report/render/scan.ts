/** Terminal rendering of scan and check reports. */
import { Chalk, type ChalkInstance } from "chalk";
import type Table from "cli-table3";
import { findingsTable, fitLines, sevColor, table } from "./layout.js";
import { severityRank } from "../../data/ratings.js";
import type { ScanReport, TargetScan } from "../model/scan.js";
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
  out.push(`  capabilities: NAT-T ${cap.natT ?? "no"}, DPD ${cap.dpd ? "yes" : "no"}, XAUTH ${cap.xauth ? "yes" : "no"}, IKE fragmentation ${cap.fragmentation ? "yes" : "no"}, Cisco Unity ${cap.ciscoUnity ? "yes" : "no"}`);
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
  if (t.ikev2 !== null) out.push(`  IKEv2: ${t.ikev2.supported === null ? "unknown" : t.ikev2.supported ? "yes" : "no"} (${t.ikev2.answer})`);
  out.push(`  worst finding: ${sevColor(c, t.severity)}`);
  if (t.findings.length > 0) out.push(findingsTable(t.findings, c, color));
  const mm = t.mainMode;
  out.push("", c.bold(`  Main Mode: ${mm.accepted.length} accepted, ${mm.rejectedCount + mm.dropped.length} refused${mm.dropped.length > 0 ? ` (${mm.dropped.length} silently)` : ""}, ${mm.unknown.length} unknown (no answer)`));
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
  const ag = t.aggressiveMode;
  if (ag !== null) {
    const refused = Object.entries(ag.notifies).map(([k, v]) => `${k} x${v}`).join(", ");
    out.push("", c.bold(`  Aggressive Mode: ${ag.accepted.length > 0 ? `answered with groups ${ag.groupsAnswered.join(", ")}` : "no transform accepted"}${refused ? ` (refusals: ${refused})` : ""}${ag.unknown.length ? `, ${ag.unknown.length} unknown` : ""}`));
    if (ag.accepted.length > 0) {
      const tb = scanTable(c, ["severity", "proposal", "auth", "why"], color);
      for (const a of ag.accepted) tb.push([sevColor(c, a.severity), a.proposal, a.auth, a.reasons.join("; ")]);
      out.push(tb.toString());
    }
  }
  const s = t.stats;
  out.push(c.dim(`  ${s.exchanges} exchanges, ${s.packetsSent} packets sent, ${s.packetsReceived} answers, ${s.seconds} s (${s.waitedSeconds} s waiting for half-open SAs to expire; ${s.halfOpenReleased} released at once; ${s.livenessChecks} liveness checks)`));
  return out.join("\n");
}

export function renderScanTable(r: ScanReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const head = c.bold(`ikeprobe ${r.tool.version} scan: ${r.targets.length} target(s), catalogue ${r.catalogue.name} (${r.catalogue.transforms} transforms)`);
  return fitLines(`${[head, ...r.targets.map((t) => `\n${renderTarget(t, c, color)}`)].join("\n")}\n`);
}

export function renderCheckTable(r: CheckReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [c.bold(`ikeprobe ${r.tool.version} check against ${r.policy.file}`)];
  for (const t of r.targets) {
    out.push("", `${t.target.host} port ${t.target.port}: ${t.compliant ? c.green.bold("COMPLIANT") : c.red.bold("NOT COMPLIANT")}`);
    for (const w of t.scan.warnings) out.push(c.yellow(`  warning: ${w}`));
    if (t.violations.length > 0) {
      const tb = table(c, ["rule", "mode", "violation"], color, { wordWrap: true, colWidths: [22, 12, 80] });
      for (const v of t.violations) tb.push([v.rule, v.mode === "main" ? "Main" : v.mode === "aggressive" ? "Aggressive" : c.dim("-"), v.message]);
      out.push(tb.toString());
    }
    for (const p of t.passed) out.push(c.dim(`  ok: ${p}`));
  }
  return fitLines(`${out.join("\n")}\n`);
}

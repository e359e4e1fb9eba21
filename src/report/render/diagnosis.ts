/** Terminal rendering of a --diagnose report: every probe it ran, then the conclusion and the fix. */
import { Chalk } from "chalk";
import type { DiagnosisReport } from "../model/diagnosis.js";
import { fitLines, table, wrap } from "./layout.js";

export function renderDiagnosis(r: DiagnosisReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const out: string[] = [];
  out.push(c.bold(`ikeprobe ${r.tool.version} --diagnose: ${r.target.host}${r.target.address !== null && r.target.address !== r.target.host ? ` (${r.target.address})` : ""} port ${r.target.port}`));
  out.push(`IKEv${r.ikeVersion}: ${r.pskCandidates} PSK candidate(s), ${r.ids.length} identit${r.ids.length === 1 ? "y" : "ies"}${r.ikeVersion === 1 ? `, Aggressive Mode ${r.aggressiveAllowed ? "allowed" : "not allowed (--aggressive allows it)"}` : ""}`);
  out.push("", c.bold("Steps"));
  const t = table(c, ["#", "mode", "our ID", "auth", "PSK", "result", "cause"], color);
  r.attempts.forEach((a, i) => {
    const ok = a.cause === "ok";
    t.push([String(i + 1), a.mode, `${a.id.type} ${a.id.value}${a.remoteId != null ? `\nIDr ${a.remoteId.type} ${a.remoteId.value}` : ""}`, a.auth, a.pskLine !== null ? `line ${a.pskLine}` : "-", ok ? c.green(a.status) : c.red(a.status), wrap(`${a.cause}${a.notify !== null ? ` (${a.notify})` : ""}`, 40)]);
  });
  out.push(t.toString());
  if (r.aggressive.length > 0) {
    out.push("", c.bold("Aggressive Mode: the gateway's PSK per ID, tested offline"));
    const at = table(c, ["our ID", "hash", "matching PSK", "detail"], color);
    for (const x of r.aggressive) at.push([`${x.id.type} ${x.id.value}`, x.hashCaptured ? "captured" : "none", x.matchingPskLine !== null ? c.green(`line ${x.matchingPskLine}`) : "-", wrap(x.detail, 60)]);
    out.push(at.toString());
  }
  const k = r.conclusion;
  out.push("", `${c.bold("Diagnosis:")} ${k.cause === "ok" ? c.green(k.cause) : c.red(k.cause)}`);
  const ct = table(c, undefined, color);
  ct.push({ why: [wrap(k.explanation, 90)] }, { fix: [wrap(k.fix, 90)] });
  if (k.pskLine !== null) ct.push({ "PSK held": [`the candidate on line ${k.pskLine} of the PSK file`] });
  if (k.id !== null) ct.push({ identity: [`${k.id.type} ${k.id.value}`] });
  out.push(ct.toString());
  return fitLines(`${out.join("\n")}\n`);
}

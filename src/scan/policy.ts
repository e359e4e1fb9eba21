/**
 * `ikeprobe check`: hold a gateway to a policy (examples/policy.schema.json) and say where it falls
 * short, as data, a table, or a JUnit report CI systems display.
 *
 *   { "require": ["aes256-sha256-modp2048"], "forbid": ["des", "3des", "md5", "modp1024"],
 *     "maxSeverity": "MEDIUM", "aggressive": "forbid" }
 */
import { readFileSync } from "node:fs";
import { AUTH_TOKENS, ENCRYPTION_TOKENS, GROUP_TOKENS, HASH_TOKENS, parseIkeProposal, proposalToken } from "../config/ike.js";
import { SEVERITIES, type Severity, severityRank } from "../data/ratings.js";
import { UsageError } from "../errors.js";
import type { CatalogueEntry } from "./catalogue.js";
import { authToken } from "../config/ike.js";
import type { RatedTransform, TargetScan } from "./scan.js";
import type { Violation, TargetCheck, CheckReport, Policy } from "../report/model/check.js";
export type { Violation, TargetCheck, CheckReport, Policy } from "../report/model/check.js";


const KEYS = new Set(["$schema", "description", "require", "forbid", "maxSeverity", "aggressive", "allowUnknown", "catalogue"]);
const ALGORITHMS = new Set([...Object.keys(ENCRYPTION_TOKENS), ...Object.keys(HASH_TOKENS), ...Object.keys(GROUP_TOKENS), ...Object.keys(AUTH_TOKENS)]);

function canonicalProposal(text: string, where: string): { proposal: string; auth: string | null } {
  const [p = "", auth] = text.split("/");
  if (auth !== undefined && AUTH_TOKENS[auth] === undefined) throw new UsageError(`${where}: unknown auth method "${auth}" in "${text}" (${Object.keys(AUTH_TOKENS).join(", ")})`);
  try {
    const ts = parseIkeProposal(p, 1, 28800);
    if (ts.length !== 1) throw new UsageError(`${where}: "${text}" names ${ts.length} proposals; write one per entry`);
    return { proposal: proposalToken(ts[0]!), auth: auth ?? null };
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${where}: ${e.message.replace(/^--ike /, "")}`, { cause: e });
    throw e;
  }
}

export function parsePolicy(text: string, file: string): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--policy ${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UsageError(`--policy ${file}: expected a JSON object (see examples/policy.schema.json)`);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.has(k)) throw new UsageError(`--policy ${file}: unknown key "${k}" (known: ${[...KEYS].filter((x) => x !== "$schema").join(", ")})`);
  const list = (k: string): string[] => {
    const v = o[k] ?? [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new UsageError(`--policy ${file}: "${k}" must be an array of strings`);
    return v as string[];
  };
  const require = list("require").map((r) => {
    const c = canonicalProposal(r.toLowerCase(), `--policy ${file} require`);
    return c.auth !== null ? `${c.proposal}/${c.auth}` : c.proposal;
  });
  const forbid = list("forbid").map((f) => {
    const lower = f.toLowerCase();
    if (ALGORITHMS.has(lower)) return lower;
    const c = canonicalProposal(lower, `--policy ${file} forbid`);
    return c.auth !== null ? `${c.proposal}/${c.auth}` : c.proposal;
  });
  const maxSeverity = (o.maxSeverity ?? "CRITICAL") as Severity;
  if (!SEVERITIES.includes(maxSeverity)) throw new UsageError(`--policy ${file}: "maxSeverity" must be one of ${SEVERITIES.join(", ")}`);
  const aggressive = (o.aggressive ?? "allow") as Policy["aggressive"];
  if (aggressive !== "forbid" && aggressive !== "allow") throw new UsageError(`--policy ${file}: "aggressive" must be "forbid" or "allow"`);
  const allowUnknown = o.allowUnknown ?? false;
  if (typeof allowUnknown !== "boolean") throw new UsageError(`--policy ${file}: "allowUnknown" must be true or false`);
  const catalogue = o.catalogue ?? "full";
  if (typeof catalogue !== "string") throw new UsageError(`--policy ${file}: "catalogue" must be full, common or a file name`);
  const p: Policy = { require, forbid, maxSeverity, aggressive, allowUnknown, catalogue };
  if (typeof o.description === "string") p.description = o.description;
  return p;
}

export function loadPolicy(file: string): Policy {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--policy ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return parsePolicy(text, file);
}

/** Required proposals that the catalogue lacks, as catalogue entries (so the scan asks for them). */
export function requiredEntries(policy: Policy): CatalogueEntry[] {
  return policy.require.flatMap((r) => {
    const [p = "", auth] = r.split("/");
    return (auth !== undefined ? [auth] : ["psk"]).map((a) => {
      const t = parseIkeProposal(p, AUTH_TOKENS[a]!, 28800)[0]!;
      return { transform: t, proposal: proposalToken(t), auth: authToken(t.auth) };
    });
  });
}



function forbidden(t: RatedTransform, f: string): boolean {
  if (f.includes("-")) {
    const [p, auth] = f.split("/");
    return t.proposal === p && (auth === undefined || t.auth === auth);
  }
  return t.encryption === f || t.hash === f || t.group === f || t.auth === f;
}

const MODE_NAME = { main: "Main Mode", aggressive: "Aggressive Mode" } as const;

export function evaluate(policy: Policy, scan: TargetScan): TargetCheck {
  const violations: Violation[] = [];
  const passed: string[] = [];
  const mm = scan.mainMode;
  const modes = [{ mode: "main" as const, accepted: mm.accepted }, ...(scan.aggressiveMode !== null ? [{ mode: "aggressive" as const, accepted: scan.aggressiveMode.accepted }] : [])];
  if (scan.status === "error" || scan.status === "no-answer") {
    violations.push({ rule: "reachable", message: scan.error ?? "the gateway never answered: nothing could be checked", mode: null });
  }
  for (const r of policy.require) {
    const [p, auth] = r.split("/");
    const match = (x: { proposal: string; auth: string }) => x.proposal === p && (auth === undefined || x.auth === auth);
    if (mm.accepted.some(match)) passed.push(`require ${r}: accepted`);
    else if (mm.unknown.some(match)) violations.push({ rule: `require ${r}`, message: `could not be verified: the gateway never answered for it in Main Mode`, mode: "main" });
    else if (mm.dropped.some(match)) violations.push({ rule: `require ${r}`, message: `the gateway refuses ${r} in Main Mode (silently: it ignores the offer while answering accepted ones right before and after)`, mode: "main" });
    else violations.push({ rule: `require ${r}`, message: `the gateway refuses ${r} in Main Mode`, mode: "main" });
  }
  for (const f of policy.forbid) {
    const hits = modes.map((m) => ({ mode: m.mode, hits: m.accepted.filter((t) => forbidden(t, f)) })).filter((m) => m.hits.length > 0);
    if (hits.length === 0) passed.push(`forbid ${f}: refused`);
    for (const h of hits) violations.push({ rule: `forbid ${f}`, message: `${MODE_NAME[h.mode]} accepts ${h.hits.map((t) => `${t.proposal}/${t.auth}`).join(", ")}`, mode: h.mode });
  }
  const over = modes.map((m) => ({ mode: m.mode, over: m.accepted.filter((t) => severityRank(t.severity) > severityRank(policy.maxSeverity)) })).filter((m) => m.over.length > 0);
  if (over.length === 0) passed.push(`maxSeverity ${policy.maxSeverity}: no accepted transform is worse`);
  for (const o of over) {
    violations.push({ rule: `maxSeverity ${policy.maxSeverity}`, message: `${MODE_NAME[o.mode]}: ${o.over.map((t) => `${t.proposal}/${t.auth} is ${t.severity} (${t.reasons.join("; ")})`).join(" | ")}`, mode: o.mode });
  }
  if (policy.aggressive === "forbid") {
    const ag = scan.aggressiveMode;
    if (ag === null) violations.push({ rule: "aggressive forbid", message: "Aggressive Mode was not tested", mode: "aggressive" });
    else if (ag.accepted.length > 0) violations.push({ rule: "aggressive forbid", message: `Aggressive Mode answered (groups ${ag.groupsAnswered.join(", ")}): ${ag.accepted.length} transform(s)`, mode: "aggressive" });
    else if (ag.unknown.length > 0 && !policy.allowUnknown) violations.push({ rule: "aggressive forbid", message: `could not be verified: ${ag.unknown.length} Aggressive Mode transform(s) never answered`, mode: "aggressive" });
    else passed.push("aggressive forbid: Aggressive Mode refused");
  }
  // Dropped transforms were refused (silently); only the unexplained silence leaves a scan incomplete.
  const unknown = mm.unknown.length;
  if (unknown > 0 && !policy.allowUnknown) violations.push({ rule: "complete scan", message: `${unknown} transform(s) never answered in Main Mode (set "allowUnknown": true to tolerate)`, mode: "main" });
  return { target: scan.target, compliant: violations.length === 0, violations, passed, scan };
}

function xml(s: string): string {
  return s.replace(/[<>&"']/g, (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!);
}

/** JUnit XML: one test suite per target, one test case per rule. */
export function junit(r: CheckReport): string {
  const suites = r.targets.map((t) => {
    const name = `${t.target.host}:${t.target.port}`;
    const cases = [
      ...t.passed.map((p) => `    <testcase classname="ikeprobe.${xml(name)}" name="${xml(p.replace(/:.*/, ""))}"/>`),
      ...t.violations.map((v) => `    <testcase classname="ikeprobe.${xml(name)}" name="${xml(v.mode !== null ? `${v.rule} (${MODE_NAME[v.mode]})` : v.rule)}">\n      <failure message="${xml(v.message)}" type="policy">${xml(v.message)}</failure>\n    </testcase>`),
    ];
    return `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${t.violations.length}" errors="0" time="${t.scan.stats.seconds}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const tests = r.targets.reduce((n, t) => n + t.passed.length + t.violations.length, 0);
  const failures = r.targets.reduce((n, t) => n + t.violations.length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ikeprobe check ${xml(r.policy.file)}" tests="${tests}" failures="${failures}">\n${suites.join("\n")}\n</testsuites>\n`;
}

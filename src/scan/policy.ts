/**
 * `ikeprobe check`: hold a gateway to a policy (examples/policy.schema.json) and say where it falls
 * short, as data, a table, or a JUnit report CI systems display.
 *
 *   { "require": ["aes256-sha256-modp2048"], "forbid": ["des", "3des", "md5", "modp1024"],
 *     "maxSeverity": "MEDIUM", "aggressive": "forbid",
 *     "ikev1": "forbid", "ikev2": { "require": ["aes256gcm16-prfsha256-ecp256"], "forbid": ["3des", "modp1024"] } }
 */
import { readFileSync } from "node:fs";
import { AUTH_TOKENS, ENCRYPTION_TOKENS, GROUP_TOKENS, HASH_TOKENS, parseIkeProposal, proposalToken } from "../config/ike.js";
import { SEVERITIES, type Severity, severityRank } from "../data/ratings.js";
import { UsageError } from "../errors.js";
import type { CatalogueEntry } from "./catalogue.js";
import { authToken } from "../config/ike.js";
import type { RatedTransform, TargetScan } from "./scan.js";
import { V2_CIPHERS, V2_GROUPS, V2_INTEGS, V2_PRFS, combos, comboToken, parseIkev2Proposal, v2ProposalToken } from "../config/ikev2.js";
import type { RatedV2Combination } from "../report/model/scan.js";
import type { Violation, TargetCheck, CheckReport, Policy } from "../report/model/check.js";
export type { Violation, TargetCheck, CheckReport, Policy } from "../report/model/check.js";


const KEYS = new Set(["$schema", "description", "require", "forbid", "maxSeverity", "aggressive", "allowUnknown", "catalogue", "ikev1", "ikev2"]);
const V2_ALGORITHMS = new Set([...V2_CIPHERS.keys(), ...V2_INTEGS.keys(), ...V2_PRFS.keys(), ...V2_GROUPS.keys()]);
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
  const ikev1 = (o.ikev1 ?? "allow") as Policy["ikev1"];
  if (ikev1 !== "forbid" && ikev1 !== "allow") throw new UsageError(`--policy ${file}: "ikev1" must be "forbid" or "allow"`);
  const p: Policy = { require, forbid, maxSeverity, aggressive, allowUnknown, catalogue, ikev1, ikev2: parseIkev2Rules(o.ikev2, file) };
  if (typeof o.description === "string") p.description = o.description;
  return p;
}

/** `"ikev2": { "require": [...], "forbid": [...] }`: proposals in strongSwan's IKEv2 syntax, algorithms by token. */
function parseIkev2Rules(v: unknown, file: string): Policy["ikev2"] {
  if (v === undefined) return { require: [], forbid: [] };
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new UsageError(`--policy ${file}: "ikev2" must be an object with "require" and/or "forbid"`);
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== "require" && k !== "forbid") throw new UsageError(`--policy ${file}: unknown key "ikev2.${k}" (known: require, forbid)`);
  const list = (k: string): string[] => {
    const x = o[k] ?? [];
    if (!Array.isArray(x) || x.some((e) => typeof e !== "string")) throw new UsageError(`--policy ${file}: "ikev2.${k}" must be an array of strings`);
    return (x as string[]).map((e) => e.toLowerCase());
  };
  const proposal = (text: string, k: string): string => {
    try {
      return v2ProposalToken(parseIkev2Proposal(text, `--policy ${file} ikev2.${k}`));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw e;
    }
  };
  return { require: list("require").map((r) => proposal(r, "require")), forbid: list("forbid").map((f) => (V2_ALGORITHMS.has(f) ? f : proposal(f, "forbid"))) };
}

/** Whether an accepted IKEv2 combination falls under a forbid entry: one of its algorithms, or a combination of a forbidden proposal. */
function forbiddenV2(t: RatedV2Combination, f: string): boolean {
  if (!f.includes("-")) return [t.encryption, t.prf, t.integrity, t.group].includes(f) || (V2_PRFS.has(f) && t.prf === f) || (V2_INTEGS.has(f) && t.integrity === f);
  return combos(parseIkev2Proposal(f)).some((c) => comboToken(c) === t.proposal);
}

/** The IKEv2 rules (ikev2.require, ikev2.forbid, maxSeverity over IKEv2) and ikev1: forbid. */
function evaluateVersions(policy: Policy, scan: TargetScan, violations: Violation[], passed: string[]): void {
  const v2 = scan.ikev2;
  const hasV2Rules = policy.ikev2.require.length + policy.ikev2.forbid.length > 0;
  if (v2 === null) {
    if (hasV2Rules) violations.push({ rule: "ikev2", message: "IKEv2 was not scanned (--no-ikev2, or the catalogue holds no ikev2 line)", mode: "ikev2" });
  } else {
    const accepted = new Set(v2.accepted.map((a) => a.proposal));
    for (const r of policy.ikev2.require) {
      const missing = combos(parseIkev2Proposal(r)).map(comboToken).filter((c) => !accepted.has(c));
      if (missing.length === 0) passed.push(`ikev2.require ${r}: accepted`);
      else violations.push({ rule: `ikev2.require ${r}`, message: `${v2.complete ? "the gateway refuses" : "not proven (the IKEv2 scan is incomplete)"}: ${missing.join(", ")}`, mode: "ikev2" });
    }
    for (const f of policy.ikev2.forbid) {
      const hits = v2.accepted.filter((t) => forbiddenV2(t, f));
      if (hits.length === 0) passed.push(`ikev2.forbid ${f}: refused`);
      else violations.push({ rule: `ikev2.forbid ${f}`, message: `IKEv2 accepts ${hits.map((t) => t.proposal).join(", ")}`, mode: "ikev2" });
    }
    const over = v2.accepted.filter((t) => severityRank(t.severity) > severityRank(policy.maxSeverity));
    if (over.length > 0) violations.push({ rule: `maxSeverity ${policy.maxSeverity}`, message: `IKEv2: ${over.map((t) => `${t.proposal} is ${t.severity} (${t.reasons.join("; ")})`).join(" | ")}`, mode: "ikev2" });
    if (!v2.complete && !policy.allowUnknown && v2.answered) violations.push({ rule: "complete scan", message: `the IKEv2 scan is incomplete (${v2.notes.at(-1) ?? "a question went unanswered"}); set "allowUnknown": true to tolerate`, mode: "ikev2" });
  }
  if (policy.ikev1 === "forbid") {
    const mm = scan.mainMode;
    const n = (mm?.accepted.length ?? 0) + (scan.aggressiveMode?.accepted.length ?? 0);
    if (mm === null) violations.push({ rule: "ikev1 forbid", message: "IKEv1 was not tested (--no-ikev1)", mode: "main" });
    else if (n > 0) violations.push({ rule: "ikev1 forbid", message: `the gateway accepts ${n} IKEv1 transform(s)`, mode: "main" });
    else if (mm.unknown.length > 0 && !policy.allowUnknown) violations.push({ rule: "ikev1 forbid", message: `could not be verified: ${mm.unknown.length} Main Mode transform(s) never answered`, mode: "main" });
    else passed.push("ikev1 forbid: IKEv1 refused");
  }
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

const MODE_NAME = { main: "Main Mode", aggressive: "Aggressive Mode", ikev2: "IKEv2" } as const;

export function evaluate(policy: Policy, scan: TargetScan): TargetCheck {
  const violations: Violation[] = [];
  const passed: string[] = [];
  const mm = scan.mainMode ?? { accepted: [], unknown: [], dropped: [], rejectedCount: 0, notifies: {}, malformed: [], notes: [] };
  const modes = [{ mode: "main" as const, accepted: mm.accepted }, ...(scan.aggressiveMode !== null ? [{ mode: "aggressive" as const, accepted: scan.aggressiveMode.accepted }] : [])];
  if (scan.status === "error" || scan.status === "no-answer") {
    violations.push({ rule: "reachable", message: scan.error ?? "the gateway never answered: nothing could be checked", mode: null });
  }
  for (const r of policy.require) {
    const [p, auth] = r.split("/");
    const match = (x: { proposal: string; auth: string }) => x.proposal === p && (auth === undefined || x.auth === auth);
    if (scan.mainMode === null) violations.push({ rule: `require ${r}`, message: "IKEv1 was not scanned (--no-ikev1)", mode: "main" });
    else if (mm.accepted.some(match)) passed.push(`require ${r}: accepted`);
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
  evaluateVersions(policy, scan, violations, passed);
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

/**
 * The check API: a scan held to a policy. The policy's required transforms are added to the
 * catalogue, Aggressive Mode is scanned when the policy forbids it, and each target is evaluated.
 */
import { VERSION } from "../probe/probe.js";
import { ExitCode } from "../report/model/probe.js";
import type { CatalogueEntry } from "./catalogue.js";
import { type CheckReport, type Policy, evaluate, requiredEntries } from "./policy.js";
import { type ScanOptions, runScan } from "./scan.js";

/** The transforms a policy requires, appended to a catalogue (each once). */
export function withRequired(catalogue: CatalogueEntry[], policy: Policy): CatalogueEntry[] {
  const seen = new Set(catalogue.map((e) => `${e.proposal}/${e.auth}`));
  return [...catalogue, ...requiredEntries(policy).filter((e) => !seen.has(`${e.proposal}/${e.auth}`))];
}

/** `policyFile`: where the policy came from, for the report (null for one built in code). */
export async function runCheck(opts: ScanOptions, policy: Policy, policyFile: string | null = null): Promise<CheckReport> {
  const scanOpts: ScanOptions = { ...opts, catalogue: withRequired(opts.catalogue, policy), ...(policy.aggressive === "forbid" ? { aggressive: true } : {}) };
  const scan = await runScan(scanOpts, VERSION);
  const targets = scan.targets.map((t) => evaluate(policy, t));
  const allSilent = scan.targets.every((t) => t.status === "no-answer" || t.status === "error");
  return {
    tool: scan.tool,
    startedAt: scan.startedAt,
    policy: { ...policy, file: policyFile ?? "" },
    targets,
    exitCode: allSilent ? ExitCode.NO_ANSWER : targets.every((t) => t.compliant) ? ExitCode.OK : ExitCode.STEP_FAILED,
  };
}

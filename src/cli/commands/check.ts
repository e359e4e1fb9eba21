/** `ikeprobe check`: a scan held to a policy; JUnit written; exit 1 when a target does not comply. */
import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { UsageError } from "../../errors.js";
import { ExitCode } from "../../report/model/probe.js";
import type { CheckReport } from "../../scan/policy.js";
import { type IO, interruptible, loadVendorIds, useColor, withSpinner } from "../io.js";
import { type ScanArgs, buildScanOptions, scanOptions } from "./scan.js";

export function checkOptions(y: Argv): Argv<ScanArgs> {
  return scanOptions(y, true)
    .option("policy", { type: "string", describe: "policy file (JSON: require, forbid, maxSeverity, aggressive; see examples/policies/)" })
    .option("junit", { type: "string", describe: "write a JUnit XML report to this file" }) as unknown as Argv<ScanArgs>;
}

export async function runCheckCommand(a: ScanArgs, io: IO): Promise<number> {
  const { loadPolicy, junit } = await import("../../scan/policy.js");
  if (a.policy === undefined) throw new UsageError("--policy FILE is required: the policy to hold the gateway to (see examples/policies/)");
  if (a.jsonl) throw new UsageError("--jsonl is for scan; check prints one report (--json)");
  const policy = loadPolicy(a.policy);
  await loadVendorIds(a["vendor-ids"]);
  const opts = await buildScanOptions(a, a.catalogue ?? policy.catalogue);
  const color = useColor(a, io);
  const { runCheck } = await import("../../scan/check.js");
  const policyFile = a.policy;
  const report: CheckReport = await interruptible(io, opts, () =>
    withSpinner(io, !a.json, `checking ${opts.targets.length} target(s) against ${policyFile}`, (progress) => {
      if (progress !== undefined) opts.onProgress = progress;
      return runCheck(opts, policy, policyFile);
    }),
  );
  if (a.junit !== undefined) {
    try {
      writeFileSync(a.junit, junit(report));
    } catch (e) {
      throw new UsageError(`--junit ${a.junit}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { renderCheckTable } = await import("../../report/render/scan.js");
    io.stdout(renderCheckTable(report, color));
  }
  return opts.signal?.aborted === true ? ExitCode.INTERRUPTED : report.exitCode;
}


/**
 * Benchmark: the floor, the probe and (with BENCH_BASELINE_BIN) another build of it
 * against the lab strongSwan, alternated by bench/alternate.py (fork, exec, wait4: nothing of a
 * harness's own in the times, and CPU time from the kernel), once with stdout to /dev/null and once
 * to a pipe. bench/probe.ts, which also times `node -e 0` and ike-scan, spreads more from run to run.
 *   npm run bench:alternate   (root; BENCH_RUNS=101 by default)
 */
import { spawnSync } from "node:child_process";
import { startProbeLab } from "./probe-lab.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 101);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
const floor = new URL("./floor.cjs", import.meta.url).pathname;
const harness = new URL("./alternate.py", import.meta.url).pathname;
const baseline = process.env.BENCH_BASELINE_BIN;

const { lab, psk } = await startProbeLab();
try {
  const probe = (which: string): string[] => [process.execPath, which, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--psk-file", psk, "--json"];
  const commands = [[process.execPath, floor, lab.gwAddr, psk], probe(bin), ...(baseline !== undefined ? [probe(baseline)] : [])];
  const netns = lab.clientExec([])[3]!;
  for (const mode of ["devnull", "pipe"]) {
    const args = [harness, String(RUNS), mode, netns, ...commands.flatMap((c) => ["--", ...c])];
    const r = spawnSync("python3", args, { stdio: "inherit" });
    if (r.status !== 0) throw new Error(`bench/alternate.py failed (${r.status})`);
  }
} finally {
  await lab.stop();
}

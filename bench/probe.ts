/**
 * Benchmark (issue 2): whole-process wall time of `ikeprobe probe` (one accepted offer plus the
 * identity exchange and DELETE) against the lab strongSwan, as ratios against bare `node -e 0` and
 * against `ike-scan -M` (message 1 and 2 only) on the same gateway, medians in one invocation.
 * Every command runs through `ip netns exec` in the client namespace, so that cost is in all three.
 *
 *   npm run bench            (root; installs ike-scan when missing)
 *   BENCH_RUNS=30 npm run bench
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLab } from "../test/lab/lab.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;

if (spawnSync("sh", ["-c", "command -v ike-scan"]).status !== 0) {
  spawnSync("apt-get", ["install", "-y", "-q", "ike-scan"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

// ike-scan stops after message 2 and leaves a half-open SA each time: lift charon's per-peer limit
// of 5 so that the baseline is answered every time (TESTBED §6).
const lab = await startLab({
  connections: [{ name: "bench", proposals: ["aes256-sha256-modp2048"], psk: "bench-secret", localId: "gw.lab.example" }],
  charonExtra: "block_threshold = 10000\n  init_limit_half_open = 10000",
});
try {
  const psk = join(lab.dir, "psk.txt");
  writeFileSync(psk, "bench-secret\n");
  const commands: Record<string, { argv: string[]; check: (out: string, code: number | null) => boolean }> = {
    "node -e 0": { argv: [process.execPath, "-e", "0"], check: (_o, c) => c === 0 },
    "ike-scan -M": { argv: ["ike-scan", "-M", "--sport=0", "--trans=7/256,4,1,14", lab.gwAddr], check: (o) => o.includes("1 returned handshake") },
    "ikeprobe probe (MM1-MM6 + DELETE)": {
      argv: [process.execPath, bin, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--psk-file", psk, "--json"],
      check: (o, c) => c === 0 && o.includes('"status": "authenticated"'),
    },
  };
  const times: Record<string, number[]> = {};
  for (let i = 0; i < RUNS + 2; i++) {
    // Interleaved, so that machine noise hits all of them alike; the first two rounds warm caches.
    for (const [name, c] of Object.entries(commands)) {
      const argv = lab.clientExec(c.argv);
      const t0 = process.hrtime.bigint();
      const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!c.check(r.stdout, r.status)) throw new Error(`${name} failed: ${r.status} ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
      if (i >= 2) (times[name] ??= []).push(ms);
    }
  }
  const base = median(times["node -e 0"]!);
  const scan = median(times["ike-scan -M"]!);
  console.log(`runs: ${RUNS} each, interleaved, medians (ms); node ${process.version}`);
  for (const [name, xs] of Object.entries(times)) {
    const m = median(xs);
    console.log(`${name.padEnd(36)} ${m.toFixed(1).padStart(7)} ms   ${(m / base).toFixed(2)}x node -e 0   ${(m / scan).toFixed(2)}x ike-scan -M`);
  }
} finally {
  await lab.stop();
}

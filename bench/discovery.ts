/**
 * Benchmark: discovery of a routed network, in namespaces (test/lab's routedNet: the live
 * addresses are strongSwan's, the rest blackholed, so probes to them vanish as on most networks).
 *   1. A /24 with one live gateway, both tools at their defaults, alternated: `ike-scan NET`
 *      (discovery only) against the whole `ikeprobe scan NET --catalogue common --no-ikev2`
 *      (discovery, then the gateway's enumeration). Target: ikeprobe at most 0.15x ike-scan.
 *   2. A /16 with three live gateways at --rate 10000: the discovery's wall time against the rate
 *      bound (addresses x sends per address / rate + one timeout; target at most 1.25x), the
 *      responders found, and the peak RSS of the whole process (target under 150 MB).
 * npm run bench:discovery (root; BENCH_RUNS=3 by default for the /24)
 */
import { spawnSync } from "node:child_process";
import { startLab } from "../test/lab/lab.ts";
import { benchEnv, ensureTool, median } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
ensureTool("ike-scan", "ike-scan");

function timed(argv: string[]): { ms: number; stdout: string; stderr: string; code: number | null } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { env: benchEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, stdout: r.stdout, stderr: r.stderr, code: r.status };
}

async function slash24(): Promise<void> {
  const live = ["198.19.77.10"];
  const lab = await startLab({ routedNet: { net: "198.19.77.0/24", live }, connections: [{ name: "v1", proposals: ["aes256-sha256-modp2048"], psk: "bench", localAddrs: ["198.18.1.1", ...live] }] });
  try {
    const times: Record<string, number[]> = { "ike-scan (discovery)": [], "ikeprobe scan (discovery + enumeration)": [] };
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? Object.keys(times) : Object.keys(times).reverse();
      for (const name of order) {
        const argv = name.startsWith("ike-scan") ? lab.clientExec(["ike-scan", "198.19.77.0/24"]) : lab.clientExec([process.execPath, bin, "scan", "198.19.77.0/24", "--catalogue", "common", "--no-ikev2", "--json"]);
        const r = timed(argv);
        const ok = name.startsWith("ike-scan") ? r.stdout.includes("198.19.77.10") : (JSON.parse(r.stdout) as { targets: { target: { host: string } }[] }).targets.map((t) => t.target.host).join() === live.join();
        if (!ok) throw new Error(`${name}: the live gateway not found\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(0, 2000)}`);
        times[name]!.push(r.ms);
      }
    }
    const a = median(times["ike-scan (discovery)"]!);
    const b = median(times["ikeprobe scan (discovery + enumeration)"]!);
    console.log(`/24, one live gateway, ${RUNS} runs each, alternated, medians: ike-scan ${(a / 1000).toFixed(1)} s; ikeprobe scan ${(b / 1000).toFixed(2)} s = ${(b / a).toFixed(3)}x ike-scan (target 0.15x)`);
  } finally {
    await lab.stop();
  }
}

async function slash16(): Promise<void> {
  const live = ["198.19.0.20", "198.19.128.7", "198.19.255.100"];
  const lab = await startLab({ routedNet: { net: "198.19.0.0/16", live }, connections: [{ name: "v1", proposals: ["aes256-sha256-modp2048"], psk: "bench", localAddrs: ["198.18.1.1", ...live] }, { name: "v2", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384"], psk: "bench", localAddrs: ["198.18.1.1", ...live] }] });
  try {
    const rate = 10000;
    const r = timed(lab.clientExec(["/usr/bin/time", "-f", "maxrss-kb %M", process.execPath, bin, "scan", "198.19.0.0/16", "--rate", String(rate), "--catalogue", "common", "--json"]));
    const doc = JSON.parse(r.stdout) as { discovery: { addresses: number; sent: number; wallMs: number; responders: number }; targets: { target: { host: string } }[] };
    const d = doc.discovery;
    const bound = (d.addresses * 2 * 2 * 1000) / rate + 3000;
    const rss = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
    const found = doc.targets.map((t) => t.target.host).sort();
    console.log(`/16 at --rate ${rate}: ${d.addresses} addresses, ${d.sent} probes, discovery ${(d.wallMs / 1000).toFixed(1)} s = ${(d.wallMs / bound).toFixed(3)}x the rate bound (${(bound / 1000).toFixed(1)} s; target 1.25x); whole scan ${(r.ms / 1000).toFixed(1)} s; responders ${found.join(", ")} (${found.join() === [...live].sort().join() ? "exactly the configured ones" : "NOT the configured ones"}); peak RSS ${rss.toFixed(0)} MB (target < 150 MB)`);
  } finally {
    await lab.stop();
  }
}

await slash24();
await slash16();

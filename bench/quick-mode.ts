/**
 * Benchmark: a full Main Mode + Quick Mode probe (PFS, selectors, DELETEs), whole process,
 * against the lab strongSwan, as ratios against `ike-scan -M` (one message) and against
 * `swanctl --initiate` of the same connection from a second strongSwan in the client namespace
 * (its daemon already running, so only the exchange and swanctl's own start are timed), medians
 * of interleaved runs.   npm run bench:qm   (root; BENCH_RUNS=30 for more runs)
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLab } from "../test/lab/lab.ts";
import { benchEnv, ensureTool, measure, median, report } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
ensureTool("ike-scan", "ike-scan");
const PSK = "bench-qm-secret";
const ESP = "aes256-sha256-modp2048";

const lab = await startLab({
  connections: [
    { name: "bench", proposals: ["aes256-sha256-modp2048"], psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example", espProposals: [ESP], localTs: "198.51.100.0/24", remoteTs: "203.0.113.0/24" },
  ],
  charonExtra: "block_threshold = 10000\n  init_limit_half_open = 10000",
});
try {
  const client = await lab.startClientCharon(`connections {
  bench {
    version = 1
    local_addrs = ${lab.clientAddr}
    remote_addrs = ${lab.gwAddr}
    proposals = aes256-sha256-modp2048
    local { auth = psk
      id = client.lab.example }
    remote { auth = psk
      id = gw.lab.example }
    children {
      bench-child { local_ts = 203.0.113.0/24
        remote_ts = 198.51.100.0/24
        esp_proposals = ${ESP}
        mode = tunnel }
    }
  }
}
secrets { ike-1 { secret = "${PSK}" } }
`);
  const psk = join(lab.dir, "psk.txt");
  writeFileSync(psk, `${PSK}\n`);
  const clientEnv = { ...benchEnv, STRONGSWAN_CONF: join(lab.dir, "client-strongswan.conf") };
  const times = measure(
    {
      "ike-scan -M": { argv: lab.clientExec(["ike-scan", "-M", "--sport=0", "--trans=7/256,4,1,14", lab.gwAddr]), check: (o) => o.includes("1 returned handshake") },
      "swanctl --initiate (strongSwan initiator)": {
        argv: ["swanctl", "--initiate", "--child", "bench-child", "--timeout", "10"],
        env: clientEnv,
        check: (o, c) => c === 0 && o.includes("initiate completed successfully"),
        after: () => {
          spawnSync("swanctl", ["--terminate", "--ike", "bench", "--timeout", "10"], { env: clientEnv });
        },
      },
      "ikeprobe MM + DELETE (same gateway, same ID)": {
        argv: lab.clientExec([process.execPath, bin, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--psk-file", psk, "--json"]),
        check: (o, c) => c === 0 && o.includes('"status": "authenticated"'),
      },
      "ikeprobe MM + QM (PFS) + DELETEs": {
        argv: lab.clientExec([process.execPath, bin, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--esp", ESP, "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24", "--psk-file", psk, "--json"]),
        check: (o, c) => c === 0 && o.includes('"status": "accepted"'),
      },
    },
    RUNS,
  );
  report(times, ["ike-scan -M", "swanctl --initiate (strongSwan initiator)", "ikeprobe MM + DELETE (same gateway, same ID)"]);
  const mm = median(times["ikeprobe MM + DELETE (same gateway, same ID)"]!);
  const qm = median(times["ikeprobe MM + QM (PFS) + DELETEs"]!);
  console.log(`one Quick Mode with PFS costs ${(qm - mm).toFixed(1)} ms more than Main Mode alone (target: at most 20 ms)`);
  void client;
} finally {
  await lab.stop();
}

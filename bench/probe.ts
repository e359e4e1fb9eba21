/**
 * Benchmark: whole-process wall time of `ikeprobe probe` (one accepted offer, messages 1-6
 * and the DELETE) and of `ikeprobe probe --ikev2` with the PSK (IKE_SA_INIT, IKE_AUTH with a CHILD SA, DELETE: two
 * round trips and the DELETE where Main Mode needs three) against the lab strongSwan, as ratios
 * against bare `node -e 0`, `ike-scan -M` (messages 1-2 only) and the IKEv1 probe on the same gateway. Every command runs through `ip netns exec` in the client
 * namespace, so that cost is in all of them.   npm run bench   (root; BENCH_RUNS=30 for more runs)
 */
import { startProbeLab } from "./probe-lab.ts";
import { ensureTool, measure, report } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
const floor = new URL("./floor.cjs", import.meta.url).pathname;
/** Another build to compare with in the same run (alternated), e.g. the previous commit's: BENCH_BASELINE_BIN=/tmp/base/bin/ikeprobe.js. */
const baseline = process.env.BENCH_BASELINE_BIN;
ensureTool("ike-scan", "ike-scan");

const { lab, psk } = await startProbeLab();
try {
  const times = measure(
    {
      "node -e 0": { argv: lab.clientExec([process.execPath, "-e", "0"]), check: (_o, c) => c === 0 },
      "floor (bench/floor.cjs: MM1-MM6 + DELETE)": { argv: lab.clientExec([process.execPath, floor, lab.gwAddr, psk]), check: (_o, c) => c === 0 },
      "ike-scan -M": { argv: lab.clientExec(["ike-scan", "-M", "--sport=0", "--trans=7/256,4,1,14", lab.gwAddr]), check: (o) => o.includes("1 returned handshake") },
      "ikeprobe probe (MM1-MM6 + DELETE)": {
        argv: lab.clientExec([process.execPath, bin, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--psk-file", psk, "--json"]),
        check: (o, c) => c === 0 && o.includes('"status": "authenticated"'),
      },
      "ikeprobe probe --ikev2 (SA_INIT + AUTH with a CHILD SA + DELETE)": {
        argv: lab.clientExec([process.execPath, bin, lab.gwAddr, "--ikev2", "--ike", "aes256-sha256-modp2048", "--psk-file", psk, "--esp", "aes256-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24", "--json"]),
        check: (o, c) => c === 0 && o.includes('"status": "authenticated"') && o.includes('"status": "accepted",\n      "detail": "the gateway set up the CHILD SA'),
      },
      ...(baseline !== undefined
        ? {
            "baseline build, same probe": {
              argv: lab.clientExec([process.execPath, baseline, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--psk-file", psk, "--json"]),
              check: (o: string, c: number | null) => c === 0 && o.includes('"status": "authenticated"'),
            },
          }
        : {}),
    },
    RUNS,
  );
  report(times, ["node -e 0", "ike-scan -M", "floor (bench/floor.cjs: MM1-MM6 + DELETE)", "ikeprobe probe (MM1-MM6 + DELETE)", ...(baseline !== undefined ? ["baseline build, same probe"] : [])]);
} finally {
  await lab.stop();
}

/** The lab gateway both probe benchmarks (probe.ts, probe-alternate.ts) run against. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Lab, startLab } from "../test/lab/lab.ts";

/**
 * strongSwan with a PSK connection for aes256-sha256-modp2048 in IKEv1 and one in IKEv2 (with a
 * CHILD SA for aes256-sha256 between 203.0.113.0/24 and 198.51.100.0/24), and the file holding their key.
 * ike-scan stops after message 2 and leaves a half-open SA each time: charon's per-peer limit of 5
 * is lifted so that every run is answered (TESTBED §6).
 */
export async function startProbeLab(): Promise<{ lab: Lab; psk: string }> {
  const lab = await startLab({
    connections: [
      { name: "bench", proposals: ["aes256-sha256-modp2048"], psk: "bench-secret", localId: "gw.lab.example" },
      { name: "bench2", version: 2, proposals: ["aes256-sha256-modp2048"], psk: "bench-secret", localId: "gw.lab.example", espProposals: ["aes256-sha256"], localTs: "198.51.100.0/24", remoteTs: "203.0.113.0/24" },
    ],
    charonExtra: "block_threshold = 10000\n  init_limit_half_open = 10000",
  });
  const psk = join(lab.dir, "psk.txt");
  writeFileSync(psk, "bench-secret\n");
  return { lab, psk };
}

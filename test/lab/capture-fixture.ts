/**
 * Makes a known-answer fixture from a real exchange: runs the lab strongSwan with `ike = 4` (it
 * logs g^xy, SKEYID, SKEYID_d/a/e, Ka, IVs, HASH_I, HASH_R), probes it with --pcap, and stores the
 * gateway's logged values beside the packets. The tests recompute everything from the packets and
 * the gateway's g^xy, and compare with what the gateway logged: an independent implementation's
 * view of the same exchange. The PSK is the lab's throwaway test secret.
 *
 *   node --import tsx test/lab/capture-fixture.ts aes256-sha256-modp2048
 *   node --import tsx test/lab/capture-fixture.ts aes256-sha256-modp2048 aes128-sha1-modp2048   (with Quick Mode)
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLab } from "./lab.ts";
import { parseCharonDumps, readPcap } from "./charon-log.ts";

const proposal = process.argv[2] ?? "aes256-sha256-modp2048";
const esp = process.argv[3];
const out = esp === undefined ? `test/fixtures/strongswan-mm-${proposal}.json` : `test/fixtures/strongswan-qm-${esp}.json`;
const psk = `kat-${proposal}-secret`;

const lab = await startLab({
  connections: [{ name: "kat", proposals: [proposal], psk, ...(esp !== undefined ? { espProposals: [esp], localTs: "198.51.100.0/24", remoteTs: "203.0.113.0/24" } : {}) }],
  ikeLogLevel: 4,
});
try {
  const pcap = join(lab.dir, "kat.pcap");
  const qm = esp !== undefined ? ["--esp", esp, "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"] : [];
  const argv = lab.clientExec(["node", "bin/ikeprobe.js", lab.gwAddr, "--ike", proposal, ...qm, "--pcap", pcap, "--json", "--show-keys", "--timeout", "3"]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, IKEPROBE_PSK: psk } });
  const report = JSON.parse(r.stdout) as { identity: { status: string }; exitCode: number; phase2: { proposals: { sa?: { keys?: { pfsSharedSecret?: string } } }[] } | null };
  if (report.identity.status !== "authenticated" || report.exitCode !== 0) throw new Error(`probe did not succeed: ${r.stdout}${r.stderr}`);
  await new Promise((res) => setTimeout(res, 300));
  const dumps = parseCharonDumps(lab.log());
  const keep = [
    "shared Diffie Hellman secret",
    "SKEYID",
    "SKEYID_d",
    "SKEYID_a",
    "SKEYID_e",
    "encryption key Ka",
    "initial IV",
    "next IV for MID 0",
    "HASH_I data",
    "HASH_I",
    "HASH_R data",
    "HASH_R",
    "Hash(1)",
    "Hash(2)",
    "Hash(3)",
    "encryption initiator key",
    "encryption responder key",
    "integrity initiator key",
    "integrity responder key",
  ];
  const gateway: Record<string, string[]> = {};
  for (const k of Object.keys(dumps)) if (keep.includes(k) || /IV for MID \d+/.test(k)) gateway[k] = dumps[k]!;
  const fixture = {
    description: `Main Mode ${proposal} with PSK${esp !== undefined ? ` and Quick Mode ESP ${esp}` : ""} between ikeprobe and strongSwan 5.9.8 (charon ike=4, chd=4 log); packets as captured by ikeprobe --pcap`,
    proposal,
    ...(esp !== undefined ? { esp } : {}),
    psk,
    gateway,
    // strongSwan does not log the Quick Mode DH secret: this one input comes from our side (--show-keys).
    ...(report.phase2?.proposals[0]?.sa?.keys?.pfsSharedSecret !== undefined ? { inputs: { pfsSharedSecret: report.phase2.proposals[0].sa.keys.pfsSharedSecret } } : {}),
    packets: readPcap(pcap),
  };
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${out}: ${Object.keys(gateway).join(", ")}; ${fixture.packets.length} packets`);
} finally {
  await lab.stop();
}

/**
 * Benchmark: `ikeprobe scan --no-ikev1` (the IKEv2 audit, full catalogue) against the lab's strongSwan
 * (four IKEv2 proposals, AEAD and not) and libreswan: exchanges, packets, half-open SAs left and wall
 * time, beside the catalogue's size, which is what one combination per packet would cost (the
 * method of scapy-based enumerators). That cost is measured in the same run: single-combination
 * IKE_SA_INITs sent one after another for BENCH_LOOP_SECONDS (default 5), projected to the catalogue.
 *   npm run bench:scan-ikev2   (root; npm run bench:scan runs it too, after the IKEv1 figures)
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { combos, comboToken, parseIkev2Proposal } from "../src/config/ikev2.ts";
import { startLab, type Lab } from "../test/lab/lab.ts";
import { ensureLibreswan } from "../test/lab/libreswan.ts";
import { benchEnv } from "./lib.ts";

const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 5);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;

/** One single-combination question after another, from the client namespace, for LOOP_SECONDS: exchanges a second. */
function loopRate(lab: Lab): number {
  const code = `
    const { Ikev2Prober } = await import(${JSON.stringify(new URL("../src/scan/ikev2.ts", import.meta.url).pathname)});
    const { IkeTransport } = await import(${JSON.stringify(new URL("../src/transport/udp.ts", import.meta.url).pathname)});
    const { ikev2Space } = await import(${JSON.stringify(new URL("../src/scan/ikev2-catalogue.ts", import.meta.url).pathname)});
    const t = await IkeTransport.open({ address: ${JSON.stringify(lab.gwAddr)}, port: 500 }, { sourcePort: 0, timeoutMs: 1000, retries: 0 });
    const p = new Ikev2Prober(t, { maxMessage: 1280, timeoutMs: () => 1000, beforeSend: async () => {}, onHalfOpen: () => {} });
    const s = ikev2Space("full");
    let n = 0; const t0 = Date.now();
    while (Date.now() - t0 < ${LOOP_SECONDS * 1000}) { const c = s.ciphers[n % s.ciphers.length]; await p.ask({ ciphers: [c], prfs: [s.prfs[n % s.prfs.length]], integs: [c.aead ? null : s.integs[n % s.integs.length]], groups: [s.groups[n % s.groups.length]] }); n++; }
    t.close();
    console.log(n / ((Date.now() - t0) / 1000));`;
  const argv = lab.clientExec([process.execPath, "--import", "tsx", "--input-type=module", "-e", code]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: benchEnv });
  return Number(r.stdout.trim());
}

function scan(lab: Lab, name: string, configured: string[]): void {
  const argv = lab.clientExec([process.execPath, bin, "scan", lab.gwAddr, "--no-ikev1", "--json"]);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: benchEnv });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const v2 = JSON.parse(r.stdout).targets[0].ikev2;
  const want = [...new Set(configured.flatMap((p) => combos(parseIkev2Proposal(p)).map(comboToken)))].sort();
  const got = v2.accepted.map((a: { proposal: string }) => a.proposal).sort();
  const exact = JSON.stringify(want) === JSON.stringify(got) && v2.complete === true;
  const rate = loopRate(lab);
  const projected = v2.stats.catalogue / rate;
  console.log(`${name}: ${configured.length} proposals, ${want.length} combinations accepted`);
  console.log(`  ikeprobe scan --no-ikev1 (full catalogue, ${v2.stats.catalogue} combinations): ${v2.stats.exchanges} exchanges (${v2.stats.questions} questions), ${v2.stats.packets} packets, ${v2.stats.halfOpen} half-open SA left, ${v2.stats.wallMs} ms in the audit, ${seconds.toFixed(2)} s for the whole command; result ${exact ? "EXACT" : "WRONG"}; groups ${v2.groups.join(", ")}`);
  console.log(`  one combination per packet: ${v2.stats.catalogue} exchanges at ${rate.toFixed(0)} a second (measured for ${LOOP_SECONDS} s) = ~${projected.toFixed(0)} s projected`);
  console.log(`  ratios: ${(v2.stats.catalogue / v2.stats.exchanges).toFixed(0)}x fewer exchanges, ${(projected / seconds).toFixed(0)}x less time`);
}

/** Both lab gateways, one after the other; bench/scan.ts runs this after its IKEv1 figures. */
export async function runIkev2ScanBench(): Promise<void> {
  const sw = await startLab({
    connections: [{ name: "bench", version: 2, proposals: ["aes256-sha384-ecp384", "aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp384", "chacha20poly1305-prfsha256-curve25519"], psk: "bench-ikev2-secret", localId: "gw.lab.example" }],
    charonExtra: "block_threshold = 1000\n  cookie_threshold_ip = 1000",
  });
  try {
    scan(sw, "strongSwan 5.9.8", ["aes256-sha384-ecp384", "aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp384", "chacha20poly1305-prfsha256-curve25519"]);
  } finally {
    await sw.stop();
  }
  ensureLibreswan();
  const ls = await startLab({
    connections: [],
    libreswan: { conns: "conn lab\n    ikev2=yes\n    authby=secret\n    left=198.18.1.1\n    leftid=@gw.lab.example\n    right=%any\n    rightid=%any\n    ike=aes256-sha2_256;modp2048,aes_gcm256-sha2_256;dh19,aes128-sha1;modp3072+dh31\n    leftupdown=%disabled\n    auto=add\n", secrets: '@gw.lab.example %any : PSK "bench-ikev2-secret"\n' },
  });
  try {
    scan(ls, "libreswan 4.10", ["aes256-sha256-modp2048", "aes256gcm16-prfsha256-ecp256", "aes128-sha1-modp3072-curve25519"]);
  } finally {
    await ls.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runIkev2ScanBench();

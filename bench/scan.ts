/**
 * Benchmark: `ikeprobe scan --catalogue full` (IKEv1; the IKEv2 audit's figures follow, from
 * scan-ikev2.ts) against the lab strongSwan with default
 * settings (half-open limit 5 per peer, 30 s), against an ike-scan loop with one transform per run
 * (iker's method) over the same catalogue on the same gateway. The loop is bounded in time
 * (BENCH_LOOP_SECONDS, default 60): we report what it found and project its full duration.
 *   npm run bench:scan   (root)
 */
import { spawnSync } from "node:child_process";
import { startLab } from "../test/lab/lab.ts";
import { fullCatalogue } from "../src/scan/catalogue.ts";
import { chunk } from "../src/scan/eliminate.ts";
import { MainModeScanPeer } from "../src/scan/peers.ts";
import type { IkeTransport } from "../src/transport/udp.ts";
import { benchEnv, ensureTool } from "./lib.ts";
import { runIkev2ScanBench } from "./scan-ikev2.ts";

const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 60);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
ensureTool("ike-scan", "ike-scan");
const CONFIGURED = ["aes256-sha256-modp2048", "aes128-sha1-modp1024", "3des-md5-modp1536"];
const expected = new Set(CONFIGURED.flatMap((p) => ["psk", "rsa", "xauth-psk", "xauth-rsa"].map((a) => `${p}/${a}`)));

const lab = await startLab({ connections: [{ name: "bench", proposals: CONFIGURED, psk: "bench-scan-secret", localId: "gw.lab.example" }] });
try {
  const catalogue = fullCatalogue();

  // ikeprobe, with the default packet size (no fragmentation) and with 9000-byte packets (jumbo
  // frames, or fragmentation: up to 255 transforms per message).
  const ours = (extra: string[], which = bin) => {
    const argv = lab.clientExec([process.execPath, which, "scan", lab.gwAddr, "--catalogue", "full", "--json", ...extra]);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 900_000, env: benchEnv });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const t = JSON.parse(r.stdout).targets[0];
    const found = new Set<string>(t.mainMode.accepted.map((a: { proposal: string; auth: string }) => `${a.proposal}/${a.auth}`));
    const exact = found.size === expected.size && [...expected].every((x) => found.has(x)) && t.mainMode.unknown.length === 0;
    return { t, seconds, found, exact };
  };
  const def = ours([]);
  const jumbo = ours(["--max-packet", "9000"]);
  // Another build (BENCH_BASELINE_BIN), alternated with this one, medians of 5 (half-open SAs
  // expire between runs: strongSwan's 30 s).
  const baseline = process.env.BENCH_BASELINE_BIN;
  if (baseline !== undefined) {
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < 5; i++) {
      await new Promise((res) => setTimeout(res, 31_000));
      theirs.push(ours([], baseline).seconds);
      await new Promise((res) => setTimeout(res, 31_000));
      mine.push(ours([]).seconds);
    }
    const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    console.log(`scan --catalogue full, this build vs the baseline build, alternated, medians of 5: ${med(mine).toFixed(2)} s vs ${med(theirs).toFixed(2)} s (${(med(mine) / med(theirs)).toFixed(2)}x)`);
  }

  // The ike-scan loop, one transform per run, bounded in time. The lab gateway still holds our
  // scan's half-open SAs for up to 30 s: let them expire first, so the loop starts clean.
  await new Promise((res) => setTimeout(res, 31_000));
  const loopFound = new Set<string>();
  let probes = 0;
  let noAnswer = 0;
  const l0 = Date.now();
  for (const e of catalogue) {
    if ((Date.now() - l0) / 1000 > LOOP_SECONDS) break;
    const x = e.transform;
    const trans = `${x.encryption}${x.keyBits !== undefined && x.encryption !== 1 && x.encryption !== 5 ? `/${x.keyBits}` : ""},${x.hash},${x.auth},${x.group}`;
    const a = lab.clientExec(["ike-scan", "-M", "--sport=0", `--trans=${trans}`, lab.gwAddr]);
    const out = spawnSync(a[0]!, a.slice(1), { encoding: "utf8" }).stdout;
    probes++;
    if (out.includes("1 returned handshake")) loopFound.add(`${e.proposal}/${e.auth}`);
    else if (!out.includes("returned notify")) noAnswer++;
  }
  const loopSeconds = (Date.now() - l0) / 1000;
  const projected = (loopSeconds / probes) * catalogue.length;
  const wrongInLoop = [...expected].filter((x) => !loopFound.has(x) && catalogue.findIndex((e) => `${e.proposal}/${e.auth}` === x) < probes);

  console.log(`catalogue: full, ${catalogue.length} transforms; gateway accepts ${expected.size}`);
  // The bound at 1500 bytes: accepted + ceil(refusable / transforms per full datagram) + 2 exchanges.
  const sizer = new MainModeScanPeer(undefined as unknown as IkeTransport);
  const perFull = chunk(catalogue, (ts) => sizer.message(ts).length, 1500 - 20 - 8)[0]!.length;
  const bound = expected.size + Math.ceil((catalogue.length - expected.size) / perFull) + 2;
  const offers = def.t.stats.exchanges - def.t.stats.halfOpenReleased;
  console.log(`bound at 1500 bytes: ${expected.size} + ceil(${catalogue.length - expected.size} / ${perFull}) + 2 = ${bound} offers; ikeprobe made ${offers} offers (${offers <= bound ? "within" : "OVER"} the bound) and ${def.t.stats.halfOpenReleased} releases of accepted ones`);
  for (const [name, x] of [["ikeprobe scan (1500-byte packets)", def], ["ikeprobe scan --max-packet 9000", jumbo]] as const) {
    console.log(`${name}: ${x.t.stats.exchanges} exchanges, ${x.t.stats.packetsSent} packets sent, ${x.seconds.toFixed(1)} s wall (${x.t.stats.waitedSeconds} s waiting out half-open SAs, ${x.t.stats.halfOpenReleased} released at once), result ${x.exact ? "EXACT" : "WRONG"} (${x.found.size} accepted, ${x.t.mainMode.unknown.length} unknown)`);
  }
  console.log(`ike-scan loop (bounded to ${LOOP_SECONDS} s): ${probes} transforms probed in ${loopSeconds.toFixed(1)} s, ${loopFound.size} found, ${noAnswer} without any answer, ${wrongInLoop.length} accepted transforms missed among those probed`);
  console.log(`ike-scan loop projected over the full catalogue: ${catalogue.length} exchanges, >= ${catalogue.length} packets, ~${(projected / 60).toFixed(1)} min`);
  for (const [name, x] of [["1500-byte packets", def], ["9000-byte packets", jumbo]] as const) {
    console.log(`ratios (${name}): ${(catalogue.length / x.t.stats.packetsSent).toFixed(1)}x fewer packets, ${(projected / x.seconds).toFixed(1)}x less time than the loop`);
  }
} finally {
  await lab.stop();
}

// The IKEv2 audit's figures (bench/scan-ikev2.ts): its full catalogue against strongSwan and libreswan.
await runIkev2ScanBench();

/**
 * Discovery against a routed network: 198.19.77.0/24 is routed from the client namespace through
 * the gateway namespace, where two addresses are strongSwan's (IKEv1 and IKEv2 connections) and the
 * other 252 are blackholed (probes vanish without a word). `scan` of the /24 finds exactly the two,
 * enumerates each as a single target would be, lists only them, and counts the rest in `discovery`;
 * two shards' JSONL lines together are the whole; --exclude keeps an address from ever being probed.
 * A routed /16 is discovered within 1.25x the rate bound and a peak RSS under 150 MB. A SoftEther
 * gateway (a second implementation) answers from its primary address, not the one probed: it is
 * found all the same and enumerated where it answers from.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { softetherSkipReason } from "../lab/softether.ts";
import { spawnIkeprobe } from "../helpers/e2e.ts";

const NET = "198.19.77.0/24";
const LIVE = ["198.19.77.10", "198.19.77.200"];

interface Target {
  target: { host: string };
  status: string;
  mainMode: { accepted: { proposal: string }[] } | null;
  ikev2: { accepted: { proposal: string }[] } | null;
}
interface Scan {
  discovery?: { addresses: number; excluded: number; sent: number; answered: number; responders: number; rate: number; wallMs: number; shard: string };
  targets: Target[];
  exitCode: number;
}

describe("discovery of a routed /24 with two live gateways", { skip: e2eSkipReason() }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      routedNet: { net: NET, live: LIVE },
      connections: [
        { name: "v1", proposals: ["aes256-sha256-modp2048"], psk: "discovery-lab", localAddrs: ["198.18.1.1", ...LIVE] },
        { name: "v2", version: 2, proposals: ["aes256gcm16-prfsha384-ecp384"], psk: "discovery-lab", localAddrs: ["198.18.1.1", ...LIVE] },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
  });
  const scan = async (args: string[]) => spawnIkeprobe(lab, ["scan", NET, "--catalogue", "common", ...args], {}).done;

  test("exactly the live gateways are found and enumerated; the 252 silent addresses are counted, not listed", async () => {
    const r = await scan(["--json"]);
    const doc = r.json as Scan;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(doc.targets.map((t) => t.target.host).sort(), LIVE);
    for (const t of doc.targets) {
      assert.equal(t.status, "scanned");
      assert.ok(t.mainMode?.accepted.some((a) => a.proposal === "aes256-sha256-modp2048"), `${t.target.host}: Main Mode as for a single target`);
      assert.deepEqual(t.ikev2?.accepted.map((a) => a.proposal), ["aes256gcm16-prfsha384-ecp384"]);
    }
    const d = doc.discovery!;
    assert.deepEqual([d.addresses, d.excluded, d.responders, d.shard, d.rate], [254, 0, 2, "1/1", 600]);
    // Both versions to every address, then again to the 252 silent ones.
    assert.equal(d.sent, 2 * 254 + 2 * 252);
    assert.ok(d.answered >= 2);
    // The rate bound: 1012 probes at 600 a second, plus one 3 s timeout of listening.
    assert.ok(d.wallMs >= 1012 / 0.6 && d.wallMs < 1.25 * (1012 / 0.6 + 3000), `${d.wallMs} ms`);
  });

  test("--shard 1/2 and 2/2: disjoint responders whose JSONL lines together are the whole scan's", async () => {
    const parts = await Promise.all(["1/2", "2/2"].map((s) => scan(["--shard", s, "--jsonl"])));
    const lines = parts.flatMap((p) => p.stdout.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Target));
    assert.deepEqual(lines.map((t) => t.target.host).sort(), LIVE);
  });

  test("--exclude: an excluded address is never probed; a network over a /16 needs --rate; --rate 0 is refused", async () => {
    const file = join(lab.dir, "exclude.txt");
    writeFileSync(file, "# never these\n198.19.77.200\n198.19.77.128/27\n");
    const r = await scan(["--exclude", file, "--json"]);
    const doc = r.json as Scan;
    assert.deepEqual(doc.targets.map((t) => t.target.host), ["198.19.77.10"]);
    assert.equal(doc.discovery?.excluded, 33);
    assert.equal(doc.discovery?.sent, 2 * 221 + 2 * 220);
    const big = await spawnIkeprobe(lab, ["scan", "198.18.0.0/15"], {}).done;
    assert.equal(big.code, 2);
    assert.match(big.stderr, /more than a \/16: give --rate explicitly/);
    const flood = await scan(["--rate", "0"]);
    assert.equal(flood.code, 2);
    assert.match(flood.stderr, /--rate 0 \(no limit\) is refused for the discovery of a network/);
  });
});

describe("discovery of a routed /16 at --rate 20000", { skip: e2eSkipReason() }, () => {
  const LIVE16 = ["198.19.0.20", "198.19.200.9"];
  let lab: Lab;
  before(async () => {
    lab = await startLab({ routedNet: { net: "198.19.0.0/16", live: LIVE16 }, connections: [{ name: "v1", proposals: ["aes256-sha256-modp2048"], psk: "discovery-lab", localAddrs: ["198.18.1.1", ...LIVE16] }] });
  });
  after(async () => {
    await lab?.stop();
  });

  test("65,534 addresses in the rate bound's time, exactly the live gateways, and a peak RSS under 150 MB", async () => {
    // The process's own peak RSS, written at exit by a preloaded module (no external tool needed).
    const rss = join(lab.dir, "rss.cjs");
    writeFileSync(rss, 'process.on("exit", () => process.stderr.write(`maxrss-kb ${process.resourceUsage().maxRSS}\\n`));\n');
    const r = await spawnIkeprobe(lab, ["scan", "198.19.0.0/16", "--rate", "20000", "--catalogue", "common", "--no-ikev2", "--json"], { NODE_OPTIONS: `--require ${rss}` }).done;
    assert.equal(r.code, 0, r.stderr);
    const doc = r.json as Scan;
    assert.deepEqual(doc.targets.map((t) => t.target.host).sort(), LIVE16);
    const d = doc.discovery!;
    assert.equal(d.addresses, 65534);
    // IKEv1 only: one probe per address, then the silent ones again.
    assert.equal(d.sent, 65534 + 65532);
    const bound = (d.sent * 1000) / 20000 + 3000;
    assert.ok(d.wallMs < 1.25 * bound, `${d.wallMs} ms against a bound of ${bound} ms`);
    const kb = Number(/maxrss-kb (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(kb > 0 && kb < 150 * 1024, `peak RSS ${Math.round(kb / 1024)} MB`);
  });
});

const seSkip = softetherSkipReason();

describe("discovery of a SoftEther gateway, which answers from another address than the one probed", { skip: seSkip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ routedNet: { net: "198.19.78.0/24", live: ["198.19.78.33"] }, connections: [], softether: { psk: "se-lab-Psk-4711" } });
  });
  after(async () => {
    await lab?.stop();
  });

  test("found by its SPI although it answers from its primary address; enumerated there, with a note", async () => {
    const r = await spawnIkeprobe(lab, ["scan", "198.19.78.0/24", "--catalogue", "common", "--no-ikev2", "--json"], {}).done;
    const doc = r.json as Scan & { targets: (Target & { warnings: string[] })[] };
    assert.equal(r.code, 0, r.stderr);
    assert.equal(doc.discovery?.responders, 1);
    assert.deepEqual(doc.targets.map((t) => [t.target.host, t.status]), [[lab.gwAddr, "scanned"]]);
    assert.ok((doc.targets[0]!.mainMode?.accepted.length ?? 0) > 0);
    assert.deepEqual(doc.targets[0]!.warnings, [`discovered at 198.19.78.33, which it answers from ${lab.gwAddr}: enumerated there`]);
  });
});

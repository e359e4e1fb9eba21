/**
 * The discovery's parts without a network: the address space (a permutation that covers every
 * address once, shards that are disjoint and together complete, exclusions and network/broadcast
 * addresses honoured, memory flat for a /16), the token bucket against a fake clock, and the SPI
 * that names the address it was sent to.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AddressSpace, Permutation, mergeRanges, numberToIpv4, parseIpv4Network, parseShard } from "../../src/scan/addresses.ts";
import { Sealer } from "../../src/scan/discovery.ts";
import { TokenBucket } from "../../src/scan/rate.ts";
import { UsageError } from "../../src/errors.ts";

const net = (t: string) => parseIpv4Network(t, "target")!;

describe("discovery: address space", () => {
  test("the permutation visits every index of [0, n) exactly once, in an order that is not the identity, the same for the same seed", () => {
    for (const n of [1, 2, 3, 254, 1000, 4097, 65534]) {
      const p = new Permutation(n, "seed-a");
      const seen = new Uint8Array(n);
      let fixed = 0;
      for (let i = 0; i < n; i++) {
        const x = p.at(i);
        assert.ok(x >= 0 && x < n, `${x} in [0, ${n})`);
        assert.equal(seen[x], 0, `n=${n}: ${x} twice`);
        seen[x] = 1;
        if (x === i) fixed++;
      }
      if (n >= 254) assert.ok(fixed < n / 10, `n=${n}: ${fixed} fixed points`);
      assert.equal(new Permutation(n, "seed-a").at(n - 1), p.at(n - 1));
      for (const i of [0, n >> 1, n - 1]) assert.equal(p.indexOf(p.at(i)), i, `n=${n}: indexOf inverts at`);
    }
    const a = Array.from({ length: 50 }, (_, i) => new Permutation(1000, "seed-a").at(i));
    const b = Array.from({ length: 50 }, (_, i) => new Permutation(1000, "seed-b").at(i));
    assert.notDeepEqual(a, b, "another seed, another order");
  });

  test("a /24: 254 addresses (no network or broadcast address), each once; consecutive sends land in different /28s", () => {
    const s = new AddressSpace({ networks: [net("198.18.5.0/24")], exclude: [], shard: { index: 1, count: 1 }, seed: "x" });
    const all = [...s.walk()].map(numberToIpv4);
    assert.equal(all.length, 254);
    assert.equal(new Set(all).size, 254);
    assert.ok(!all.includes("198.18.5.0") && !all.includes("198.18.5.255"));
    const sixteenths = all.slice(0, 16).map((a) => Math.floor(Number(a.split(".")[3]) / 16));
    assert.ok(new Set(sixteenths).size >= 6, `the first 16 sends spread over ${new Set(sixteenths).size} of 16 /28s`);
  });

  test("shards: disjoint, and together every address once, for N = 1..7 over two networks", () => {
    const networks = [net("198.18.0.0/22"), net("198.19.7.0/25"), net("198.18.1.0/24")];
    const whole = new Set([...new AddressSpace({ networks, exclude: [], shard: { index: 1, count: 1 }, seed: "s" }).walk()]);
    assert.equal(whole.size, 1022 + 126, "overlapping networks counted once");
    for (let n = 1; n <= 7; n++) {
      const seen = new Set<number>();
      for (let i = 1; i <= n; i++) {
        const sp = new AddressSpace({ networks, exclude: [], shard: { index: i, count: n }, seed: "s" });
        let count = 0;
        for (const a of sp.walk()) {
          assert.ok(!seen.has(a), `N=${n}: ${numberToIpv4(a)} in two shards`);
          seen.add(a);
          count++;
        }
        assert.equal(count, sp.shardTotal);
      }
      assert.deepEqual([...seen].sort(), [...whole].sort(), `N=${n}: complete`);
    }
  });

  test("exclusions are never walked and are counted", () => {
    const s = new AddressSpace({ networks: [net("198.18.8.0/24")], exclude: [net("198.18.8.64/26"), net("198.18.8.7")], shard: { index: 1, count: 1 }, seed: "e" });
    const all = [...s.walk()].map(numberToIpv4);
    assert.equal(all.length, 254 - 64 - 1);
    assert.ok(all.every((a) => { const last = Number(a.split(".")[3]); return last !== 7 && (last < 64 || last > 127); }));
    assert.equal(s.countExcluded(), 65);
    assert.deepEqual(mergeRanges([net("10.0.0.0/25"), net("10.0.0.128/25"), net("10.0.1.0/24")]), [{ start: 167772160, count: 512 }]);
  });

  test("a /16 walks in flat memory: nothing is held per address", () => {
    const s = new AddressSpace({ networks: [net("198.18.0.0/16")], exclude: [], shard: { index: 1, count: 1 }, seed: "m" });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let n = 0;
    let peak = before;
    for (const _ of s.walk()) {
      if (++n % 8192 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    assert.equal(n, 65534);
    assert.ok(peak - before < 16 * 1024 * 1024, `heap grew ${Math.round((peak - before) / 1024)} KiB`);
  });

  test("--shard and network syntax: usage errors that name the option", () => {
    assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "1/0"]) assert.throws(() => parseShard(bad), (e: unknown) => e instanceof UsageError && e.message.startsWith(`--shard ${bad}`));
    assert.throws(() => parseIpv4Network("198.18.0.0/33", "--exclude"), /--exclude 198\.18\.0\.0\/33: not an IPv4 network/);
    assert.equal(parseIpv4Network("gw.example", "target"), undefined);
    assert.deepEqual(net("198.18.5.77/24"), { start: net("198.18.5.0").start, count: 256 }, "host bits dropped");
  });
});

describe("discovery: rate and answers", () => {
  test("the token bucket lets `rate` packets a second through over time, in bursts of at most 10 ms worth (a fake clock)", async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; } };
    const b = new TokenBucket(10000, clock);
    for (let i = 0; i < 50000; i++) await b.take();
    // 50,000 packets at 10,000 a second: 5 s of the fake clock, give or take a burst.
    assert.ok(now >= 4990 && now <= 5010, `${now} ms`);
    assert.ok(sleeps.every((s) => s >= 1), "no sleep shorter than a timer tick");
    now = 0;
    const slow = new TokenBucket(20, clock);
    for (let i = 0; i < 21; i++) await slow.take();
    assert.ok(now >= 990 && now <= 1010, `20 a second: ${now} ms for 21 packets`);
    const before = now;
    const free = new TokenBucket(0, clock);
    for (let i = 0; i < 1000; i++) await free.take();
    assert.equal(now, before, "rate 0: no limit, no sleep");
  });

  test("the SPI names its address: sealed and opened under one key; a forged or foreign SPI opens to nothing", () => {
    const s = new Sealer();
    for (const a of [0, 1, 0xc6120101, 0xffffffff, 0x7f000001]) assert.equal(s.open(s.seal(a)), a >>> 0);
    const spi = s.seal(0xc6120101);
    spi[5]! ^= 1;
    assert.equal(s.open(spi), undefined);
    assert.equal(new Sealer().open(s.seal(0xc6120101)), undefined, "another run's key");
    assert.equal(s.open(Buffer.alloc(4)), undefined);
  });
});

/**
 * ipFamily() against node:net's isIP(), the grammar it must equal: hand-picked edge cases, then
 * many generated strings (valid addresses built at random, then mutated one character at a time,
 * and random strings over the characters addresses are made of).
 */
import assert from "node:assert/strict";
import { isIP } from "node:net";
import { test } from "node:test";
import { ipFamily } from "../../src/wire/ip.ts";

const EDGES = [
  "", ".", ":", "::", ":::", "::::", "0.0.0.0", "255.255.255.255", "256.0.0.0", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1.2.3.4.5",
  "01.2.3.4", "1.2.3.04", "1.2.3.00", "0.0.0.00", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "+1.2.3.4", "1.2.3.4%eth0",
  "198.18.1.1", "1234.1.1.1", "１.2.3.4", "::1", "1::", "1:", ":1", "::1:", "1::2::3", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9",
  "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::3:4:5:6:7:8", "1:2:3:4:5:6::7", "1:2:3:4:5:6:7::8",
  "12345::1", "ABCD:ef01::1", "g::1", "::1.2.3.4", "::ffff:1.2.3.4", "::ffff:1.2.3.256", "1:2:3:4:5:6:1.2.3.4",
  "1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "1.2.3.4:1::", "::1.2.3.4:1",
  "1::1.2.3", "::01.2.3.4", "fe80::1%eth0", "fe80::1%", "fe80::1%%", "fe80::1%a%b", "fe80::1%a.b:c-D9", "fe80::1%a_b",
  "fe80::1%a/b", "%eth0", "::%1", "1.2.3.4%1", "2001:2::1", "[2001:2::1]", "2001:db8::", "::ffff:0:1.2.3.4",
  "0:0:0:0:0:0:0:0", "0000:0000:0000:0000:0000:0000:0000:0000", "00000::", "::0000", "::00000", "1:::2", "1::2:",
];

test("hand-picked edge cases: the same family as node:net's isIP()", () => {
  for (const s of EDGES) assert.equal(ipFamily(s), isIP(s), JSON.stringify(s));
});

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test("generated strings: the same family as node:net's isIP()", () => {
  const r = rng(11);
  const int = (n: number): number => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const HEX = "0123456789abcdefABCDEF";
  const group = (): string => Array.from({ length: 1 + int(4) }, () => pick([...HEX])).join("");
  const v4 = (): string => Array.from({ length: 4 }, () => String(pick([0, 1, 9, 10, 99, 100, 199, 200, 249, 250, 255, int(256)]))).join(".");
  const v6 = (): string => {
    const tail = r() < 0.25;
    const n = 8 - (tail ? 2 : 0);
    const gs = Array.from({ length: n }, group);
    let text: string;
    if (r() < 0.6) {
      // "::" in place of a run of one or more groups.
      const from = int(n);
      const len = 1 + int(n - from);
      text = `${gs.slice(0, from).join(":")}::${gs.slice(from + len).join(":")}`;
      if (tail) text += `${text.endsWith(":") ? "" : ":"}${v4()}`;
    } else {
      text = gs.join(":") + (tail ? `:${v4()}` : "");
    }
    return r() < 0.2 ? `${text}%${pick(["eth0", "1", "en0.5", "a-b:c", "x_y", ""])}` : text;
  };
  const CHARS = [..."0123456789abcdefgABCDEFZ:.%-_ /[]"];
  const mutate = (s: string): string => {
    const at = int(s.length + 1);
    const op = int(3);
    if (op === 0) return s.slice(0, at) + pick(CHARS) + s.slice(at);
    if (op === 1) return s.slice(0, at) + s.slice(at + 1);
    return s.slice(0, at) + pick(CHARS) + s.slice(at + 1);
  };
  const counts: Record<number, number> = { 0: 0, 4: 0, 6: 0 };
  for (let i = 0; i < 60_000; i++) {
    const base = r() < 0.3 ? v4() : v6();
    let s = base;
    for (let k = int(3); k > 0; k--) s = mutate(s);
    if (r() < 0.1) s = Array.from({ length: int(20) }, () => pick(CHARS)).join("");
    const want = isIP(s);
    counts[want] = (counts[want] ?? 0) + 1;
    assert.equal(ipFamily(s), want, JSON.stringify(s));
  }
  // The generator reaches all three answers often, so the comparison covers each.
  for (const [family, n] of Object.entries(counts)) assert.ok(n > 5000, `${n} strings of family ${family}`);
});

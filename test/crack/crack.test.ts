/**
 * The offline PSK test. Known answers come from ike-scan's own test scripts (Debian's ike-scan
 * package ships them in /usr/share/ike-scan/checks): hashes captured from a Check Point FW-1 and a
 * Juniper NetScreen with known PSKs (ike-scan's own test vectors). They are read from the package at test time.
 * SHA-2, which psk-crack does not know, is checked against node:crypto's HMAC.
 */
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { runCrack } from "../../src/crack/crack.ts";
import { crackEngine } from "../../src/crack/engine.ts";
import { type PskHash, parsePskCrackFile } from "../../src/crack/hash-file.ts";
import { packageSkipReason } from "../lab/require.ts";

const CHECKS = "/usr/share/ike-scan/checks";
const skip = packageSkipReason("ike-scan", "psk-crack");
const dir = mkdtempSync(join(tmpdir(), "ikeprobe-crack-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The quoted psk-crack lines a check script writes with echo "..." > $NAME (or >>). */
function vectors(script: string, variable: string): PskHash[] {
  const text = readFileSync(join(CHECKS, script), "utf8");
  const lines = [...text.matchAll(new RegExp(`echo "([0-9a-f:]+)" >>? \\$${variable}\\b`, "g"))].map((m) => m[1]!);
  assert.ok(lines.length > 0, `vectors for $${variable} in ${script}`);
  return parsePskCrackFile(lines.join("\n"), script);
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const LONG = "12345678901234567890123456789012345678901234567890123456789012345";

describe("PSK test: known answers from ike-scan's checks", { skip }, () => {
  const cases: [string, string, string, number][] = [
    ["check-psk-crack-2", "MD5PSK", "abc123", 1],
    ["check-psk-crack-2", "SHA1PSK", "abc123", 1],
    ["check-psk-crack-4", "PSK", "garibaldi", 2],
    ["check-psk-crack-4", "LONGMD5PSK", LONG, 1],
    ["check-psk-crack-4", "LONGSHA1PSK", LONG, 1],
  ];
  const engine = crackEngine(crypto);
  for (const [script, variable, psk, count] of cases) {
    for (const simd of [true, false]) {
    test(`${script} $${variable}: the known PSK matches, a near miss does not (${simd ? "WebAssembly SIMD" : "JS"} engine)`, () => {
      const hashes = vectors(script, variable);
      assert.equal(hashes.length, count);
      for (const h of hashes) {
        const tester = engine.tester(h, { simd });
        assert.equal(tester.kind, simd ? "simd" : "js");
        const t = tester.test;
        const right = Buffer.from(psk);
        const wrong = Buffer.from(`${psk.slice(0, -1)}X`);
        assert.equal(t(right, 0, right.length), true, `${h.hash} line ${h.line}`);
        assert.equal(t(wrong, 0, wrong.length), false);
        // The same bytes at an offset inside a larger buffer.
        const padded = Buffer.concat([Buffer.from("xx"), right, Buffer.from("yy")]);
        assert.equal(t(padded, 2, right.length), true);
        // Four lanes at once: the match is reported at its own index, whatever lane it falls in.
        for (const at of [0, 1, 2, 3, 4, 6]) {
          const cands = Array.from({ length: 7 }, (_, i) => (i === at ? right : Buffer.from(`wrong-${i}`)));
          const buf = Buffer.concat(cands);
          const offs: number[] = [];
          let o = 0;
          for (const c of cands) {
            offs.push(o, c.length);
            o += c.length;
          }
          const hits: number[] = [];
          tester.testMany(buf, Uint32Array.from(offs), (i) => hits.push(i));
          assert.deepEqual(hits, [at]);
        }
      }
    });
    }
  }

  // Workers (mainThreadBytes 0: threads even for a short list; the main thread tests until one is
  // ready), and the main thread alone (the default for a list of this size).
  for (const [name, mainThreadBytes, threads] of [["workers", 0, 2], ["the main thread alone", undefined, 1]] as const) {
    test(`${name} find both keys of a two-line file in a word list, with file and line`, async () => {
      const hashFile = [...vectors("check-psk-crack-2", "MD5PSK"), ...vectors("check-psk-crack-4", "PSK")];
      const words = file("words.txt", ["notthisone", "", "garibaldi\r", ...Array.from({ length: 20000 }, (_, i) => `filler${i}`), "abc123"].join("\n"));
      const r = await runCrack({ hashes: hashFile, sources: [{ option: "--wordlist", path: words }], threads: 2, ...(mainThreadBytes !== undefined ? { mainThreadBytes } : {}) });
      assert.deepEqual(
        r.hashes.map((h) => [h.hash, h.found, h.psk, h.source?.line]),
        [
          ["md5", true, "abc123", 20004],
          ["md5", true, "garibaldi", 3],
          ["sha1", true, "garibaldi", 3],
        ],
      );
      assert.equal(r.tested, 20003, "the empty line is not a candidate");
      assert.equal(r.exhausted, true);
      assert.equal(r.threads, threads);
    });
  }

  test("a list of several batches, split between workers and the main thread, tests every candidate once and finds the key on its line", async () => {
    const n = 300_000;
    const words = file("big.txt", `${Array.from({ length: n }, (_, i) => `candidate-${i}`).join("\n")}\nabc123\n`);
    const r = await runCrack({ hashes: vectors("check-psk-crack-2", "SHA1PSK"), sources: [{ option: "--wordlist", path: words }], threads: 2, mainThreadBytes: 0 });
    assert.equal(r.hashes[0]!.psk, "abc123");
    assert.equal(r.hashes[0]!.source?.line, n + 1);
    assert.equal(r.tested, n + 1);
  });

  test("a line longer than a batch (64 KiB) makes a longer batch: the lines after it keep their numbers", async () => {
    const words = file("long-line.txt", ["first", "x".repeat(100_000), ...Array.from({ length: 9000 }, (_, i) => `w${i}`), "abc123", "last"].join("\n"));
    for (const threads of [1, 2]) {
      const r = await runCrack({ hashes: vectors("check-psk-crack-2", "MD5PSK"), sources: [{ option: "--wordlist", path: words }], threads, mainThreadBytes: 0 });
      assert.equal(r.hashes[0]!.psk, "abc123", `${threads} thread(s)`);
      assert.equal(r.hashes[0]!.source?.line, 9003);
    }
  });

  test("nothing found: every candidate tested, each hash not found", async () => {
    const words = file("none.txt", "one\ntwo\nthree");
    const r = await runCrack({ hashes: vectors("check-psk-crack-2", "SHA1PSK"), sources: [{ option: "--psk-candidates", path: words }], threads: 1 });
    assert.equal(r.tested, 3);
    assert.equal(r.hashes[0]!.found, false);
    assert.equal(r.hashes[0]!.psk, undefined);
  });
});

describe("PSK test: SHA-2 and edge cases against node:crypto's HMAC", () => {
  const engine = crackEngine(crypto);
  test("an empty PSK: test() tries it, testMany() passes over an empty line", () => {
    for (const hash of ["md5", "sha1", "sha256"] as const) {
      const nonces = crypto.randomBytes(40);
      const message = crypto.randomBytes(600);
      const hashR = crypto.createHmac(hash, crypto.createHmac(hash, Buffer.alloc(0)).update(nonces).digest()).update(message).digest();
      for (const simd of [true, false]) {
        const t = engine.tester({ hash, nonces, message, hashR }, { simd });
        assert.equal(t.test(Buffer.from("x"), 0, 0), true, `${hash} ${t.kind}`);
        const hits: number[] = [];
        t.testMany(Buffer.from("a\n\nb"), Uint32Array.of(0, 1, 2, 0, 3, 1), (i) => hits.push(i));
        assert.deepEqual(hits, [], `${hash} ${t.kind}`);
      }
    }
  });
  for (const hash of ["md5", "sha1", "sha256", "sha384", "sha512"] as const) {
    test(`${hash}: random inputs, short, block-sized and long keys`, () => {
      for (const keyLen of [1, 8, 63, 64, 65, 100]) {
        const psk = crypto.randomBytes(keyLen);
        const nonces = crypto.randomBytes(8 + (keyLen % 50));
        const message = crypto.randomBytes(100 + keyLen * 7);
        const hashR = crypto.createHmac(hash, crypto.createHmac(hash, psk).update(nonces).digest()).update(message).digest();
        const t = engine.tester({ hash, nonces, message, hashR }).test;
        const tJs = engine.tester({ hash, nonces, message, hashR }, { simd: false }).test;
        assert.equal(tJs(psk, 0, psk.length), true, `${hash} key ${keyLen} (JS)`);
        assert.equal(t(psk, 0, psk.length), true, `${hash} key ${keyLen}`);
        const other = Buffer.from(psk);
        other[keyLen - 1] = other[keyLen - 1]! ^ 1;
        assert.equal(t(other, 0, other.length), false);
      }
    });
  }

  test("hash files: wrong field counts, bad hex and unknown hash lengths are usage errors naming the line", () => {
    assert.throws(() => parsePskCrackFile("aa:bb", "h.txt"), /h\.txt line 1: 2 fields/);
    const ok = ["aa", "bb", "0011223344556677", "8899aabbccddeeff", "cc", "dd", "ee", "ff"];
    assert.throws(() => parsePskCrackFile(`# comment\n${[...ok, "zz"].join(":")}`, "h.txt"), /h\.txt line 2: field 9 is not hex/);
    assert.throws(() => parsePskCrackFile([...ok, "00".repeat(17)].join(":"), "h.txt"), /HASH_R has 17 bytes/);
    assert.throws(() => parsePskCrackFile("\n\n", "h.txt"), /no hash lines/);
    assert.equal(parsePskCrackFile([...ok, "00".repeat(32)].join(":"), "h.txt")[0]!.hash, "sha256");
  });
});

test("the build's prebuilt WebAssembly modules (dist/ikeprobe-crack.json) are exactly what the engine generates", () => {
  const json = JSON.parse(readFileSync(new URL("../../dist/ikeprobe-crack.json", import.meta.url), "utf8")) as Record<string, string>;
  const engine = crackEngine(crypto);
  assert.deepEqual(Object.keys(json).sort(), ["md5", "sha1", "sha256"]);
  for (const h of ["md5", "sha1", "sha256"] as const) assert.ok(Buffer.from(json[h]!, "base64").equals(Buffer.from(engine.simdBytes(h))), h);
});

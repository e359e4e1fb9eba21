/**
 * Benchmark (issue 5): `ikeprobe psk-crack` against `psk-crack` from Debian's ike-scan package, on
 * the same hash files and the same word list, whole-process wall time, interleaved runs.
 * The hashes are ike-scan's own test vectors (Check Point FW-1, PSK abc123; MD5 and SHA1), read
 * from /usr/share/ike-scan/checks; the word list is generated (BENCH_WORDS candidates, the key last,
 * so both tools test every candidate).   npm run bench:crack   (BENCH_RUNS=9, BENCH_WORDS=4000000)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTool, measure, median } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORDS = Number(process.env.BENCH_WORDS ?? 4_000_000);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
ensureTool("psk-crack", "ike-scan");

const dir = mkdtempSync(join(tmpdir(), "ikeprobe-bench-crack-"));
try {
  const script = readFileSync("/usr/share/ike-scan/checks/check-psk-crack-2", "utf8");
  const line = (v: string): string => new RegExp(`echo "([0-9a-f:]+)" > \\$${v}\\b`).exec(script)![1]!;
  const files = { md5: join(dir, "md5.txt"), sha1: join(dir, "sha1.txt") };
  writeFileSync(files.md5, `${line("MD5PSK")}\n`);
  writeFileSync(files.sha1, `${line("SHA1PSK")}\n`);
  const words = join(dir, "words.txt");
  const chunk: string[] = [];
  for (let i = 0; i < WORDS - 1; i++) chunk.push(`cand${i.toString(36)}`);
  chunk.push("abc123");
  writeFileSync(words, `${chunk.join("\n")}\n`);

  const commands: Parameters<typeof measure>[0] = {};
  for (const h of ["md5", "sha1"] as const) {
    const name = h.toUpperCase();
    commands[`psk-crack (${name}, 1 thread)`] = { argv: ["psk-crack", "-d", words, files[h]], check: (o) => o.includes(`key "abc123" matches ${name} hash`) };
    commands[`ikeprobe psk-crack (${name}, ${availableParallelism()} threads)`] = {
      argv: [process.execPath, bin, "psk-crack", files[h], "--wordlist", words, "--json"],
      check: (o, c) => c === 0 && o.includes('"psk": "abc123"'),
    };
    commands[`ikeprobe psk-crack (${name}, 1 thread)`] = {
      argv: [process.execPath, bin, "psk-crack", files[h], "--wordlist", words, "--threads", "1", "--json"],
      check: (o, c) => c === 0 && o.includes('"psk": "abc123"'),
    };
  }
  const times = measure(commands, RUNS);
  console.log(`runs: ${RUNS} each, interleaved, medians of whole-process wall time; ${WORDS.toLocaleString("en")} candidates; node ${process.version}, ${availableParallelism()} cores`);
  for (const h of ["MD5", "SHA1"]) {
    const base = median(times[`psk-crack (${h}, 1 thread)`]!);
    for (const [name, xs] of Object.entries(times).filter(([n]) => n.includes(`(${h},`))) {
      const m = median(xs);
      console.log(`${name.padEnd(40)} ${(m / 1000).toFixed(2).padStart(6)} s  ${Math.round(WORDS / (m / 1000)).toLocaleString("en").padStart(10)} candidates/s  ${(base / m).toFixed(2)}x psk-crack's rate`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

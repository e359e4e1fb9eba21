/**
 * Benchmark: `ikeprobe psk-crack` against `psk-crack` from Debian's ike-scan package, on
 * the same hash files and the same word list, whole-process wall time, interleaved runs.
 * The hashes are ike-scan's own test vectors (Check Point FW-1, PSK abc123; MD5 and SHA1), read
 * from /usr/share/ike-scan/checks; the word list is generated (BENCH_WORDS candidates, the key last,
 * so both tools test every candidate).   npm run bench:crack   (BENCH_RUNS=9, BENCH_WORDS=4000000)
 * Both tools run pinned to the same cores (taskset, every core this process may use), and besides
 * wall rates the benchmark prints rates per CPU second (user + system time of the process and its
 * threads, from bash's `times`), which say how much work each candidate costs.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnv, ensureTool, measure, median } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORDS = Number(process.env.BENCH_WORDS ?? 4_000_000);
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;
/** Another build to compare with in the same run (interleaved), e.g. the previous commit's: BENCH_BASELINE_BIN=/tmp/base/bin/ikeprobe.js. */
const baseline = process.env.BENCH_BASELINE_BIN;
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

  const cores = `0-${availableParallelism() - 1}`;
  const pin = (argv: string[]): string[] => ["taskset", "-c", cores, ...argv];
  /** CPU seconds (user + system) of one run, from bash's `times` for its children. */
  const cpuSeconds = (argv: string[]): number => {
    const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const out = spawnSync("bash", ["-c", `${quoted} >/dev/null 2>&1; times`], { encoding: "utf8", env: benchEnv }).stdout.trim().split("\n").pop() ?? "";
    return [...out.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  };
  const commands: Parameters<typeof measure>[0] = {};
  for (const h of ["md5", "sha1"] as const) {
    const name = h.toUpperCase();
    commands[`psk-crack (${name}, 1 thread)`] = { argv: pin(["psk-crack", "-d", words, files[h]]), check: (o) => o.includes(`key "abc123" matches ${name} hash`) };
    commands[`ikeprobe psk-crack (${name}, ${availableParallelism()} threads)`] = {
      argv: pin([process.execPath, bin, "psk-crack", files[h], "--wordlist", words, "--json"]),
      check: (o, c) => c === 0 && o.includes('"psk": "abc123"'),
    };
    commands[`ikeprobe psk-crack (${name}, 1 thread)`] = {
      argv: pin([process.execPath, bin, "psk-crack", files[h], "--wordlist", words, "--threads", "1", "--json"]),
      check: (o, c) => c === 0 && o.includes('"psk": "abc123"'),
    };
    if (baseline !== undefined) {
      commands[`baseline build (${name}, ${availableParallelism()} threads)`] = {
        argv: pin([process.execPath, baseline, "psk-crack", files[h], "--wordlist", words, "--json"]),
        check: (o, c) => c === 0 && o.includes('"psk": "abc123"'),
      };
    }
  }
  const times = measure(commands, RUNS);
  const cpu = Object.fromEntries(Object.entries(commands).map(([name, c]) => [name, median(Array.from({ length: Math.min(RUNS, 3) }, () => cpuSeconds(c.argv)))]));
  console.log(`runs: ${RUNS} each, interleaved, medians of whole-process wall time; ${WORDS.toLocaleString("en")} candidates; node ${process.version}, ${availableParallelism()} cores`);
  for (const h of ["MD5", "SHA1"]) {
    const base = median(times[`psk-crack (${h}, 1 thread)`]!);
    for (const [name, xs] of Object.entries(times).filter(([n]) => n.includes(`(${h},`))) {
      const m = median(xs);
      const c = cpu[name]!;
      const baseCpu = cpu[`psk-crack (${h}, 1 thread)`]!;
      console.log(
        `${name.padEnd(40)} ${(m / 1000).toFixed(2).padStart(6)} s  ${Math.round(WORDS / (m / 1000)).toLocaleString("en").padStart(10)} candidates/s  ${(base / m).toFixed(2)}x psk-crack's rate` +
          `   ${c.toFixed(2)} CPU s  ${Math.round(WORDS / c).toLocaleString("en").padStart(10)} per CPU s  ${(baseCpu / c).toFixed(2)}x`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

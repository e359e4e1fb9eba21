/** Shared benchmark helpers: interleaved runs (noise hits every command alike), medians, ratios. */
import { spawnSync } from "node:child_process";

export interface Command {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  check: (stdout: string, code: number | null) => boolean;
  /** Run after each timed run, untimed (e.g. tear an SA down). */
  after?: () => void;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function ensureTool(binary: string, pkg: string): void {
  if (spawnSync("sh", ["-c", `command -v ${binary}`]).status !== 0) {
    spawnSync("apt-get", ["install", "-y", "-q", pkg], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
}

/**
 * The environment every command runs in: this one without NODE_EXTRA_CA_CERTS. With it set, Node
 * parses a certificate bundle at every start (~50 ms here), a cost no ikeprobe change can remove and
 * a user's machine usually does not pay; it would dilute every start-up ratio.
 */
export const benchEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NODE_EXTRA_CA_CERTS"));

/** Runs every command `runs` times (plus 2 warm-up rounds), interleaved in an order rotated each round; returns milliseconds per command. */
export function measure(commands: Record<string, Command>, runs: number): Record<string, number[]> {
  const times: Record<string, number[]> = {};
  const entries = Object.entries(commands);
  for (let i = 0; i < runs + 2; i++) {
    // Rotated each round: no command always runs right after the same one (a gateway still busy with
    // the previous command's half-open SA or DELETE would tax whichever came next, every time).
    for (const [name, c] of [...entries.slice(i % entries.length), ...entries.slice(0, i % entries.length)]) {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(c.argv[0]!, c.argv.slice(1), { encoding: "utf8", env: c.env ?? benchEnv });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!c.check(r.stdout, r.status)) throw new Error(`${name} failed: ${r.status} ${r.stdout.slice(0, 800)} ${r.stderr.slice(0, 800)}`);
      c.after?.();
      if (i >= 2) (times[name] ??= []).push(ms);
    }
  }
  return times;
}

export function report(times: Record<string, number[]>, baselines: string[]): void {
  console.log(`runs: ${Object.values(times)[0]?.length ?? 0} each, interleaved (order rotated each round), medians; NODE_EXTRA_CA_CERTS unset; node ${process.version}`);
  const bases = baselines.map((b) => [b, median(times[b]!)] as const);
  for (const [name, xs] of Object.entries(times)) {
    const m = median(xs);
    console.log(`${name.padEnd(44)} ${m.toFixed(1).padStart(7)} ms   ${bases.map(([b, bm]) => `${(m / bm).toFixed(2)}x ${b}`).join("   ")}`);
  }
}

/**
 * Debian's hashcat (CPU, through PoCL) as a referee for the hash lines we write. Its kernels are
 * compiled on first use (about 20 s per mode here) into a cache under HOME: one shared folder keeps
 * them for every test of the run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const HOME = join(tmpdir(), "ikeprobe-hashcat-home");

/** Runs `hashcat -m MODE -a 0` on one hash file and word list; the PSKs it found, and its exit code. */
export function hashcatCrack(mode: 5300 | 5400, hashFile: string, wordlist: string): { status: number | null; found: string[]; output: string } {
  mkdirSync(HOME, { recursive: true });
  const out = join(HOME, `out-${process.pid}-${Date.now()}.txt`);
  const r = spawnSync("hashcat", ["-m", String(mode), "-a", "0", "--potfile-disable", "--quiet", "-o", out, "--outfile-format", "2", hashFile, wordlist], {
    encoding: "utf8",
    env: { ...process.env, HOME },
    timeout: 300_000,
  });
  // hashcat writes the output file only when it cracked something.
  const found = existsSync(out) ? readFileSync(out, "utf8").split("\n").filter((l) => l !== "") : [];
  rmSync(out, { force: true });
  return { status: r.status, found, output: `${r.stdout}${r.stderr}` };
}

/**
 * On a terminal: a pseudo-terminal from util-linux's `script`, Ctrl-C typed into it (byte 0x03, which
 * the terminal turns into SIGINT), the CLI as a user runs it. The scan has a target that never
 * answers (loopback port 500), so it is still running when Ctrl-C comes.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BIN } from "../helpers/cli.ts";
import { packageSkipReason } from "../lab/require.ts";

const skip = packageSkipReason("bsdutils", "script");

/**
 * Runs `shell` then `cmd` in a new terminal and collects what the terminal showed; `input` is typed a
 * second in. Past 20 s the command is killed by its PID (`script` going away would leave it
 * running: a CLI stuck in a loop does not die of the hang-up).
 */
function onTerminal(shell: string, cmd: string, input?: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-tty-"));
  const pidFile = join(dir, "pid");
  return new Promise((resolve) => {
    const p = spawn("script", ["-qfec", `${shell}; echo $$ > ${pidFile}; exec ${cmd}`, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1", ...env } });
    let out = "";
    let bytes = 0;
    p.stdout.on("data", (d: Buffer) => {
      bytes += d.length;
      if (out.length < 20_000) out += d.toString();
    });
    const type = input === undefined ? undefined : setTimeout(() => p.stdin.write(input), 1000);
    const kill = setTimeout(() => {
      try {
        process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
      } catch {
        // Not started, or gone already.
      }
      p.kill("SIGKILL");
    }, 20_000);
    p.on("close", (code) => {
      clearTimeout(type);
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, out, bytes });
    });
  });
}

const scan = `${process.execPath} ${BIN} scan 127.0.0.1 --catalogue full --timeout 4 --retries 0`;

/** What a terminal of `cols` columns showed while psk-crack tested a short list (quick: no Ctrl-C). */
async function crackOnTerminal(cols: number, term: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-tty-"));
  const hash = join(dir, "h.txt");
  const words = join(dir, "w.txt");
  // Any well-formed MD5 line will do: the key is not in the list, every candidate is tested.
  writeFileSync(hash, `${["aa".repeat(128), "bb".repeat(128), "cc".repeat(8), "dd".repeat(8), "ee".repeat(48), "ff".repeat(12), "11".repeat(16), "22".repeat(16), "33".repeat(16)].join(":")}\n`);
  writeFileSync(words, "one\ntwo\n");
  try {
    return (await onTerminal(`stty cols ${cols} rows 40`, `${process.execPath} ${BIN} psk-crack ${hash} --wordlist ${words}`, undefined, { TERM: term })).out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the spinner only where the terminal can show it: a width and cursor movement (not TERM=dumb)", { skip }, async () => {
  assert.match(await crackOnTerminal(100, "xterm"), /testing candidates against 1 hash/);
  for (const [cols, term] of [[100, "dumb"], [0, "xterm"]] as const) {
    const out = await crackOnTerminal(cols, term);
    assert.doesNotMatch(out, /testing candidates against/, `${cols} columns, TERM=${term}`);
    assert.match(out, /0 of 1 hash\(es\) cracked/, "the report");
  }
});

test("on a terminal, Ctrl-C during a scan with the spinner ends it with the report of what was known (exit 130)", { skip }, async () => {
  const r = await onTerminal("stty cols 100 rows 40", scan, "\x03");
  assert.match(r.out, /scanning 1 target/, "the spinner ran");
  assert.match(r.out, /interrupted/);
  assert.match(r.out, /127\.0\.0\.1 port 500: no-answer/, "the report");
  assert.equal(r.code, 130);
});

test("on a terminal of unknown width (0 columns) there is no spinner, nothing floods the terminal, and Ctrl-C still ends the scan (exit 130)", { skip }, async () => {
  const r = await onTerminal("stty cols 0 rows 0", scan, "\x03");
  assert.doesNotMatch(r.out, /scanning 1 target/, "no spinner without a width");
  assert.ok(r.bytes < 100_000, `${r.bytes} bytes on the terminal`);
  assert.match(r.out, /interrupted/);
  assert.equal(r.code, 130);
});

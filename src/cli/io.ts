/**
 * What every command shares: the process's streams and environment (the CLI is the only part that
 * touches them), exit-code words, secret files, option checks, the spinner, Ctrl-C, and usage errors.
 */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { IkeprobeError, NetworkError, UsageError } from "../errors.js";
import { ExitCode } from "../report/model/probe.js";
import { vendorIdsModule } from "./lazy.js";

export const EXIT_CODES = `Exit codes:
  0  every requested step succeeded (probe: an offer was accepted; with a PSK, the identity exchange
     authenticated; every Quick Mode proposal asked for was accepted. scan: every target scanned completely.
     check: every target complies)
  1  the gateway answered but a step failed (nothing accepted, PSK mismatch, identity rejected, a Quick Mode
     proposal refused, malformed answer; scan: transforms left unknown; check: a target does not comply)
  2  usage or configuration error
  3  no IKE answer from the gateway, or a network error
  4  internal error (a bug: please report it)
  130  scan/check interrupted (Ctrl-C): the report covers what was known, the rest unknown`;

export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/** -4/-6: which family a host name is resolved to (an address literal must match it). */
export function familyOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option("ipv4", { alias: "4", type: "boolean", default: false, describe: "resolve host names to IPv4 addresses only" })
    .option("ipv6", { alias: "6", type: "boolean", default: false, describe: "resolve host names to IPv6 addresses only" }) as unknown as Argv<T>;
}

export function family(a: { ipv4: boolean; ipv6: boolean }): 4 | 6 | undefined {
  if (a.ipv4 && a.ipv6) throw new UsageError("--ipv4 and --ipv6 both given: choose one (or neither, to take the first address the name has)");
  return a.ipv4 ? 4 : a.ipv6 ? 6 : undefined;
}

/** Every line of a secret file as bytes (LF or CR LF removed), with its line number. */
export function secretLines(option: string, file: string): { line: number; bytes: Buffer }[] {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const out: { line: number; bytes: Buffer }[] = [];
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf(0x0a, start);
    if (end < 0) end = text.length;
    let bytes = text.subarray(start, end);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    out.push({ line, bytes: Buffer.from(bytes) });
    start = end + 1;
  }
  return out;
}

/** The first line of a secret file, without its line ending. */
export function firstLine(option: string, file: string): Buffer {
  const first = secretLines(option, file)[0]!.bytes;
  if (first.length === 0) throw new UsageError(`${option} ${file}: the first line is empty; put the secret there`);
  return first;
}

export function intOption(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} ${v}: must be a whole number from ${min} to ${max}`);
  return v;
}

/** `--vendor-ids FILE`: register more names before anything is named. */
export async function loadVendorIds(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--vendor-ids ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const { parseVendorIdFile, addVendorIds } = await vendorIdsModule();
  const { entries, errors } = parseVendorIdFile(text);
  if (errors.length > 0) throw new UsageError(`--vendor-ids ${file}: ${errors[0]}`);
  addVendorIds(entries);
}

/**
 * Ctrl-C (or SIGTERM) during a scan: stop asking, report what is known (the rest unknown), exit 130.
 * A second Ctrl-C leaves at once.
 */
export async function interruptible<T>(io: IO, opts: { signal?: AbortSignal }, run: () => Promise<T>): Promise<T> {
  const abort = new AbortController();
  opts.signal = abort.signal;
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    io.stderr("\nikeprobe: interrupted; finishing the exchanges under way, then the report (Ctrl-C again to quit at once)\n");
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await run();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * An ora spinner on stderr while `run` works: only on a terminal, and not with JSON output. `run`
 * gets the spinner's text setter, or undefined when there is no spinner (so that nothing formats
 * progress text no one sees: psk-crack's first number formatting loads ICU, ~12 ms).
 */
export async function withSpinner<T>(io: IO, enabled: boolean, text: string, run: (progress: ((t: string) => void) | undefined) => Promise<T>): Promise<T> {
  let spinner: { text: string; start(): unknown; stop(): unknown } | undefined;
  // A terminal of unknown width (0 columns: `script`, some CI ptys) would send ora's line count to
  // Infinity, and its clear() into an endless loop of cursor moves; a dumb one cannot move the cursor.
  if (enabled && io.isTTY && process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 && io.env.TERM !== "dumb") {
    const { default: ora } = await import("ora");
    // discardStdin off: ora's puts the terminal in raw mode to catch Ctrl-C from stdin, but on Node 20
    // stdin never starts flowing for it (it adds its listener with prependListener), so Ctrl-C was
    // swallowed: no SIGINT, no interrupted scan, no end to a --hold. Cooked, the terminal sends it.
    spinner = ora({ stream: process.stderr, text, color: "cyan", isEnabled: true, discardStdin: false });
    spinner.start();
  }
  const shown = spinner;
  try {
    return await run(
      shown === undefined
        ? undefined
        : (t) => {
            shown.text = t;
          },
    );
  } finally {
    spinner?.stop();
  }
}

/** The terminal's width, else COLUMNS (set by shells, also for pipes), else 100; at most 110, at least 40. */
export function helpWidth(io: IO): number {
  const cols = process.stdout.columns ?? Number(io.env.COLUMNS);
  return Number.isFinite(cols) && cols > 0 ? Math.max(40, Math.min(110, Math.floor(cols))) : 100;
}

export function reportError(e: unknown, io: IO, json: boolean): number {
  let code: number;
  let message: string;
  if (e instanceof UsageError || (e instanceof Error && e.name === "YError")) {
    code = ExitCode.USAGE;
    message = `${e.message}\nRun ikeprobe --help for the options.`;
  } else if (e instanceof NetworkError) {
    code = ExitCode.NO_ANSWER;
    message = e.message;
  } else if (e instanceof IkeprobeError) {
    code = ExitCode.STEP_FAILED;
    message = e.message;
  } else {
    code = ExitCode.INTERNAL;
    message = `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  io.stderr(`ikeprobe: ${message}\n`);
  if (json) io.stdout(`${JSON.stringify({ error: { code: e instanceof IkeprobeError ? e.code : "internal", message: message.split("\n")[0] }, exitCode: code }, null, 2)}\n`);
  return code;
}

/** Colors only for tables on a terminal, unless --no-color or NO_COLOR (JSON never asks about the terminal). */
export function useColor(a: { color: boolean; json?: boolean }, io: IO): boolean {
  return a.json !== true && a.color && io.env.NO_COLOR === undefined && io.isTTY;
}

/** `ikeprobe psk-crack`: candidate PSKs tested offline against saved Aggressive Mode hashes. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { UsageError } from "../../errors.js";
import { ExitCode } from "../../report/model/probe.js";
import { VERSION } from "../../version.js";
import { type IO, intOption, useColor, withSpinner } from "../io.js";
import { type CommandShape, type OptionSpec, fastParse, withOptions } from "../options.js";
import type { CrackProgress } from "../../crack/crack.js";

/** psk-crack's options, for yargs and for the fast path (cli/options.ts). */
export const CRACK_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  wordlist: { type: "string", array: true, describe: "word list, one candidate PSK per line (repeatable; streamed, any size)" },
  "psk-candidates": { type: "string", array: true, describe: "a short list of candidate PSKs, one per line (tried first)" },
  threads: { type: "number", describe: "threads testing candidates, the main thread one of them (default: one per core)" },
  redact: { type: "boolean", default: false, describe: "do not print the PSK found, only where it is (file and line)" },
  json: { type: "boolean", default: false, describe: "one JSON document on stdout" },
  color: { type: "boolean", default: true, describe: "color the table (--no-color or NO_COLOR turns it off)" },
};
export const CRACK_SHAPE: CommandShape = { command: "psk-crack", optional: false, positional: "file" };

export function crackOptions(y: Argv): Argv<CrackArgs> {
  return withOptions(y.positional("file", { type: "string", describe: "hash file: g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r per line", demandOption: true }), CRACK_OPTIONS) as unknown as Argv<CrackArgs>;
}

/**
 * psk-crack's arguments as yargs would give them, for a well-formed command line without help;
 * undefined for yargs to parse (and report), or when IKEPROBE_NO_FAST_PATH is set.
 */
export function fastCrackArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CrackArgs | undefined {
  if (env.IKEPROBE_NO_FAST_PATH !== undefined || argv.includes("--help") || argv.includes("-h") || argv.includes("--version")) return undefined;
  return fastParse(argv, CRACK_OPTIONS, CRACK_SHAPE) as CrackArgs | undefined;
}

export interface CrackArgs {
  file: string;
  wordlist?: string[];
  "psk-candidates"?: string[];
  threads?: number;
  redact: boolean;
  json: boolean;
  color: boolean;
}

export async function runCrackCommand(a: CrackArgs, io: IO): Promise<number> {
  const sources = [...(a["psk-candidates"] ?? []).map((path) => ({ option: "--psk-candidates", path })), ...(a.wordlist ?? []).map((path) => ({ option: "--wordlist", path }))];
  if (sources.length === 0) throw new UsageError("psk-crack needs candidates: --wordlist FILE (one candidate per line) or --psk-candidates FILE");
  if (a.threads !== undefined) intOption("threads", a.threads, 1, 64);
  let text: string;
  try {
    text = readFileSync(a.file, "utf8");
  } catch (e) {
    throw new UsageError(`${a.file}: cannot read the hash file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const { parsePskCrackFile } = await import("../../crack/hash-file.js");
  const hashes = parsePskCrackFile(text, a.file);
  const { runCrack } = await import("../../crack/crack.js");
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.on("SIGINT", onSignal);
  const color = useColor(a, io);
  let result;
  try {
    result = await withSpinner(io, !a.json, `testing candidates against ${hashes.length} hash(es)`, (progress) =>
      runCrack({
        hashes,
        sources,
        ...(a.threads !== undefined ? { threads: a.threads } : {}),
        signal: abort.signal,
        ...(progress !== undefined
          ? {
              onProgress: (p: CrackProgress) =>
                progress(`${p.tested.toLocaleString("en")} candidates, ${Math.round(p.perSecond).toLocaleString("en")}/s, ${(p.fraction * 100).toFixed(1)}% read${p.etaSeconds !== null ? `, ETA ${formatEta(p.etaSeconds)}` : ""}`),
            }
          : {}),
      }),
    );
  } finally {
    process.off("SIGINT", onSignal);
  }
  if (a.redact) for (const h of result.hashes) {
    delete h.psk;
    delete h.pskHex;
  }
  const exitCode = result.hashes.every((h) => h.found) ? ExitCode.OK : ExitCode.STEP_FAILED;
  if (a.json) io.stdout(`${JSON.stringify({ tool: { name: "ikeprobe", version: VERSION }, file: a.file, ...result, exitCode }, null, 2)}\n`);
  else {
    const { renderCrack } = await import("../../report/render/crack.js");
    io.stdout(renderCrack(result, a.file, color));
  }
  return exitCode;
}

function formatEta(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}


/** `ikeprobe psk-crack`: candidate PSKs tested offline against saved Aggressive Mode hashes. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { UsageError } from "../../errors.js";
import { ExitCode } from "../../report/model.js";
import { type IO, intOption, useColor, withSpinner } from "../io.js";
import type { CrackProgress } from "../../crack/crack.js";

export function crackOptions(y: Argv): Argv<CrackArgs> {
  return y
    .positional("file", { type: "string", describe: "hash file: g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r per line", demandOption: true })
    .option("wordlist", { type: "string", array: true, describe: "word list, one candidate PSK per line (repeatable; streamed, any size)" })
    .option("psk-candidates", { type: "string", array: true, describe: "a short list of candidate PSKs, one per line (tried first)" })
    .option("threads", { type: "number", describe: "worker threads (default: one per core)" })
    .option("redact", { type: "boolean", default: false, describe: "do not print the PSK found, only where it is (file and line)" })
    .option("json", { type: "boolean", default: false, describe: "one JSON document on stdout" })
    .option("color", { type: "boolean", default: true, describe: "color the table (--no-color or NO_COLOR turns it off)" }) as unknown as Argv<CrackArgs>;
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
  const { VERSION } = await import("../../probe.js");
  const { renderCrack } = await import("../../report/render-crack.js");
  if (a.json) io.stdout(`${JSON.stringify({ tool: { name: "ikeprobe", version: VERSION }, file: a.file, ...result, exitCode }, null, 2)}\n`);
  else io.stdout(renderCrack(result, a.file, color));
  return exitCode;
}

function formatEta(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}


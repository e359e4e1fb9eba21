/**
 * What both CLI bundles run (main.ts: the full one; fast.ts: the probe's): the streams, --version,
 * the table width, the last-resort error handler, and the choice between the fast path (a
 * well-formed probe command line, parsed by cli/options.ts without yargs) and yargs.
 */
import { ExitCode } from "../report/model/probe.js";
import { PROBE_OPTIONS, type ProbeArgs } from "./commands/probe-options.js";
import { runProbeCommand } from "./commands/probe.js";
import { FAMILY_OPTIONS, fastParse, parsedOnce } from "./options.js";
import { parseTrans } from "../config/ike.js";
import { SIGNATURE_ONLY } from "./certificates.js";
import { signatureMethod } from "../crypto/signature.js";
import type { IO } from "./io.js";
import { guarded, processIo } from "./process-io.js";
import { UsageError } from "../errors.js";
import { probeModule } from "./lazy.js";

/** Every command line the fast path does not take: yargs' parse, help and usage errors. */
export type YargsPath = (argv: string[], io: IO, setJson: (json: boolean) => void) => Promise<number>;

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: Partial<IO> | undefined, yargsPath: YargsPath): Promise<number> {
  const fullIo = processIo(io);
  let jsonMode = argv.includes("--json");
  if (argv.includes("--version")) {
    const { VERSION } = await probeModule();
    fullIo.stdout(`${VERSION}\n`);
    return ExitCode.OK;
  }
  // Tables fit the terminal they are shown on; piped or redirected, they keep their natural width.
  if (!jsonMode && fullIo.isTTY && process.stdout.columns !== undefined) {
    const { setTableWidth } = await import("../report/render/table.js");
    setTableWidth(process.stdout.columns);
  }
  return guarded(fullIo, () => jsonMode, async () => {
    if (!otherCommandOrHelp(argv) && !argv.some((a) => !a.startsWith("-") && a !== "probe")) {
      throw new UsageError("give the gateway's address, e.g. ikeprobe 198.18.1.1 --ike aes256-sha256-modp2048");
    }
    // A well-formed probe command line skips yargs (and its start-up); anything else is yargs'.
    const fast = fastPathArgs.take(argv, fullIo.env);
    if (fast !== undefined) {
      jsonMode = fast.json;
      return await runProbeCommand(fast, fullIo);
    }
    return await yargsPath(argv, fullIo, (json) => (jsonMode = json));
  });
}

/** A command other than probe, or help: yargs' to handle. */
function otherCommandOrHelp(argv: readonly string[]): boolean {
  const first = argv.find((a) => !a.startsWith("-"));
  return first === "scan" || first === "check" || first === "psk-crack" || first === "completion" || argv.includes("--help") || argv.includes("-h") || argv.includes("--get-yargs-completions");
}

/** The probe command's arguments as yargs would give them, or undefined for yargs to parse. */
export function fastProbeArgs(argv: readonly string[]): ProbeArgs | undefined {
  if (otherCommandOrHelp(argv)) return undefined;
  return fastParse(argv, FAST_OPTIONS) as ProbeArgs | undefined;
}
/** The probe's option table as fastParse reads it (one object, so its flags are worked out once). */
const FAST_OPTIONS = { ...FAMILY_OPTIONS, ...PROBE_OPTIONS };

/** A probe with signatures: the fast bundle leaves the X.509 and ECDSA packages out (src/build/bundle.ts). */
function usesCertificates(a: ProbeArgs): boolean {
  return !PSK_AUTH.has(a.auth) || (a.trans ?? []).some(signatureTrans) || SIGNATURE_ONLY.some((o) => a[o] !== undefined) || a["show-certs"];
}

/** --auth values the fast bundle runs (every other one may need certificates; IKEv2 eap checks no signature in this version). */
const PSK_AUTH = new Set(["psk", "xauth-psk", "eap"]);

/** An ike-scan style --trans whose method (the third number) is a signature method; one that does not parse is yargs' to report. */
function signatureTrans(t: string): boolean {
  try {
    return signatureMethod(parseTrans(t, 0).auth) !== undefined;
  } catch {
    return true;
  }
}

/** The fast path's arguments, unless IKEPROBE_NO_FAST_PATH sends every command line to yargs. */
const fastPathArgs = parsedOnce((argv, env): ProbeArgs | undefined => (env.IKEPROBE_NO_FAST_PATH !== undefined ? undefined : fastProbeArgs(argv)));

/**
 * Whether `main` of the fast bundle can run this command line (bin/ikeprobe.js asks first): a
 * well-formed PSK probe with --json, the one scripts run over and over. Tables, the spinner,
 * --diagnose and certificates are the full bundle's (which still skips yargs for a well-formed
 * command line; a person at a terminal does not notice its ~20 ms more).
 */
export function fastPathTakes(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (argv.includes("--version")) return false;
  const a = fastPathArgs.ask(argv, env);
  return a !== undefined && a.json && !a.diagnose && !usesCertificates(a);
}

/**
 * The psk-crack bundle's entry (dist/ikeprobe-psk-crack.cjs): `psk-crack FILE --wordlist W --json`
 * without yargs, the probe's modules, tables or the spinner. A short word list takes about as long
 * to test as the full bundle takes to load (bench/README.md). bin/ikeprobe.js asks `fastPathTakes` first
 * and loads the full bundle (main.ts) for every other psk-crack command line; that one also skips
 * yargs for a well-formed command line, tables included.
 */
import type { IO } from "./io.js";
import { fastCrackArgs, runCrackCommand } from "./commands/psk-crack.js";
import { parsedOnce } from "./options.js";
import { guarded, processIo } from "./process-io.js";

const crackArgs = parsedOnce(fastCrackArgs);

/** Whether `main` can run this command line: a well-formed psk-crack with --json. */
export function fastPathTakes(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const args = crackArgs.ask(argv, env);
  return args !== undefined && args.json;
}

export function main(argv: string[] = process.argv.slice(2), io?: Partial<IO>): Promise<number> {
  const fullIo = processIo(io);
  const args = crackArgs.take(argv, fullIo.env);
  if (args === undefined || !args.json) return Promise.reject(new Error("the psk-crack bundle was given a command line it does not take (bin/ikeprobe.js asks fastPathTakes first)"));
  return guarded(fullIo, () => true, () => runCrackCommand(args, fullIo));
}

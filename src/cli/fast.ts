/**
 * The fast bundle's entry (dist/ikeprobe-fast.cjs): the probe command without yargs, the other
 * commands or their modules, so that the command run thousands of times a day from scripts loads
 * and deserializes only what it runs (bench/README.md). bin/ikeprobe.js asks `fastPathTakes` first and
 * loads the full bundle (main.ts) for every other command line.
 */
import type { IO } from "./io.js";
import { runCli } from "./run.js";

export { fastPathTakes } from "./run.js";

export function main(argv: string[] = process.argv.slice(2), io?: Partial<IO>): Promise<number> {
  return runCli(argv, io, () => Promise.reject(new Error("the fast bundle was given a command line it does not take (bin/ikeprobe.js asks fastPathTakes first)")));
}

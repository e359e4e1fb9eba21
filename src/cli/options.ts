/**
 * Command options as data: one table per command gives yargs its options, and gives the fast path
 * (a well-formed probe command line parsed without loading yargs) the same names, types, defaults
 * and choices. Anything the fast path does not recognise exactly goes to yargs, which then reports
 * it as it always did.
 */
import type { Argv, Options } from "yargs";

export type OptionSpec = Options & { type: "string" | "number" | "boolean" };

export function withOptions<T>(y: Argv<T>, specs: Readonly<Record<string, OptionSpec>>): Argv<T> {
  let out: Argv<T> = y;
  for (const [name, spec] of Object.entries(specs)) out = out.option(name, spec) as unknown as Argv<T>;
  return out;
}

/** -4/-6 (io.ts's familyOptions), for the fast path. */
export const FAMILY_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ipv4: { alias: "4", type: "boolean", default: false, describe: "resolve host names to IPv4 addresses only" },
  ipv6: { alias: "6", type: "boolean", default: false, describe: "resolve host names to IPv6 addresses only" },
};

/**
 * A number as yargs reads one (-?(\d+(\.\d*)?|\.\d+)), tested without a regular expression: V8
 * interprets one before compiling it, ~0.03 ms on each of its first uses in every probe (bench/README.md).
 */
export function isNumberText(s: string): boolean {
  let digits = 0;
  let dot = false;
  for (let i = s.startsWith("-") ? 1 : 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/** Each option table's flags (--name, its alias), worked out once per table. */
const flagTables = new WeakMap<object, Map<string, [string, OptionSpec]>>();
function flagsOf(specs: Readonly<Record<string, OptionSpec>>): Map<string, [string, OptionSpec]> {
  let byFlag = flagTables.get(specs);
  if (byFlag === undefined) {
    byFlag = new Map();
    for (const [name, spec] of Object.entries(specs)) {
      byFlag.set(`--${name}`, [name, spec]);
      if (typeof spec.alias === "string") byFlag.set(spec.alias.length === 1 ? `-${spec.alias}` : `--${spec.alias}`, [name, spec]);
    }
    flagTables.set(specs, byFlag);
  }
  return byFlag;
}

/**
 * A fast-path parse that bin/ikeprobe.js's `fastPathTakes` makes and the `main` after it reuses, so
 * that the command line is parsed once: `ask` parses and keeps the result; `take` hands it over for
 * the same command line (once), else parses.
 */
export function parsedOnce<T>(parse: (argv: readonly string[], env: NodeJS.ProcessEnv) => T): {
  ask(argv: readonly string[], env: NodeJS.ProcessEnv): T;
  take(argv: readonly string[], env: NodeJS.ProcessEnv): T;
} {
  let kept: { argv: readonly string[]; env: NodeJS.ProcessEnv; args: T } | undefined;
  return {
    ask(argv, env) {
      const args = parse(argv, env);
      kept = { argv, env, args };
      return args;
    },
    take(argv, env) {
      const args = kept !== undefined && kept.argv === argv && kept.env === env ? kept.args : parse(argv, env);
      kept = undefined;
      return args;
    },
  };
}

/** The command word and the one positional argument a fast-path command line has. */
export interface CommandShape {
  command: string;
  /** Whether the command word may be left out (probe, the default command). */
  optional: boolean;
  positional: string;
}
export const PROBE_SHAPE: CommandShape = { command: "probe", optional: true, positional: "host" };

/**
 * `ikeprobe [probe] HOST --opt value ...` (or another command's shape) with only known options,
 * each value present, numbers that are numbers, choices among their choices, no option given twice
 * unless it is an array: the arguments as yargs would give them (defaults included). Anything else:
 * undefined (ask yargs).
 */
export function fastParse(argv: readonly string[], specs: Readonly<Record<string, OptionSpec>>, shape: CommandShape = PROBE_SHAPE): Record<string, unknown> | undefined {
  const byFlag = flagsOf(specs);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  let host: string | undefined;
  if (!shape.optional && argv[0] !== shape.command) return undefined;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (!tok.startsWith("-")) {
      if (host === undefined && tok === shape.command && i === 0) continue;
      if (host !== undefined) return undefined;
      host = tok;
      continue;
    }
    const negated = tok.startsWith("--no-") ? byFlag.get(`--${tok.slice(5)}`) : undefined;
    const hit = byFlag.get(tok) ?? negated;
    if (hit === undefined) return undefined;
    const [name, spec] = hit;
    if (seen.has(name) && spec.array !== true) return undefined;
    seen.add(name);
    if (spec.type === "boolean") {
      // yargs would read a following true/false as the flag's value: leave that to it.
      if (argv[i + 1] === "true" || argv[i + 1] === "false") return undefined;
      out[name] = negated === undefined;
      continue;
    }
    if (negated !== undefined) return undefined;
    const v = argv[++i];
    if (v === undefined || v.startsWith("-")) return undefined;
    if (spec.choices !== undefined && !(spec.choices as readonly string[]).includes(v)) return undefined;
    if (spec.type === "number" && !isNumberText(v)) return undefined;
    const value = spec.type === "number" ? Number(v) : v;
    out[name] = spec.array === true ? [...((out[name] as unknown[] | undefined) ?? []), value] : value;
  }
  if (host === undefined || host === "" || isNumberText(host)) return undefined;
  for (const [name, spec] of Object.entries(specs)) if (!(name in out) && spec.default !== undefined) out[name] = spec.default;
  return { ...out, [shape.positional]: host };
}

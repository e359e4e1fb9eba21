#!/usr/bin/env node
// Shim (CommonJS: bin/package.json): runs a CLI bundle with the V8 code cache made by `npm run
// build`, so start-up compiles almost nothing. A well-formed --json probe runs from the small
// dist/ikeprobe-fast.cjs, a well-formed psk-crack --json from dist/ikeprobe-psk-crack.cjs; every
// other command line (help, usage errors, tables, scan, check) from dist/ikeprobe.cjs. A missing
// or stale cache (another Node version) only costs time: V8 then compiles as usual.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
function load(name) {
  const file = join(dist, name);
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  const mod = { exports: {} };
  new Script(readFileSync(file, "utf8"), { filename: file, cachedData }).runInThisContext()(mod.exports, require, mod, file, dist);
  return mod.exports;
}
const argv = process.argv.slice(2);
// scan, check, completion, help and --version are the full bundle's whatever a small one would say
// (fastPathTakes: cli/run.ts otherCommandOrHelp), so none is loaded for them (~6 ms). psk-crack has
// its own small bundle.
const first = argv.find((a) => !a.startsWith("-"));
const other = first === "scan" || first === "check" || first === "completion" || argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "--get-yargs-completions");
const small = other ? undefined : load(first === "psk-crack" ? "ikeprobe-psk-crack.cjs" : "ikeprobe-fast.cjs");
const cli = small !== undefined && small.fastPathTakes(argv, process.env) ? small : load("ikeprobe.cjs");
cli.main(argv).then((code) => {
  process.exitCode = code;
});

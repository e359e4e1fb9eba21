#!/usr/bin/env node
// Shim (CommonJS: bin/package.json): runs a CLI bundle with the V8 code cache made by `npm run
// build`, so start-up compiles almost nothing. A well-formed probe command line runs from the small
// dist/ikeprobe-fast.cjs; every other one (help, usage errors, scan, check, psk-crack) from
// dist/ikeprobe.cjs. A missing or stale cache (another Node version) only costs time: V8 then
// compiles as usual.
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
// scan, check, psk-crack, help and --version are the full bundle's whatever the small one would say
// (fastPathTakes: cli/run.ts otherCommandOrHelp), so it is not loaded for them (~6 ms).
const first = argv.find((a) => !a.startsWith("-"));
const other = first === "scan" || first === "check" || first === "psk-crack" || argv.some((a) => a === "--help" || a === "-h" || a === "--version");
const fast = other ? undefined : load("ikeprobe-fast.cjs");
const cli = fast !== undefined && fast.fastPathTakes(argv, process.env) ? fast : load("ikeprobe.cjs");
cli.main(argv).then((code) => {
  process.exitCode = code;
});

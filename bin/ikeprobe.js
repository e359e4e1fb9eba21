#!/usr/bin/env node
// Shim (CommonJS: bin/package.json): runs the CLI bundle dist/ikeprobe.cjs with the V8 code cache
// made by `npm run build`, so start-up compiles almost nothing. A missing or stale cache (another
// Node version) only costs time: V8 then compiles as usual.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
const file = join(dist, "ikeprobe.cjs");
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const mod = { exports: {} };
new Script(readFileSync(file, "utf8"), { filename: file, cachedData }).runInThisContext()(mod.exports, require, mod, file, dist);
mod.exports.main().then((code) => {
  process.exitCode = code;
});

#!/usr/bin/env node
// Runs every test file explicitly (node --test on Node 20 finds no .ts files by itself and would
// pass with none). Fails when the list is empty. End-to-end tests need root and strongSwan: as root
// we install strongSwan when it is missing; otherwise they skip, loudly, unless
// IKEPROBE_REQUIRE_E2E=1 (set by .ci/run), which turns that skip into a failure.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const unitOnly = process.argv.includes("--unit");
function find(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? find(p) : p.endsWith(".test.ts") ? [p] : [];
  });
}
let files = find("test").sort();
if (unitOnly) files = files.filter((f) => !f.startsWith(join("test", "e2e")));
if (files.length === 0) {
  console.error("run-tests: no test files found under test/");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=spec", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);

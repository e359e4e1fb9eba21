import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { test } from "node:test";

const SRC = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every module of ours a file imports, as paths relative to src/ (static and type imports alike). */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;]*?from\s+"(\.[^"]+)"/g)].map((m) => relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, ".ts"));
}

test("layering: src/wire imports nothing outside itself but errors", () => {
  const bad = files(join(SRC, "wire")).flatMap((f) => imports(f).filter((i) => !i.startsWith("wire/") && i !== "errors.ts").map((i) => `${relative(SRC, f)} -> ${i}`));
  assert.deepEqual(bad, []);
});

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

test("layering: exchanges, crypto and transport import no CLI, proposal syntax, report or API module", () => {
  const allowed = (from: string, i: string): boolean => {
    const top = i.split("/")[0]!;
    if (["cli", "config", "report", "probe", "scan", "checks", "crack"].includes(top) || ["probe.ts", "session.ts", "diagnose.ts", "check.ts", "index.ts"].includes(i)) return false;
    // Only the driver touches the transport (its type), and the transport nothing above it.
    if (top === "transport" && !from.startsWith("exchanges/drive") && !from.startsWith("exchanges/request") && !from.startsWith("transport/")) return false;
    return true;
  };
  const bad = ["exchanges", "crypto", "transport", "data"].flatMap((dir) =>
    files(join(SRC, dir)).flatMap((f) => imports(f).filter((i) => !allowed(relative(SRC, f), i)).map((i) => `${relative(SRC, f)} -> ${i}`)),
  );
  assert.deepEqual(bad, []);
});

/**
 * Size limits for src/ (the restructuring issue's): no function over 120 lines, no class over 300,
 * no file over 450. src/crack/engine.ts is exempt: generated SIMD-style code, kept flat on purpose
 * (its header says why).
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const SRC = resolve(import.meta.dirname, "../src");
const EXEMPT = new Set(["crack/engine.ts"]);
const LIMITS = { file: 450, class: 300, function: 120 };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every class and function (declarations, methods, arrows, expressions) longer than its limit. */
export function oversized(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const lines = (n: ts.Node): number => sf.getLineAndCharacterOfPosition(n.getEnd()).line - sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const name = (n: ts.Node): string => ((n as { name?: ts.Node }).name?.getText(sf) ?? "(anonymous)");
  const visit = (n: ts.Node): void => {
    if (ts.isClassLike(n) && lines(n) > LIMITS.class) out.push(`class ${name(n)}: ${lines(n)} lines`);
    if (ts.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body !== undefined && lines(n) > LIMITS.function) out.push(`function ${name(n)}: ${lines(n)} lines`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const total = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  if (total > LIMITS.file) out.push(`file: ${total} lines`);
  return out;
}

test("src/: no file over 450 lines, no class over 300, no function over 120", () => {
  const bad = files(SRC)
    .filter((f) => !EXEMPT.has(relative(SRC, f)))
    .flatMap((f) => oversized(f, readFileSync(f, "utf8")).map((m) => `${relative(SRC, f)}: ${m}`));
  assert.deepEqual(bad, []);
});

test("the limit check sees a long function and a long file", () => {
  const body = Array.from({ length: 130 }, (_, i) => `  x += ${i};`).join("\n");
  assert.deepEqual(oversized("f.ts", `function big() {\n  let x = 0;\n${body}\n}\n`), ["function big: 133 lines"]);
  assert.deepEqual(oversized("g.ts", "const a = 1;\n".repeat(451)), ["file: 451 lines"]);
});

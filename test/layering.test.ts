/**
 * The layer rules of docs/architecture.md, checked over every module of src/: which part may import
 * which, the IKEv1/IKEv2 boundary, which npm packages each part may use, what only the CLI may
 * touch, and no import cycles. A rule added to the document is added here.
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, test } from "node:test";

const SRC = resolve(import.meta.dirname, "../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)[^;]*?from\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g;

/** Every module a file imports (static, type-only and dynamic alike): ours relative to src/, packages by name. */
function importsOf(file: string): { ours: string[]; packages: string[] } {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2])!);
  return {
    ours: specs.filter((s) => s.startsWith(".")).map((s) => relative(SRC, resolve(dirname(file), s)).replace(/\.js$/, ".ts")),
    packages: specs.filter((s) => !s.startsWith(".") && !s.startsWith("node:")).map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!)),
  };
}

const MODULES = new Map(files(SRC).map((f) => [relative(SRC, f), importsOf(f)] as const));

/**
 * A module's part: the folder under src/, with the version folders (v1, v2) of wire, crypto and
 * exchanges and the three parts of report/ told apart; a file at the root is its own part.
 */
function part(module: string): string {
  const [top, second] = module.split("/");
  if (second === undefined) return top!;
  if (["wire", "crypto", "exchanges", "report"].includes(top!) && !second.endsWith(".ts")) return `${top}/${second}`;
  return top!;
}

/** Which parts each part may import (besides itself): the table of docs/architecture.md. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  "errors.ts": [],
  "version.ts": [],
  util: [],
  wire: ["errors.ts"],
  "wire/v1": ["wire", "errors.ts"],
  "wire/v2": ["wire", "errors.ts"],
  data: [],
  x509: ["wire", "wire/v1", "errors.ts"],
  crypto: ["data", "errors.ts"],
  "crypto/v1": ["crypto", "data", "errors.ts"],
  "crypto/v2": ["crypto", "data", "wire", "wire/v2", "errors.ts"],
  transport: ["wire", "wire/v1", "errors.ts", "util"],
  exchanges: ["transport"],
  "exchanges/v1": ["exchanges", "wire", "wire/v1", "crypto", "crypto/v1", "data", "x509", "errors.ts", "util"],
  "exchanges/v2": ["exchanges", "wire", "wire/v2", "crypto", "crypto/v2", "data", "x509", "errors.ts", "util"],
  config: ["exchanges/v1", "wire", "wire/v1", "wire/v2", "crypto", "data", "errors.ts"],
  "report/model": ["checks", "data", "x509"],
  crack: ["report/model", "exchanges/v1", "data", "errors.ts", "util"],
  checks: ["config", "crack", "exchanges/v1", "wire/v1", "data", "x509"],
  "report/build": ["report/model", "probe", "checks", "config", "crack", "crypto", "exchanges/v1", "wire", "wire/v1", "data", "x509", "util", "version.ts"],
  "report/render": ["report/model", "checks", "data", "wire"],
  probe: ["report/build", "report/model", "report/render", "checks", "config", "crack", "crypto", "crypto/v1", "crypto/v2", "exchanges", "exchanges/v1", "exchanges/v2", "transport", "wire", "wire/v1", "wire/v2", "data", "x509", "errors.ts", "util", "version.ts"],
  scan: ["probe", "report/build", "report/model", "checks", "config", "crypto", "exchanges", "exchanges/v1", "exchanges/v2", "transport", "wire", "wire/v1", "wire/v2", "data", "errors.ts", "util"],
  diagnose: ["probe", "report/build", "report/model", "config", "crack", "exchanges/v1", "wire/v1", "wire/v2", "x509", "version.ts"],
  "index.ts": ["probe", "scan", "diagnose", "crack", "report/model", "config", "transport"],
  cli: ["probe", "scan", "diagnose", "crack", "report/model", "report/render", "config", "crypto", "data", "transport", "x509", "errors.ts", "version.ts"],
  build: ["crack", "crypto", "crypto/v1", "crypto/v2", "data", "exchanges/v1", "exchanges/v2", "wire", "wire/v1", "wire/v2"],
};

/** Renderers an engine may call: they format text for files the API hands back, without chalk or cli-table3. */
const PLAIN_RENDERERS = new Set(["report/render/wireshark.ts", "report/render/json.ts"]);

/** npm packages by the parts that may import them (everything is bundled; the API's bundle too). */
const PACKAGES: Readonly<Record<string, readonly string[]>> = {
  yargs: ["cli"],
  ora: ["cli"],
  chalk: ["report/render"],
  "cli-table3": ["report/render"],
  "@peculiar/asn1-schema": ["x509"],
  "@peculiar/asn1-x509": ["x509"],
  "@noble/curves": ["crypto"],
  esbuild: ["build"],
};

/** The import cycles of a graph: Tarjan's strongly connected components of two or more modules. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("layering (docs/architecture.md)", () => {
  test("every part of src/ is in the table", () => {
    const unknown = [...new Set([...MODULES.keys()].map(part))].filter((p) => MAY_IMPORT[p] === undefined);
    assert.deepEqual(unknown, []);
  });

  test("each part imports only the parts below it", () => {
    const bad: string[] = [];
    for (const [m, { ours }] of MODULES) {
      const from = part(m);
      for (const i of ours) {
        const to = part(i);
        if (to === from) continue;
        if (!MAY_IMPORT[from]!.includes(to)) bad.push(`${m} -> ${i}`);
        else if (to === "report/render" && from !== "cli" && !PLAIN_RENDERERS.has(i)) bad.push(`${m} -> ${i} (only the CLI renders for the terminal)`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test("the IKEv1 and IKEv2 modules never import each other", () => {
    const bad = [...MODULES].flatMap(([m, { ours }]) => {
      const v = /^(?:wire|crypto|exchanges)\/(v[12])\//.exec(m)?.[1];
      if (v === undefined) return [];
      const other = v === "v1" ? "v2" : "v1";
      return ours.filter((i) => new RegExp(`^(?:wire|crypto|exchanges|report)/${other}/`).test(i)).map((i) => `${m} -> ${i}`);
    });
    assert.deepEqual(bad, []);
  });

  test("within exchanges, only the driver and the one-message request touch the transport", () => {
    const bad = [...MODULES].flatMap(([m, { ours }]) =>
      m.startsWith("exchanges/") && !["exchanges/drive.ts", "exchanges/request.ts"].includes(m) ? ours.filter((i) => i.startsWith("transport/")).map((i) => `${m} -> ${i}`) : [],
    );
    assert.deepEqual(bad, []);
  });

  test("npm packages only where they belong", () => {
    const bad = [...MODULES].flatMap(([m, { packages }]) => packages.filter((p) => !(PACKAGES[p] ?? []).includes(part(m))).map((p) => `${m} -> ${p}`));
    assert.deepEqual(bad, []);
  });

  test("only the CLI (and the build) touches the process: environment, streams, exit code, signals", () => {
    const bad = [...MODULES.keys()]
      .filter((m) => !m.startsWith("cli/") && !m.startsWith("build/"))
      .filter((m) => /\bprocess\.(env|stdout|stderr|stdin|exit|exitCode|on|once|argv)\b/.test(readFileSync(join(SRC, m), "utf8")));
    assert.deepEqual(bad, []);
  });

  test("nothing in src/ imports the build scripts", () => {
    const bad = [...MODULES].flatMap(([m, { ours }]) => (m.startsWith("build/") ? [] : ours.filter((i) => i.startsWith("build/")).map((i) => `${m} -> ${i}`)));
    assert.deepEqual(bad, []);
  });

  test("no import cycles", () => {
    assert.deepEqual(cycles(new Map([...MODULES].map(([m, { ours }]) => [m, ours]))), []);
  });

  test("the cycle check finds cycles (on made-up graphs)", () => {
    assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["a"]], ["c", ["a"]]])), [["a", "b"]]);
    assert.deepEqual(cycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", []]])), [["a", "b", "c"]]);
    assert.deepEqual(cycles(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), []);
  });
});

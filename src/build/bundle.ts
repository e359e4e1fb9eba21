/**
 * Build step after tsc (`npm run build`): bundles the CLI into one CommonJS function expression,
 * dist/ikeprobe.cjs, and records V8's code cache for it in dist/ikeprobe.cjs.cache after running
 * the usual paths once, so that bin/ikeprobe.js compiles almost nothing at start-up (Node 20 has no
 * module compile cache). Runtime dependencies are bundled; nothing is fetched.
 */
import { createSocket } from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "dist", "ikeprobe.cjs");

const result = await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  bundle: true,
  minify: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  write: false,
  legalComments: "none",
  // yargs' ESM build reads import.meta.url; give it this file's URL.
  define: { "import.meta.url": "__ikpUrl" },
  banner: { js: "var __ikpUrl=require('node:url').pathToFileURL(__filename).href;" },
  alias: {
    assert: join(root, "src", "build", "assert-lite.ts"),
    // yargs' help layout with text wrapped at spaces (see the shim).
    cliui: join(root, "src", "build", "cliui-shim.mjs"),
  },
  logLevel: "warning",
});
const body = result.outputFiles[0]!.text;
// The bundle runs inside a vm.Script (bin/ikeprobe.js), where import() has no module loader: every
// import must be bundled or a require(). One left over fails only when its code path runs.
const dynamic = /\bimport\(\s*["'`][^"'`]*["'`]\s*\)/g.exec(body);
if (dynamic !== null) throw new Error(`bundle: a dynamic import is left in the bundle (${dynamic[0]}); import it statically`);
// One function expression, so that the shim and this step compile exactly the same source.
const source = `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
writeFileSync(out, source);

// Warm the code paths a run takes (argument parsing, a probe, JSON and table rendering) against a
// throwaway loopback socket that never answers, then keep what V8 compiled.
const script = new Script(source, { filename: out });
const mod = { exports: {} as { main: (argv: string[], io: object) => Promise<number> } };
(script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(out), mod, out, dirname(out));
const sink = createSocket("udp4");
await new Promise<void>((res) => sink.bind(0, "127.0.0.1", () => res()));
const port = String(sink.address().port);
const io = { stdout: () => undefined, stderr: () => undefined, env: {}, isTTY: false };
await mod.exports.main(["--help"], io);
for (const extra of [["--json"], []]) {
  await mod.exports.main(["127.0.0.1", "--port", port, "--ike", "aes256-sha256-modp2048", "--timeout", "0.02", "--retries", "0", ...extra], io);
}
sink.close();
writeFileSync(`${out}.cache`, script.createCachedData());
console.log(`bundle: ${out} (${Math.round(source.length / 1024)} KiB), code cache ${Math.round(readFileSync(`${out}.cache`).length / 1024)} KiB`);

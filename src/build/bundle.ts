/**
 * Build step after tsc (`npm run build`): bundles the CLI into three CommonJS function expressions,
 * each with V8's code cache recorded after running its usual paths once, so that bin/ikeprobe.js
 * compiles almost nothing at start-up (Node 20 has no module compile cache):
 *   dist/ikeprobe-fast.cjs       the --json PSK probe without yargs (cli/fast.ts), warmed by whole
 *                                probes against a scripted loopback responder (messages 1-6, DELETE);
 *   dist/ikeprobe-psk-crack.cjs  psk-crack --json without yargs (cli/fast-crack.ts), warmed by
 *                                cracking made-up MD5 and SHA1 hashes;
 *   dist/ikeprobe.cjs            every command (cli/main.ts), warmed by --help and a probe;
 * and the API (src/index.ts) as one ES module, dist/index.js, beside tsc's declarations.
 * Runtime dependencies are bundled into each, so the package has none to install.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { type Plugin, build } from "esbuild";
import { ScriptedGateway } from "./scripted-gateway.js";
import { ScriptedIkev2 } from "./scripted-ikev2.js";
import { crackEngine } from "../crack/engine.js";
import { versionedIdTable } from "../data/vendor-ids.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Vendor IDs are the MD5 of published texts (src/data/vendor-ids.ts writes `md5("RFC 3947")`, the
 * definition). The bundle gets the digests as literals, so start-up hashes nothing; the tsc build
 * (the API) keeps the calls; the CLI tests name gateways' Vendor IDs through the bundle.
 */
let md5Literals = 0;
const vendorIdDigests: Plugin = {
  name: "vendor-id-digests",
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]data[\\/]vendor-ids\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8").replace(/\bmd5\(("(?:[^"\\]|\\.)*")\)/g, (_m, lit: string) => {
        md5Literals++;
        return JSON.stringify(createHash("md5").update(JSON.parse(lit) as string).digest("hex"));
      });
      return { contents: text, loader: "ts" };
    });
  },
};

/**
 * The fast bundle runs only what scripts run thousands of times a day: a PSK probe with --json
 * (cli/run.ts fastPathTakes sends every other command line to the full bundle: tables, the spinner,
 * --diagnose, a signature method or a certificate option). So the packages and modules only those
 * need stay out of it: each resolves to a stub whose functions throw (a bug, if one ever runs). A PSK
 * gateway that sends a CERT payload anyway gets it reported as unreadable, as the report does for
 * any certificate it cannot parse.
 */
const FAST_STUB_PACKAGES = /^(@peculiar\/asn1-schema|@peculiar\/asn1-x509|@noble\/curves\/.*|ora|chalk|cli-table3)$/;
const FAST_STUB_MODULES = /[\\/]src[\\/](cli[\\/]commands[\\/]diagnose|report[\\/]render[\\/](table|layout))\.ts$/;
const stubSource = (what: string, bundleName: string): string => `const unavailable = () => { throw new Error(${JSON.stringify(`${what} is not in ${bundleName}; bin/ikeprobe.js should have loaded dist/ikeprobe.cjs`)}); };
module.exports = new Proxy({}, { get: (_t, k) => (k === "__esModule" ? false : unavailable) });`;
/**
 * `probeStatic`: the probe's modules, imported on first use in the full bundle, are plain imports
 * (cli/lazy.ts) in the probe's bundle; the psk-crack bundle keeps them lazy (it never runs them).
 * `bundleName` is for the stubs' message.
 */
const fastStubs = (probeStatic: boolean, bundleName: string): Plugin => ({
  name: "fast-stubs",
  setup(b) {
    b.onResolve({ filter: FAST_STUB_PACKAGES }, (args) => ({ path: args.path, namespace: "fast-stub" }));
    // Our own modules go to the stub namespace as well (a CommonJS stub outside the package's ESM scope).
    b.onResolve({ filter: /\.js$/ }, (args) => {
      const source = join(args.resolveDir, args.path).replace(/\.js$/, ".ts");
      if (probeStatic && /[\\/]src[\\/]cli[\\/]lazy\.ts$/.test(source)) return { path: source.replace(/lazy\.ts$/, "lazy-static.ts") };
      return FAST_STUB_MODULES.test(source) ? { path: source.slice(source.lastIndexOf("src")), namespace: "fast-stub" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "fast-stub" }, (args) => ({ contents: stubSource(args.path, bundleName), loader: "js" }));
  },
});

/** The versioned vendor IDs (MD5s of product-version strings), hashed once here, read by both bundles on first use. */
const VERSIONED_IDS_FILE = "ikeprobe-vendor-ids.json";
writeFileSync(join(root, "dist", VERSIONED_IDS_FILE), JSON.stringify([...versionedIdTable()]));

type Main = (argv: string[], io: object) => Promise<number>;

async function bundle(entry: string, out: string, warm: (main: Main) => Promise<void>, extraPlugins: Plugin[] = []): Promise<void> {
  md5Literals = 0;
  const result = await build({
    entryPoints: [join(root, "src", "cli", entry)],
    bundle: true,
    minify: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    write: false,
    legalComments: "none",
    // yargs' ESM build reads import.meta.url; give it this file's URL, worked out when first read
    // (node:url and the conversion cost a probe ~0.3 ms it does not need).
    define: { "import.meta.url": "__ikpMeta.url", __IKEPROBE_VERSIONED_IDS_FILE__: JSON.stringify(VERSIONED_IDS_FILE) },
    banner: { js: "var __ikpMeta={get url(){return require('node:url').pathToFileURL(__filename).href}};" },
    alias: {
      assert: join(root, "src", "build", "assert-lite.ts"),
      // yargs' help layout with text wrapped at spaces (see the shim).
      cliui: join(root, "src", "build", "cliui-shim.mjs"),
    },
    plugins: [vendorIdDigests, ...extraPlugins],
    logLevel: "warning",
  });
  if (md5Literals < 30) throw new Error(`bundle: only ${md5Literals} vendor-ID digests computed at build time; has src/data/vendor-ids.ts changed shape?`);
  const body = result.outputFiles[0]!.text;
  // The bundle runs inside a vm.Script (bin/ikeprobe.js), where import() has no module loader: every
  // import must be bundled or a require(). One left over fails only when its code path runs.
  const dynamic = /\bimport\(\s*["'`][^"'`]*["'`]\s*\)/g.exec(body);
  if (dynamic !== null) throw new Error(`bundle: a dynamic import is left in the bundle (${dynamic[0]}); import it statically`);
  // One function expression, so that the shim and this step compile exactly the same source.
  const source = `(function (exports, require, module, __filename, __dirname) {${body}\n})`;
  writeFileSync(out, source);
  const script = new Script(source, { filename: out });
  const mod = { exports: {} as { main: Main } };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(out), mod, out, dirname(out));
  await warm(mod.exports.main);
  writeFileSync(`${out}.cache`, script.createCachedData());
  console.log(`bundle: ${out} (${Math.round(source.length / 1024)} KiB), code cache ${Math.round(readFileSync(`${out}.cache`).length / 1024)} KiB`);
}

/**
 * A psk-crack hash file per hash for the psk-crack bundle's warm-up (made-up exchange values, its
 * HASH_R for the key "warm-up-only"), and a short word list with that key last.
 */
function crackWarmUp(dir: string): { md5: string; sha1: string; words: string } {
  const hex = (b: Buffer): string => b.toString("hex");
  const fields = { gxr: randomBytes(128), gxi: randomBytes(128), ckyR: randomBytes(8), ckyI: randomBytes(8), sai: randomBytes(48), idir: randomBytes(12), ni: randomBytes(20), nr: randomBytes(20) };
  const line = (h: "md5" | "sha1"): string => {
    const skeyid = createHmac(h, "warm-up-only").update(Buffer.concat([fields.ni, fields.nr])).digest();
    const hashR = createHmac(h, skeyid).update(Buffer.concat([fields.gxr, fields.gxi, fields.ckyR, fields.ckyI, fields.sai, fields.idir])).digest();
    return [fields.gxr, fields.gxi, fields.ckyR, fields.ckyI, fields.sai, fields.idir, fields.ni, fields.nr, hashR].map(hex).join(":");
  };
  const out = { md5: join(dir, "md5.hash"), sha1: join(dir, "sha1.hash"), words: join(dir, "words.txt") };
  writeFileSync(out.md5, `${line("md5")}\n`);
  writeFileSync(out.sha1, `${line("sha1")}\n`);
  writeFileSync(out.words, `${Array.from({ length: 2000 }, (_, i) => `warm${i}`).join("\n")}\nwarm-up-only\n`);
  return out;
}

/** A loopback responder for the warm-up: Main Mode answered by ScriptedGateway, IKEv2 by ScriptedIkev2, everything else (the DELETEs) unanswered. */
async function responder(psk: string): Promise<{ port: number; close: () => void }> {
  const socket = createSocket("udp4");
  const byCookie = new Map<string, ScriptedGateway>();
  const v2 = new ScriptedIkev2(psk);
  socket.on("message", (msg, from) => {
    const reply = (b: Buffer): void => void socket.send(b, from.port, from.address);
    if (msg.length >= 28 && msg[17] === 0x20) {
      const a = v2.answer(msg);
      if (a !== undefined) reply(a);
      return;
    }
    const cookie = msg.subarray(0, 8).toString("hex");
    if (msg.length < 28 || msg[18] !== 2) return;
    let gw = byCookie.get(cookie);
    if (gw === undefined) {
      gw = new ScriptedGateway(psk);
      byCookie.set(cookie, gw);
      return reply(gw.mm2(msg));
    }
    if (gw.keys === undefined) return reply(gw.mm4(msg, { natd: "honest" }));
    gw.readMm5(msg);
    reply(gw.mm6());
  });
  await new Promise<void>((res) => socket.bind(0, "127.0.0.1", () => res()));
  return { port: socket.address().port, close: () => socket.close() };
}

/**
 * The API as one ES module (dist/index.js, replacing tsc's): the packages it uses are bundled, so
 * an install fetches no dependency. A
 * CommonJS package inside calls require(), which an ES module has only through createRequire.
 * White space and syntax are minified, names are not: a stack trace from the API still names our functions.
 */
async function bundleApi(): Promise<void> {
  const out = join(root, "dist", "index.js");
  await build({
    entryPoints: [join(root, "src", "index.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: out,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    banner: { js: 'import { createRequire as __ikpCreateRequire } from "node:module";\nconst require = __ikpCreateRequire(import.meta.url);' },
    logLevel: "warning",
  });
  console.log(`bundle: ${out} (${Math.round(readFileSync(out).length / 1024)} KiB, the API)`);
}

// psk-crack's WebAssembly modules, generated once here instead of in every worker at run time.
const engine = crackEngine({ createHash, createHmac, timingSafeEqual: () => false });
writeFileSync(join(root, "dist", "ikeprobe-crack.json"), JSON.stringify(Object.fromEntries((["md5", "sha1", "sha256"] as const).map((h) => [h, Buffer.from(engine.simdBytes(h)).toString("base64")]))));

const io = { stdout: () => undefined, stderr: () => undefined, env: {}, isTTY: false };
// A throwaway key for the warm-up only, in a private temporary directory removed afterwards.
const warmDir = mkdtempSync(join(tmpdir(), "ikeprobe-build-"));
const pskFile = join(warmDir, "psk");
writeFileSync(pskFile, "warm-up-only\n", { mode: 0o600 });
const gw = await responder("warm-up-only");
const crackFiles = crackWarmUp(warmDir);
const probe = (extra: string[]): string[] => ["127.0.0.1", "--port", String(gw.port), "--ike", "aes256-sha256-modp2048", "--psk-file", pskFile, "--timeout", "0.5", "--retries", "0", ...extra];
try {
  await bundle("fast.ts", join(root, "dist", "ikeprobe-fast.cjs"), async (main) => {
    for (let i = 0; i < 4; i++) await main(probe(["--json"]), io);
    for (const ike of ["aes256-sha256-modp2048", "aes256gcm16-prfsha384-ecp384"]) {
      for (const esp of [[], ["--esp", "aes256-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"]]) await main(["127.0.0.1", "--ikev2", "--port", String(gw.port), "--ike", ike, "--psk-file", pskFile, "--timeout", "0.5", "--retries", "0", ...esp, "--json"], io);
    }
  }, [fastStubs(true, "the fast bundle (dist/ikeprobe-fast.cjs runs --json PSK probes only)")]);
  await bundle("fast-crack.ts", join(root, "dist", "ikeprobe-psk-crack.cjs"), async (main) => {
    for (let i = 0; i < 3; i++) for (const h of ["md5", "sha1"] as const) await main(["psk-crack", crackFiles[h], "--wordlist", crackFiles.words, "--json"], io);
  }, [fastStubs(false, "the psk-crack bundle (dist/ikeprobe-psk-crack.cjs runs psk-crack --json only)")]);
  await bundle("main.ts", join(root, "dist", "ikeprobe.cjs"), async (main) => {
    await main(["--help"], io);
    for (const extra of [["--json"], []]) await main(probe(extra), io);
  });
  await bundleApi();
} finally {
  gw.close();
  rmSync(warmDir, { recursive: true, force: true });
}

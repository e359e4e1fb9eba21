/**
 * The probe command's fast path (no yargs for a well-formed command line) must give exactly what
 * yargs gives: the same arguments for every option, and yargs for everything else (so its errors).
 */
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import yargs from "yargs";
import { PROBE_OPTIONS, probeOptions } from "../../src/cli/commands/probe-options.ts";
import { fastProbeArgs } from "../../src/cli/main.ts";
import { fastPathTakes } from "../../src/cli/fast.ts";
import { fastPathTakes as crackFastPathTakes } from "../../src/cli/fast-crack.ts";
import { CRACK_OPTIONS, crackOptions, fastCrackArgs } from "../../src/cli/commands/psk-crack.ts";
import { FAMILY_OPTIONS, isNumberText } from "../../src/cli/options.ts";
import { runCli } from "../helpers/cli.ts";

/** What yargs makes of a probe command line, restricted to the options' own names. */
async function viaYargs(argv: string[]): Promise<Record<string, unknown>> {
  const a = (await yargs(argv).command(["probe <host>", "$0 <host>"], "", probeOptions).strict().exitProcess(false).fail((m, e) => { throw e ?? new Error(m); }).parseAsync()) as Record<string, unknown>;
  const keys = ["host", ...Object.keys(FAMILY_OPTIONS), ...Object.keys(PROBE_OPTIONS)];
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

const WELL_FORMED: string[][] = [
  ["198.18.1.1"],
  ["probe", "gw.example", "--ike", "aes256-sha256-modp2048", "--ike", "3des-sha1-modp1024", "--psk-file", "psk.txt", "--json"],
  ["198.18.1.1", "--trans", "7/256,4,1,14", "--auth", "xauth-psk", "--lifetime", "30m", "--id", "fqdn:a.example", "--nat-t", "force", "--port", "4500", "--source-port", "0"],
  ["198.18.1.1", "--timeout", "2.5", "--retries", "0", "--no-color", "--show-keys", "--keys", "k.txt", "--pcap", "p.pcap", "-4"],
  ["198.18.1.1", "--esp", "aes128gcm16", "--ah", "sha256", "--esp-lifetime", "1h/4000", "--mode", "transport", "--local-ts", "10.0.0.0/8", "--remote-ts", "10.1.0.0/16", "--esp-keys", "e.txt", "--hold", "3"],
  ["198.18.1.1", "--aggressive", "--am3-clear", "--save-hash", "h.txt", "--xauth-user", "alice", "--xauth-password-file", "pw", "--mode-config", "--dpd", "--vendor-ids", "v.txt", "-6"],
  ["198.18.1.1", "--ikev2", "--ike", "aes256gcm16-prfsha256-ecp256", "--psk-file", "psk.txt", "--id", "fqdn:a.example", "--remote-id", "fqdn:gw.example"],
  ["198.18.1.1", "--diagnose", "--pace", "0.5", "--id", "fqdn:a.example", "--id", "ipv4:198.18.1.2"],
  ["198.18.1.1", "--auth", "rsa", "--cert", "c.pem", "--key", "k.pem", "--key-passphrase-file", "p", "--ca", "ca.pem", "--gateway-cert", "g.pem", "--show-certs", "--save-certs", "s.pem", "--cert-warn-days", "10", "--fragmentation", "force", "--fragment-size", "600"],
];

test("well-formed command lines: the fast path's arguments are yargs' own, defaults included", async () => {
  for (const argv of WELL_FORMED) {
    const fast = fastProbeArgs(argv);
    assert.ok(fast !== undefined, `fast path taken for ${argv.join(" ")}`);
    assert.deepEqual(fast, await viaYargs(argv), argv.join(" "));
  }
});

test("anything else goes to yargs: unknown or misspelt options, missing values, bad choices, other commands, help, = forms, a flag given a value", () => {
  for (const argv of [
    ["198.18.1.1", "--iike", "x"],
    ["198.18.1.1", "--ike"],
    ["198.18.1.1", "--port", "abc"],
    ["198.18.1.1", "--nat-t", "sometimes"],
    ["198.18.1.1", "--port", "500", "--port", "501"],
    ["198.18.1.1", "--ike=aes256-sha256-modp2048"],
    ["198.18.1.1", "--json", "true"],
    ["198.18.1.1", "other.example"],
    ["scan", "198.18.1.1"],
    ["psk-crack", "h.txt"],
    ["198.18.1.1", "--help"],
    ["--json"],
  ]) {
    assert.equal(fastProbeArgs(argv), undefined, argv.join(" "));
  }
});

test("the same usage errors and exit codes with the fast path and without it", async () => {
  for (const argv of [["198.18.1.1", "--psk", ""], ["198.18.1.1", "--timeout", "0"], ["198.18.1.1", "--am3-clear"], ["198.18.1.1", "--port", "70000"], ["198.18.1.1", "--iike", "x"]]) {
    const fast = await runCli(argv);
    const slow = await runCli(argv, { IKEPROBE_NO_FAST_PATH: "1" });
    assert.equal(fast.code, 2, argv.join(" "));
    assert.equal(fast.code, slow.code, argv.join(" "));
    assert.equal(fast.stderr, slow.stderr, argv.join(" "));
  }
});

test("bin/ikeprobe.js: the fast bundle takes exactly the fast path's --json probes, the full bundle the rest (tables, --diagnose, certificates)", () => {
  for (const argv of WELL_FORMED) {
    const json = [...argv, ...(argv.includes("--json") ? [] : ["--json"])];
    assert.equal(fastPathTakes(json, {}), !argv.includes("--diagnose") && !argv.includes("--cert"), json.join(" "));
    assert.equal(fastPathTakes(argv.filter((a) => a !== "--json"), {}), false, "tables are the full bundle's");
  }
  for (const argv of [["198.18.1.1", "--auth", "rsa", "--json"], ["198.18.1.1", "--ca", "ca.pem", "--json"], ["198.18.1.1", "--trans", "7/256,4,3,14", "--json"], ["198.18.1.1", "--show-certs", "--auth", "rsa", "--json"]]) {
    assert.equal(fastPathTakes(argv, {}), false, `${argv.join(" ")}: certificates are the full bundle's`);
  }
  for (const argv of [["198.18.1.1", "--iike", "x"], ["scan", "198.18.1.1"], ["198.18.1.1", "--help"], ["198.18.1.1", "--version"], ["--json"]]) assert.equal(fastPathTakes(argv, {}), false, argv.join(" "));
  assert.equal(fastPathTakes(["198.18.1.1"], { IKEPROBE_NO_FAST_PATH: "1" }), false);
});

test("both bundles run from the installed shim: a usage error (full bundle) and --version (full bundle), a probe's usage error (fast bundle)", async () => {
  const full = await runCli(["198.18.1.1", "--iike", "x"]);
  assert.equal(full.code, 2);
  assert.match(full.stderr, /iike/);
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  const fast = await runCli(["198.18.1.1", "--timeout", "0", "--json"]);
  assert.equal(fast.code, 2);
  assert.match(JSON.parse(fast.stdout).error.message, /--timeout/);
});

test("a number's text, as the fast path tells it: yargs' own pattern", () => {
  const pattern = /^-?(\d+(\.\d*)?|\.\d+)$/;
  const chars = ["0", "1", "9", ".", "-", "e", "+", " ", "x"];
  // Every string of up to five of these characters.
  let texts = [""];
  for (let len = 1; len <= 5; len++) texts = [...texts, ...texts.filter((t) => t.length === len - 1).flatMap((t) => chars.map((c) => t + c))];
  for (const t of texts) assert.equal(isNumberText(t), pattern.test(t), JSON.stringify(t));
  assert.ok(texts.filter((t) => pattern.test(t)).length > 1000, "the list holds numbers");
});

test("a probe of an IP address loads no resolver (node:dns); a host name loads it and is probed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-fast-dns-"));
  // A silent gateway on loopback: the probe ends with no answer (exit 3), having sent message 1.
  const silent = createSocket("udp4");
  await new Promise<void>((res) => silent.bind(0, "127.0.0.1", () => res()));
  let received = 0;
  silent.on("message", () => received++);
  try {
    const preload = join(dir, "modules.cjs");
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.MODULES_OUT, process.moduleLoadList.join("\\n")));\n`);
    const probe = async (host: string): Promise<{ modules: string[]; report: { target: { host: string; address: string } } }> => {
      const out = join(dir, `${host}.txt`);
      const r = await runCli([host, "-4", "--port", String(silent.address().port), "--timeout", "0.3", "--retries", "0", "--json"], { NODE_OPTIONS: `--require ${preload}`, MODULES_OUT: out });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      return { modules: readFileSync(out, "utf8").split("\n"), report: JSON.parse(r.stdout) };
    };
    const literal = await probe("127.0.0.1");
    const first = received;
    assert.ok(first > 0, "the probe of the address sent message 1 to the gateway");
    assert.ok(!literal.modules.includes("NativeModule dns"), "no node:dns for an address");
    const named = await probe("localhost");
    assert.ok(named.modules.includes("NativeModule dns"), "node:dns for a name");
    assert.deepEqual([named.report.target.host, named.report.target.address], ["localhost", "127.0.0.1"]);
    assert.ok(received > first, "the probe of the name sent message 1 to the gateway");
  } finally {
    silent.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A small bundle's text and the full one's, each string checked to be in the full bundle and not in the small one. */
function onlyInFull(small: string, strings: string[]): { small: string; full: string } {
  const text = readFileSync(new URL(`../../dist/${small}`, import.meta.url), "utf8");
  const full = readFileSync(new URL("../../dist/ikeprobe.cjs", import.meta.url), "utf8");
  for (const s of strings) {
    assert.ok(full.includes(s), `${s} in the full bundle`);
    assert.ok(!text.includes(s), `${s} not in ${small}`);
  }
  return { small: text, full };
}

test("the fast bundle leaves out what --json PSK probes never run: X.509, ECDSA, tables, the spinner, --diagnose", () => {
  // Strings only those packages hold (asn1-schema's error, cli-spinners' names, noble's error): in the full bundle, not in the fast one.
  const { small: fast, full } = onlyInFull("ikeprobe-fast.cjs", ["Cannot get schema", "bouncingBar", "invalid signature"]);
  assert.match(fast, /src\/cli\/commands\/diagnose\.ts is not in the fast bundle/);
  assert.match(fast, /src\/report\/render\/table\.ts is not in the fast bundle/);
  assert.ok(fast.length < full.length / 2, `${fast.length} vs ${full.length} bytes`);
});

test("what bin/ikeprobe.js sends to the full bundle without loading a small one, fastPathTakes would send there too", () => {
  // The shim's rule (bin/ikeprobe.js): scan, check or completion as the command, or --help, -h,
  // --version or the completion script's callback anywhere.
  const shimSaysFull = (argv: string[]): boolean => {
    const first = argv.find((a) => !a.startsWith("-"));
    return first === "scan" || first === "check" || first === "completion" || argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "--get-yargs-completions");
  };
  const shim = readFileSync(new URL("../../bin/ikeprobe.js", import.meta.url), "utf8");
  assert.ok(
    shim.includes('first === "scan" || first === "check" || first === "completion" || argv.some((a) => a === "--help" || a === "-h" || a === "--version" || a === "--get-yargs-completions")'),
    "the rule above is the shim's",
  );
  assert.ok(shim.includes('load(first === "psk-crack" ? "ikeprobe-psk-crack.cjs" : "ikeprobe-fast.cjs")'), "psk-crack asks its own small bundle");
  const json = ["--json", "--psk-file", "/tmp/k", "--ike", "aes256-sha256-modp2048"];
  for (const argv of [
    ["scan", "198.18.1.1", ...json],
    ["check", "198.18.1.1", "--policy", "p.json", "--json"],
    ["psk-crack", "h.txt", "--wordlist", "w.txt", "--json", "--help"],
    ["psk-crack", "h.txt", "--wordlist", "w.txt", "--json", "--version"],
    ["198.18.1.1", ...json, "--help"],
    ["198.18.1.1", ...json, "-h"],
    ["198.18.1.1", ...json, "--version"],
    ["probe", "198.18.1.1", ...json, "--help"],
    ["completion"],
    ["completion", "zsh"],
    ["--get-yargs-completions", "ikeprobe", "198.18.1.1", ...json],
  ]) {
    assert.equal(shimSaysFull(argv), true, argv.join(" "));
    assert.equal(fastPathTakes(argv, {}), false, argv.join(" "));
    assert.equal(crackFastPathTakes(argv, {}), false, argv.join(" "));
  }
  // And a well-formed probe still goes to the small one.
  assert.equal(shimSaysFull(["198.18.1.1", ...json]), false);
  assert.equal(fastPathTakes(["198.18.1.1", ...json], {}), true);
});

/** What yargs makes of a psk-crack command line, restricted to the options' own names. */
async function crackViaYargs(argv: string[]): Promise<Record<string, unknown>> {
  const a = (await yargs(argv).command("psk-crack <file>", "", crackOptions).strict().exitProcess(false).fail((m, e) => { throw e ?? new Error(m); }).parseAsync()) as Record<string, unknown>;
  const keys = ["file", ...Object.keys(CRACK_OPTIONS)];
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

const CRACK_WELL_FORMED: string[][] = [
  ["psk-crack", "h.txt", "--wordlist", "w.txt", "--json"],
  ["psk-crack", "h.txt", "--wordlist", "a.txt", "--wordlist", "b.txt", "--psk-candidates", "c.txt", "--threads", "3", "--redact", "--no-color"],
  ["psk-crack", "--json", "h.txt", "--psk-candidates", "c.txt", "--threads", "1.5"],
];

test("psk-crack: a well-formed command line's fast-path arguments are yargs' own, defaults included; anything else is yargs'", async () => {
  for (const argv of CRACK_WELL_FORMED) {
    const fast = fastCrackArgs(argv, {});
    assert.ok(fast !== undefined, argv.join(" "));
    assert.deepEqual(fast, await crackViaYargs(argv), argv.join(" "));
    assert.equal(crackFastPathTakes(argv, {}), argv.includes("--json"), `${argv.join(" ")}: the psk-crack bundle takes --json only`);
  }
  for (const argv of [
    ["psk-crack"],
    ["psk-crack", "h.txt", "--wordlist"],
    ["psk-crack", "h.txt", "--threads", "many"],
    ["psk-crack", "h.txt", "--wordlists", "w.txt"],
    ["psk-crack", "a.txt", "b.txt"],
    ["psk-crack", "h.txt", "--json", "true"],
    ["--json", "psk-crack", "h.txt"],
    ["psk-crack", "h.txt", "-h"],
    ["psk-crack", "42"],
    ["h.txt", "--wordlist", "w.txt"],
  ]) {
    assert.equal(fastCrackArgs(argv, {}), undefined, argv.join(" "));
  }
  assert.equal(fastCrackArgs(CRACK_WELL_FORMED[0]!, { IKEPROBE_NO_FAST_PATH: "1" }), undefined);
});

test("psk-crack: the same reports, usage errors and exit codes from the psk-crack bundle, the full bundle and yargs", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-fastcrack-"));
  try {
    // ike-scan's MD5 test vector is not needed: a line whose HASH_R we compute for the key "secret".
    const f = { gxr: randomBytes(128), gxi: randomBytes(128), ckyR: randomBytes(8), ckyI: randomBytes(8), sai: randomBytes(52), idir: randomBytes(12), ni: randomBytes(16), nr: randomBytes(16) };
    const skeyid = createHmac("md5", "secret").update(Buffer.concat([f.ni, f.nr])).digest();
    const hashR = createHmac("md5", skeyid).update(Buffer.concat([f.gxr, f.gxi, f.ckyR, f.ckyI, f.sai, f.idir])).digest();
    const hashFile = join(dir, "h.txt");
    writeFileSync(hashFile, `${[f.gxr, f.gxi, f.ckyR, f.ckyI, f.sai, f.idir, f.ni, f.nr, hashR].map((b) => b.toString("hex")).join(":")}\n`);
    const words = join(dir, "w.txt");
    writeFileSync(words, "one\ntwo\nsecret\nfour\n");
    const none = join(dir, "none.txt");
    writeFileSync(none, "one\n");
    for (const argv of [
      ["psk-crack", hashFile, "--wordlist", words, "--json"],
      ["psk-crack", hashFile, "--wordlist", words, "--json", "--redact"],
      ["psk-crack", hashFile, "--wordlist", none, "--json"],
      ["psk-crack", hashFile, "--wordlist", words],
      ["psk-crack", hashFile, "--json"],
      ["psk-crack", hashFile, "--wordlist", words, "--threads", "0", "--json"],
      ["psk-crack", join(dir, "missing.txt"), "--wordlist", words, "--json"],
      ["psk-crack", hashFile, "--wordlist", join(dir, "missing.txt")],
    ]) {
      const runs = [await runCli(argv), await runCli(argv, { IKEPROBE_NO_FAST_PATH: "1" })];
      const [fast, slow] = runs.map((r) => ({ code: r.code, stderr: r.stderr, stdout: r.stdout.replace(/"(elapsedMs|perSecond)": \d+/g, '"$1": 0').replace(/[\d,]+ candidates in [\d.]+ m?s \([\d,]+\/s/, "N candidates in T (R/s") }));
      assert.deepEqual(fast, slow, argv.join(" "));
    }
    const found = await runCli(["psk-crack", hashFile, "--wordlist", words, "--json"]);
    assert.equal(found.code, 0);
    assert.deepEqual(JSON.parse(found.stdout).hashes.map((h: { psk: string; source: { line: number } }) => [h.psk, h.source.line]), [["secret", 3]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the psk-crack bundle holds psk-crack alone: no yargs, no probe, no tables", () => {
  // yargs' own message, a probe's report field, cli-spinners' names: in the full bundle only.
  const { small: crack, full } = onlyInFull("ikeprobe-psk-crack.cjs", ["Not enough non-option arguments", "gatewayResent", "bouncingBar"]);
  assert.ok(crack.length < full.length / 10, `${crack.length} vs ${full.length} bytes`);
});

/**
 * The package as users get it: `npm pack` in a fresh checkout (no dist/) must build before packing,
 * ship what a user runs and nothing else, and the tarball must install globally into an empty
 * prefix (no dependency to fetch: everything is bundled) and run: --version, --help, the API by
 * name, a probe by host name of a scripted peer and, as root with strongSwan, a JSON probe of the
 * real lab gateway. The checkout is a copy of the tracked files (node_modules linked, for the build
 * tools), so this repository's dist/ is not used.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { NotifyType } from "../../src/wire/v1/constants.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";

const root = new URL("../..", import.meta.url).pathname;

describe("the packed package", () => {
  const work = mkdtempSync(join(tmpdir(), "ikeprobe-pack-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  /** The installed command, once the first test has installed it. */
  let installedBin: string | undefined;

  test("npm pack in a checkout without dist/ builds it; the tarball installs into an empty prefix and probes", async () => {
    const checkout = join(work, "checkout");
    const files = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).stdout.split("\0").filter((f) => f !== "");
    assert.ok(files.includes("package.json"));
    for (const f of files) {
      if (!existsSync(join(root, f))) continue; // deleted in the work tree, not yet committed
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      cpSync(join(root, f), join(checkout, f));
    }
    // Untracked sources of this work tree are part of what is being tested too.
    for (const f of spawnSync("git", ["ls-files", "-z", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" }).stdout.split("\0").filter((x) => x !== "")) {
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      cpSync(join(root, f), join(checkout, f));
    }
    symlinkSync(join(root, "node_modules"), join(checkout, "node_modules"));
    assert.ok(!existsSync(join(checkout, "dist")), "the checkout starts without dist/");
    const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: checkout, encoding: "utf8" });
    assert.equal(pack.status, 0, pack.stderr);
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    const packed = info[0]!.files.map((f) => f.path);
    for (const f of ["bin/ikeprobe.js", "dist/ikeprobe.cjs", "dist/ikeprobe.cjs.cache", "dist/ikeprobe-fast.cjs", "dist/ikeprobe-fast.cjs.cache", "dist/ikeprobe-psk-crack.cjs", "dist/ikeprobe-psk-crack.cjs.cache", "dist/ikeprobe-crack.json", "dist/ikeprobe-vendor-ids.json", "dist/index.js", "dist/index.d.ts", "README.md", "examples/report.schema.json"]) assert.ok(packed.includes(f), `${f} in the tarball`);
    assert.ok(!packed.some((f) => f.startsWith("test/") || f.startsWith("src/")), "no tests or sources in the tarball");
    for (const f of ["LICENSE", "examples/scan.schema.json", "examples/policies/strict-modern.json"]) assert.ok(packed.includes(f), `${f} in the tarball`);
    // Nothing a user does not run: no build scripts or test doubles, no source maps (their sources
    // are not shipped), no tsc module but the declarations (the API is one bundled module), no lab.
    const extra = packed.filter((f) => f.startsWith("dist/build/") || f.endsWith(".map") || (f.startsWith("dist/") && f.endsWith(".js") && f !== "dist/index.js") || /scripted|demo|lab-gateway/.test(f));
    assert.deepEqual(extra, []);
    const manifest = JSON.parse(readFileSync(join(checkout, "package.json"), "utf8")) as { dependencies?: Record<string, string>; description: string };
    assert.deepEqual(manifest.dependencies ?? {}, {}, "every runtime package is bundled: nothing to install");
    assert.doesNotMatch(manifest.description, /completes Main Mode with a pre-shared key$/);

    const prefix = join(work, "prefix");
    const install = spawnSync("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(work, info[0]!.filename)], { encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const bin = join(prefix, "bin", "ikeprobe");
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    // Only the package itself is installed: no dependency comes with it.
    assert.deepEqual(existsSync(join(prefix, "lib", "node_modules", "ikeprobe", "node_modules")) ? readdirSync(join(prefix, "lib", "node_modules", "ikeprobe", "node_modules")) : [], []);
    const help = spawnSync(bin, ["--help"], { encoding: "utf8" });
    assert.equal(help.status, 0, help.stderr);
    for (const cmd of ["scan", "check", "psk-crack", "completion"]) assert.match(help.stdout, new RegExp(`ikeprobe ${cmd}`), `--help lists ${cmd}`);
    installedBin = bin;

    // The API, imported by name from an installed package (package.json "exports").
    const consumer = join(work, "consumer");
    mkdirSync(join(consumer, "node_modules"), { recursive: true });
    symlinkSync(join(prefix, "lib", "node_modules", "ikeprobe"), join(consumer, "node_modules", "ikeprobe"));
    const api = spawnSync(
      process.execPath,
      ["--input-type=module", "-e", 'import { runProbe, runScan, runCheck, crackHashes, VERSION } from "ikeprobe"; console.log([runProbe, runScan, runCheck, crackHashes].map((f) => typeof f).join(","), VERSION);'],
      { cwd: consumer, encoding: "utf8" },
    );
    assert.equal(api.status, 0, api.stderr);
    assert.match(api.stdout, /^function,function,function,function \d+\.\d+\.\d+\n$/);

    const peer = await startUdpPeer((msg, reply) => {
      const gw = new ScriptedGateway();
      gw.initiatorCookie = msg.subarray(0, 8);
      reply(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN));
    });
    after(() => peer.close());
    const probe = await new Promise<{ code: number | null; stdout: string }>((res) => {
      const p = spawn(bin, ["localhost", "-4", "--port", String(peer.port), "--ike", "3des-md5-modp1024", "--json"], { env: { ...process.env, NO_COLOR: "1" } });
      let stdout = "";
      p.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      p.on("close", (code: number | null) => res({ code, stdout }));
    });
    assert.equal(probe.code, 1);
    const doc = JSON.parse(probe.stdout);
    assert.equal(doc.phase1.offers[0].notify, "NO-PROPOSAL-CHOSEN");
    assert.equal(doc.target.host, "localhost");
  });

  test("the installed command probes the real lab gateway (strongSwan) and prints one JSON report", { skip: e2eSkipReason() }, async () => {
    assert.ok(installedBin !== undefined, "installed by the test above");
    const psk = "package-lab-secret-4Rw";
    const lab = await startLab({ connections: [{ name: "pkg", proposals: ["aes256-sha256-modp2048"], psk, localId: "gw.lab.example", remoteId: "client.lab.example" }] });
    try {
      const argv = lab.clientExec([installedBin, lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--json"]);
      const run = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, IKEPROBE_PSK: psk } });
      assert.equal(run.status, 0, run.stderr);
      const doc = JSON.parse(run.stdout) as { identity: { status: string; remote: { value: string } }; phase1: { selected: { proposal: string } } };
      assert.equal(doc.identity.status, "authenticated");
      assert.equal(doc.identity.remote.value, "gw.lab.example");
      assert.equal(doc.phase1.selected.proposal, "aes256-sha256-modp2048");
      assert.ok(!run.stdout.includes(psk) && !run.stderr.includes(psk), "the PSK is never printed");
    } finally {
      await lab.stop();
    }
  });
});

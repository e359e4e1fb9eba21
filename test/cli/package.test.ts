/**
 * The package as users get it: `npm pack` in a fresh checkout (no dist/) must build before packing,
 * and the tarball must install into an empty prefix and run. The checkout is a copy of the tracked
 * files (node_modules linked, for the build tools), so this repository's dist/ is not used.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { NotifyType } from "../../src/wire/v1/constants.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";

const root = new URL("../..", import.meta.url).pathname;

describe("the packed package", () => {
  const work = mkdtempSync(join(tmpdir(), "ikeprobe-pack-"));
  after(() => rmSync(work, { recursive: true, force: true }));

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

    const prefix = join(work, "prefix");
    const install = spawnSync("npm", ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", join(work, info[0]!.filename)], { encoding: "utf8" });
    assert.equal(install.status, 0, install.stderr);
    const bin = join(prefix, "bin", "ikeprobe");
    const version = spawnSync(bin, ["--version"], { encoding: "utf8" });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);

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
});

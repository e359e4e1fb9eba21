/**
 * The audit scan and the policy check against a real strongSwan with charon's default half-open
 * limit (5 per peer address, 30 s). Two IKEv1 connections on two gateway addresses: "a" with PSK and
 * three proposals (and Aggressive Mode allowed), "b" with certificate auth and two others. strongSwan
 * answers message 2 for any auth method and checks it only at message 5 (CONTRIBUTING.md, "The lab"), so
 * the exact accepted set is each connection's proposals with every auth method offered.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { assertValidScan } from "../helpers/schema.ts";

const BIN = new URL("../../bin/ikeprobe.js", import.meta.url).pathname;
const POLICIES = new URL("../../examples/policies/", import.meta.url).pathname;
const skip = e2eSkipReason();
const A = ["aes256-sha256-modp2048", "aes128-sha1-modp1024", "3des-md5-modp1536"];
const B = ["aes256-sha512-ecp384", "aes128-sha256-curve25519"];
const AUTHS = ["psk", "rsa", "xauth-psk", "xauth-rsa"];
const expected = (ps: string[]) => ps.flatMap((p) => AUTHS.map((a) => `${p}/${a}`)).sort();

describe("scan and check against a real strongSwan", { skip }, () => {
  let lab: Lab;
  const B_ADDR = "198.18.1.10";

  before(async () => {
    lab = await startLab({
      gwExtraAddrs: [B_ADDR],
      // charon refuses Aggressive Mode with PSK unless told otherwise (its default; the connection's aggressive = yes).
      charonExtra: "i_dont_care_about_security_and_use_aggressive_mode_psk = yes",
      connections: [
        { name: "a", localAddrs: ["198.18.1.1"], proposals: A, psk: "scan-lab-secret", localId: "gw.lab.example", aggressive: true },
        { name: "b", localAddrs: [B_ADDR], proposals: B, psk: "unused", auth: "pubkey" },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
  });

  function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const argv = lab.clientExec([process.execPath, BIN, ...args]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 600_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const accepted = (t: { mainMode: { accepted: { proposal: string; auth: string }[] } }) => t.mainMode.accepted.map((a) => `${a.proposal}/${a.auth}`).sort();

  test("scan --catalogue full finds exactly the configured transforms on two targets at once, in about a hundred exchanges each", () => {
    const r = run(["scan", lab.gwAddr, B_ADDR, "--catalogue", "full", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidScan(doc);
    assert.equal(doc.catalogue.transforms, 3400);
    const [a, b] = doc.targets;
    assert.deepEqual(accepted(a), expected(A));
    assert.deepEqual(accepted(b), expected(B));
    for (const t of [a, b]) {
      assert.equal(t.status, "scanned");
      assert.deepEqual(t.mainMode.unknown, [], "silence is never a refusal, and nothing was left unknown");
      assert.deepEqual(t.mainMode.dropped, []);
      assert.equal(t.mainMode.rejectedCount + t.mainMode.accepted.length, 3400);
      assert.ok(t.stats.exchanges < 150, `${t.stats.exchanges} exchanges for 3400 transforms`);
      assert.equal(t.stats.halfOpenReleased, t.mainMode.accepted.length, "each accepted exchange released at once");
      assert.equal(t.stats.waitedSeconds, 0);
      // charon answers IKE_SA_INIT, with NO_PROPOSAL_CHOSEN: its connections here are IKEv1 only.
      assert.equal(t.ikev2.answered, true);
      assert.deepEqual(t.ikev2.accepted, []);
      assert.equal(t.ikev2.complete, true);
    }
    assert.equal(a.fingerprint.implementation, "strongSwan (probable)");
    assert.ok(a.vendorIds.some((v: { name?: string }) => v.name === "Dead Peer Detection v1.0"));
    const des = a.mainMode.accepted.find((x: { proposal: string }) => x.proposal === "3des-md5-modp1536");
    assert.equal(des.severity, "HIGH");
    assert.ok(des.reasons.some((x: string) => /MD5/.test(x)));
  });

  test("the accepted exchanges were released at once: nothing of ours left on the gateway", async () => {
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(lab.swanctl(["--list-sas"]).trim(), "");
  });

  test("--no-release, back to back, with the half-open limit at strongSwan's default: pacing keeps it exact", () => {
    for (let round = 0; round < 2; round++) {
      const r = run(["scan", lab.gwAddr, "--catalogue", "full", "--no-ikev2", "--no-release", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      const [a] = JSON.parse(r.stdout).targets;
      assert.deepEqual(accepted(a), expected(A), `round ${round + 1}`);
      assert.deepEqual(a.mainMode.unknown, [], "no acceptable transform left unknown, none called refused");
      assert.deepEqual(a.mainMode.dropped, [], "strongSwan refuses with notifies: its silence at the limit is never taken for a refusal");
      assert.equal(a.stats.halfOpenReleased, 0);
      assert.ok(a.stats.waitedSeconds >= 30, "it waited for its half-open SAs to expire");
    }
  });

  test("--aggressive: one group per exchange with a matching KE; answered groups rated HIGH", () => {
    const r = run(["scan", lab.gwAddr, "--catalogue", "common", "--aggressive", "--no-ikev2", "--json"]);
    const [a] = JSON.parse(r.stdout).targets;
    assert.deepEqual(a.aggressiveMode.groupsAnswered.sort(), ["modp1024", "modp2048"]);
    assert.ok(a.aggressiveMode.accepted.every((x: { severity: string; reasons: string[] }) => x.severity === "HIGH" && /Aggressive Mode with a PSK/.test(x.reasons[0]!)));
  });

  test("check: a policy the gateway meets exits 0, a strict one exits 1 with the violations, both as JUnit", () => {
    const junitOk = join(lab.dir, "ok.xml");
    const ok = run(["check", lab.gwAddr, "--policy", join(POLICIES, "legacy-tolerant.json"), "--catalogue", "common", "--junit", junitOk, "--json"]);
    const okDoc = JSON.parse(ok.stdout);
    // legacy-tolerant accepts everything "a" offers in Main Mode, but forbids Aggressive Mode, which "a" answers.
    assert.equal(ok.code, 1);
    assert.deepEqual(okDoc.targets[0].violations.map((v: { rule: string }) => v.rule), ["aggressive forbid"]);
    assert.ok(okDoc.targets[0].passed.includes("require aes128-sha1-modp1024: accepted"));
    assert.match(readFileSync(junitOk, "utf8"), /failures="1"/);
    const strictXml = join(lab.dir, "strict.xml");
    const strict = run(["check", lab.gwAddr, "--policy", join(POLICIES, "strict-modern.json"), "--catalogue", "common", "--junit", strictXml]);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /NOT COMPLIANT/);
    assert.match(strict.stdout, /forbid 3des/);
    const xml = readFileSync(strictXml, "utf8");
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    const failures = Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)![1]);
    assert.ok(failures >= 3, `${failures} failures`);
    assert.equal((xml.match(/<failure /g) ?? []).length, failures);
    // A permissive policy the gateway does meet.
    const permissive = join(lab.dir, "permissive.json");
    spawnSync("sh", ["-c", `cat > ${permissive} <<'X'\n{"require": ["aes256-sha256-modp2048/psk"], "forbid": ["des", "aes128-sha256-modp2048"], "maxSeverity": "CRITICAL", "aggressive": "allow", "catalogue": "common"}\nX`]);
    const pass = run(["check", lab.gwAddr, "--policy", permissive, "--junit", junitOk, "--json"]);
    assert.equal(pass.code, 0, pass.stdout);
    assert.equal(JSON.parse(pass.stdout).targets[0].compliant, true);
    assert.match(readFileSync(junitOk, "utf8"), /failures="0"/);
  });

  test("--backoff: strongSwan never re-sends message 2: the weak no-re-send pattern, and the fingerprint rests on vendor IDs", () => {
    const cat = join(lab.dir, "one.txt");
    writeFileSync(cat, "aes256-sha256-modp2048\n");
    const r = run(["scan", lab.gwAddr, "--catalogue", cat, "--no-ikev2", "--backoff", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const [a] = JSON.parse(r.stdout).targets;
    assert.equal(a.backoff.packets, 1);
    assert.deepEqual(a.backoff.intervals, []);
    assert.equal(a.backoff.complete, true);
    assert.ok(a.backoff.listenedSeconds >= 20 && a.backoff.listenedSeconds < 25, `listened ${a.backoff.listenedSeconds} s`);
    assert.deepEqual(a.backoff.match, { implementation: "strongSwan 5.x or libreswan 4.x", strength: "weak", source: a.backoff.match.source });
    assert.equal(a.fingerprint.implementation, "strongSwan (probable)");
    assert.deepEqual(a.fingerprint.basis, ["vendor-id", "backoff"]);
  });
});

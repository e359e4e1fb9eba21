/**
 * Interoperability with a second implementation: libreswan's pluto 4.10 as the responder, Phase 1
 * (and the start of Quick Mode, which pluto refuses without PFS before it would need ESP). Its
 * answers differ from strongSwan's: NO-PROPOSAL-CHOSEN with a zero responder cookie, no notify but message 4
 * re-sent after a message 5 it cannot decrypt, no faked NAT, PFS demanded by default.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { libreswanSkipReason } from "../lab/libreswan.ts";
import { libreswanPsk, libreswanCertificates } from "../lab/libreswan-conn.ts";
import { e2eSkipReason, packageSkipReason } from "../lab/require.ts";
import type { Issued } from "../lab/pki.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, spawnIkeprobe } from "../helpers/e2e.ts";
import { assertValidScan } from "../helpers/schema.ts";
import { spawnSync } from "node:child_process";

const skip = libreswanSkipReason();
const PSK = "libreswan-lab-secret-9";

describe("Main Mode against libreswan (pluto 4.10)", { skip }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [],
      libreswan: libreswanPsk({ ikev2: false, ike: "aes256-sha2_256;modp2048,aes128-sha1;modp1536", psk: PSK, extra: ["phase2alg=aes128-sha1"] }),
    });
  });
  after(async () => {
    await lab?.stop();
  });

  const run = (args: string[], psk = PSK) => spawnIkeprobe(lab, [lab.gwAddr, "--json", ...args], { IKEPROBE_PSK: psk }).done;

  test("authenticates; the refused offer gets NO-PROPOSAL-CHOSEN with a zero responder cookie; no NAT, no floating", async () => {
    const r = await run(["--ike", "3des-md5-modp1024", "--ike", "aes256-sha256-modp2048", "--show-keys"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.json.phase1.offers.map((o: { status: string; notify?: string }) => [o.status, o.notify ?? null]),
      [
        ["rejected", "NO-PROPOSAL-CHOSEN"],
        ["accepted", null],
      ],
    );
    assert.equal(r.json.identity.status, "authenticated");
    assert.deepEqual(r.json.identity.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(r.json.phase1.natT.detected, false);
    assert.equal(r.json.phase1.natT.floated, false);
    assert.equal(r.json.cleanup.deleted, true);
    assert.match(lab.log(), new RegExp(`IKE SA established \\{auth=PRESHARED_KEY cipher=AES_CBC_256 integ=HMAC_SHA2_256 group=MODP2048\\}`));
  });

  test("the DELETE is honoured: pluto keeps no state of ours", async () => {
    await new Promise((r) => setTimeout(r, 200));
    assert.match(lab.log(), /received Delete SA payload: self-deleting ISAKMP State/);
    assert.doesNotMatch(lab.whack(["--status"]), /STATE_MAIN_R3/);
  });

  test("a wrong PSK: pluto answers message 5 by re-sending message 4, reported as a PSK mismatch with that evidence", async () => {
    const r = await run(["--ike", "aes128-sha1-modp1536", "--timeout", "1"], "not-the-secret");
    assert.equal(r.code, 1);
    assert.equal(r.json.identity.status, "psk-mismatch");
    assert.equal(r.json.identity.cause, "mm4-resent");
    assert.match(r.json.identity.evidence, /message 4 re-sent \d+ time\(s\) after our message 5; no message 6/);
    assert.equal(r.json.stats.ignored, 0, "its re-sent messages are evidence, not unrelated datagrams");
    assert.match(lab.log(), /probable authentication failure \(mismatch of preshared secrets\?\)/);
  });

  test("scan: exactly the configured PSK proposals; the XAUTH offers pluto drops silently are reported as dropped, not unknown", () => {
    const argv = lab.clientExec([process.execPath, BIN, "scan", lab.gwAddr, "--catalogue", "common", "--json"]);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", timeout: 300_000 });
    const doc = JSON.parse(r.stdout);
    assertValidScan(doc);
    const t = doc.targets[0];
    // pluto checks the auth method at message 1, unlike charon: only its PSK method answers.
    assert.deepEqual(t.mainMode.accepted.map((a: { proposal: string; auth: string }) => `${a.proposal}/${a.auth}`).sort(), ["aes128-sha1-modp1536/psk", "aes256-sha256-modp2048/psk"]);
    // Offers of XAUTH to a connection without it get no answer at all from pluto, while it answers
    // an accepted offer right before and after: refused silently (dropped), neither unknown nor NO-PROPOSAL-CHOSEN.
    assert.ok(t.mainMode.dropped.length > 0 && t.mainMode.dropped.every((u: { auth: string }) => u.auth === "xauth-psk"), JSON.stringify(t.mainMode.dropped));
    assert.deepEqual(t.mainMode.unknown, []);
    assert.equal(t.status, "scanned");
    assert.equal(r.status, 0, r.stderr);
    // The half-open SA of each accepted exchange was released: pluto answered INVALID-KEY-INFORMATION.
    assert.ok(t.stats.livenessChecks > 0, "known-accepted offers told its silence from a limit");
    assert.equal(t.stats.halfOpenReleased, 2 + t.stats.livenessChecks, "every accepted exchange, liveness checks too");
    assert.match(lab.log(), /sending notification INVALID_KEY_INFORMATION/);
  });

  test("Quick Mode without PFS: refused, with the PFS hint", async () => {
    const r = await run(["--ike", "aes256-sha256-modp2048", "--esp", "aes128-sha1"]);
    assert.equal(r.code, 1);
    const p = r.json.phase2.proposals[0];
    assert.equal(p.status, "rejected");
    assert.equal(p.notify, "NO-PROPOSAL-CHOSEN");
    assert.match(p.detail, /if it demands PFS, add a DH group/);
    assert.match(lab.log(), /we require PFS/);
  });
});

describe("Aggressive Mode against libreswan (pluto 4.10)", { skip: skip ?? e2eSkipReason([{ pkg: "ike-scan", binary: "psk-crack" }]) }, () => {
  const AM_PSK = "libreswan-am-secret-4";
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [],
      libreswan: libreswanPsk({ name: "branch", ikev2: false, ike: "aes256-sha1;modp2048", rightid: "@branch.lab.example", psk: AM_PSK, extra: ["aggressive=yes", "phase2alg=aes128-sha1;modp2048"] }),
    });
  });
  after(async () => {
    await lab?.stop();
  });

  const run = (args: string[], psk = AM_PSK) => spawnIkeprobe(lab, [lab.gwAddr, "--aggressive", "--ike", "aes256-sha1-modp2048", "--id", "fqdn:branch.lab.example", "--json", ...args], { IKEPROBE_PSK: psk }).done;

  test("authenticates: pluto verifies our HASH_I in the encrypted message 3 and establishes the IKE SA", async () => {
    const r = await run([]);
    // pluto pads its message 2 to 4 bytes after the last payload: read as alignment, not as malformed.
    assert.equal(r.code, 0, `${JSON.stringify(r.json.phase1.offers)} ${JSON.stringify(r.json.identity)}`);
    assert.equal(r.json.identity.status, "authenticated");
    assert.deepEqual(r.json.identity.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(r.json.findings[0].id, "aggressive-mode-psk-hash");
    await new Promise((res) => setTimeout(res, 200));
    assert.match(lab.log(), /IKE SA established \{auth=PRESHARED_KEY cipher=AES_CBC_256 integ=HMAC_SHA1 group=MODP2048\}/);
    assert.match(lab.log(), /received Delete SA payload: self-deleting ISAKMP State/);
  });

  test("another PSK: the HASH_R mismatch is reported for our ID", async () => {
    const r = await run([], "not-the-branch-secret");
    assert.equal(r.code, 1);
    assert.equal(r.json.identity.cause, "hash-r-mismatch");
  });

  test("the saved hash is cracked by Debian's psk-crack and by ikeprobe psk-crack alike", async () => {
    const hashFile = `${lab.dir}/pluto.hash`;
    const words = `${lab.dir}/words.txt`;
    spawnSync("sh", ["-c", `printf 'password\\nletmein\\n${AM_PSK}\\nqwerty\\n' > ${words}`]);
    const r = await run(["--save-hash", hashFile], "");
    assert.equal(r.code, 0, r.stderr);
    const theirs = spawnSync("psk-crack", ["-d", words, hashFile], { encoding: "utf8" });
    assert.match(theirs.stdout, new RegExp(`key "${AM_PSK}" matches SHA1 hash`));
    const ours = await spawnIkeprobe(lab, ["psk-crack", hashFile, "--wordlist", words, "--json"], {}).done;
    assert.equal(ours.json.hashes[0].psk, AM_PSK);
    assert.equal(ours.json.hashes[0].source.line, 3);
  });
});

describe("RSA certificates against libreswan (pluto 4.10, NSS database)", { skip: skip ?? packageSkipReason("strongswan-pki", "pki") }, () => {
  let lab: Lab;
  let dir: string;
  let client: Issued;
  let root: Issued;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ikeprobe-pki-ls-"));
    const made = libreswanCertificates(dir, { ikev2: false, extra: ["phase2alg=aes128-sha1;modp2048"] });
    ({ root, client } = made);
    lab = await startLab({ connections: [], libreswan: made.libreswan });
  });
  after(async () => {
    await lab?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("Main Mode authenticated with certificates from its NSS database; its certificate reported, the chain trusted", async () => {
    const r = await spawnIkeprobe(lab, [lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--auth", "rsa", "--cert", client.certFile, "--key", client.keyFile, "--id", "fqdn:client.lab.example", "--ca", root.certFile, "--json"], {}).done;
    const id = r.json.identity;
    assert.equal(id.status, "authenticated", `${id.detail}\n${lab.log().slice(-2000)}`);
    assert.equal(r.code, 0);
    assert.deepEqual(id.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(id.remoteCertificates[0].subject, "C=XX, O=Lab, CN=gw.lab.example");
    assert.equal(id.signature.verified, true);
    assert.equal(id.chain.trusted, true);
    assert.match(lab.log(), /IKE SA established \{auth=RSA_SIG/);
  });
});

/**
 * End to end, against a real strongSwan: Aggressive Mode (authenticated, refused, wrong PSK, the
 * exposed hash cracked by Debian's psk-crack and by ours), --diagnose on a gateway that keys two
 * peers' PSKs by ID, XAUTH with Mode-Config (xauth-generic, a pool with DNS, domain, banner and a
 * split network), and DPD. strongSwan's own view (swanctl --list-sas, its log) is the referee.
 *
 * The gateway, 198.18.1.1:
 *   peer-a  ID client.lab.example, PSK A, Main Mode only (strongSwan refuses Main Mode to an aggressive entry)
 *   peer-b  ID other.lab.example,  PSK B, Aggressive Mode
 * and 198.18.1.10:
 *   xa      ID road.lab.example,   PSK X, then XAUTH (user alice), Mode-Config pool 10.3.0.0/28
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason, packageSkipReason } from "../lab/require.ts";
import { hashcatCrack } from "../helpers/hashcat.ts";
import { type Run, sasWhen, spawnIkeprobe } from "../helpers/e2e.ts";

const PSK_A = "lab-psk-A-9dXq";
const PSK_B = "lab-psk-B-Zr4m";
const PSK_X = "lab-psk-X-w7Tn";
const XAUTH_PASSWORD = "alice-Xauth-5kP";
const XGW = "198.18.1.10";
const PUSH_GW = "198.18.1.11";
const PROPOSALS = ["aes256-sha256-modp2048", "aes128-sha1-modp1024", "aes128-md5-modp1024"];
const skip = e2eSkipReason([{ pkg: "ike-scan", binary: "psk-crack" }]);
const hashcatSkip = skip === undefined ? (packageSkipReason("hashcat", "hashcat") ?? packageSkipReason("pocl-opencl-icd", "/etc/OpenCL/vendors/pocl.icd")) : skip;

describe("Aggressive Mode, --diagnose, XAUTH and DPD against a real strongSwan", { skip }, () => {
  let lab: Lab;
  const files: Record<string, string> = {};

  before(async () => {
    lab = await startLab({
      gwExtraAddrs: [XGW, PUSH_GW],
      charonExtra: "i_dont_care_about_security_and_use_aggressive_mode_psk = yes\n  block_threshold = 50",
      ikeLogLevel: 2,
      xauthUsers: [{ user: "alice", password: XAUTH_PASSWORD }],
      pools: { p1: { addrs: "10.3.0.0/28", dns: "10.3.0.53", split_include: "198.51.100.0/24", "28672": '"Lab gateway: authorised use only"', "28674": "lab.example" } },
      connections: [
        { name: "peer-a", proposals: PROPOSALS, psk: PSK_A, localId: "gw.lab.example", remoteId: "client.lab.example", localAddrs: ["198.18.1.1"], espProposals: ["aes128-sha256"], remoteTs: "203.0.113.0/24" },
        { name: "peer-b", proposals: PROPOSALS, psk: PSK_B, aggressive: true, localId: "gw.lab.example", remoteId: "other.lab.example", localAddrs: ["198.18.1.1"], espProposals: ["aes128-sha256"], remoteTs: "203.0.113.0/24" },
        { name: "xa", proposals: ["aes256-sha256-modp2048"], psk: PSK_X, localAddrs: [XGW], xauth: true, pools: ["p1"], remoteId: "road.lab.example", espProposals: ["aes128-sha256"], remoteTs: "dynamic" },
        { name: "xpush", proposals: ["aes256-sha256-modp2048"], psk: PSK_X, localAddrs: [PUSH_GW], xauth: true, pools: ["p1"], modeConfigPush: true, remoteId: "road.lab.example" },
      ],
    });
    const put = (name: string, text: string): void => {
      files[name] = join(lab.dir, name);
      writeFileSync(files[name], text, { mode: 0o600 });
    };
    put("pskA", `${PSK_A}\n`);
    put("pskB", `${PSK_B}\n`);
    put("pskX", `${PSK_X}\n`);
    put("candidates", `not-it\n\n${PSK_B}\n${PSK_A}\n`);
    put("xauth-ok", `${XAUTH_PASSWORD}\n`);
    put("xauth-bad", "not-alices-password\n");
    put("words", `${Array.from({ length: 5000 }, (_, i) => `guess-${i}`).join("\n")}\n${PSK_B}\nlast-word\n`);
  });
  after(async () => {
    await lab?.stop();
    assert.ok(!spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout.includes(lab.gwNs), "gateway namespace deleted");
  });

  const run = (args: string[], env: Record<string, string> = {}): Promise<Run> => spawnIkeprobe(lab, args, { IKEPROBE_PSK: "", ...env }).done;

  test("Aggressive Mode with the right PSK authenticates; strongSwan shows the IKE SA for our ID; DPD is answered", async () => {
    const { done } = spawnIkeprobe(lab, [lab.gwAddr, "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:other.lab.example", "--psk-file", files.pskB!, "--dpd", "--hold", "1.5", "--json"], {});
    const during = await sasWhen(lab, (t) => t.includes("ESTABLISHED"));
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const j = r.json;
    assert.equal(j.phase1.mode, "aggressive");
    assert.equal(j.identity.status, "authenticated");
    assert.equal(j.identity.cause, "ok");
    assert.deepEqual(j.identity.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(j.phase1.aggressive.hashExposed, true);
    assert.equal(j.phase1.aggressive.message3, "encrypted");
    assert.equal(j.findings[0].id, "aggressive-mode-psk-hash");
    assert.equal(j.findings[0].severity, "HIGH");
    const line = during.split("\n").find((l) => l.includes(`${j.phase1.cookies.initiator}_i`));
    assert.ok(line, `gateway lists our cookies:\n${during}`);
    assert.match(line, /ESTABLISHED, IKEv1/);
    assert.match(during, /remote 'other\.lab\.example' @ 198\.18\.1\.2/);
    // DPD: our R-U-THERE reached charon, and its ACK carried our sequence number back.
    assert.equal(j.dpd.answered, true, j.dpd.detail);
    assert.equal(j.dpd.announced, true);
    assert.ok(j.dpd.rttMs > 0);
    assert.match(lab.log(), /parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD\) \]/);
    assert.match(lab.log(), /generating INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]/);
    assert.equal(j.cleanup.deleted, true);
    const afterText = await sasWhen(lab, (t) => !t.includes(j.phase1.cookies.initiator));
    assert.ok(!afterText.includes(j.phase1.cookies.initiator), "the DELETE removed the SA");
  });

  test("Aggressive Mode then Quick Mode: the CHILD_SA comes up on the gateway", async () => {
    const r = await run([lab.gwAddr, "--aggressive", "--ike", "aes128-sha1-modp1024", "--id", "fqdn:other.lab.example", "--psk-file", files.pskB!, "--esp", "aes128-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.phase2.proposals[0].status, "accepted");
    assert.match(lab.log(), /CHILD_SA peer-b-child\{\d+\} established/);
  });

  test("Aggressive Mode refused for an ID whose entry allows Main Mode only", async () => {
    const r = await run([lab.gwAddr, "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--psk-file", files.pskA!, "--json"]);
    assert.equal(r.code, 1);
    assert.equal(r.json.identity.status, "rejected");
    assert.equal(r.json.identity.cause, "aggressive-refused");
    assert.equal(r.json.phase1.offers[0].notify, "AUTHENTICATION-FAILED");
    assert.equal(r.json.phase1.aggressive.hashExposed, false);
    assert.deepEqual(r.json.findings, []);
  });

  test("Aggressive Mode with another PSK: HASH_R mismatch names our ID; nothing is established", async () => {
    const r = await run([lab.gwAddr, "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:other.lab.example", "--psk-file", files.pskA!, "--json"]);
    assert.equal(r.code, 1);
    assert.equal(r.json.identity.status, "psk-mismatch");
    assert.equal(r.json.identity.cause, "hash-r-mismatch");
    assert.match(r.json.identity.detail, /fqdn other\.lab\.example/);
    assert.ok(!r.stdout.includes(PSK_A), "the PSK is not in the output");
  });

  for (const [proposal, hash] of [
    ["aes128-md5-modp1024", "MD5"],
    ["aes128-sha1-modp1024", "SHA1"],
  ] as const) {
    test(`--save-hash without a PSK (${hash}): Debian's psk-crack and ikeprobe psk-crack find the same PSK in a word list`, async () => {
      const hashFile = join(lab.dir, `hash-${hash}.txt`);
      const r = await run([lab.gwAddr, "--aggressive", "--ike", proposal, "--id", "fqdn:other.lab.example", "--save-hash", hashFile, "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.json.identity.status, "not-attempted");
      assert.equal(r.json.phase1.aggressive.savedTo, hashFile);
      assert.equal(r.json.phase1.aggressive.hashAlgorithm, hash.toLowerCase());
      assert.match(readFileSync(hashFile, "utf8"), /^([0-9a-f]+:){8}[0-9a-f]+\n$/);
      const theirs = spawnSync("psk-crack", ["-d", files.words!, hashFile], { encoding: "utf8" });
      assert.equal(theirs.status, 0, theirs.stderr);
      assert.match(theirs.stdout, new RegExp(`key "${PSK_B}" matches ${hash} hash`));
      const ours = await run(["psk-crack", hashFile, "--wordlist", files.words!, "--json"]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.json.hashes[0].found, true);
      assert.equal(ours.json.hashes[0].psk, PSK_B);
      assert.equal(ours.json.hashes[0].source.line, 5001);
      // hashcat too, which the finding names for this line (MODP-1024, our 20-byte nonce with strongSwan's 32).
      assert.equal(r.json.phase1.aggressive.hashcat.loadable, true, JSON.stringify(r.json.phase1.aggressive.hashcat));
      const mode = hash === "MD5" ? 5300 : 5400;
      assert.match(r.json.findings[0].detail, new RegExp(`hashcat -m ${mode}`));
      if (hashcatSkip === undefined) assert.deepEqual(hashcatCrack(mode, hashFile, files.words!).found, [PSK_B]);
      const redacted = await run(["psk-crack", hashFile, "--psk-candidates", files.candidates!, "--redact"]);
      assert.equal(redacted.code, 0);
      assert.ok(!redacted.stdout.includes(PSK_B), "--redact keeps the key out of the output");
      assert.match(redacted.stdout, /candidates:3/);
    });
  }

  test("--save-hash with SHA-256: ikeprobe psk-crack cracks what psk-crack cannot read", async () => {
    const hashFile = join(lab.dir, "hash-sha256.txt");
    const r = await run([lab.gwAddr, "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:other.lab.example", "--save-hash", hashFile, "--json"]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.json.phase1.aggressive.hashcat, { mode: null, loadable: false, reason: "hashcat has no IKE-PSK mode for SHA-2" });
    assert.doesNotMatch(r.json.findings[0].detail, /hashcat -m/);
    const ours = await run(["psk-crack", hashFile, "--psk-candidates", files.candidates!, "--json"]);
    assert.equal(ours.json.hashes[0].hash, "sha256");
    assert.equal(ours.json.hashes[0].psk, PSK_B);
    assert.equal(ours.json.hashes[0].source.line, 3);
  });

  test("--diagnose: two peers' PSKs keyed by ID; Main Mode picks peer-a's by address; Aggressive Mode proves ours is other's", async () => {
    const r = await run([lab.gwAddr, "--diagnose", "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:other.lab.example", "--psk-file", files.pskB!, "--pace", "0.1", "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const d = r.json;
    assert.equal(d.conclusion.cause, "psk-keyed-by-id");
    assert.equal(d.conclusion.pskLine, 1);
    assert.deepEqual(d.conclusion.id, { type: "fqdn", value: "other.lab.example" });
    assert.match(d.conclusion.explanation, /source address/);
    assert.ok(["undecryptable-reply", "payload-malformed", "silence-after-mm5"].includes(d.attempts[0].cause), d.attempts[0].cause);
    assert.equal(d.aggressive[0].matchingPskLine, 1);
    assert.ok(!r.stdout.includes(PSK_B), "the PSK is not in the output");
  });

  test("--diagnose without Aggressive Mode: a PSK mismatch for our address, with the evidence", async () => {
    const r = await run([lab.gwAddr, "--diagnose", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:other.lab.example", "--psk-file", files.pskB!, "--pace", "0.1", "--json"]);
    assert.equal(r.code, 1);
    assert.equal(r.json.conclusion.cause, "psk-mismatch");
    assert.match(r.json.conclusion.explanation, /--aggressive/);
  });

  test("--diagnose with several candidates names the one the gateway holds, by line", async () => {
    const r = await run([lab.gwAddr, "--diagnose", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:client.lab.example", "--psk-file", files.candidates!, "--pace", "0.1", "--json"]);
    assert.equal(r.json.conclusion.cause, "wrong-psk");
    assert.equal(r.json.conclusion.pskLine, 4);
    assert.deepEqual(r.json.attempts.map((a: { pskLine: number }) => a.pskLine), [1, 3, 4]);
    for (const p of [PSK_A, PSK_B]) assert.ok(!r.stdout.includes(p));
  });

  test("--diagnose with several IDs: the right PSK, the wrong ID first", async () => {
    const r = await run([lab.gwAddr, "--diagnose", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:stranger.example", "--id", "fqdn:client.lab.example", "--psk-file", files.pskA!, "--pace", "0.1", "--json"]);
    assert.equal(r.json.conclusion.cause, "wrong-id");
    assert.deepEqual(r.json.conclusion.id, { type: "fqdn", value: "client.lab.example" });
    assert.equal(r.json.attempts[0].cause, "authentication-failed", "the first attempt decrypted under our keys: the PSK was right");
  });

  test("--diagnose on an XAUTH gateway offered plain PSK: names XAUTH as the cause", async () => {
    const r = await run([XGW, "--diagnose", "--ike", "aes256-sha256-modp2048", "--id", "fqdn:road.lab.example", "--psk-file", files.pskX!, "--pace", "0.1", "--json"]);
    assert.equal(r.json.conclusion.cause, "xauth-required");
    assert.match(r.json.conclusion.fix, /xauth-psk/);
  });

  test("XAUTH demanded: reported as such when no credentials are given", async () => {
    const r = await run([XGW, "--ike", "aes256-sha256-modp2048", "--auth", "xauth-psk", "--id", "fqdn:road.lab.example", "--psk-file", files.pskX!, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.identity.status, "authenticated");
    assert.equal(r.json.xauth.status, "required");
    assert.match(r.json.xauth.detail, /gateway demands XAUTH \(user name and password\)/);
    assert.ok(r.json.xauth.requested.includes("XAUTH_USER_NAME") && r.json.xauth.requested.includes("XAUTH_USER_PASSWORD"));
    assert.equal(r.json.modeConfig, null);
  });

  test("XAUTH completed with the right password, Mode-Config attributes reported, Quick Mode from the assigned address", async () => {
    const { done } = spawnIkeprobe(
      lab,
      [XGW, "--ike", "aes256-sha256-modp2048", "--auth", "xauth-psk", "--id", "fqdn:road.lab.example", "--psk-file", files.pskX!, "--xauth-user", "alice", "--xauth-password-file", files["xauth-ok"]!, "--esp", "aes128-sha256", "--remote-ts", "198.51.100.0/24", "--hold", "1.5", "--json"],
      {},
    );
    const during = await sasWhen(lab, (t) => t.includes("road.lab.example") && t.includes("INSTALLED"));
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const j = r.json;
    assert.equal(j.xauth.status, "authenticated");
    const m = j.modeConfig;
    assert.equal(m.status, "received");
    assert.match(m.address, /^10\.3\.0\.\d+$/);
    assert.deepEqual(m.dns, ["10.3.0.53"]);
    assert.equal(m.domain, "lab.example");
    assert.equal(m.banner, "Lab gateway: authorised use only");
    assert.deepEqual(m.splitNetworks, ["198.51.100.0/24"]);
    // strongSwan's view: XAUTH identity alice, the same virtual IP, the CHILD_SA for it.
    assert.ok(during.includes(`remote 'road.lab.example' @ 198.18.1.2`) && during.includes(`XAuth: 'alice' [${m.address}]`), during);
    assert.equal(j.phase2.proposals[0].status, "accepted");
    assert.equal(j.phase2.proposals[0].sa.localTs, `${m.address}/32`);
    assert.ok(!r.stdout.includes(XAUTH_PASSWORD) && !r.stdout.includes(PSK_X), "no secret in the output");
  });

  test("Mode-Config push: the gateway's CFG_SET after XAUTH is acknowledged and reported", async () => {
    const r = await run([PUSH_GW, "--ike", "aes256-sha256-modp2048", "--auth", "xauth-psk", "--id", "fqdn:road.lab.example", "--psk-file", files.pskX!, "--xauth-user", "alice", "--xauth-password-file", files["xauth-ok"]!, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.xauth.status, "authenticated");
    assert.equal(r.json.modeConfig.mode, "push");
    assert.match(r.json.modeConfig.address, /^10\.3\.0\.\d+$/);
    assert.deepEqual(r.json.modeConfig.dns, ["10.3.0.53"]);
    assert.match(lab.log(), /parsed TRANSACTION response \d+ \[ HASH CPA\(\w+\) \]/);
  });

  test("XAUTH with a wrong password: failed, exit 1", async () => {
    const r = await run([XGW, "--ike", "aes256-sha256-modp2048", "--auth", "xauth-psk", "--id", "fqdn:road.lab.example", "--psk-file", files.pskX!, "--xauth-user", "alice", "--xauth-password-file", files["xauth-bad"]!, "--json"]);
    assert.equal(r.code, 1);
    assert.equal(r.json.xauth.status, "failed");
    assert.match(r.json.xauth.detail, /alice/);
    assert.match(lab.log(), /XAuth authentication of 'alice' failed|EAP-MD5|no XAuth secret found|XAuth.*failed/i);
  });
});

/**
 * `ikeprobe probe --ikev2` as a user runs it, against the scripted IKEv2 responder on loopback: one
 * IKE_SA_INIT per offer, INVALID_KE_PAYLOAD answered by sending the offer again with the group asked
 * for, a COOKIE echoed, the choice and extensions reported, exit codes 0, 1 and 3, the schema, and
 * usage errors for what IKE_SA_INIT alone cannot do.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { runCli } from "../helpers/cli.ts";
import { type ScriptedResponder, startIkev2Responder } from "../helpers/ikev2-responder.ts";
import { assertValidDiagnosis, assertValidReportV2 } from "../helpers/schema.ts";

describe("probe --ikev2", () => {
  const open: ScriptedResponder[] = [];
  after(() => {
    for (const r of open) r.close();
  });
  const responder = async (b: Parameters<typeof startIkev2Responder>[0]): Promise<ScriptedResponder> => {
    const r = await startIkev2Responder(b);
    open.push(r);
    return r;
  };
  const probe = (port: number, args: string[]) => runCli(["127.0.0.1", "--ikev2", "--port", String(port), "--timeout", "0.4", "--retries", "0", ...args]);

  test("each offer its own IKE_SA_INIT; INVALID_KE_PAYLOAD retried with the group asked for; the choice rated", async () => {
    const gw = await responder({ proposals: ["aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp256"] });
    const r = await probe(gw.port, ["--ike", "aes256-sha256-ecp384-modp2048", "--ike", "3des-md5-modp1024", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidReportV2(doc);
    assert.equal(doc.ikeVersion, 2);
    assert.deepEqual(doc.ikeSa.offers.map((o: { status: string }) => o.status), ["accepted", "rejected"]);
    assert.equal(doc.ikeSa.offers[0].retriedWithGroup, "modp2048", "the KE was for ecp384 first");
    assert.equal(doc.ikeSa.offers[1].notify, "NO_PROPOSAL_CHOSEN");
    assert.deepEqual(doc.ikeSa.selected, { proposal: "aes256-sha256-modp2048", encryption: "aes256", prf: "prfsha256", integrity: "sha256", group: "modp2048", severity: "OK", reasons: [] });
    assert.equal(doc.ikeSa.notifies.fragmentation, true);
    assert.equal(doc.cleanup.halfOpenLeft, 1);
    assert.equal(doc.identity.status, "not-attempted");
  });

  test("a COOKIE is echoed and counted; a table on a terminal-less stdout names the retry", async () => {
    const gw = await responder({ proposals: ["aes128gcm16-prfsha256-curve25519"], cookie: true });
    const j = await probe(gw.port, ["--ike", "aes128gcm16-prfsha256-curve25519", "--json"]);
    assert.equal(j.code, 0, j.stderr);
    assert.equal(JSON.parse(j.stdout).ikeSa.offers[0].cookies, 1);
    const t = await probe(gw.port, ["--ike", "aes128gcm16-prfsha256-ecp256-curve25519"]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /after INVALID_KE_PAYLOAD: sent again with curve25519; 1 COOKIE echoed/);
    assert.match(t.stdout, /aes128gcm16-prfsha256-curve25519/);
  });

  test("nothing accepted: exit 1; no answer: exit 3; both with a report", async () => {
    const gw = await responder({ proposals: ["aes256-sha256-modp2048"] });
    const none = await probe(gw.port, ["--ike", "3des-md5-modp1024", "--json"]);
    assert.equal(none.code, 1);
    assertValidReportV2(JSON.parse(none.stdout));
    const silent = await responder({ proposals: ["aes256-sha256-modp2048"], silentAfter: 0 });
    const s = await probe(silent.port, ["--ike", "aes256-sha256-modp2048", "--json"]);
    assert.equal(s.code, 3);
    assert.equal(JSON.parse(s.stdout).ikeSa.offers[0].status, "no-response");
  });

  test("IKE_AUTH against hostile and odd answers: each read as what it is, a report every time, never a crash", async () => {
    const PSK = "scripted-auth-secret";
    const cases: [NonNullable<Parameters<typeof startIkev2Responder>[0]["ikeAuth"]>, string | undefined, string, string | null, number][] = [
      ["ok", PSK, "authenticated", "verified", 0],
      ["ok", `${PSK}-gateway-side`, "psk-mismatch", "gateway-auth-mismatch", 1],
      ["auth-failed", undefined, "psk-mismatch", "authentication-failed", 1],
      ["eap", undefined, "eap-required", "eap-required", 1],
      ["no-auth", undefined, "error", "no-auth", 1],
      ["unknown-critical", undefined, "error", "unknown-critical-payload", 1],
      ["bad-icv", undefined, "error", "undecryptable", 1],
      ["truncated", undefined, "error", "malformed-answer", 1],
      ["clear-notify", undefined, "error", "malformed-answer", 1],
      ["fragment", undefined, "error", "undecryptable", 1],
      ["silent", undefined, "no-answer", "ike-auth-timeout", 1],
    ];
    for (const [ikeAuth, psk, status, cause, code] of cases) {
      for (const proposal of ["aes128gcm16-prfsha256-ecp256", "aes256-sha256-modp2048"]) {
        const gw = await responder({ proposals: [proposal], ikeAuth, ...(psk !== undefined ? { psk } : {}) });
        const r = await runCli(["127.0.0.1", "--ikev2", "--port", String(gw.port), "--timeout", "0.5", "--retries", "0", "--ike", proposal, "--id", "fqdn:client.example", "--json"], { IKEPROBE_PSK: PSK });
        const what = `${ikeAuth} (${proposal})`;
        assert.equal(r.code, code, `${what}: ${r.stderr}`);
        assert.doesNotMatch(r.stdout + r.stderr, new RegExp(PSK), `${what}: the PSK is never printed`);
        const doc = JSON.parse(r.stdout);
        assertValidReportV2(doc);
        assert.deepEqual([doc.identity.status, doc.identity.cause], [status, cause], `${what}: ${doc.identity.detail}`);
        assert.equal(doc.cleanup.ikeSaDeleted, status === "authenticated" || cause === "gateway-auth-mismatch" ? true : null, what);
        assert.equal(doc.cleanup.halfOpenLeft, ikeAuth === "silent" ? 1 : 0, what);
      }
    }
  });

  test("--auth eap (IKE_AUTH without AUTH) against odd answers: a gateway that keeps asking, AUTH without EAP, a refusal, silence", async () => {
    const cases: [NonNullable<Parameters<typeof startIkev2Responder>[0]["ikeAuth"]>, string, string, number][] = [
      ["eap", "eap-required", "eap-request", 0],
      ["ok", "error", "no-eap", 1],
      ["auth-failed", "rejected", "eap-not-offered", 1],
      ["silent", "no-answer", "ike-auth-timeout", 1],
    ];
    for (const [ikeAuth, status, cause, code] of cases) {
      const gw = await responder({ proposals: ["aes128gcm16-prfsha256-ecp256"], ikeAuth, psk: "gateway-side" });
      const r = await probe(gw.port, ["--ike", "aes128gcm16-prfsha256-ecp256", "--auth", "eap", "--id", "fqdn:alice.example", "--json"]);
      assert.equal(r.code, code, `${ikeAuth}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout);
      assertValidReportV2(doc);
      assert.deepEqual([doc.identity.status, doc.identity.cause], [status, cause], `${ikeAuth}: ${doc.identity.detail}`);
      if (ikeAuth === "eap") {
        // The scripted gateway asks for an identity again and again: two answers, then we stop.
        assert.deepEqual(doc.identity.eap, { methods: ["Identity", "Identity", "Identity"], method: null, ended: "the gateway kept asking: the IKE SA stays on it until its EAP exchange times out" });
        assert.equal(gw.requests, 4, "IKE_SA_INIT, IKE_AUTH and two EAP rounds");
      }
    }
    const v1 = await runCli(["127.0.0.1", "--auth", "eap"]);
    assert.equal(v1.code, 2);
    assert.match(v1.stderr, /--auth eap is IKEv2's .*add --ikev2/);
    const cert = await runCli(["127.0.0.1", "--ikev2", "--auth", "rsa"]);
    assert.match(cert.stderr, /--auth rsa signs our AUTH with a certificate: add --cert FILE/);
    const hybrid = await runCli(["127.0.0.1", "--ikev2", "--auth", "hybrid-rsa"]);
    assert.match(hybrid.stderr, /--auth hybrid-rsa with --ikev2: use psk, eap, rsa, ecdsa256, ecdsa384 or ecdsa521/);
    const esp = await runCli(["127.0.0.1", "--ikev2", "--auth", "eap", "--esp", "aes128gcm16"]);
    assert.match(esp.stderr, /--esp asks for CHILD SAs, set up in IKE_AUTH: --auth eap stops at the gateway's EAP request/);
  });

  test("--diagnose --ikev2: a gateway that refuses every PSK and EAP but sends CERTREQs wants certificates; its CERTREQs in the probe report", async () => {
    const ca = Buffer.alloc(20, 0xab);
    const gw = await responder({ proposals: ["aes128gcm16-prfsha256-ecp256"], ikeAuth: "auth-failed", certReqs: [ca] });
    const p = await probe(gw.port, ["--ike", "aes128gcm16-prfsha256-ecp256", "--json"]);
    assert.deepEqual(JSON.parse(p.stdout).ikeSa.certReqs, [{ encoding: 4, authorities: [ca.toString("hex")] }]);
    const r = await runCli(["127.0.0.1", "--ikev2", "--diagnose", "--pace", "0", "--port", String(gw.port), "--timeout", "0.4", "--retries", "0", "--ike", "aes128gcm16-prfsha256-ecp256", "--id", "fqdn:client.example", "--json"], { IKEPROBE_PSK: "not-the-one" });
    assert.equal(r.code, 1, r.stderr);
    const d = JSON.parse(r.stdout);
    assertValidDiagnosis(d);
    assert.equal(d.conclusion.cause, "certificate-only");
    assert.deepEqual(d.attempts.map((a: { auth: string; cause: string }) => [a.auth, a.cause]), [["psk", "authentication-failed"], ["eap", "eap-not-offered"]]);
    assert.doesNotMatch(r.stdout + r.stderr, /not-the-one/);
    const none = await responder({ proposals: ["aes128gcm16-prfsha256-ecp256"], ikeAuth: "auth-failed" });
    const n = await runCli(["127.0.0.1", "--ikev2", "--diagnose", "--pace", "0", "--port", String(none.port), "--timeout", "0.4", "--retries", "0", "--ike", "aes128gcm16-prfsha256-ecp256", "--json"], { IKEPROBE_PSK: "x" });
    assert.equal(JSON.parse(n.stdout).conclusion.cause, "unknown-id-or-psk");
    const usage = await runCli(["127.0.0.1", "--ikev2", "--diagnose", "--aggressive"], { IKEPROBE_PSK: "x" });
    assert.match(usage.stderr, /--aggressive is IKEv1's/);
  });

  test("what IKE_SA_INIT alone cannot do is a usage error naming the options; a bad proposal names its token", async () => {
    const ah = await runCli(["127.0.0.1", "--ikev2", "--ah", "sha256", "--xauth-user", "u"]);
    assert.equal(ah.code, 2);
    assert.match(ah.stderr, /this version has no --ah, --xauth-user for IKEv2: drop them/);
    const esp = await runCli(["127.0.0.1", "--ikev2", "--esp", "aes128-sha1"], { IKEPROBE_PSK: "" });
    assert.equal(esp.code, 2);
    assert.match(esp.stderr, /--esp asks for CHILD SAs, set up in IKE_AUTH: add --psk-file/);
    const dpd = await runCli(["127.0.0.1", "--ikev2", "--dpd"], { IKEPROBE_PSK: "" });
    assert.match(dpd.stderr, /--dpd checks the IKE SA set up in IKE_AUTH: add --psk-file/);
    const ts = await runCli(["127.0.0.1", "--ikev2", "--remote-ts", "198.51.100.0/24"], { IKEPROBE_PSK: "x" });
    assert.match(ts.stderr, /--local-ts\/--remote-ts apply to the CHILD SA: add its proposal with --esp/);
    const gcm = await runCli(["127.0.0.1", "--ikev2", "--esp", "aes128gcm16-sha256"], { IKEPROBE_PSK: "x" });
    assert.equal(gcm.code, 2);
    assert.match(gcm.stderr, /--esp aes128gcm16-sha256: aes128gcm16 is an AEAD cipher: drop the integrity algorithm/);
    const id = await runCli(["127.0.0.1", "--ikev2", "--id", "fqdn:client.example"], { IKEPROBE_PSK: "" });
    assert.equal(id.code, 2);
    assert.match(id.stderr, /--id is sent in IKE_AUTH, which runs with a PSK or to ask for EAP: add --psk-file FILE \(or IKEPROBE_PSK\), --auth rsa\|ecdsa256\|ecdsa384\|ecdsa521 with --cert and --key, or --auth eap/);
    const rid = await runCli(["127.0.0.1", "--ikev2", "--remote-id", "gw.example"], { IKEPROBE_PSK: "not-used" });
    assert.equal(rid.code, 2);
    assert.match(rid.stderr, /--remote-id gw\.example: expected TYPE:VALUE .*e\.g\. --remote-id fqdn:gw\.example/);
    const v1 = await runCli(["127.0.0.1", "--remote-id", "fqdn:gw.example"]);
    assert.equal(v1.code, 2);
    assert.match(v1.stderr, /--remote-id is IKEv2's IDr: add --ikev2/);
    const bad = await runCli(["127.0.0.1", "--ikev2", "--ike", "aes256-sha256-nogroup"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown token "nogroup"/);
    const mixed = await runCli(["127.0.0.1", "--ikev2", "--ike", "aes256-aes128gcm16-sha256-modp2048"]);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /AEAD and non-AEAD ciphers in one proposal/);
  });
});

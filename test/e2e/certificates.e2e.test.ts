/**
 * End to end, against a real strongSwan with certificates the test makes itself (strongSwan's pki):
 * signature authentication in Main and Aggressive Mode (RSA and ECDSA P-256), the gateway's
 * certificate reported without credentials of ours, a client certificate from another CA refused,
 * --ca with the wrong anchor (untrusted), weak and expiring gateway certificates, a chain with an
 * intermediate, Quick Mode and XAUTH after certificate authentication. strongSwan's own view
 * (swanctl --list-sas, its log) is the referee.
 *
 * Two CAs: "Lab Root CA" (the gateway trusts it) and "Other Root CA" (it does not).
 * The gateway:
 *   198.18.1.1   rsa, rsa-am   RSA 2048 certificate gw.lab.example (Main; Aggressive, sends it always), QM
 *   198.18.1.20  ec            ECDSA P-256 certificate ec-gw.lab.example
 *   198.18.1.21  weak          RSA 1024 certificate, 10 days left, Aggressive Mode, sent always
 *   198.18.1.22  chain         certificate issued by "Lab Issuing CA" (an intermediate under the root)
 *   198.18.1.23  xrsa          RSA certificate, then XAUTH (user bob)
 *   198.18.1.24  big, big-am   RSA 4096 certificate: its Aggressive Mode message 2 and Main Mode message 6
 *                              exceed 1280 bytes, so strongSwan sends them as IKE fragments
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { type Issued, issue, makeCa } from "../lab/pki.ts";
import { e2eSkipReason, packageSkipReason } from "../lab/require.ts";
import { type Run, sasWhen, spawnIkeprobe } from "../helpers/e2e.ts";

const GW = "198.18.1.1";
const EC_GW = "198.18.1.20";
const WEAK_GW = "198.18.1.21";
const CHAIN_GW = "198.18.1.22";
const XAUTH_GW = "198.18.1.23";
const BIG_GW = "198.18.1.24";
const IKE = "aes256-sha256-modp2048";
const XAUTH_PASSWORD = "bob-Xauth-h3Qz";
const skip = e2eSkipReason() ?? packageSkipReason("strongswan-pki", "pki");

describe("certificates against a real strongSwan", { skip }, () => {
  let lab: Lab;
  let pkiDir: string;
  const pki: Record<string, Issued> = {};
  const file: Record<string, string> = {};

  before(async () => {
    pkiDir = mkdtempSync(join(tmpdir(), "ikeprobe-pki-"));
    const root = makeCa(pkiDir, "root", "C=XX, O=Lab, CN=Lab Root CA");
    const other = makeCa(pkiDir, "other", "C=XX, O=Elsewhere, CN=Other Root CA");
    const issuing = issue(pkiDir, root, "issuing", "C=XX, O=Lab, CN=Lab Issuing CA", { ca: true, days: 1000 });
    pki.root = root;
    pki.other = other;
    pki.gw = issue(pkiDir, root, "gw", "C=XX, O=Lab, CN=gw.lab.example", { sans: ["gw.lab.example", GW] });
    pki.ecgw = issue(pkiDir, root, "ecgw", "C=XX, O=Lab, CN=ec-gw.lab.example", { sans: ["ec-gw.lab.example"], type: "ecdsa", size: 256 });
    pki.big = issue(pkiDir, root, "big", "C=XX, O=Lab, CN=big.lab.example", { sans: ["big.lab.example"], size: 4096 });
    pki.weak = issue(pkiDir, root, "weak", "C=XX, O=Lab, CN=weak.lab.example", { sans: ["weak.lab.example"], size: 1024, days: 10 });
    pki.chaingw = issue(pkiDir, issuing, "chaingw", "C=XX, O=Lab, CN=chain.lab.example", { sans: ["chain.lab.example"] });
    pki.issuing = issuing;
    pki.client = issue(pkiDir, root, "client", "C=XX, O=Lab, CN=client.lab.example", { sans: ["client.lab.example"] });
    pki.ecclient = issue(pkiDir, root, "ecclient", "C=XX, O=Lab, CN=ec-client.lab.example", { sans: ["ec-client.lab.example"], type: "ecdsa", size: 256 });
    pki.stranger = issue(pkiDir, other, "stranger", "C=XX, O=Elsewhere, CN=stranger.example", { sans: ["stranger.example"] });
    for (const [k, v] of Object.entries(pki)) {
      file[`${k}.pem`] = v.certFile;
      file[`${k}.key`] = v.keyFile;
    }
    file.xauth = join(pkiDir, "xauth-password");
    writeFileSync(file.xauth, `${XAUTH_PASSWORD}\n`, { mode: 0o600 });
    const pub = { psk: "unused-by-pubkey", auth: "pubkey" as const, proposals: [IKE] };
    lab = await startLab({
      gwExtraAddrs: [EC_GW, WEAK_GW, CHAIN_GW, XAUTH_GW, BIG_GW],
      charonExtra: "block_threshold = 100",
      xauthUsers: [{ user: "bob", password: XAUTH_PASSWORD }],
      credentials: {
        x509: { "gw.pem": pki.gw.cert, "ecgw.pem": pki.ecgw.cert, "weak.pem": pki.weak.cert, "chaingw.pem": pki.chaingw.cert, "big.pem": pki.big.cert },
        x509ca: { "root.pem": root.cert, "issuing.pem": issuing.cert },
        private: { "gw.key": pki.gw.key, "ecgw.key": pki.ecgw.key, "weak.key": pki.weak.key, "chaingw.key": pki.chaingw.key, "big.key": pki.big.key },
      },
      connections: [
        { ...pub, name: "rsa", certs: ["gw.pem"], localId: "gw.lab.example", localAddrs: [GW], espProposals: ["aes128-sha256"], remoteTs: "203.0.113.0/24" },
        { ...pub, name: "rsa-am", certs: ["gw.pem"], localId: "gw.lab.example", localAddrs: [GW], aggressive: true, sendCert: "always" },
        { ...pub, name: "ec", certs: ["ecgw.pem"], localId: "ec-gw.lab.example", localAddrs: [EC_GW] },
        { ...pub, name: "weak", certs: ["weak.pem"], localId: "weak.lab.example", localAddrs: [WEAK_GW], aggressive: true, sendCert: "always" },
        { ...pub, name: "chain", certs: ["chaingw.pem"], localId: "chain.lab.example", localAddrs: [CHAIN_GW] },
        { ...pub, name: "big", certs: ["big.pem"], localId: "big.lab.example", localAddrs: [BIG_GW], fragmentation: "yes" },
        { ...pub, name: "big-am", certs: ["big.pem"], localId: "big.lab.example", localAddrs: [BIG_GW], aggressive: true, sendCert: "always", fragmentation: "yes" },
        { ...pub, name: "xrsa", certs: ["gw.pem"], localId: "gw.lab.example", localAddrs: [XAUTH_GW], xauth: true },
      ],
    });
  });

  after(async () => {
    await lab?.stop();
    if (pkiDir !== undefined) rmSync(pkiDir, { recursive: true, force: true });
  });

  const run = (args: string[]): Promise<Run> => spawnIkeprobe(lab, [...args, "--timeout", "3"], {}).done;
  const rsa = (extra: string[] = []): string[] => ["--ike", IKE, "--auth", "rsa", "--cert", file["client.pem"]!, "--key", file["client.key"]!, "--id", "fqdn:client.lab.example", ...extra];

  test("Main Mode with RSA certificates: authenticated, the gateway's certificate and CERTREQ reported, Quick Mode after it", async () => {
    const r = await run([GW, ...rsa(["--ca", file["root.pem"]!, "--esp", "aes128-sha256", "--local-ts", "203.0.113.1/32", "--remote-ts", "198.51.100.0/24", "--hold", "1", "--json"])]);
    const id = r.json.identity;
    assert.equal(id.status, "authenticated", `${id.detail} ${r.stderr}`);
    assert.equal(r.code, 0);
    assert.deepEqual(id.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.deepEqual(id.signature, { algorithm: id.signature.algorithm, verified: true });
    assert.equal(id.chain.trusted, true);
    const c = id.remoteCertificates[0];
    assert.equal(c.subject, "C=XX, O=Lab, CN=gw.lab.example");
    assert.equal(c.issuer, "C=XX, O=Lab, CN=Lab Root CA");
    assert.deepEqual(c.publicKey, { type: "rsa", bits: 2048 });
    assert.equal(c.signatureAlgorithm, "sha256WithRSAEncryption");
    assert.deepEqual(c.subjectAltNames, ["DNS:gw.lab.example", `IP:${GW}`]);
    // The fingerprint is the certificate's, as openssl would print it (node:crypto here, on the file we made).
    const { X509Certificate } = await import("node:crypto");
    assert.equal(c.sha256, new X509Certificate(pki.gw!.cert).fingerprint256.replace(/:/g, "").toLowerCase());
    assert.equal(c.pem, undefined, "no PEM without --show-certs");
    assert.ok(id.certificateRequests.some((q: { authority: string | null }) => q.authority === "C=XX, O=Lab, CN=Lab Root CA"), JSON.stringify(id.certificateRequests));
    assert.equal(r.json.phase2.proposals[0].status, "accepted");
    // The gateway's side: an IKE SA with our certificate's identity (taken during --hold).
    const sas = lab.log();
    assert.match(sas, /authentication of 'client\.lab\.example' with RSA.* successful/);
    assert.doesNotMatch(r.stdout, /BEGIN (RSA |EC )?PRIVATE KEY/);
  });

  test("the gateway's own SA list shows our certificate's identity", async () => {
    const probe = spawnIkeprobe(lab, [GW, ...rsa(["--hold", "3", "--json"]), "--timeout", "3"], {});
    const sas = await sasWhen(lab, (t) => /client\.lab\.example/.test(t), 4000);
    assert.match(sas, /rsa: #\d+, ESTABLISHED, IKEv1/);
    assert.match(sas, /remote 'client\.lab\.example'/);
    probe.child.kill("SIGINT");
    const r = await probe.done;
    assert.equal(r.json.identity.status, "authenticated");
    assert.equal(r.json.cleanup.deleted, true);
  });

  test("--ca with the wrong anchor: untrusted (exit 1), with the finding", async () => {
    const r = await run([GW, ...rsa(["--ca", file["other.pem"]!, "--json"])]);
    assert.equal(r.json.identity.status, "untrusted", r.json.identity.detail);
    assert.equal(r.json.identity.cause, "certificate-untrusted");
    assert.equal(r.json.identity.signature.verified, true);
    assert.equal(r.json.identity.chain.trusted, false);
    assert.equal(r.code, 1);
    assert.ok(r.json.findings.some((f: { id: string }) => f.id === "certificate-untrusted"), JSON.stringify(r.json.findings));
  });

  test("a client certificate from a CA the gateway does not trust is refused, and the fix names the CA it asked for", async () => {
    const r = await run([GW, "--ike", IKE, "--auth", "rsa", "--cert", file["stranger.pem"]!, "--key", file["stranger.key"]!, "--id", "fqdn:stranger.example", "--json"]);
    const id = r.json.identity;
    assert.equal(id.status, "rejected", id.detail);
    assert.equal(id.cause, "certificate-refused");
    assert.match(id.detail, /does not trust our issuer: it asked for certificates from C=XX, O=Lab, CN=Lab Root CA/);
    assert.match(id.detail, /ours is issued by C=XX, O=Elsewhere, CN=Other Root CA|issued by C=XX, O=Elsewhere, CN=Other Root CA/);
    assert.equal(r.code, 1);
    assert.match(lab.log(), /no trusted RSA public key found for 'stranger\.example'/);
  });

  test("Main Mode without credentials: messages 1-4, the gateway's CERTREQ reported, not attempted (exit 0)", async () => {
    const r = await run([GW, "--ike", IKE, "--auth", "rsa", "--json"]);
    assert.equal(r.json.identity.status, "not-attempted");
    assert.match(r.json.identity.detail, /Main Mode stopped after message 4/);
    assert.ok(r.json.identity.certificateRequests.some((q: { authority: string | null }) => q.authority === "C=XX, O=Lab, CN=Lab Root CA"));
    assert.deepEqual(r.json.timings.steps.map((s: { step: string }) => s.step), ["mm1", "mm3"]);
    assert.equal(r.code, 0);
  });

  test("Aggressive Mode without credentials: the gateway's certificate and verified signature, its findings", async () => {
    const r = await run([GW, "--aggressive", "--ike", IKE, "--auth", "rsa", "--id", "fqdn:anyone.example", "--show-certs", "--json"]);
    const id = r.json.identity;
    assert.equal(id.status, "not-attempted", id.detail);
    assert.deepEqual(id.remote, { type: "fqdn", value: "gw.lab.example" });
    assert.equal(id.signature.verified, true);
    assert.equal(id.remoteCertificates[0].subject, "C=XX, O=Lab, CN=gw.lab.example");
    assert.equal(id.remoteCertificates[0].pem.trim(), pki.gw!.cert.trim());
    assert.equal(id.chain.trusted, null);
    assert.equal(r.code, 0);
    assert.equal(r.json.findings.filter((f: { id: string }) => f.id.startsWith("certificate-")).length, 0, JSON.stringify(r.json.findings));
  });

  test("Aggressive Mode authenticated with our certificate, --save-certs writes the gateway's", async () => {
    const saved = join(pkiDir, "saved.pem");
    const r = await run([GW, "--aggressive", ...rsa(["--save-certs", saved, "--json"])]);
    assert.equal(r.json.identity.status, "authenticated", r.json.identity.detail);
    assert.equal(r.code, 0);
    assert.equal(readFileSync(saved, "utf8").trim(), pki.gw!.cert.trim());
  });

  test("ECDSA P-256 certificates in Main Mode (RFC 4754): authenticated", async () => {
    const r = await run([EC_GW, "--ike", IKE, "--auth", "ecdsa256", "--cert", file["ecclient.pem"]!, "--key", file["ecclient.key"]!, "--id", "fqdn:ec-client.lab.example", "--ca", file["root.pem"]!, "--json"]);
    const id = r.json.identity;
    assert.equal(id.status, "authenticated", `${id.detail}\n${r.stderr}`);
    assert.deepEqual(id.remoteCertificates[0].publicKey, { type: "ec", bits: 256, curve: "P-256" });
    assert.match(id.signature.algorithm, /ECDSA P-256/);
    assert.match(lab.log(), /authentication of 'ec-client\.lab\.example' with ECDSA.* successful/);
  });

  test("a key that does not fit --auth is a usage error that names the method to use", async () => {
    const r = await run([EC_GW, "--ike", IKE, "--auth", "rsa", "--cert", file["ecclient.pem"]!, "--key", file["ecclient.key"]!, "--json"]);
    assert.equal(r.code, 2);
    assert.match(r.json.error.message, /--auth rsa does not fit --key .*: an ec key cannot make RSA signatures.*offer --auth ecdsa256/);
  });

  test("a 1024-bit certificate that expires in 10 days: certificate-weak-key and certificate-expiring", async () => {
    const r = await run([WEAK_GW, "--aggressive", "--ike", IKE, "--auth", "rsa", "--id", "fqdn:anyone.example", "--json"]);
    const ids = r.json.findings.map((f: { id: string }) => f.id);
    assert.ok(ids.includes("certificate-weak-key"), JSON.stringify(r.json.findings));
    assert.ok(ids.includes("certificate-expiring"), JSON.stringify(r.json.findings));
    const exp = r.json.findings.find((f: { id: string }) => f.id === "certificate-expiring");
    assert.match(exp.detail, /in (9|10) days/);
    assert.deepEqual(r.json.identity.remoteCertificates[0].publicKey, { type: "rsa", bits: 1024 });
    const quiet = await run([WEAK_GW, "--aggressive", "--ike", IKE, "--auth", "rsa", "--id", "fqdn:anyone.example", "--cert-warn-days", "5", "--json"]);
    assert.ok(!quiet.json.findings.some((f: { id: string }) => f.id === "certificate-expiring"), "--cert-warn-days 5 leaves a 10-day certificate alone");
  });

  test("a chain with an intermediate verifies to the root, or reports the missing link", async () => {
    const r = await run([CHAIN_GW, ...rsa(["--ca", file["root.pem"]!, "--json"])]);
    const id = r.json.identity;
    assert.equal(id.remoteCertificates[0].issuer, "C=XX, O=Lab, CN=Lab Issuing CA");
    if (id.remoteCertificates.length > 1) {
      // strongSwan sent the intermediate: the chain verifies through it.
      assert.equal(id.remoteCertificates[1].subject, "C=XX, O=Lab, CN=Lab Issuing CA");
      assert.equal(id.status, "authenticated", id.detail);
      assert.equal(id.chain.trusted, true, id.chain.detail);
    } else {
      assert.equal(id.status, "untrusted", id.detail);
      assert.match(id.chain.detail, /its issuer C=XX, O=Lab, CN=Lab Issuing CA was neither sent nor given/);
      assert.ok(r.json.findings.some((f: { id: string }) => f.id === "certificate-chain-incomplete"));
      // Given the intermediate as an anchor, the path is complete.
      const both = join(pkiDir, "both.pem");
      writeFileSync(both, pki.root!.cert + pki.issuing!.cert);
      const r2 = await run([CHAIN_GW, ...rsa(["--ca", both, "--json"])]);
      assert.equal(r2.json.identity.status, "authenticated", r2.json.identity.detail);
      assert.equal(r2.json.identity.chain.trusted, true);
    }
  });

  test("xauth-rsa: certificates, then XAUTH completed", async () => {
    const r = await run([XAUTH_GW, "--ike", IKE, "--auth", "xauth-rsa", "--cert", file["client.pem"]!, "--key", file["client.key"]!, "--id", "fqdn:client.lab.example", "--xauth-user", "bob", "--xauth-password-file", file.xauth!, "--json"]);
    assert.equal(r.json.identity.status, "authenticated", r.json.identity.detail);
    assert.equal(r.json.xauth.status, "authenticated", JSON.stringify(r.json.xauth));
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, new RegExp(XAUTH_PASSWORD));
  });

  test("IKE fragmentation: the gateway's fragmented Aggressive Mode message 2 is reassembled, its certificate read", async () => {
    const r = await run([BIG_GW, "--aggressive", "--ike", IKE, "--auth", "rsa", "--id", "fqdn:anyone.example", "--json"]);
    const f = r.json.phase1.fragmentation;
    assert.equal(f.supported, true);
    assert.ok(f.received >= 2, JSON.stringify(f));
    assert.equal(r.json.identity.remoteCertificates[0].publicKey.bits, 4096);
    assert.equal(r.json.identity.signature.verified, true);
  });

  test("IKE fragmentation: our message 5 sent as fragments (--fragmentation force) is accepted, the gateway's fragmented message 6 reassembled", async () => {
    const pcap = join(pkiDir, "frag.pcap");
    const keys = join(pkiDir, "frag.keys");
    const r = await run([BIG_GW, ...rsa(["--fragmentation", "force", "--fragment-size", "576", "--pcap", pcap, "--keys", keys, "--json"])]);
    assert.equal(r.json.identity.status, "authenticated", r.json.identity.detail);
    const f = r.json.phase1.fragmentation;
    assert.ok(f.sent >= 3, JSON.stringify(f));
    assert.ok(f.received >= 2, JSON.stringify(f));
    assert.equal(r.json.stats.packetsSent, 2 + f.sent + 1, "messages 1 and 3, the fragments of 5, the DELETE");
    assert.match(lab.log(), /received fragment #1/);
    // The pcap holds the fragments as they went out: every datagram of ours fits 576 bytes.
    const { spawnSync } = await import("node:child_process");
    const lens = spawnSync("tshark", ["-r", pcap, "-Y", `ip.src == ${lab.clientAddr}`, "-T", "fields", "-e", "ip.len"], { encoding: "utf8" }).stdout.trim().split("\n").map(Number);
    assert.ok(lens.length >= 5 && lens.every((n) => n <= 576), lens.join(","));
    const line = readFileSync(keys, "utf8").trim().split("\n").find((l) => !l.startsWith("#"))!;
    const v = spawnSync("tshark", ["-r", pcap, "-o", `uat:ikev1_decryption_table:${line}`, "-V"], { encoding: "utf8" }).stdout;
    // Wireshark reassembles both fragmented messages and decrypts them with our key: ID, CERT, SIG each way.
    assert.equal(v.match(/\[Reassembled ISAKMP length: \d+\]/g)?.length, 2, "messages 5 and 6 reassembled");
    assert.ok((v.match(/Payload: Signature \(9\)/g)?.length ?? 0) >= 2, "SIG_I and SIG_R decrypted");
    assert.ok((v.match(/Payload: Certificate \(6\)/g)?.length ?? 0) >= 2, "both certificates decrypted");
  });

  test("--diagnose with certificates: an ID our certificate does not hold is found out, and one that works named (its subject DN first)", async () => {
    const r = await run([GW, "--ike", IKE, "--auth", "rsa", "--cert", file["client.pem"]!, "--key", file["client.key"]!, "--id", "fqdn:wrong.lab.example", "--diagnose", "--pace", "0", "--json"]);
    assert.equal(r.json.conclusion.cause, "wrong-id", JSON.stringify(r.json.conclusion));
    assert.match(r.json.conclusion.fix, /leave --id out: our ID is then our certificate's subject \(DN\)/);
    assert.deepEqual(r.json.conclusion.id, { type: "der-asn1-dn", value: "C=XX, O=Lab, CN=client.lab.example" });
    assert.equal(r.json.attempts[0].cause, "authentication-failed");
    assert.equal(r.json.attempts.at(-1).cause, "ok");
  });

  test("--diagnose with certificates: a certificate from an untrusted CA concludes certificate-refused with the CA to use", async () => {
    const r = await run([GW, "--ike", IKE, "--auth", "rsa", "--cert", file["stranger.pem"]!, "--key", file["stranger.key"]!, "--id", "fqdn:stranger.example", "--diagnose", "--pace", "0", "--json"]);
    assert.equal(r.json.conclusion.cause, "certificate-refused", JSON.stringify(r.json.conclusion));
    assert.match(r.json.conclusion.explanation, /asked for certificates from C=XX, O=Lab, CN=Lab Root CA/);
    assert.equal(r.code, 1);
  });

  test("scan --aggressive meets a certificate gateway: its certificate reported and audited", async () => {
    const r = await run(["scan", WEAK_GW, "--aggressive", "--catalogue", "common", "--json"]);
    const t = r.json.targets[0];
    assert.equal(t.certificates[0]?.subject, "C=XX, O=Lab, CN=weak.lab.example", JSON.stringify(t.warnings));
    assert.equal(t.certificates[0].publicKey.bits, 1024);
    const ids = t.findings.map((f: { id: string }) => f.id);
    assert.ok(ids.includes("certificate-weak-key") && ids.includes("certificate-expiring"), JSON.stringify(t.findings));
  });

  test("without --id our ID is our certificate's subject DN (as strongSwan's own default), shown as a DN", async () => {
    const r = await run([GW, "--ike", IKE, "--auth", "rsa", "--cert", file["client.pem"]!, "--key", file["client.key"]!, "--json"]);
    assert.equal(r.json.identity.status, "authenticated", r.json.identity.detail);
    assert.deepEqual(r.json.identity.local, { type: "der-asn1-dn", value: "C=XX, O=Lab, CN=client.lab.example" });
    assert.match(lab.log(), /authentication of 'C=XX, O=Lab, CN=client\.lab\.example' with RSA.* successful/);
  });
});

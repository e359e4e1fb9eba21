/**
 * IKEv2 IKE_AUTH with certificates against real responders, keys and certificates made with pki:
 * RSA and ECDSA client certificates accepted by strongSwan (it logs the scheme it checked), the
 * gateway's own signature verified with its certificate and its chain checked against --ca; a
 * gateway certificate too big for one datagram comes in IKE fragments (RFC 7383) and is reassembled;
 * our own IKE_AUTH goes in fragments with --fragmentation force and charon reassembles it;
 * a client certificate from a CA the gateway does not trust is refused (auth-failed); an untrusted
 * gateway chain is reported and audited. libreswan (NSS) accepts RSA alike.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason, packageSkipReason } from "../lab/require.ts";
import { libreswanSkipReason } from "../lab/libreswan.ts";
import { libreswanCertificates } from "../lab/libreswan-conn.ts";
import { type Issued, issue, makeCa } from "../lab/pki.ts";
import { spawnIkeprobe } from "../helpers/e2e.ts";

const BIG_GW = "198.18.1.24";
const IKE = "aes256-sha256-modp2048";

interface Doc {
  identity: {
    status: string;
    cause: string | null;
    detail: string;
    local: { type: string; value: string } | null;
    gatewayAuth: { method: string; verified: boolean | null; scheme?: string } | null;
    ourAuth?: string;
    remoteCertificates?: { subject: string; publicKey: { bits: number | null } }[];
    chain?: { trusted: boolean | null; detail: string } | null;
    notify?: string;
  };
  findings: { id: string }[];
  cleanup: { ikeSaDeleted: boolean | null };
  childSas: { status: string }[];
}

const pkiSkip = packageSkipReason("strongswan-pki", "pki");

describe("IKEv2 certificates against strongSwan", { skip: e2eSkipReason() ?? pkiSkip }, () => {
  let lab: Lab;
  let dir: string;
  const pki: Record<string, Issued> = {};
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ikeprobe-v2pki-"));
    const root = makeCa(dir, "root", "C=XX, O=Lab, CN=Lab Root CA");
    const other = makeCa(dir, "other", "C=XX, O=Elsewhere, CN=Other Root CA");
    pki.root = root;
    pki.other = other;
    pki.gw = issue(dir, root, "gw", "C=XX, O=Lab, CN=gw.lab.example", { sans: ["gw.lab.example"] });
    pki.big = issue(dir, root, "big", "C=XX, O=Lab, CN=big.lab.example", { sans: ["big.lab.example"], size: 4096 });
    pki.client = issue(dir, root, "client", "C=XX, O=Lab, CN=client.lab.example", { sans: ["client.lab.example"] });
    pki.ec = issue(dir, root, "ec", "C=XX, O=Lab, CN=ec-client.lab.example", { sans: ["ec-client.lab.example"], type: "ecdsa", size: 256 });
    pki.stranger = issue(dir, other, "stranger", "C=XX, O=Elsewhere, CN=stranger.example", { sans: ["stranger.example"] });
    const pub = { version: 2 as const, psk: "unused-by-pubkey", auth: "pubkey" as const, proposals: [IKE] };
    lab = await startLab({
      gwExtraAddrs: [BIG_GW],
      credentials: { x509: { "gw.pem": pki.gw.cert, "big.pem": pki.big.cert }, x509ca: { "root.pem": root.cert }, private: { "gw.key": pki.gw.key, "big.key": pki.big.key } },
      connections: [
        { ...pub, name: "v2rsa", certs: ["gw.pem"], localId: "gw.lab.example", localAddrs: ["198.18.1.1"], espProposals: ["aes128gcm16"], remoteTs: "203.0.113.0/24" },
        { ...pub, name: "v2big", certs: ["big.pem"], localId: "big.lab.example", localAddrs: [BIG_GW], fragmentation: "yes" },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  const probe = async (gw: string, who: "client" | "ec" | "stranger", extra: string[]): Promise<{ code: number | null; doc: Doc; out: string }> => {
    const auth = who === "ec" ? "ecdsa256" : "rsa";
    const args = [gw, "--ikev2", "--ike", IKE, "--auth", auth, "--cert", pki[who]!.certFile, "--key", pki[who]!.keyFile, ...extra];
    const r = await spawnIkeprobe(lab, [...args, "--json"], {}).done;
    const t = await spawnIkeprobe(lab, args, {}).done;
    for (const x of [r, t]) assert.ok(!x.stdout.includes("PRIVATE KEY") && !x.stderr.includes("PRIVATE KEY"), "no private key in the output");
    return { code: r.code, doc: r.json as Doc, out: t.stdout };
  };

  test("RSA: accepted (RFC 7427 sha256WithRSAEncryption, as the gateway announced SHA-256), the gateway's signature verified, its chain trusted to --ca; a CHILD SA too", async () => {
    const from = lab.log().length;
    const r = await probe(lab.gwAddr, "client", ["--ca", pki.root!.certFile, "--esp", "aes128gcm16", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"]);
    const id = r.doc.identity;
    assert.deepEqual([id.status, id.cause, r.code], ["authenticated", "verified", 0], id.detail);
    assert.deepEqual(id.local, { type: "der-asn1-dn", value: "C=XX, O=Lab, CN=client.lab.example" });
    assert.equal(id.ourAuth, "sha256WithRSAEncryption (RFC 7427)");
    assert.deepEqual(id.gatewayAuth, { method: "digital signature (RFC 7427)", verified: true, scheme: "sha256WithRSAEncryption (RFC 7427)" });
    assert.equal(id.remoteCertificates?.[0]?.subject, "C=XX, O=Lab, CN=gw.lab.example");
    assert.equal(id.chain?.trusted, true);
    assert.equal(r.doc.childSas[0]?.status, "accepted");
    assert.equal(r.doc.cleanup.ikeSaDeleted, true);
    // charon's view: our certificate and signature scheme.
    const log = lab.log().slice(from);
    assert.match(log, /received cert request for "C=XX, O=Lab, CN=Lab Root CA"/, "our CERTREQ's hash names its CA");
    assert.match(log, /received end entity cert "C=XX, O=Lab, CN=client\.lab\.example"/);
    assert.match(log, /authentication of 'C=XX, O=Lab, CN=client\.lab\.example' with RSA_EMSA_PKCS1_SHA2_256 successful/);
    assert.match(r.out, /gateway's certificate[\s\S]*CN=gw\.lab\.example[\s\S]*chain[\s\S]*verified to the trust anchor/);
  });

  test("ECDSA P-256: accepted (ecdsa-with-SHA256, DER), charon says so", async () => {
    const from = lab.log().length;
    const r = await probe(lab.gwAddr, "ec", ["--ca", pki.root!.certFile]);
    assert.deepEqual([r.doc.identity.status, r.doc.identity.ourAuth], ["authenticated", "ecdsa-with-SHA256 (RFC 7427)"], r.doc.identity.detail);
    assert.match(lab.log().slice(from), /authentication of 'C=XX, O=Lab, CN=ec-client\.lab\.example' with ECDSA-256 signature with SHA-256 successful|authentication of 'C=XX, O=Lab, CN=ec-client\.lab\.example' with ECDSA_WITH_SHA256_DER successful/);
  });

  test("a 4096-bit gateway certificate: its IKE_AUTH answer comes in IKE fragments and is reassembled; the signature still verifies", async () => {
    const from = lab.log().length;
    const r = await probe(BIG_GW, "client", ["--ca", pki.root!.certFile]);
    assert.deepEqual([r.doc.identity.status, r.doc.identity.gatewayAuth?.verified], ["authenticated", true], r.doc.identity.detail);
    assert.equal(r.doc.identity.remoteCertificates?.[0]?.publicKey.bits, 4096);
    assert.match(lab.log().slice(from), /splitting IKE message \(\d+ bytes\) into \d+ fragments/);
  });

  test("--fragmentation force: our IKE_AUTH with its certificate goes in IKE fragments of at most --fragment-size bytes, which charon reassembles", async () => {
    const from = lab.log().length;
    const r = await probe(lab.gwAddr, "client", ["--ca", pki.root!.certFile, "--fragmentation", "force", "--fragment-size", "576"]);
    assert.equal(r.doc.identity.status, "authenticated", r.doc.identity.detail);
    const f = (r.doc as unknown as { ikeSa: { fragmentation: { supported: boolean; sent: number } } }).ikeSa.fragmentation;
    assert.equal(f.supported, true);
    assert.ok(f.sent >= 3, `sent in ${f.sent} fragments`);
    assert.match(lab.log().slice(from), new RegExp(`received fragment #${f.sent} of ${f.sent}, reassembled fragmented IKE message`));
  });

  test("a client certificate from a CA the gateway does not trust: auth-failed; an untrusted gateway chain is reported and audited", async () => {
    const r = await probe(lab.gwAddr, "stranger", []);
    assert.deepEqual([r.doc.identity.status, r.doc.identity.cause, r.doc.identity.notify, r.code], ["auth-failed", "authentication-failed", "AUTHENTICATION_FAILED", 1]);
    const u = await probe(lab.gwAddr, "client", ["--ca", pki.other!.certFile]);
    assert.equal(u.doc.identity.status, "authenticated");
    assert.equal(u.doc.identity.chain?.trusted, false);
    assert.ok(u.doc.findings.some((f) => f.id === "certificate-untrusted"), JSON.stringify(u.doc.findings));
  });
});

describe("IKEv2 certificates against libreswan (pluto 4.10, NSS)", { skip: libreswanSkipReason() ?? pkiSkip }, () => {
  let lab: Lab;
  let dir: string;
  let root: Issued;
  let client: Issued;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "ikeprobe-v2pki-ls-"));
    const made = libreswanCertificates(dir, { ikev2: true });
    ({ root, client } = made);
    lab = await startLab({ connections: [], libreswan: made.libreswan });
  });
  after(async () => {
    await lab?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("RSA: authenticated, pluto's signature verified with its certificate, the chain trusted", async () => {
    const r = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--ike", IKE, "--auth", "rsa", "--cert", client.certFile, "--key", client.keyFile, "--id", "fqdn:client.lab.example", "--ca", root.certFile, "--json"], {}).done;
    const id = (r.json as Doc).identity;
    assert.equal(id.status, "authenticated", `${id.detail}\n${lab.log().slice(-2000)}`);
    assert.equal(id.gatewayAuth?.verified, true);
    assert.equal(id.remoteCertificates?.[0]?.subject, "C=XX, O=Lab, CN=gw.lab.example");
    assert.equal(id.chain?.trusted, true);
    assert.equal(r.code, 0);
    assert.match(lab.log(), /responder established IKE SA; authenticated peer '2048-bit PKCS#1 1\.5 RSA with SHA2_256' digital signature using peer certificate 'C=XX, O=Lab, CN=client\.lab\.example'/);
  });
});

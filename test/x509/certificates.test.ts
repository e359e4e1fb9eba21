/**
 * The gateway's certificates as the report shows them and the certificate findings, on certificates
 * crafted for each case with strongSwan's pki (expired, not yet valid, expiring, 1024-bit, SHA-1
 * signed, self-signed, an ID not in the certificate, an untrusted chain, a missing intermediate).
 * Expected values are the inputs given to pki (names, dates, sizes), not our own output.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CERTIFICATE_CHECKS } from "../../src/checks/certificate.ts";
import { runChecks } from "../../src/checks/registry.ts";
import type { Phase1Result } from "../../src/exchanges/v1/phase1/index.ts";
import { certificateView } from "../../src/report/build/certificates.ts";
import { encodeCertificate } from "../../src/wire/v1/payloads/certificate.ts";
import { derNameText } from "../../src/x509/name.ts";
import { pemBlocks } from "../../src/x509/pem.ts";
import { subjectDer } from "../../src/x509/certificate.ts";
import { type Issued, issue, makeCa } from "../lab/pki.ts";
import { packageSkipReason } from "../lab/require.ts";

const skip = packageSkipReason("strongswan-pki", "pki");
const der = (c: Issued): Buffer => pemBlocks(c.cert, "CERTIFICATE")[0]!;

/** What an exchange kept of the gateway's CERT payloads. */
function result(certs: Issued[]): Phase1Result {
  return { certificates: certs.map((c) => encodeCertificate({ encoding: 4, data: der(c) })), certificateRequests: [] } as unknown as Phase1Result;
}

describe("certificate report and findings on crafted certificates", { skip }, () => {
  let dir: string;
  const c: Record<string, Issued> = {};

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ikeprobe-x509-"));
    c.root = makeCa(dir, "root", "C=XX, O=Example, CN=Example Root CA");
    c.other = makeCa(dir, "other", "C=XX, O=Other, CN=Other Root CA");
    c.inter = issue(dir, c.root, "inter", "C=XX, O=Example, CN=Example Issuing CA", { ca: true });
    c.good = issue(dir, c.root, "good", "C=XX, O=Example, OU=VPN, CN=gw.example", { sans: ["gw.example", "198.18.1.1", "vpn@example.net"], flags: ["serverAuth"] });
    c.expired = issue(dir, c.root, "expired", "C=XX, O=Example, CN=old.example", { sans: ["old.example"], notBefore: "2020-01-01 00:00:00", notAfter: "2021-01-01 00:00:00" });
    c.future = issue(dir, c.root, "future", "C=XX, O=Example, CN=new.example", { sans: ["new.example"], notBefore: "2035-01-01 00:00:00", notAfter: "2036-01-01 00:00:00" });
    c.soon = issue(dir, c.root, "soon", "C=XX, O=Example, CN=soon.example", { sans: ["soon.example"], days: 12 });
    c.weak = issue(dir, c.root, "weak", "C=XX, O=Example, CN=weak.example", { sans: ["weak.example"], size: 1024 });
    c.sha1 = issue(dir, c.root, "sha1", "C=XX, O=Example, CN=sha1.example", { sans: ["sha1.example"], digest: "sha1" });
    c.self = makeCa(dir, "self", "C=XX, O=Example, CN=self.example", { ca: false, sans: ["self.example"] });
    c.leaf = issue(dir, c.inter, "leaf", "C=XX, O=Example, CN=leaf.example", { sans: ["leaf.example"] });
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const view = (certs: Issued[], opts: { ca?: Issued[]; remoteId?: { type: string; value: string }; warnDays?: number; pem?: boolean } = {}) =>
    certificateView(result(certs), { showPem: opts.pem === true, warnDays: opts.warnDays ?? 30, ...(opts.ca !== undefined ? { ca: opts.ca.map(der) } : {}) }, opts.remoteId ?? null, Date.now());
  const findings = (v: ReturnType<typeof view>) => runChecks(CERTIFICATE_CHECKS, v.audit);
  const ids = (v: ReturnType<typeof view>) => findings(v).map((f) => f.id);

  test("a good certificate: every field as issued, trusted with --ca, no findings", () => {
    const v = view([c.good!], { ca: [c.root!], remoteId: { type: "fqdn", value: "gw.example" }, pem: true });
    const info = v.fields.remoteCertificates[0]!;
    const x = new X509Certificate(c.good!.cert);
    assert.equal(info.subject, "C=XX, O=Example, OU=VPN, CN=gw.example");
    assert.equal(info.issuer, "C=XX, O=Example, CN=Example Root CA");
    assert.equal(info.serialNumber.toUpperCase().replace(/^0+/, ""), x.serialNumber.replace(/^0+/, ""));
    assert.equal(info.notAfter, new Date(x.validTo).toISOString());
    assert.deepEqual(info.publicKey, { type: "rsa", bits: 2048 });
    assert.equal(info.signatureAlgorithm, "sha256WithRSAEncryption");
    assert.deepEqual(info.subjectAltNames, ["DNS:gw.example", "IP:198.18.1.1", "email:vpn@example.net"]);
    assert.deepEqual(info.extendedKeyUsage, ["serverAuth"]);
    assert.equal(info.sha256, x.fingerprint256.replace(/:/g, "").toLowerCase());
    assert.equal(info.pem?.trim(), c.good!.cert.trim());
    assert.deepEqual(v.fields.chain, { trusted: true, detail: "verified to the trust anchor C=XX, O=Example, CN=Example Root CA (2 certificates)" });
    assert.deepEqual(findings(v), []);
  });

  test("expired, not yet valid and expiring certificates", () => {
    assert.deepEqual(ids(view([c.expired!])), ["certificate-expired"]);
    assert.match(findings(view([c.expired!]))[0]!.detail, /old\.example expired on 2021-01-01/);
    assert.deepEqual(ids(view([c.future!])), ["certificate-not-yet-valid"]);
    assert.deepEqual(ids(view([c.soon!])), ["certificate-expiring"]);
    assert.deepEqual(ids(view([c.soon!], { warnDays: 5 })), []);
    assert.ok(view([c.expired!]).fields.remoteCertificates[0]!.daysLeft < -365);
  });

  test("a 1024-bit key, a SHA-1 signature", () => {
    assert.deepEqual(ids(view([c.weak!])), ["certificate-weak-key"]);
    assert.match(findings(view([c.weak!]))[0]!.detail, /1024-bit RSA key/);
    assert.equal(view([c.sha1!]).fields.remoteCertificates[0]!.signatureAlgorithm, "sha1WithRSAEncryption");
    assert.deepEqual(ids(view([c.sha1!])), ["certificate-weak-signature"]);
  });

  test("self-signed, and untrusted against --ca", () => {
    assert.deepEqual(ids(view([c.self!])), ["certificate-self-signed"]);
    const v = view([c.self!], { ca: [c.root!] });
    assert.equal(v.fields.chain?.trusted, false);
    assert.deepEqual(ids(v).sort(), ["certificate-self-signed", "certificate-untrusted"]);
    assert.deepEqual(ids(view([c.good!], { ca: [c.other!] })).sort(), ["certificate-chain-incomplete", "certificate-untrusted"]);
  });

  test("the gateway's ID must be in its certificate (RFC 4945 §3.1): SAN by ID type, subject for a DN", () => {
    const id = (type: string, value: string) => ids(view([c.good!], { remoteId: { type, value } }));
    assert.deepEqual(id("fqdn", "gw.example"), []);
    assert.deepEqual(id("fqdn", "GW.Example"), [], "DNS names compare without case");
    assert.deepEqual(id("ipv4", "198.18.1.1"), []);
    assert.deepEqual(id("user-fqdn", "vpn@example.net"), []);
    assert.deepEqual(id("der-asn1-dn", "C=XX, O=Example, OU=VPN, CN=gw.example"), []);
    assert.deepEqual(id("fqdn", "other.example"), ["certificate-id-mismatch"]);
    assert.deepEqual(id("ipv4", "198.18.1.9"), ["certificate-id-mismatch"]);
    assert.deepEqual(id("der-asn1-dn", "C=XX, O=Example, CN=gw.example"), ["certificate-id-mismatch"]);
    assert.deepEqual(id("keyid", "abc"), [], "a key ID names no certificate field");
  });

  test("a chain with an intermediate: sent, it verifies to the root; not sent, the missing link is named", () => {
    const sent = view([c.inter!, c.leaf!], { ca: [c.root!] });
    assert.equal(sent.fields.remoteCertificates[0]!.subject, "C=XX, O=Example, CN=leaf.example", "end entity first, whatever the order received");
    assert.equal(sent.fields.chain?.trusted, true);
    assert.deepEqual(findings(sent), []);
    const missing = view([c.leaf!], { ca: [c.root!] });
    assert.equal(missing.fields.chain?.trusted, false);
    assert.match(missing.fields.chain!.detail, /its issuer C=XX, O=Example, CN=Example Issuing CA was neither sent nor given/);
    assert.ok(ids(missing).includes("certificate-chain-incomplete"));
    const noCa = view([c.leaf!]);
    assert.equal(noCa.fields.chain?.trusted, null);
    assert.deepEqual(ids(noCa), [], "without --ca, an issuer not sent (usually the root) is not a finding");
  });

  test("a CERTREQ authority is a DER DN; shown as text; a CERT payload that is not a certificate is reported, not thrown", () => {
    assert.equal(derNameText(subjectDer(der(c.root!))), "C=XX, O=Example, CN=Example Root CA");
    const r = { certificates: [encodeCertificate({ encoding: 4, data: Buffer.from("not DER") }), encodeCertificate({ encoding: 1, data: Buffer.from([1, 2]) })], certificateRequests: [{ certType: 4, authority: subjectDer(der(c.root!)) }, { certType: 4, authority: Buffer.alloc(0) }, { certType: 4, authority: Buffer.from([0xde, 0xad]) }] } as unknown as Phase1Result;
    const v = certificateView(r, undefined, null, Date.now());
    assert.deepEqual(v.fields.remoteCertificates, []);
    assert.equal(v.unreadable.length, 2);
    assert.match(v.unreadable[1]!, /PKCS #7 wrapped X.509/);
    assert.deepEqual(v.fields.certificateRequests, [
      { encoding: "X.509 signature", authority: "C=XX, O=Example, CN=Example Root CA" },
      { encoding: "X.509 signature", authority: null },
      { encoding: "X.509 signature", authority: "#dead" },
    ]);
  });
});

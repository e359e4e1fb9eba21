/**
 * IKEv2 signature AUTH (RFC 7296 §3.8, RFC 4754, RFC 7427): the RFC 7427 AlgorithmIdentifiers we
 * send are the ones in certificates made by strongSwan's pki (independent DER of the same OIDs);
 * method 1 is PKCS#1 v1.5 with SHA-1's DigestInfo (RFC 8017 §9.2 note 1, read back with the public
 * key, not with our verifier); methods 9-11 are r | s of the field's size; each signature verifies
 * and a changed octet does not; unknown schemes are "not checked", never "verified".
 * Against real gateways: test/e2e/ikev2-cert.e2e.test.ts (strongSwan and libreswan accept ours and
 * we verify theirs).
 */
import assert from "node:assert/strict";
import { X509Certificate, constants, createPrivateKey, generateKeyPairSync, publicDecrypt } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { certReqBody, signAuth, verifyAuth } from "../../src/crypto/v2/signature.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/strongswan-sig-${name}.json`, import.meta.url), "utf8")) as { certificates: Record<string, string>; gatewayKey: string };
const rsa = fixture("rsa");
const ec = fixture("ecdsa");
const octets = Buffer.from("IKE_SA_INIT | Nr | prf(SK_pi, IDi) stands in here");

describe("IKEv2 signature AUTH", () => {
  const rsaKey = createPrivateKey(rsa.gatewayKey);
  const rsaPub = new X509Certificate(rsa.certificates.gateway!).publicKey;
  const ecKey = createPrivateKey(ec.gatewayKey);
  const ecPub = new X509Certificate(ec.certificates.gateway!).publicKey;

  test("RFC 7427: the AlgorithmIdentifier is the one pki wrote into its sha256WithRSAEncryption certificate; verifies; a changed octet does not", () => {
    const a = signAuth("rsa", rsaKey, octets, [2, 3, 4]);
    assert.equal(a.method, 14);
    const idLength = a.data[0]!;
    const algorithmId = a.data.subarray(1, 1 + idLength);
    // The certificate's own signatureAlgorithm (pki signs with sha256WithRSAEncryption): the same DER.
    assert.ok(new X509Certificate(rsa.certificates.gateway!).raw.includes(algorithmId), "the AlgorithmIdentifier as pki encodes it");
    assert.equal(a.data.length, 1 + idLength + 256, "a 2048-bit RSA signature");
    assert.deepEqual(verifyAuth(14, a.data, rsaPub, octets), { verified: true, scheme: "sha256WithRSAEncryption (RFC 7427)" });
    assert.equal(verifyAuth(14, a.data, rsaPub, Buffer.concat([octets, Buffer.from([0])])).verified, false);
    assert.equal(verifyAuth(14, a.data, ecPub, octets).verified, false, "another key");
  });

  test("method 1 without SIGNATURE_HASH_ALGORITHMS: PKCS#1 v1.5 over SHA-1 with its DigestInfo", () => {
    const a = signAuth("rsa", rsaKey, octets, []);
    assert.equal(a.method, 1);
    const em = publicDecrypt({ key: rsaPub, padding: constants.RSA_PKCS1_PADDING }, a.data);
    // DigestInfo for SHA-1 (RFC 8017 §9.2, note 1), then the 20-byte digest.
    assert.equal(em.subarray(0, 15).toString("hex"), "3021300906052b0e03021a05000414");
    assert.equal(em.length, 35);
    assert.equal(verifyAuth(1, a.data, rsaPub, octets).verified, true);
  });

  test("ECDSA: RFC 7427 with ecdsa-with-SHA256 and a DER signature; methods 9, 10, 11 as r | s of 64, 96, 132 bytes", () => {
    const a = signAuth("ecdsa256", ecKey, octets, [2]);
    assert.equal(a.method, 14);
    assert.equal(a.data.subarray(1, 1 + a.data[0]!).toString("hex"), "300a06082a8648ce3d040302");
    assert.equal(a.data[1 + a.data[0]!], 0x30, "a DER SEQUENCE");
    assert.equal(verifyAuth(14, a.data, ecPub, octets).verified, true);
    for (const [curve, kind, method, size] of [["P-256", "ecdsa256", 9, 64], ["P-384", "ecdsa384", 10, 96], ["P-521", "ecdsa521", 11, 132]] as const) {
      const k = generateKeyPairSync("ec", { namedCurve: curve });
      const s = signAuth(kind, k.privateKey, octets, []);
      assert.deepEqual([s.method, s.data.length], [method, size], curve);
      assert.equal(verifyAuth(method, s.data, k.publicKey, octets).verified, true, curve);
      assert.equal(verifyAuth(method, s.data, k.publicKey, octets.subarray(1)).verified, false, curve);
    }
  });

  test("what is not checked says so; hostile AUTH data never throws", () => {
    assert.deepEqual(verifyAuth(14, Buffer.from([3, 1, 2, 3, 9, 9]), rsaPub, octets).verified, null);
    assert.equal(verifyAuth(14, Buffer.alloc(0), rsaPub, octets).verified, null);
    assert.equal(verifyAuth(14, Buffer.from([0xff]), rsaPub, octets).verified, null);
    assert.equal(verifyAuth(3, Buffer.alloc(40), rsaPub, octets).verified, null, "DSS");
    assert.equal(verifyAuth(1, Buffer.alloc(3), rsaPub, octets).verified, false);
    assert.equal(verifyAuth(9, Buffer.alloc(64), ecPub, octets).verified, false);
  });

  test("CERTREQ: encoding 4, then a 20-byte hash per CA (RFC 7296 §3.7: SHA-1 of the SubjectPublicKeyInfo; strongSwan resolves ours to its CA, test/e2e/ikev2-cert.e2e.test.ts)", () => {
    const spki = [rsa, ec].map((f) => new X509Certificate(f.certificates.ca!).publicKey.export({ type: "spki", format: "der" }));
    const body = certReqBody(spki);
    assert.deepEqual([body[0], body.length], [4, 41]);
    assert.equal(certReqBody([]).length, 1, "no CA named: any");
  });

});

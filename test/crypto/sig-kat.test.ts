/**
 * Signature known answers from strongSwan 5.9.8's own log of real exchanges with ikeprobe
 * (test/fixtures/strongswan-sig-*.json, made by test/lab/capture-sig-fixture.ts). From the packets
 * and the gateway's logged g^xy, Ka and IVs we decrypt messages 5 and 6 and check, against what the
 * gateway computed and sent:
 *   SKEYID for signatures = prf(Ni_b | Nr_b, g^xy);
 *   HASH_I and HASH_R (ECDSA: with the curve's SHA-2, although the exchange negotiated SHA-1);
 *   RSA: the gateway's SIG_R is byte for byte our signature of its HASH_R with its key (PKCS #1
 *   v1.5 without DigestInfo is deterministic), and our SIG_I verifies as the gateway did;
 *   ECDSA: the gateway's SIG_R (r | s) verifies over its HASH_R with the key of its certificate.
 */
import assert from "node:assert/strict";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { cipherSpec, decrypt, lastBlock } from "../../src/crypto/cipher.ts";
import { derivePhase1Keys, hashI, hashR, phase1Iv, skeyidSig } from "../../src/crypto/v1/keys.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import { proofHash, sign, verify } from "../../src/crypto/signature.ts";
import { Phase1Attr, attrNumber } from "../../src/wire/v1/attributes.ts";
import { PayloadType } from "../../src/wire/v1/constants.ts";
import { type RawPayload, decodeChain, decodeMessage } from "../../src/wire/v1/message.ts";
import { decodeCertificate } from "../../src/wire/v1/payloads/certificate.ts";
import { decodeSa } from "../../src/wire/v1/payloads/sa.ts";
import { type KatFixture, ikeBytes, one } from "../helpers/fixtures.ts";

type SigFixture = KatFixture & { auth: "rsa" | "ecdsa256"; certificates: { ca: string; gateway: string; client: string }; gatewayKey: string };

for (const kind of ["rsa", "ecdsa"] as const) {
  const file = `strongswan-sig-${kind}.json`;
  const f = { file, ...JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), "utf8")) } as SigFixture;
  describe(`strongSwan signature KAT ${f.auth} ${f.proposal}`, () => {
    const [mm1, mm2, mm3, mm4, mm5, mm6] = f.packets.map((p) => decodeMessage(ikeBytes(p)));
    const body = (m: typeof mm1, type: number): Buffer => m!.payloads.find((x) => x.type === type)!.body;
    const t = decodeSa(body(mm2, PayloadType.SA)).proposals[0]!.transforms[0]!.attributes;
    const h = hashAlg(attrNumber(t, Phase1Attr.HASH_ALGORITHM)!);
    const spec = cipherSpec(attrNumber(t, Phase1Attr.ENCRYPTION_ALGORITHM)!, attrNumber(t, Phase1Attr.KEY_LENGTH));
    const ckyI = mm1!.header.initiatorCookie;
    const ckyR = mm2!.header.responderCookie;
    const [gxi, gxr, ni, nr] = [body(mm3, PayloadType.KE), body(mm4, PayloadType.KE), body(mm3, PayloadType.NONCE), body(mm4, PayloadType.NONCE)];
    const saiB = body(mm1, PayloadType.SA);
    const skeyid = skeyidSig(h, ni, nr, one(f, "shared Diffie Hellman secret"));
    const keys = derivePhase1Keys(h, skeyid, one(f, "shared Diffie Hellman secret"), ckyI, ckyR, spec.keyLength);
    // Decrypted with the gateway's Ka and IVs, not ours.
    const m5 = decodeChain(decrypt(spec, one(f, "encryption key Ka"), one(f, "initial IV"), mm5!.ciphertext!), mm5!.header.nextPayload).payloads;
    const m6 = decodeChain(decrypt(spec, one(f, "encryption key Ka"), lastBlock(mm5!.ciphertext!, spec.blockSize), mm6!.ciphertext!), mm6!.header.nextPayload).payloads;
    const get = (ps: RawPayload[], type: number): Buffer => ps.find((p) => p.type === type)!.body;
    const kindOf = f.auth === "rsa" ? "rsa" : "ecdsa256";
    const ph = proofHash(kindOf, h);
    const gwCert = new X509Certificate(f.certificates.gateway);
    const clientCert = new X509Certificate(f.certificates.client);

    test("SKEYID = prf(Ni_b | Nr_b, g^xy), the encryption key and IV0 match the gateway's", () => {
      assert.equal(skeyid.toString("hex"), one(f, "SKEYID").toString("hex"));
      assert.equal(keys.encryptionKey.toString("hex"), one(f, "encryption key Ka").toString("hex"));
      assert.equal(phase1Iv(h, gxi, gxr, spec.blockSize).toString("hex"), one(f, "initial IV").toString("hex"));
    });

    test("messages 5 and 6 carry ID, CERT and SIG; the certificates are the ones issued", () => {
      assert.deepEqual(m5.map((p) => p.type), [PayloadType.ID, PayloadType.CERT, PayloadType.SIG]);
      assert.ok(m6.some((p) => p.type === PayloadType.SIG) && m6.some((p) => p.type === PayloadType.ID));
      assert.ok(new X509Certificate(decodeCertificate(get(m5, PayloadType.CERT)).data).fingerprint256 === clientCert.fingerprint256);
      assert.ok(new X509Certificate(decodeCertificate(get(m6, PayloadType.CERT)).data).fingerprint256 === gwCert.fingerprint256);
    });

    test(`HASH_I and HASH_R are the gateway's (${kind === "ecdsa" ? "HMAC-SHA-256 for P-256 although the exchange negotiated SHA-1" : "the negotiated prf"})`, () => {
      const hi = hashI(ph, skeyid, gxi, gxr, ckyI, ckyR, saiB, get(m5, PayloadType.ID));
      const hr = hashR(ph, skeyid, gxi, gxr, ckyI, ckyR, saiB, get(m6, PayloadType.ID));
      assert.equal(hi.toString("hex"), one(f, "HASH_I").toString("hex"));
      assert.equal(hr.toString("hex"), one(f, "HASH_R").toString("hex"));
      if (kind === "ecdsa") assert.equal(h.length, 20, "the fixture negotiated SHA-1");
      assert.equal(hr.length, kind === "ecdsa" ? 32 : h.length);
    });

    test("the gateway's SIG_R verifies over its HASH_R with the key of its certificate; our SIG_I over its HASH_I with ours", () => {
      assert.equal(verify(kindOf, gwCert.publicKey, one(f, "HASH_R"), get(m6, PayloadType.SIG)), true);
      assert.equal(verify(kindOf, clientCert.publicKey, one(f, "HASH_I"), get(m5, PayloadType.SIG)), true);
      const wrong = Buffer.from(one(f, "HASH_R"));
      wrong[0]! ^= 1;
      assert.equal(verify(kindOf, gwCert.publicKey, wrong, get(m6, PayloadType.SIG)), false);
      assert.equal(verify(kindOf, clientCert.publicKey, one(f, "HASH_R"), get(m6, PayloadType.SIG)), false, "not with another key");
    });

    if (kind === "rsa") {
      test("RSA: our signature of the gateway's HASH_R with its key is exactly its SIG_R (PKCS #1 v1.5, no DigestInfo)", () => {
        assert.equal(sign("rsa", createPrivateKey(f.gatewayKey), one(f, "HASH_R")).toString("hex"), get(m6, PayloadType.SIG).toString("hex"));
      });
    } else {
      test("ECDSA: SIG_R is r | s of 32 bytes each (RFC 4754), not DER", () => {
        assert.equal(get(m6, PayloadType.SIG).length, 64);
      });
    }
  });
}

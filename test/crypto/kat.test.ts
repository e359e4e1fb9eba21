/**
 * Known-answer tests. Expected values come from sources independent of our code:
 *  - strongSwan 5.9.8's own debug log (ike = 4) of real exchanges with ikeprobe (test/fixtures,
 *    made by test/lab/capture-fixture.ts): we recompute from the captured packets and the gateway's
 *    g^xy, and must land on the values the gateway logged;
 *  - NIST CAVP IKEv1 KDF vectors and ike-scan's psk-crack vectors from real gateways
 *    (ike-scan's psk-crack checks; NIST CAVP's IKEv1 KDF vectors, SP 800-135).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cipherSpec, decrypt, lastBlock } from "../../src/crypto/cipher.ts";
import { derivePhase1Keys, hashI, hashR, hashMessageId, messageIdIv, phase1Iv, skeyidPsk, skeyidSig } from "../../src/crypto/v1/keys.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import { Phase1Attr, attrNumber } from "../../src/wire/v1/attributes.ts";
import { PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeChain, decodeMessage } from "../../src/wire/v1/message.ts";
import { decodeDelete } from "../../src/wire/v1/payloads/delete.ts";
import { decodeSa } from "../../src/wire/v1/payloads/sa.ts";
import { ikeBytes, katFixtures, one } from "../helpers/fixtures.ts";

const fixtures = katFixtures();

test("there are strongSwan known-answer fixtures", () => {
  assert.ok(fixtures.length >= 5, "expected fixtures for several suites");
});

for (const f of fixtures) {
  describe(`strongSwan KAT ${f.proposal}`, () => {
    const [mm1, mm2, mm3, mm4, mm5, mm6, del] = f.packets.map((p) => decodeMessage(ikeBytes(p)));
    const body = (m: typeof mm1, type: number): Buffer => {
      const p = m!.payloads.find((x) => x.type === type);
      assert.ok(p, `payload ${type} present`);
      return p.body;
    };
    const saiB = body(mm1, PayloadType.SA);
    const t = decodeSa(body(mm2, PayloadType.SA)).proposals[0]!.transforms[0]!.attributes;
    const h = hashAlg(attrNumber(t, Phase1Attr.HASH_ALGORITHM)!);
    const spec = cipherSpec(attrNumber(t, Phase1Attr.ENCRYPTION_ALGORITHM)!, attrNumber(t, Phase1Attr.KEY_LENGTH));
    const ckyI = mm1!.header.initiatorCookie;
    const ckyR = mm2!.header.responderCookie;
    const gxi = body(mm3, PayloadType.KE);
    const gxr = body(mm4, PayloadType.KE);
    const ni = body(mm3, PayloadType.NONCE);
    const nr = body(mm4, PayloadType.NONCE);
    const gxy = one(f, "shared Diffie Hellman secret");
    const keys = derivePhase1Keys(h, skeyidPsk(h, Buffer.from(f.psk), ni, nr), gxy, ckyI, ckyR, spec.keyLength);

    test("SKEYID, SKEYID_d, SKEYID_a, SKEYID_e match the gateway's", () => {
      assert.equal(keys.skeyid.toString("hex"), one(f, "SKEYID").toString("hex"));
      assert.equal(keys.skeyidD.toString("hex"), one(f, "SKEYID_d").toString("hex"));
      assert.equal(keys.skeyidA.toString("hex"), one(f, "SKEYID_a").toString("hex"));
      assert.equal(keys.skeyidE.toString("hex"), one(f, "SKEYID_e").toString("hex"));
    });

    test("the encryption key (Appendix B expansion where needed) matches Ka", () => {
      assert.equal(keys.encryptionKey.toString("hex"), one(f, "encryption key Ka").toString("hex"));
      assert.equal(keys.encryptionKey.length, spec.keyLength);
    });

    test("IV0 = hash(g^xi | g^xr) matches the initial IV, and the chain matches the next IVs", () => {
      assert.equal(phase1Iv(h, gxi, gxr, spec.blockSize).toString("hex"), one(f, "initial IV").toString("hex"));
      assert.equal(lastBlock(mm5!.ciphertext!, spec.blockSize).toString("hex"), one(f, "next IV for MID 0", 0).toString("hex"));
      assert.equal(lastBlock(mm6!.ciphertext!, spec.blockSize).toString("hex"), one(f, "next IV for MID 0", 1).toString("hex"));
    });

    test("message 5 decrypts with our key and carries the HASH_I the gateway computed", () => {
      const plain = decrypt(spec, keys.encryptionKey, phase1Iv(h, gxi, gxr, spec.blockSize), mm5!.ciphertext!);
      const [id, hash] = decodeChain(plain, mm5!.header.nextPayload).payloads;
      assert.equal(id!.type, PayloadType.ID);
      assert.equal(hash!.body.toString("hex"), one(f, "HASH_I").toString("hex"));
      assert.equal(hashI(h, keys.skeyid, gxi, gxr, ckyI, ckyR, saiB, id!.body).toString("hex"), one(f, "HASH_I").toString("hex"));
      assert.equal(Buffer.concat([gxi, gxr, ckyI, ckyR, saiB, id!.body]).toString("hex"), one(f, "HASH_I data").toString("hex"));
    });

    test("message 6 decrypts with the chained IV and its HASH_R is the gateway's", () => {
      const plain = decrypt(spec, keys.encryptionKey, lastBlock(mm5!.ciphertext!, spec.blockSize), mm6!.ciphertext!);
      const chain = decodeChain(plain, mm6!.header.nextPayload).payloads;
      const id = chain.find((p) => p.type === PayloadType.ID)!;
      const hash = chain.find((p) => p.type === PayloadType.HASH)!;
      assert.equal(hash.body.toString("hex"), one(f, "HASH_R").toString("hex"));
      assert.equal(hashR(h, keys.skeyid, gxi, gxr, ckyI, ckyR, saiB, id.body).toString("hex"), one(f, "HASH_R").toString("hex"));
    });

    test("our DELETE decrypts with hash(phase-1 IV | M-ID) and its HASH(1) verifies", () => {
      const iv = messageIdIv(h, lastBlock(mm6!.ciphertext!, spec.blockSize), del!.header.messageId, spec.blockSize);
      const chain = decodeChain(decrypt(spec, keys.encryptionKey, iv, del!.ciphertext!), del!.header.nextPayload).payloads;
      assert.equal(chain[0]!.type, PayloadType.HASH);
      assert.deepEqual(chain[0]!.body, hashMessageId(h, keys.skeyidA, del!.header.messageId, chain[1]!.raw));
      const d = decodeDelete(chain[1]!.body);
      assert.deepEqual(d.spis[0], Buffer.concat([ckyI, ckyR]));
    });
  });
}

describe("NIST CAVP IKEv1 KDF vectors (SP 800-135, via libreswan programs/cavp)", () => {
  const sha1 = hashAlg(2);
  test("PSK", () => {
    const ckyI = Buffer.from("83d374c30b3b5082", "hex");
    const ckyR = Buffer.from("5afc0da06c728029", "hex");
    const gxy = Buffer.from("739003ba2c11c982946c65e26acf661fbf8ebb78011a9fead79efa12fe3e71cc", "hex");
    const skeyid = skeyidPsk(sha1, Buffer.from("75", "hex"), Buffer.from("b9a2d0e922dc66dd", "hex"), Buffer.from("2130166863b5ddef", "hex"));
    assert.equal(skeyid.toString("hex"), "62b04d112877e442fc3282fc37c076997718a0b9");
    const k = derivePhase1Keys(sha1, skeyid, gxy, ckyI, ckyR, 16);
    assert.equal(k.skeyidD.toString("hex"), "369e5aad1bdb5faf6a3d929d500cdc236710a9ab");
    assert.equal(k.skeyidA.toString("hex"), "588e957d8d790d093b3a39f121473473af78e9bb");
    assert.equal(k.skeyidE.toString("hex"), "cd74b0c048219db81384d3fda8f6cda51e398a2b");
  });
  test("signatures (SKEYID = prf(Ni | Nr, g^xy))", () => {
    const skeyid = skeyidSig(sha1, Buffer.from("69a62284195f1680", "hex"), Buffer.from("80c94ba25c8abda5", "hex"), Buffer.from("8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb", "hex"));
    assert.equal(skeyid.toString("hex"), "707197817fb2d90cf54d1842606bdea59b9f4823");
    const k = derivePhase1Keys(sha1, skeyid, Buffer.from("8ba4cbc73c0187301dc19a975823854dbd641c597f637f8d053a83b9514673eb", "hex"), Buffer.from("8c3bcd3a69831d7f", "hex"), Buffer.from("d2d9a7ff4fbe95a7", "hex"), 16);
    assert.equal(k.skeyidD.toString("hex"), "384be709a8a5e63c3ed160cfe3921c4b37d5b32d");
    assert.equal(k.skeyidA.toString("hex"), "48b327575abe3adba0f279849e289022a13e2b47");
    assert.equal(k.skeyidE.toString("hex"), "a4a415c8e0c38c0da847c356cc61c24df8025560");
  });
});

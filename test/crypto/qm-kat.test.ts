/**
 * Quick Mode known answers: HASH(1), HASH(2), HASH(3), the IV of a new message ID and KEYMAT for
 * both directions, against what strongSwan 5.9.8 logged (ike = 4, chd = 4) for real exchanges with
 * ikeprobe: without PFS (aes128-sha1), with PFS (aes256-sha256-modp2048) and AES-GCM with ECP PFS.
 * Inputs come from the captured packets and the gateway's own Phase 1 keys; the one input strongSwan
 * does not log, the Quick Mode g^xy, comes from our --show-keys (it is an input, not an answer).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePhase2Proposal, keymatLengths } from "../../src/config/esp.ts";
import { cipherSpec, lastBlock } from "../../src/crypto/cipher.ts";
import { hashMessageId, messageIdIv } from "../../src/crypto/v1/keys.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import { IpsecAttr, qmHash2, qmHash3, quickModeKeymat } from "../../src/exchanges/v1/quick-mode.ts";
import { type IsakmpSa, openProtected } from "../../src/exchanges/v1/isakmp-sa.ts";
import { Phase1Attr, attrNumber } from "../../src/wire/v1/attributes.ts";
import { PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeMessage, encodeChain } from "../../src/wire/v1/message.ts";
import { decodeSa } from "../../src/wire/v1/payloads/sa.ts";
import { ikeBytes, katFixtures, one } from "../helpers/fixtures.ts";

const fixtures = katFixtures("strongswan-qm-");

test("there are Quick Mode fixtures with and without PFS, one needing KEYMAT expansion", () => {
  assert.ok(fixtures.some((f) => f.esp === "aes128-sha1"));
  // AES-256 + HMAC-SHA-256 keys: 64 bytes of KEYMAT from a 32-byte PRF, so K2 is used.
  assert.ok(fixtures.some((f) => f.esp === "aes256-sha256-modp2048"));
  const [p] = parsePhase2Proposal("esp", "aes256-sha256-modp2048", { lifetimeSeconds: 1, mode: "tunnel" });
  const l = keymatLengths(p!);
  assert.equal(l.enc + l.integ, 64);
});

for (const f of fixtures) {
  describe(`strongSwan Quick Mode KAT ${f.esp}`, () => {
    const msgs = f.packets.map((p) => decodeMessage(ikeBytes(p)));
    const [mm1, mm2, , , , mm6, qm1, qm2, qm3] = msgs;
    const t = decodeSa(mm2!.payloads.find((p) => p.type === PayloadType.SA)!.body).proposals[0]!.transforms[0]!.attributes;
    const h = hashAlg(attrNumber(t, Phase1Attr.HASH_ALGORITHM)!);
    const cipher = cipherSpec(attrNumber(t, Phase1Attr.ENCRYPTION_ALGORITHM)!, attrNumber(t, Phase1Attr.KEY_LENGTH));
    // The gateway's own Phase 1 keys (the Main Mode KAT checks that ours are the same).
    const sa: IsakmpSa = {
      hash: h,
      cipher,
      keys: { skeyid: one(f, "SKEYID"), skeyidD: one(f, "SKEYID_d"), skeyidA: one(f, "SKEYID_a"), skeyidE: one(f, "SKEYID_e"), encryptionKey: one(f, "encryption key Ka") },
      initiatorCookie: mm1!.header.initiatorCookie,
      responderCookie: mm2!.header.responderCookie,
      phase1LastBlock: lastBlock(mm6!.ciphertext!, cipher.blockSize),
      natVariant: "rfc3947",
      floated: true,
      local: { address: "198.18.1.2", port: 0 },
      remote: { address: "198.18.1.1", port: 4500 },
    };
    const mid = qm1!.header.messageId;
    const iv1 = messageIdIv(h, sa.phase1LastBlock, mid, cipher.blockSize);
    const [hash1, ...after1] = openProtected(sa, qm1!, iv1);
    const [hash2, ...after2] = openProtected(sa, qm2!, lastBlock(qm1!.ciphertext!, cipher.blockSize));
    const [hash3] = openProtected(sa, qm3!, lastBlock(qm2!.ciphertext!, cipher.blockSize));
    const ni = after1.find((p) => p.type === PayloadType.NONCE)!.body;
    const nr = after2.find((p) => p.type === PayloadType.NONCE)!.body;

    test("the IV of the new message ID is hash(phase-1 IV | M-ID), as the gateway computed it", () => {
      assert.equal(iv1.toString("hex"), one(f, `next IV for MID ${mid}`, 0).toString("hex"));
    });

    test("HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] | IDci | IDcr)", () => {
      assert.equal(hash1!.body.toString("hex"), one(f, "Hash(1)").toString("hex"));
      assert.deepEqual(hashMessageId(h, sa.keys.skeyidA, mid, encodeChain(after1).bytes), one(f, "Hash(1)"));
    });

    test("HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] | IDci | IDcr) verifies", () => {
      assert.equal(hash2!.body.toString("hex"), one(f, "Hash(2)").toString("hex"));
      assert.deepEqual(qmHash2(h, sa.keys.skeyidA, mid, ni, after2.map((p) => p.raw)), one(f, "Hash(2)"));
    });

    test("HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)", () => {
      assert.equal(hash3!.body.toString("hex"), one(f, "Hash(3)").toString("hex"));
      assert.deepEqual(qmHash3(h, sa.keys.skeyidA, mid, ni, nr), one(f, "Hash(3)"));
    });

    test("KEYMAT for both directions matches the gateway's initiator and responder keys", () => {
      const ours = decodeSa(after1.find((p) => p.type === PayloadType.SA)!.body).proposals[0]!;
      const theirs = decodeSa(after2.find((p) => p.type === PayloadType.SA)!.body).proposals[0]!;
      const ta = theirs.transforms[0]!.attributes;
      const [p] = parsePhase2Proposal("esp", f.esp!, { lifetimeSeconds: 3600, mode: "tunnel" });
      const authAlg = attrNumber(ta, IpsecAttr.AUTH_ALGORITHM);
      const keyBits = attrNumber(ta, IpsecAttr.KEY_LENGTH);
      const lens = keymatLengths({ protocol: "esp", transformId: theirs.transforms[0]!.id, ...(keyBits !== undefined ? { keyBits } : {}), ...(authAlg !== undefined ? { authAlg } : {}) });
      const gxy = p!.pfsGroup !== undefined ? Buffer.from(f.inputs!.pfsSharedSecret!, "hex") : undefined;
      // Traffic from us (the initiator) is keyed with the gateway's SPI, traffic to us with ours.
      const out = quickModeKeymat(h, sa.keys.skeyidD, gxy, 3, theirs.spi, ni, nr, lens.enc + lens.integ);
      const inn = quickModeKeymat(h, sa.keys.skeyidD, gxy, 3, ours.spi, ni, nr, lens.enc + lens.integ);
      assert.equal(out.subarray(0, lens.enc).toString("hex"), one(f, "encryption initiator key").toString("hex"));
      assert.equal(inn.subarray(0, lens.enc).toString("hex"), one(f, "encryption responder key").toString("hex"));
      if (lens.integ > 0) {
        assert.equal(out.subarray(lens.enc).toString("hex"), one(f, "integrity initiator key").toString("hex"));
        assert.equal(inn.subarray(lens.enc).toString("hex"), one(f, "integrity responder key").toString("hex"));
      }
    });
  });
}

/** The one algorithm registry: every table the code uses is read from it, and it agrees with OpenSSL and the RFCs. */
import assert from "node:assert/strict";
import { getCiphers, getHashes } from "node:crypto";
import { test } from "node:test";
import { AEAD, ENCRYPTION, GROUPS, HASHES, encryptionTokenFor } from "../../src/data/algorithms.ts";
import { ENCRYPTION_TOKENS, GROUP_TOKENS, HASH_TOKENS, encryptionToken, groupToken, hashToken, parseIkeProposal } from "../../src/config/ike.ts";
import { espEncryptionToken, integrityToken, keymatLengths, parsePhase2Proposal } from "../../src/config/esp.ts";
import { cipherSpec } from "../../src/crypto/cipher.ts";
import { groupInfo } from "../../src/crypto/dh.ts";
import { GROUP_RATINGS, rateIkev2, ratePhase1 } from "../../src/data/ratings.ts";
import { wiresharkEspAlgorithms } from "../../src/report/render/wireshark.ts";

test("every Phase 1 token parses and names itself back (aliases to their canonical token)", () => {
  for (const tok of Object.keys(ENCRYPTION_TOKENS)) {
    const [t] = parseIkeProposal(`${tok}-sha256-modp2048`, 1, 3600);
    const canonical = encryptionToken(t!.encryption, t!.keyBits);
    assert.equal(ENCRYPTION_TOKENS[canonical]!.id, ENCRYPTION_TOKENS[tok]!.id, tok);
  }
  for (const [tok, id] of Object.entries(HASH_TOKENS)) assert.equal(HASH_TOKENS[hashToken(id)], id, tok);
  for (const [tok, n] of Object.entries(GROUP_TOKENS)) assert.equal(GROUP_TOKENS[groupToken(n)], n, tok);
  assert.equal(encryptionToken(7), "aes128");
  assert.equal(encryptionToken(7, 256), "aes256");
  assert.equal(encryptionToken(6), "cast128");
  assert.equal(encryptionToken(99), "enc99");
  assert.equal(hashToken(2), "sha1");
});

test("a cipher's token for a key length: strongSwan's spelling, the bits in the family's place", () => {
  const row = (tok: string) => ENCRYPTION.find((e) => e.tokens[0] === tok)!;
  const cases: [string, number | undefined, string][] = [
    ["aes128", 256, "aes256"], ["aes128", undefined, "aes128"], ["aes256", 192, "aes192"], ["aes128ctr", 256, "aes256ctr"],
    ["camellia128", 192, "camellia192"], ["blowfish128", 448, "blowfish448"], ["cast128", undefined, "cast128"],
    ["3des", 192, "3des"], ["des", 64, "des"], ["null", undefined, "null"],
  ];
  for (const [tok, bits, want] of cases) assert.equal(encryptionTokenFor(row(tok), bits), want, `${tok} ${bits}`);
});

test("ciphers and digests exist in this OpenSSL under the registry's names (Blowfish, CAST, DES only with the legacy provider)", () => {
  const ciphers = new Set(getCiphers());
  for (const e of ENCRYPTION.filter((x) => x.node !== "" && x.offered !== false && !["bf-cbc", "cast5-cbc", "des-cbc"].includes(x.node))) {
    assert.ok(ciphers.has(e.node.replace("{bits}", String(e.keyBits))), e.node);
  }
  for (const h of HASHES.filter((x) => x.node !== "")) assert.ok(getHashes().includes(h.node), h.node);
  assert.deepEqual(cipherSpec(7, 256), { id: 7, keyLength: 32, blockSize: 16, node: "aes-256-cbc" });
  assert.deepEqual(cipherSpec(5, undefined), { id: 5, keyLength: 24, blockSize: 8, node: "des-ede3-cbc" });
  assert.throws(() => cipherSpec(7, 512), /AES with a 512-bit key/);
  assert.throws(() => cipherSpec(2, undefined), /encryption algorithm 2 is not supported/);
});

test("DH groups: KE lengths per RFC 2409 / 3526 / 5903 / 8031", () => {
  assert.equal(groupInfo(14)?.keLength, 256);
  assert.equal(groupInfo(2)?.keLength, 128);
  assert.equal(groupInfo(19)?.keLength, 64);
  assert.equal(groupInfo(21)?.keLength, 132);
  assert.equal(groupInfo(31)?.keLength, 32);
  assert.equal(groupInfo(24)?.keLength, 256);
  assert.equal(groupInfo(99), undefined);
  assert.equal(GROUPS.length, new Set(GROUPS.map((g) => g.number)).size, "one row per group");
});

test("ESP: tokens, KEYMAT lengths (RFC 4106 §8.1 salt 4, RFC 4309 §7.1 salt 3, RFC 3686 nonce 4) and Wireshark's names", () => {
  const base = { lifetimeSeconds: 3600, mode: "tunnel" as const };
  const [gcm] = parsePhase2Proposal("esp", "aes256gcm16", base);
  assert.deepEqual(keymatLengths(gcm!), { enc: 36, integ: 0 });
  assert.equal(espEncryptionToken(gcm!.transformId, gcm!.keyBits), "aes256gcm16");
  const [ccm] = parsePhase2Proposal("esp", "aes128ccm8", base);
  assert.deepEqual(keymatLengths(ccm!), { enc: 19, integ: 0 });
  const [ctr] = parsePhase2Proposal("esp", "aes192ctr-sha256", base);
  assert.deepEqual(keymatLengths(ctr!), { enc: 28, integ: 32 });
  const [tdes] = parsePhase2Proposal("esp", "3des-md5", base);
  assert.deepEqual(keymatLengths(tdes!), { enc: 24, integ: 16 });
  assert.equal(integrityToken(5), "sha256");
  // GCM and CCM with three ICVs and three key sizes, and ChaCha20-Poly1305 (RFC 7634 §2: a 32-byte key and a 4-byte salt).
  assert.equal(AEAD.length, 19);
  const [chacha] = parsePhase2Proposal("esp", "chacha20poly1305", base);
  assert.deepEqual(keymatLengths(chacha!), { enc: 36, integ: 0 });
  assert.deepEqual(wiresharkEspAlgorithms("aes128gcm12", null), { enc: "AES-GCM with 12 octet ICV [RFC4106]", auth: "NULL" });
  assert.deepEqual(wiresharkEspAlgorithms("aes256", "sha512"), { enc: "AES-CBC [RFC3602]", auth: "HMAC-SHA-512-256 [RFC4868]" });
  assert.deepEqual(wiresharkEspAlgorithms("3des", "sha1"), { enc: "TripleDES-CBC [RFC2451]", auth: "HMAC-SHA-1-96 [RFC2404]" });
});

test("ratings come from the registry rows", () => {
  assert.equal(GROUP_RATINGS.modp1024?.severity, "HIGH");
  assert.deepEqual(ratePhase1({ encryption: "3des", hash: "md5", group: "modp768", auth: "xauth-psk" }).severity, "CRITICAL");
  assert.deepEqual(ratePhase1({ encryption: "aes256", hash: "sha256", group: "modp2048", auth: "psk" }), { severity: "OK", reasons: [] });
});

test("IKEv2 ratings by RFC 8247's levels: MUST NOT is CRITICAL or HIGH, SHOULD NOT and MUST- are MEDIUM or LOW, each with its section", () => {
  const rate = (cipher: { id: number; keyLength?: number }, prf: number, integ: number | null, group: number) => rateIkev2({ cipher, prf, integ, group });
  // AES-CBC-256, PRF/INTEG SHA2-256, group 14: RFC 8247 §3.1-§3.4 MUST.
  assert.deepEqual(rate({ id: 12, keyLength: 256 }, 5, 12, 14), { severity: "OK", reasons: [] });
  // AES-GCM-16 with a 128-bit key, ChaCha20-Poly1305, group 19 and Curve25519: nothing to say.
  assert.deepEqual(rate({ id: 20, keyLength: 128 }, 7, null, 19), { severity: "OK", reasons: [] });
  assert.deepEqual(rate({ id: 28 }, 5, null, 31), { severity: "OK", reasons: [] });
  const des = rate({ id: 2 }, 1, 1, 1);
  assert.equal(des.severity, "CRITICAL");
  assert.ok(des.reasons.some((r) => /RFC 8247 §3\.1 MUST NOT/.test(r)));
  assert.ok(des.reasons.some((r) => /RFC 8247 §3\.2 and §3\.3 MUST NOT/.test(r)), "MD5, once for PRF and integrity");
  assert.ok(des.reasons.some((r) => /RFC 8247 §3\.4 MUST NOT/.test(r)));
  const sha1 = rate({ id: 12, keyLength: 128 }, 2, 2, 5);
  assert.equal(sha1.severity, "MEDIUM");
  assert.equal(sha1.reasons.length, 2);
  assert.ok(sha1.reasons[0]!.includes("RFC 8247 §3.2 and §3.3 MUST-") && sha1.reasons[1]!.includes("RFC 8247 §3.4 SHOULD NOT"), sha1.reasons.join(" | "));
  assert.equal(rate({ id: 12, keyLength: 192 }, 5, 12, 14).severity, "INFO", "192-bit keys stay at MAY");
  assert.equal(rate({ id: 18, keyLength: 128 }, 5, null, 14).severity, "INFO", "GCM with an 8-octet ICV is not listed");
  assert.equal(rate({ id: 99 }, 5, 12, 14).reasons[0], "cipher 99: not in ikeprobe's registry");
});

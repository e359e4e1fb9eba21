import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cipherAvailable, cipherSpec, decrypt, encrypt, pad, warmCipher } from "../../src/crypto/cipher.ts";
import { createKeyExchange, groupInfo } from "../../src/crypto/dh.ts";
import { expandKa } from "../../src/crypto/v1/keys.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import { ProtocolError, UnsupportedError } from "../../src/errors.ts";

describe("key exchange", () => {
  for (const g of [1, 2, 5, 14, 15, 16, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32]) {
    test(`group ${g}: both sides agree, values have the wire length`, () => {
      const a = createKeyExchange(g);
      const b = createKeyExchange(g);
      const info = groupInfo(g)!;
      assert.equal(a.publicValue.length, info.keLength);
      const s1 = a.computeSecret(b.publicValue);
      assert.deepEqual(s1, b.computeSecret(a.publicValue));
      // MODP secrets are prime-length; ECP secrets are the X coordinate only.
      assert.equal(s1.length, info.kind === "ecp" ? info.keLength / 2 : info.keLength);
    });
  }

  test("a peer value of the wrong length or a degenerate value is refused", () => {
    const a = createKeyExchange(14);
    assert.throws(() => a.computeSecret(Buffer.alloc(255, 1)), ProtocolError);
    const one = Buffer.alloc(256);
    one[255] = 1;
    assert.throws(() => a.computeSecret(one), /not a valid group 14 element/);
    assert.throws(() => createKeyExchange(19).computeSecret(Buffer.alloc(64, 7)), /not a point/);
    assert.throws(() => createKeyExchange(3), UnsupportedError);
  });

  test("the KE sizes of RFC 5903 §7, RFC 6954 §4 and RFC 8031 §3; ML-KEM's sizes known, its exchange refused here", () => {
    // ECP: x|y, 66-byte coordinates for P-521; Brainpool likewise; Curve25519/448 raw 32/56 bytes.
    assert.deepEqual([19, 20, 21, 27, 28, 29, 30, 31, 32].map((g) => groupInfo(g)!.keLength), [64, 96, 132, 56, 64, 96, 128, 32, 56]);
    // FIPS 203: the encapsulation keys an initiator sends.
    assert.deepEqual([35, 36, 37].map((g) => groupInfo(g)!.keLength), [800, 1184, 1568]);
    assert.throws(() => createKeyExchange(36), /ML-KEM is not in this Node's OpenSSL/);
  });
});

describe("ciphers", () => {
  test("padding is 1..B bytes, the last holding count-1", () => {
    assert.deepEqual(pad(Buffer.alloc(16), 16).subarray(16), Buffer.from([...new Array(15).fill(0), 15]));
    assert.deepEqual(pad(Buffer.alloc(5), 8).subarray(5), Buffer.from([0, 0, 2]));
  });

  test("single DES works with or without OpenSSL's legacy provider (3DES K|K|K)", () => {
    const spec = cipherSpec(1, undefined);
    assert.ok(cipherAvailable(spec));
    const key = Buffer.from("0123456789abcdef", "hex");
    const ct = encrypt(spec, key, Buffer.alloc(8), Buffer.from("12345678"));
    assert.equal(decrypt(spec, key, Buffer.alloc(8), ct).subarray(0, 8).toString(), "12345678");
  });

  test("a ciphertext that is not whole blocks is a ProtocolError", () => {
    assert.throws(() => decrypt(cipherSpec(7, 128), Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(20)), ProtocolError);
  });

  test("warmCipher: a block each way for every cipher this machine has, nothing for one it lacks; encryption unchanged after", () => {
    // RFC 3602 §4 case #1: AES-128-CBC, one block.
    const key = Buffer.from("06a9214036b8a15b512e03d534120006", "hex");
    const iv = Buffer.from("3dafba429d9eb430b422da802c9fac41", "hex");
    const before = encrypt(cipherSpec(7, 128), key, iv, Buffer.from("Single block msg"));
    for (const [id, bits] of [[7, 128], [7, 192], [7, 256], [5, undefined], [1, undefined], [3, 128], [6, 128], [8, 256]] as const) {
      const spec = cipherSpec(id, bits);
      assert.doesNotThrow(() => warmCipher(spec), spec.node);
    }
    const after = encrypt(cipherSpec(7, 128), key, iv, Buffer.from("Single block msg"));
    assert.deepEqual(after, before);
    assert.equal(before.subarray(0, 16).toString("hex"), "e353779c1079aeb82708942dbe77181a");
  });

  test("Blowfish/CAST availability is detected, not assumed", () => {
    const bf = cipherSpec(3, 128);
    if (!cipherAvailable(bf)) assert.throws(() => encrypt(bf, Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(8)), /not supported on this machine/);
    else assert.equal(encrypt(bf, Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(8)).length, 16);
  });
});

test("Appendix B: expansion only when SKEYID_e is too short", () => {
  const sha1 = hashAlg(2);
  const e = Buffer.from("cd74b0c048219db81384d3fda8f6cda51e398a2b", "hex");
  assert.deepEqual(expandKa(sha1, e, 16), e.subarray(0, 16));
  const k = expandKa(sha1, e, 32);
  const k1 = sha1.prf(e, Buffer.from([0]));
  assert.deepEqual(k, Buffer.concat([k1, sha1.prf(e, k1)]).subarray(0, 32));
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { addVendorIds, nameVendorId, parseVendorIdFile } from "../../src/data/vendor-ids.ts";
import { ratePhase1 } from "../../src/data/ratings.ts";

const md5 = (s: string) => createHash("md5").update(s).digest();

test("vendor IDs are named from public values: exact, prefix with version bytes, most specific wins", () => {
  assert.equal(nameVendorId(md5("RFC 3947")), "RFC 3947 NAT-T");
  assert.equal(nameVendorId(Buffer.from("afcad71368a1f1c96b8696fc77570100", "hex")), "Dead Peer Detection v1.0");
  assert.equal(nameVendorId(Buffer.from("afcad71368a1f1c96b8696fc77570101", "hex")), "Dead Peer Detection");
  assert.equal(nameVendorId(Buffer.concat([md5("FRAGMENTATION"), Buffer.from("80000000", "hex")])), "IKE Fragmentation");
  assert.equal(nameVendorId(Buffer.from("12f5f28c457168a9702d9fe274cc0100", "hex")), "Cisco Unity");
  assert.equal(nameVendorId(Buffer.from("4f452d4c696272657377616e2d342e3130", "hex")), "Libreswan");
  assert.equal(nameVendorId(md5("strongSwan")), "strongSwan");
  assert.equal(nameVendorId(Buffer.alloc(16, 0x5a)), undefined);
});

test("--vendor-ids FILE adds names, prefix entries with *", () => {
  const { entries, errors } = parseVendorIdFile("# lab\n5a5a5a5a* Example Gateway\nabcd Tiny\n\nzz nope\n");
  assert.deepEqual(errors, ["line 5: expected HEX[*] NAME, e.g. \"1d6e178f6c2c0be284985465450fe9d4 FortiGate\""]);
  addVendorIds(entries);
  assert.equal(nameVendorId(Buffer.alloc(16, 0x5a)), "Example Gateway");
  assert.equal(nameVendorId(Buffer.from("abcd", "hex")), "Tiny");
});

test("ratings: worst component wins, every reason listed", () => {
  assert.deepEqual(ratePhase1({ encryption: "aes256", hash: "sha256", group: "modp2048", auth: "psk" }), { severity: "OK", reasons: [] });
  const r = ratePhase1({ encryption: "des", hash: "md5", group: "modp768", auth: "xauth-psk" });
  assert.equal(r.severity, "CRITICAL");
  assert.equal(r.reasons.length, 4);
  assert.equal(ratePhase1({ encryption: "3des", hash: "sha1", group: "modp2048", auth: "psk" }).severity, "MEDIUM");
});

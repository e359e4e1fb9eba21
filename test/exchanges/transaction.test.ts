/** Transaction exchange (XAUTH, Mode-Config): codec, IV chains per message ID, hostile input. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { cipherSpec } from "../../src/crypto/cipher.ts";
import { hashAlg } from "../../src/crypto/prf.ts";
import type { IsakmpSa } from "../../src/exchanges/v1/isakmp-sa.ts";
import { CfgAttr, CfgType, TransactionCodec, tlvAttr, tvAttr } from "../../src/exchanges/v1/transaction.ts";
import { decodeAttributePayload as decodeCfg, encodeAttributePayload as encodeCfg } from "../../src/wire/v1/payloads/attribute.ts";
import { modeConfigReport } from "../../src/report/build/session.ts";
import { decodeMessage } from "../../src/wire/v1/message.ts";

function sa(): IsakmpSa {
  return {
    hash: hashAlg(4),
    cipher: cipherSpec(7, 256),
    keys: { skeyid: randomBytes(32), skeyidD: randomBytes(32), skeyidA: randomBytes(32), skeyidE: randomBytes(32), encryptionKey: randomBytes(32) },
    initiatorCookie: randomBytes(8),
    responderCookie: randomBytes(8),
    phase1LastBlock: randomBytes(16),
    natVariant: null,
    floated: false,
    local: { address: "198.18.1.2", port: 500 },
    remote: { address: "198.18.1.1", port: 500 },
  };
}

describe("Transaction exchange", () => {
  test("ATTR payload encodes TV and TLV attributes and decodes them back", () => {
    const p = { cfgType: CfgType.REPLY, identifier: 0xbeef, attributes: [tvAttr(CfgAttr.XAUTH_TYPE, 0), tlvAttr(CfgAttr.XAUTH_USER_NAME, "alice"), tlvAttr(CfgAttr.INTERNAL_IP4_ADDRESS)] };
    const body = encodeCfg(p);
    assert.equal(body.toString("hex"), "0200beef" + "c0880000" + "4089" + "0005" + Buffer.from("alice").toString("hex") + "00010000");
    assert.deepEqual(decodeCfg(body), { ...p, raw: body });
  });

  test("request and reply share a message ID and its IV chain; a new ID starts a new chain", () => {
    const s = sa();
    const gateway = new TransactionCodec(s);
    const client = new TransactionCodec(s);
    const req = gateway.seal({ cfgType: CfgType.REQUEST, identifier: 7, attributes: [tlvAttr(CfgAttr.XAUTH_USER_NAME), tlvAttr(CfgAttr.XAUTH_USER_PASSWORD)] });
    const got = client.open(decodeMessage(req.message));
    assert.equal(got?.messageId, req.messageId);
    assert.deepEqual(got?.cfg.attributes.map((a) => a.type), [CfgAttr.XAUTH_USER_NAME, CfgAttr.XAUTH_USER_PASSWORD]);
    const reply = client.seal({ cfgType: CfgType.REPLY, identifier: 7, attributes: [tlvAttr(CfgAttr.XAUTH_USER_NAME, "alice")] }, req.messageId);
    assert.equal(gateway.open(decodeMessage(reply.message))?.cfg.cfgType, CfgType.REPLY);
    // The SET in the same message ID continues the chain; in a new one it starts afresh: both open.
    const setSame = gateway.seal({ cfgType: CfgType.SET, identifier: 8, attributes: [tvAttr(CfgAttr.XAUTH_STATUS, 1)] }, req.messageId);
    assert.equal(client.open(decodeMessage(setSame.message))?.cfg.cfgType, CfgType.SET);
    const setNew = gateway.seal({ cfgType: CfgType.SET, identifier: 9, attributes: [tvAttr(CfgAttr.XAUTH_STATUS, 1)] });
    assert.notEqual(setNew.messageId, req.messageId);
    assert.equal(client.open(decodeMessage(setNew.message))?.cfg.identifier, 9);
  });

  test("a message under other keys, a forged HASH or a truncated attribute is dropped, not trusted", () => {
    const s = sa();
    const other = { ...sa(), initiatorCookie: s.initiatorCookie, responderCookie: s.responderCookie };
    const client = new TransactionCodec(s);
    assert.equal(client.open(decodeMessage(new TransactionCodec(other).seal({ cfgType: 1, identifier: 1, attributes: [] }).message)), undefined);
    // Same keys, forged HASH: flip a byte of the ciphertext's first block (the HASH payload).
    const good = new TransactionCodec(s).seal({ cfgType: 1, identifier: 1, attributes: [tlvAttr(CfgAttr.XAUTH_USER_NAME)] }).message;
    const bad = Buffer.from(good);
    bad[28 + 5] = bad[28 + 5]! ^ 0x40;
    assert.equal(new TransactionCodec(s).open(decodeMessage(bad)), undefined);
    assert.throws(() => decodeCfg(Buffer.from("01000001" + "0001" + "0010" + "00", "hex")), /attribute 1 length 16 exceeds the 1 bytes left/);
  });

  test("Mode-Config attributes become address, DNS, domain, banner and split networks", () => {
    const ip = (a: string): Buffer => Buffer.from(a.split(".").map(Number));
    const r = modeConfigReport(
      "pull",
      {
        cfgType: CfgType.REPLY,
        identifier: 1,
        attributes: [
          tlvAttr(CfgAttr.INTERNAL_IP4_ADDRESS, ip("10.3.0.1")),
          tlvAttr(CfgAttr.INTERNAL_IP4_NETMASK, ip("255.255.255.0")),
          tlvAttr(CfgAttr.INTERNAL_IP4_DNS, ip("10.3.0.53")),
          tlvAttr(CfgAttr.INTERNAL_IP4_DNS, ip("10.3.0.54")),
          tlvAttr(CfgAttr.UNITY_DEF_DOMAIN, "lab.example"),
          tlvAttr(CfgAttr.UNITY_BANNER, "Welcome\u0007!"),
          tlvAttr(CfgAttr.UNITY_SPLIT_INCLUDE, Buffer.concat([ip("10.3.0.0"), ip("255.255.0.0"), Buffer.alloc(6), ip("192.0.2.0"), ip("255.255.255.0"), Buffer.alloc(6)])),
          tlvAttr(CfgAttr.INTERNAL_IP4_SUBNET, Buffer.concat([ip("172.16.0.0"), ip("255.240.0.0")])),
          tlvAttr(CfgAttr.INTERNAL_IP6_ADDRESS, Buffer.concat([Buffer.from("20010db8000000000000000000000001", "hex"), Buffer.from([64])])),
          tlvAttr(CfgAttr.INTERNAL_IP4_NBNS),
        ],
      },
      1.5,
    );
    assert.equal(r.status, "received");
    assert.equal(r.address, "10.3.0.1");
    assert.equal(r.netmask, "255.255.255.0");
    assert.deepEqual(r.dns, ["10.3.0.53", "10.3.0.54"]);
    assert.equal(r.domain, "lab.example");
    assert.equal(r.banner, "Welcome\\x07!", "control characters from the gateway are escaped");
    assert.deepEqual(r.splitNetworks, ["10.3.0.0/16", "192.0.2.0/24", "172.16.0.0/12"]);
    assert.ok(r.attributes.some((a) => a.name === "INTERNAL_IP6_ADDRESS" && a.value === "2001:db8::1"));
    assert.ok(!r.attributes.some((a) => a.name === "INTERNAL_IP4_NBNS"), "empty attributes are not listed as values");
  });
});

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DecodeError } from "../../src/errors.ts";
import { type Attribute, Phase1Attr, attrNumber, decodeAttributes, encodeAttributes, encodedAttributeLength, lifetimes } from "../../src/wire/v1/attributes.ts";
import { ExchangeType, PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeHeader, encodeHeader } from "../../src/wire/header.ts";
import { decodeChain, decodeMessage, encodeChain, encodeMessage } from "../../src/wire/v1/message.ts";
import { decodeDelete, encodeDelete } from "../../src/wire/v1/payloads/delete.ts";
import { decodeId, describeId, encodeId } from "../../src/wire/v1/payloads/identification.ts";
import { bytesToIp, ipToBytes } from "../../src/wire/ip.ts";
import { decodeNotification, encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { decodeSa, encodeSa, ipsecSa } from "../../src/wire/v1/payloads/sa.ts";
import { Reader } from "../../src/wire/reader.ts";
import { Writer } from "../../src/wire/writer.ts";
import { ikeBytes, katFixtures } from "../helpers/fixtures.ts";
import { readAnnotatedHex } from "../helpers/hex.ts";
import { noRaw, roundTrip, truncateAtEveryOffset } from "../helpers/codec.ts";

describe("attributes", () => {
  test("TV and TLV round trip; lengths", () => {
    const attrs: Attribute[] = [
      { type: 1, value: 7, format: "tv" },
      { type: 14, value: 256, format: "tv" },
      { type: 12, value: 86400, format: "tlv" },
      { type: 12, value: 2 ** 40, format: "tlv" },
      { type: 6, value: Buffer.alloc(9, 0xab), format: "tlv" },
    ];
    const bytes = encodeAttributes(attrs);
    assert.equal(bytes.length, attrs.reduce((n, a) => n + encodedAttributeLength(a), 0));
    const back = decodeAttributes(new Reader(bytes));
    assert.deepEqual(back.slice(0, 3), attrs.slice(0, 3));
    assert.deepEqual(back[4], attrs[4]);
    assert.deepEqual(encodeAttributes(back), bytes);
  });

  test("a life duration may come as TV or as a TLV of any length", () => {
    for (const hex of ["800b0001800c7080", "800b0001000c000400007080", "800b0001000c00027080", "800b0001000c00080000000000007080"]) {
      const attrs = decodeAttributes(new Reader(Buffer.from(hex, "hex")));
      assert.equal(lifetimes(attrs, Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION).seconds, 28800, hex);
    }
  });

  test("a TLV longer than the data is a DecodeError", () => {
    assert.throws(() => decodeAttributes(new Reader(Buffer.from("000c0010aabb", "hex"))), DecodeError);
  });
});

describe("payload round trips", () => {
  test("header", () => {
    const h = { initiatorCookie: Buffer.alloc(8, 1), responderCookie: Buffer.alloc(8, 2), nextPayload: 1, version: 0x10, exchangeType: 2, flags: 1, messageId: 0xdeadbeef, length: 28 };
    roundTrip(h, encodeHeader, decodeHeader);
    truncateAtEveryOffset(encodeHeader(h), decodeHeader);
  });

  test("SA with several proposals and transforms", () => {
    const sa = ipsecSa([
      { number: 1, protocolId: 3, spi: Buffer.from("c0ffee01", "hex"), transforms: [{ number: 1, id: 12, attributes: [{ type: 1, value: 1, format: "tv" }, { type: 2, value: 3600, format: "tv" }, { type: 6, value: 256, format: "tv" }] }, { number: 2, id: 3, attributes: [] }] },
      { number: 2, protocolId: 2, spi: Buffer.from("c0ffee02", "hex"), transforms: [{ number: 1, id: 5, attributes: [{ type: 4, value: 1, format: "tv" }] }] },
    ]);
    roundTrip(sa, encodeSa, decodeSa, noRaw);
    truncateAtEveryOffset(encodeSa(sa), decodeSa);
  });

  test("identification", () => {
    const id = { idType: 2, protocolId: 17, port: 500, data: Buffer.from("gw.example") };
    roundTrip(id, encodeId, decodeId, noRaw);
    truncateAtEveryOffset(encodeId(id), decodeId, 4);
    assert.deepEqual(describeId(id), { type: "fqdn", value: "gw.example" });
  });

  test("notification", () => {
    const n = { doi: 1, protocolId: 1, notifyType: 14, spi: Buffer.alloc(16, 7), data: Buffer.from("hello") };
    roundTrip(n, encodeNotification, decodeNotification, noRaw);
    truncateAtEveryOffset(encodeNotification(n), decodeNotification, 8 + 16);
  });

  test("delete", () => {
    const d = { doi: 1, protocolId: 3, spiSize: 4, spis: [Buffer.from("00000101", "hex"), Buffer.from("00000102", "hex")] };
    roundTrip(d, encodeDelete, decodeDelete, noRaw);
    truncateAtEveryOffset(encodeDelete(d), decodeDelete);
  });

  test("payload chain and message", () => {
    const payloads = [
      { type: PayloadType.SA, body: encodeSa(ipsecSa([{ number: 1, protocolId: 1, spi: Buffer.alloc(0), transforms: [{ number: 1, id: 1, attributes: [] }] }])) },
      { type: PayloadType.VENDOR_ID, body: Buffer.from("afcad71368a1f1c96b8696fc77570100", "hex") },
    ];
    const chain = encodeChain(payloads);
    const msg = encodeMessage({ initiatorCookie: Buffer.alloc(8, 9), responderCookie: Buffer.alloc(8), nextPayload: chain.firstType, version: 0x10, exchangeType: 2, flags: 0, messageId: 0 }, chain.bytes);
    const back = decodeMessage(msg);
    assert.deepEqual(back.payloads.map((p) => ({ type: p.type, body: p.body })), payloads);
    assert.deepEqual(Buffer.concat(back.payloads.map((p) => p.raw)), chain.bytes);
    truncateAtEveryOffset(msg, (b) => decodeMessage(b));
  });

  test("addresses", () => {
    for (const ip of ["198.18.1.1", "2001:db8::1", "::", "fe80::1:2:3:4", "2001:db8:0:0:1::", "::ffff:198.18.0.1"]) {
      const b = ipToBytes(ip);
      assert.equal(b.length, ip.includes(":") ? 16 : 4);
      assert.deepEqual(ipToBytes(bytesToIp(b)), b);
    }
    assert.equal(bytesToIp(ipToBytes("2001:0db8:0000:0000:0000:0000:0000:0001")), "2001:db8::1");
  });
});

describe("golden packets from strongSwan", () => {
  const mm2 = readAnnotatedHex("strongswan-mm2.hex");

  test("message 2 decodes field by field", () => {
    const m = decodeMessage(mm2);
    assert.equal(m.header.exchangeType, ExchangeType.IDENTITY_PROTECTION);
    assert.equal(m.header.length, 136);
    assert.deepEqual(m.payloads.map((p) => p.type), [1, 13, 13, 13]);
    const sa = decodeSa(m.payloads[0]!.body);
    const t = sa.proposals[0]!.transforms[0]!;
    assert.equal(attrNumber(t.attributes, Phase1Attr.ENCRYPTION_ALGORITHM), 7);
    assert.equal(attrNumber(t.attributes, Phase1Attr.KEY_LENGTH), 256);
    assert.equal(attrNumber(t.attributes, Phase1Attr.HASH_ALGORITHM), 4);
    assert.equal(attrNumber(t.attributes, Phase1Attr.GROUP_DESCRIPTION), 14);
    assert.equal(attrNumber(t.attributes, Phase1Attr.AUTHENTICATION_METHOD), 1);
    assert.equal(lifetimes(t.attributes, Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION).seconds, 28800);
    assert.equal(m.payloads[3]!.body.toString("hex"), "4a131c81070358455c5728f20e95452f");
    assert.deepEqual(encodeSa(sa), m.payloads[0]!.body, "re-encodes to strongSwan's exact bytes");
  });

  test("every prefix of every captured packet is a DecodeError", () => {
    truncateAtEveryOffset(mm2, (b) => decodeMessage(b));
    for (const f of katFixtures()) for (const p of f.packets) truncateAtEveryOffset(ikeBytes(p), (b) => decodeMessage(b));
  });

  test("lenient decoding describes a broken chain instead of throwing", () => {
    const broken = Buffer.from(mm2);
    broken.writeUInt16BE(0x00ff, 28 + 56 + 2); // first VID claims 255 bytes
    assert.throws(() => decodeMessage(broken), DecodeError);
    const chain = decodeChain(broken.subarray(28), 1, { lenient: true });
    assert.equal(chain.payloads.length, 1);
    assert.match(chain.warnings[0]!, /exceeds/);
  });
});

describe("message length", () => {
  const message = (trailing: Buffer): Buffer => {
    const chain = encodeChain([{ type: PayloadType.VENDOR_ID, body: Buffer.from("0102030405", "hex") }]);
    const hdr = { initiatorCookie: Buffer.alloc(8, 1), responderCookie: Buffer.alloc(8, 2), nextPayload: chain.firstType, version: 0x10, exchangeType: ExchangeType.AGGRESSIVE, flags: 0, messageId: 0 };
    return encodeMessage(hdr, Buffer.concat([chain.bytes, trailing]));
  };
  test("up to 3 zero bytes after the last payload are alignment padding (libreswan pads its Aggressive Mode message 2)", () => {
    for (const n of [1, 2, 3]) assert.equal(decodeMessage(message(Buffer.alloc(n))).payloads.length, 1);
  });
  test("anything else after the last payload is malformed", () => {
    assert.throws(() => decodeMessage(message(Buffer.from([0, 7]))), DecodeError);
    assert.throws(() => decodeMessage(message(Buffer.alloc(4))), DecodeError);
    assert.match(decodeMessage(message(Buffer.alloc(4)), { lenient: true }).warnings.join(), /4 bytes after the last payload/);
  });
});

test("Writer: fields past its first buffer, bytes handed out by finish() unchanged by later writes", () => {
  const w = new Writer(4);
  w.u8(0x01).u16(0x0203).u32(0x04050607);
  const first = w.finish();
  assert.equal(first.toString("hex"), "01020304050607");
  for (let i = 0; i < 300; i++) w.u32(i);
  w.bytes(new Uint8Array([0xaa, 0xbb]));
  assert.equal(first.toString("hex"), "01020304050607");
  const all = w.finish();
  assert.equal(all.length, 7 + 1200 + 2);
  assert.equal(w.length, all.length);
  assert.equal(all.readUInt32BE(7 + 4 * 299), 299);
  assert.equal(all.subarray(-2).toString("hex"), "aabb");
  assert.equal(new Writer().u16(0x1ffff).u32(-1).finish().toString("hex"), "ffffffffffff");
});

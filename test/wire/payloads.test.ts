import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DecodeError } from "../../src/errors.ts";
import { CfgAttr, IpsecAttr, attrBytes, attrInt, attributeName, decodeAttributes, encodeAttributes } from "../../src/wire/v1/attributes.ts";
import { PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeMessage, encodeChain, encodeMessage } from "../../src/wire/v1/message.ts";
import { CfgType, attributePayloadLength, decodeAttributePayload, encodeAttributePayload, tlvAttr, tvAttr } from "../../src/wire/v1/payloads/attribute.ts";
import { CertEncoding, certificateLength, decodeCertificate, encodeCertificate } from "../../src/wire/v1/payloads/certificate.ts";
import { certificateRequestLength, decodeCertificateRequest, encodeCertificateRequest } from "../../src/wire/v1/payloads/certificate-request.ts";
import { decodeHash, encodeHash, hashLength } from "../../src/wire/v1/payloads/hash.ts";
import { decodeKeyExchange, encodeKeyExchange, keyExchangeLength } from "../../src/wire/v1/payloads/key-exchange.ts";
import { decodeNatD, encodeNatD, natDLength } from "../../src/wire/v1/payloads/nat-d.ts";
import { decodeNonce, encodeNonce, nonceLength } from "../../src/wire/v1/payloads/nonce.ts";
import { decodeSignature, encodeSignature, signatureLength } from "../../src/wire/v1/payloads/signature.ts";
import { decodeVendorId, encodeVendorId, vendorIdLength } from "../../src/wire/v1/payloads/vendor-id.ts";
import { Reader } from "../../src/wire/reader.ts";
import { ikeBytes, katFixtures } from "../helpers/fixtures.ts";
import { noRaw, roundTrip, truncateAtEveryOffset } from "../helpers/codec.ts";

/** Every prefix of a message carrying `body` as a payload of `type` is a DecodeError, never a RangeError. */
function truncatedMessages(type: number, body: Buffer): void {
  const chain = encodeChain([{ type, body }]);
  const msg = encodeMessage({ initiatorCookie: Buffer.alloc(8, 1), responderCookie: Buffer.alloc(8, 2), nextPayload: chain.firstType, version: 0x10, exchangeType: 2, flags: 0, messageId: 0 }, chain.bytes);
  for (let i = 0; i < msg.length; i++) {
    assert.throws(() => decodeMessage(Buffer.from(msg.subarray(0, i))), (e: unknown) => e instanceof DecodeError, `message prefix of ${i} bytes`);
  }
}

interface Codec<T> {
  name: string;
  type: number;
  value: T;
  encode: (v: T) => Buffer;
  decode: (b: Buffer) => T;
  length: (v: T) => number;
  /** Bodies shorter than this do not decode. */
  minimum: number;
}

const codecs: Codec<never>[] = [
  { name: "key-exchange", type: PayloadType.KE, value: { keyExchangeData: Buffer.alloc(256, 7) }, encode: encodeKeyExchange, decode: decodeKeyExchange, length: keyExchangeLength, minimum: 1 },
  { name: "nonce", type: PayloadType.NONCE, value: { nonceData: Buffer.alloc(32, 9) }, encode: encodeNonce, decode: decodeNonce, length: nonceLength, minimum: 8 },
  { name: "hash", type: PayloadType.HASH, value: { hashData: Buffer.alloc(32, 3) }, encode: encodeHash, decode: (b: Buffer) => decodeHash(b), length: hashLength, minimum: 1 },
  { name: "signature", type: PayloadType.SIG, value: { signatureData: Buffer.alloc(256, 5) }, encode: encodeSignature, decode: decodeSignature, length: signatureLength, minimum: 1 },
  { name: "vendor-id", type: PayloadType.VENDOR_ID, value: { vendorId: Buffer.from("4a131c81070358455c5728f20e95452f", "hex") }, encode: encodeVendorId, decode: decodeVendorId, length: vendorIdLength, minimum: 1 },
  { name: "nat-d", type: PayloadType.NAT_D, value: { hashData: Buffer.alloc(20, 4) }, encode: encodeNatD, decode: (b: Buffer) => decodeNatD(b), length: natDLength, minimum: 1 },
  { name: "certificate", type: PayloadType.CERT, value: { encoding: CertEncoding.X509_SIGNATURE, data: Buffer.from("3082010a0282010100", "hex") }, encode: encodeCertificate, decode: decodeCertificate, length: certificateLength, minimum: 2 },
  { name: "certificate-request", type: PayloadType.CR, value: { certType: CertEncoding.X509_SIGNATURE, authority: Buffer.from("3011310f300d06035504030c06526f6f744341", "hex") }, encode: encodeCertificateRequest, decode: decodeCertificateRequest, length: certificateRequestLength, minimum: 1 },
  {
    name: "attribute",
    type: PayloadType.ATTRIBUTE,
    value: { cfgType: CfgType.REPLY, identifier: 0x1234, attributes: [tvAttr(CfgAttr.XAUTH_TYPE, 0), tlvAttr(CfgAttr.XAUTH_USER_NAME, "alice"), tlvAttr(CfgAttr.INTERNAL_IP4_ADDRESS, Buffer.from([10, 3, 0, 1]))] },
    encode: (v: never) => encodeAttributePayload(v),
    decode: decodeAttributePayload,
    length: attributePayloadLength,
    minimum: 4,
  },
] as unknown as Codec<never>[];

describe("payload codecs (src/wire/v1/payloads)", () => {
  for (const c of codecs) {
    test(`${c.name}: round trip, encoded length, too-short bodies refused, every truncated message a DecodeError`, () => {
      roundTrip(c.value, c.encode, c.decode, noRaw as (v: never) => unknown);
      const bytes = c.encode(c.value);
      assert.equal(c.length(c.value), bytes.length, "encoded length");
      truncateAtEveryOffset(bytes, c.decode, c.minimum);
      truncatedMessages(c.type, bytes);
    });
  }

  test("nonce and hash bounds: 8..256 bytes (RFC 2409 §5), the negotiated hash length", () => {
    assert.throws(() => decodeNonce(Buffer.alloc(257)), /Nonce payload of 257 bytes \(8 to 256 allowed\)/);
    assert.throws(() => decodeHash(Buffer.alloc(20), 32), /Hash payload of 20 bytes \(32 allowed\)/);
    assert.deepEqual(decodeHash(Buffer.alloc(32), 32).hashData, Buffer.alloc(32));
  });

  test("strongSwan's captured payloads decode with the codecs and re-encode to the same bytes", () => {
    let seen = 0;
    for (const f of katFixtures()) {
      for (const p of f.packets) {
        const msg = decodeMessage(ikeBytes(p), { lenient: true });
        for (const pl of msg.payloads) {
          const c = codecs.find((x) => x.type === pl.type);
          if (c === undefined) continue;
          assert.deepEqual(c.encode(c.decode(pl.body)), pl.body, `${f.file}: payload ${pl.type}`);
          seen++;
        }
      }
    }
    assert.ok(seen >= 20, `${seen} captured payloads`);
  });

  test("certificate and request keep their raw bodies; an empty authority means any CA", () => {
    const cr = decodeCertificateRequest(Buffer.from([4]));
    assert.equal(cr.certType, CertEncoding.X509_SIGNATURE);
    assert.equal(cr.authority.length, 0);
    assert.deepEqual(cr.raw, Buffer.from([4]));
    assert.throws(() => decodeCertificate(Buffer.from([4])), /certificate payload without certificate data/);
  });
});

describe("one attribute table for the three spaces", () => {
  test("names from the table: Phase 1, IPsec, Mode-Config", () => {
    assert.equal(attributeName("phase1", 3), "Authentication Method");
    assert.equal(attributeName("ipsec", IpsecAttr.ENCAPSULATION_MODE), "Encapsulation Mode");
    assert.equal(attributeName("config", CfgAttr.UNITY_BANNER), "UNITY_BANNER");
    assert.equal(attributeName("config", 999), "ATTRIBUTE-999");
  });

  test("a 4-byte TLV is a number in an SA (life duration) and bytes in Mode-Config (an address)", () => {
    const bytes = Buffer.from("000c000400015180", "hex"); // class 12, 4 bytes: 86400
    assert.equal(decodeAttributes(new Reader(bytes), "phase1")[0]!.value, 86400);
    const cfg = decodeAttributes(new Reader(Buffer.from("000100040a030001", "hex")), "config")[0]!;
    assert.deepEqual(cfg.value, Buffer.from([10, 3, 0, 1]));
    assert.equal(attrInt(tvAttr(CfgAttr.XAUTH_STATUS, 1)), 1);
    assert.deepEqual(attrBytes(tvAttr(CfgAttr.XAUTH_STATUS, 1)), Buffer.from([0, 1]));
  });
});

describe("encoding with lengths as given (for malformed test packets)", () => {
  test("a payload length and a header length that lie, without patching bytes", () => {
    const chain = encodeChain([{ type: PayloadType.NONCE, body: Buffer.alloc(16), length: 200 }], { fixLengths: false });
    assert.equal(chain.bytes.readUInt16BE(2), 200);
    const msg = encodeMessage({ initiatorCookie: Buffer.alloc(8, 1), responderCookie: Buffer.alloc(8), nextPayload: PayloadType.NONCE, version: 0x10, exchangeType: 2, flags: 0, messageId: 0, length: 60 }, chain.bytes, { fixLengths: false });
    assert.equal(msg.readUInt32BE(24), 60);
    assert.throws(() => decodeMessage(msg), /header announces 60 bytes, datagram has 48/);
    assert.throws(() => decodeMessage(Buffer.concat([msg, Buffer.alloc(12)])), /payload length 200 exceeds/);
    const fixed = encodeChain([{ type: PayloadType.NONCE, body: Buffer.alloc(16), length: 200 }]);
    assert.equal(fixed.bytes.readUInt16BE(2), 20, "lengths fixed by default");
    const attrs = encodeAttributes([{ type: 6, value: Buffer.alloc(2), format: "tlv", length: 9 }], { fixLengths: false });
    assert.throws(() => decodeAttributes(new Reader(attrs)), /attribute 6 length 9 exceeds the 2 bytes left/);
  });
});

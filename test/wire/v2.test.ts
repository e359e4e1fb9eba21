/**
 * The IKEv2 codec (src/wire/v2): every payload round-trips with its length; real answers of
 * strongSwan and libreswan (test/fixtures/ikev2-*.hex, made by test/lab/capture-ikev2.ts) decode to
 * what those gateways are documented to send; every prefix of every capture fails with a
 * DecodeError, never another exception; the critical bit and SK's place at the chain's end are kept.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { DecodeError } from "../../src/errors.ts";
import { readSaInitAnswer } from "../../src/exchanges/v2/ike-sa-init.ts";
import { Ikev2Exchange, Ikev2Notify, Ikev2Payload, ikev2NotifyName } from "../../src/wire/v2/constants.ts";
import { decodeIkev2Message, encodeIkev2Message } from "../../src/wire/v2/message.ts";
import { authLength, decodeAuth, encodeAuth } from "../../src/wire/v2/payloads/auth.ts";
import { certLength, certReqAuthorities, decodeCert, encodeCert } from "../../src/wire/v2/payloads/certificate.ts";
import { cpLength, decodeCp, encodeCp } from "../../src/wire/v2/payloads/configuration.ts";
import { decodeDelete, deleteLength, encodeDelete } from "../../src/wire/v2/payloads/delete.ts";
import { decodeEap, eapLength, encodeEap } from "../../src/wire/v2/payloads/eap.ts";
import { decodeSk, decodeSkf, encodeSk, encodeSkf } from "../../src/wire/v2/payloads/encrypted.ts";
import { decodeId, encodeId, idLength } from "../../src/wire/v2/payloads/identification.ts";
import { decodeKe, encodeKe, keLength } from "../../src/wire/v2/payloads/key-exchange.ts";
import { decodeNotify, encodeNotify, notifyLength } from "../../src/wire/v2/payloads/notify.ts";
import { decodeSa, encodeSa, saLength } from "../../src/wire/v2/payloads/sa.ts";
import { decodeTs, encodeTs, tsLength } from "../../src/wire/v2/payloads/traffic-selector.ts";

const fixture = (name: string): Buffer => Buffer.from(readFileSync(new URL(`../fixtures/${name}.hex`, import.meta.url), "utf8").trim(), "hex");
const CAPTURES = ["strongswan-sa", "strongswan-invalid-ke", "strongswan-no-proposal", "libreswan-sa", "libreswan-invalid-ke", "libreswan-no-proposal"].map((n) => `ikev2-${n}`);

/** encode -> decode gives the value back; the encoded length is the length function's; re-encoding gives the same bytes. */
function roundTrip<T>(value: T, encode: (v: T) => Buffer, decode: (b: Buffer) => T, length: (v: T) => number): void {
  const bytes = encode(value);
  assert.equal(bytes.length, length(value));
  const back = decode(bytes);
  assert.deepEqual(back, value);
  assert.deepEqual(encode(back), bytes);
}

describe("IKEv2 payloads", () => {
  test("SA: proposals with SPIs, transforms with and without Key Length, other attributes kept", () => {
    roundTrip(
      {
        proposals: [
          { number: 1, protocolId: 1, spi: Buffer.alloc(0), transforms: [{ type: 1, id: 12, keyLength: 256 }, { type: 2, id: 5 }, { type: 3, id: 12 }, { type: 4, id: 19 }] },
          { number: 2, protocolId: 3, spi: Buffer.from("01020304", "hex"), transforms: [{ type: 1, id: 20, keyLength: 128 }, { type: 5, id: 0 }] },
        ],
      },
      encodeSa,
      decodeSa,
      saLength,
    );
    // A TLV attribute the codec does not know stays as it came, beside the Key Length.
    const body = Buffer.from("0000001a01010001" + "000000120100000c" + "800e0100" + "00070002abcd", "hex");
    const t = decodeSa(body).proposals[0]!.transforms[0]!;
    assert.equal(t.keyLength, 256);
    assert.equal(t.otherAttributes?.toString("hex"), "00070002abcd");
    assert.deepEqual(encodeSa(decodeSa(body)), body);
  });

  test("SA: lengths that lie are DecodeErrors in strict mode; odd markers are warnings in lenient mode", () => {
    const good = encodeSa({ proposals: [{ number: 1, protocolId: 1, spi: Buffer.alloc(0), transforms: [{ type: 1, id: 3 }] }] });
    const longer = Buffer.from(good);
    longer.writeUInt16BE(200, 2);
    assert.throws(() => decodeSa(longer), (e: unknown) => e instanceof DecodeError && /exceeds/.test(e.message));
    const marked = Buffer.from(good);
    marked[8] = 7; // transform marker
    assert.throws(() => decodeSa(marked), DecodeError);
    assert.match(decodeSa(marked, { lenient: true }).warnings!.join(), /substructure marker 7/);
  });

  test("the other payloads round-trip", () => {
    roundTrip({ group: 31, data: Buffer.alloc(32, 7) }, encodeKe, decodeKe, keLength);
    roundTrip({ protocolId: 3, notifyType: 38, spi: Buffer.from("aabbccdd", "hex"), data: Buffer.alloc(0) }, encodeNotify, decodeNotify, notifyLength);
    roundTrip({ protocolId: 1, spiSize: 0, spis: [] }, encodeDelete, decodeDelete, deleteLength);
    roundTrip({ protocolId: 3, spiSize: 4, spis: [Buffer.from("01020304", "hex"), Buffer.from("05060708", "hex")] }, encodeDelete, decodeDelete, deleteLength);
    roundTrip({ idType: 2, data: Buffer.from("gw.lab.example") }, encodeId, (b) => decodeId(b), idLength);
    roundTrip({ method: 2, data: Buffer.alloc(32, 9) }, encodeAuth, decodeAuth, authLength);
    roundTrip({ encoding: 4, data: Buffer.alloc(40, 3) }, encodeCert, (b) => decodeCert(b), certLength);
    assert.equal(certReqAuthorities({ encoding: 4, data: Buffer.alloc(40, 3) }).length, 2);
    assert.throws(() => certReqAuthorities({ encoding: 4, data: Buffer.alloc(21) }), DecodeError);
    roundTrip(
      { selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: Buffer.from([10, 2, 0, 0]), endAddress: Buffer.from([10, 2, 255, 255]) }, { tsType: 8, ipProtocol: 17, startPort: 500, endPort: 500, startAddress: Buffer.alloc(16, 1), endAddress: Buffer.alloc(16, 2) }] },
      encodeTs,
      (b) => decodeTs(b),
      tsLength,
    );
    roundTrip({ cfgType: 1, attributes: [{ type: 1, value: Buffer.alloc(0) }, { type: 3, value: Buffer.from([8, 8, 8, 8]) }] }, encodeCp, decodeCp, cpLength);
    roundTrip({ code: 1, identifier: 7, eapType: 26, data: Buffer.from("challenge") }, encodeEap, decodeEap, eapLength);
    roundTrip({ code: 3, identifier: 7, data: Buffer.alloc(0) }, encodeEap, decodeEap, eapLength);
    const sk = { iv: Buffer.alloc(16, 1), ciphertext: Buffer.alloc(32, 2), icv: Buffer.alloc(16, 3) };
    assert.deepEqual(decodeSk(encodeSk(sk), 16, 16), sk);
    assert.throws(() => decodeSk(Buffer.alloc(20), 16, 16), DecodeError);
    assert.deepEqual(decodeSkf(encodeSkf({ fragmentNumber: 2, totalFragments: 3, rest: Buffer.alloc(8) })), { fragmentNumber: 2, totalFragments: 3, rest: Buffer.alloc(8) });
    assert.throws(() => decodeSkf(encodeSkf({ fragmentNumber: 4, totalFragments: 3, rest: Buffer.alloc(0) })), DecodeError);
  });

  test("a traffic selector whose length does not fit its type is a DecodeError", () => {
    const ts = encodeTs({ selectors: [{ tsType: 7, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: Buffer.alloc(4), endAddress: Buffer.alloc(4) }] });
    ts.writeUInt16BE(40, 6);
    assert.throws(() => decodeTs(ts), DecodeError);
  });
});

describe("IKEv2 messages", () => {
  test("the critical bit is kept on decode and encode; an SK payload ends the chain and names the first payload inside", () => {
    const m = encodeIkev2Message({
      spiI: Buffer.alloc(8, 1),
      spiR: Buffer.alloc(8, 2),
      exchangeType: Ikev2Exchange.IKE_AUTH,
      flags: 0x08,
      messageId: 1,
      payloads: [
        { type: 200, body: Buffer.from("unknown"), critical: true },
        { type: Ikev2Payload.SK, body: Buffer.alloc(48, 5) },
      ],
    });
    // The SK payload's Next Payload is the inner first payload's type (IDi here), written by its encoder.
    m[28 + 4 + 7] = Ikev2Payload.IDI;
    const d = decodeIkev2Message(m);
    assert.deepEqual(d.payloads.map((p) => [p.type, p.critical]), [[200, true], [Ikev2Payload.SK, false]]);
    assert.equal(d.innerFirst, Ikev2Payload.IDI);
    assert.equal(d.initiator, true);
    assert.equal(d.response, false);
    assert.deepEqual(d.warnings, []);
  });

  test("strongSwan's SA answer: the chosen transforms in its order, KE, Nr and its extension notifies", () => {
    const m = decodeIkev2Message(fixture("ikev2-strongswan-sa"));
    assert.equal(m.header.version, 0x20);
    assert.equal(m.response, true);
    assert.equal(m.initiator, false);
    const a = readSaInitAnswer(fixture("ikev2-strongswan-sa"));
    assert.equal(a.kind, "sa");
    if (a.kind !== "sa") return;
    // strongSwan lists ENCR, INTEG, PRF, KE in its answer.
    assert.deepEqual(a.proposal.transforms, [{ type: 1, id: 12, keyLength: 256 }, { type: 3, id: 12 }, { type: 2, id: 5 }, { type: 4, id: 14 }]);
    assert.equal(a.ke?.group, 14);
    assert.equal(a.ke?.data.length, 256);
    assert.equal(a.nonce?.length, 32);
    const names = a.notifies.map((n) => ikev2NotifyName(n.notifyType));
    for (const n of ["NAT_DETECTION_SOURCE_IP", "NAT_DETECTION_DESTINATION_IP", "IKEV2_FRAGMENTATION_SUPPORTED", "SIGNATURE_HASH_ALGORITHMS", "CHILDLESS_IKEV2_SUPPORTED", "MULTIPLE_AUTH_SUPPORTED"]) assert.ok(names.includes(n), n);
    assert.equal(a.notifies.find((n) => n.notifyType === Ikev2Notify.SIGNATURE_HASH_ALGORITHMS)?.data.toString("hex"), "0002000300040005");
  });

  test("libreswan's SA answer, and both gateways' refusals (strongSwan's with a zero responder SPI, libreswan's with one of its own)", () => {
    const a = readSaInitAnswer(fixture("ikev2-libreswan-sa"));
    assert.equal(a.kind, "sa");
    if (a.kind === "sa") {
      assert.equal(a.ke?.group, 14);
      assert.deepEqual(a.proposal.transforms.find((t) => t.type === 1), { type: 1, id: 12, keyLength: 256 });
    }
    for (const gw of ["strongswan", "libreswan"]) {
      assert.deepEqual(readSaInitAnswer(fixture(`ikev2-${gw}-invalid-ke`)), { kind: "invalid-ke", group: 14 });
      assert.deepEqual(readSaInitAnswer(fixture(`ikev2-${gw}-no-proposal`)), { kind: "no-proposal" });
      assert.equal(fixture(`ikev2-${gw}-no-proposal`).subarray(8, 16).equals(Buffer.alloc(8)), gw === "strongswan", `${gw}: SPIr`);
    }
  });

  test("every prefix of every capture: a DecodeError from the strict decoder, a malformed answer from the reader, nothing else", () => {
    for (const name of CAPTURES) {
      const full = fixture(name);
      for (let i = 0; i < full.length; i++) {
        const cut = full.subarray(0, i);
        assert.throws(() => decodeIkev2Message(cut), (e: unknown) => e instanceof DecodeError, `${name} cut at ${i}`);
        assert.equal(readSaInitAnswer(cut).kind, "malformed", `${name} cut at ${i}`);
      }
    }
  });
});

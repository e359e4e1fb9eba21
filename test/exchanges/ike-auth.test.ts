/**
 * IKE_AUTH messages against real strongSwan exchanges (test/fixtures/strongswan-ikev2-*.json: the
 * gateway's logged SK_* keys, its IKE_AUTH answer, and our request it authenticated), and against
 * hostile inner payloads no gateway sends on demand.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { prfById } from "../../src/crypto/v2/prf.ts";
import { type SkSuite, protect, unprotect } from "../../src/crypto/v2/sk.ts";
import { readSaInitAnswer } from "../../src/exchanges/v2/ike-sa-init.ts";
import { encodeInformational, ikeAuthPayloads, narrowed, openProtected, readProtectedAnswer, sharedKeyAuth, signedOctets } from "../../src/exchanges/v2/ike-auth.ts";
import { decodeChain } from "../../src/wire/chain.ts";
import { AuthMethod, Ikev2Exchange, Ikev2IdType, Ikev2Notify, Ikev2Payload, TsType } from "../../src/wire/v2/constants.ts";
import { decodeIkev2Message } from "../../src/wire/v2/message.ts";
import { decodeAuth } from "../../src/wire/v2/payloads/auth.ts";
import { decodeDelete } from "../../src/wire/v2/payloads/delete.ts";
import { encodeNotify, ikeNotify } from "../../src/wire/v2/payloads/notify.ts";
import { encodeSa } from "../../src/wire/v2/payloads/sa.ts";

const h = (s: string): Buffer => Buffer.from(s, "hex");

interface Kat {
  ni: string;
  nr: string;
  spiI: string;
  spiR: string;
  psk: string;
  gateway: Record<"skEi" | "skEr" | "skAi" | "skAr" | "skPi" | "skPr", string | undefined>;
  messages: Record<"m1" | "m2" | "m3" | "m4", string>;
}

for (const name of ["cbc", "gcm"]) {
  describe(`IKE_AUTH with strongSwan's keys (${name})`, () => {
    const k = JSON.parse(readFileSync(new URL(`../fixtures/strongswan-ikev2-${name}.json`, import.meta.url), "utf8")) as Kat;
    const init = readSaInitAnswer(h(k.messages.m2));
    if (init.kind !== "sa") throw new Error(init.kind);
    const encr = init.proposal.transforms.find((t) => t.type === 1)!;
    const prf = prfById(init.proposal.transforms.find((t) => t.type === 2)!.id);
    const suite: SkSuite = { cipher: { id: encr.id, ...(encr.keyLength !== undefined ? { keyLength: encr.keyLength } : {}) }, integ: init.proposal.transforms.find((t) => t.type === 3)?.id ?? null };
    const gwKeys = { encKey: h(k.gateway.skEr!), integKey: h(k.gateway.skAr ?? "") };
    const ourKeys = { encKey: h(k.gateway.skEi!), integKey: h(k.gateway.skAi ?? "") };
    const expect = { spiI: h(k.spiI), spiR: h(k.spiR), exchangeType: Ikev2Exchange.IKE_AUTH, messageId: 1 };

    test("the gateway's answer opens, names its ID and proves the PSK by RFC 7296 §2.15; another PSK does not match", () => {
      const o = openProtected(h(k.messages.m4), expect, suite, gwKeys);
      assert.equal(o.kind, "opened");
      if (o.kind !== "opened") return;
      const a = readProtectedAnswer(o.inner);
      assert.deepEqual([a.idr?.idType, a.idr?.data.toString()], [Ikev2IdType.FQDN, "gw.lab.example"]);
      assert.equal(a.auth?.method, AuthMethod.SHARED_KEY);
      assert.deepEqual(a.errors, []);
      assert.deepEqual(a.unreadable, []);
      const idrBody = o.inner.find((p) => p.type === Ikev2Payload.IDR)!.body;
      const signed = signedOctets(prf, h(k.messages.m2), h(k.ni), h(k.gateway.skPr!), idrBody);
      assert.deepEqual(sharedKeyAuth(prf, Buffer.from(k.psk), signed), a.auth!.data);
      assert.notDeepEqual(sharedKeyAuth(prf, Buffer.from(`${k.psk}x`), signed), a.auth!.data);
    });

    test("the AUTH in our request, which strongSwan accepted, is the same formula over message 1, Nr and IDi", () => {
      const m3 = h(k.messages.m3);
      const d = decodeIkev2Message(m3);
      const plain = unprotect(m3, d.raw.length - d.payloads.at(-1)!.raw.length, suite, ourKeys);
      const inner = decodeChain(plain.chain, plain.firstType).payloads;
      const idi = inner.find((p) => p.type === Ikev2Payload.IDI)!.body;
      const auth = decodeAuth(inner.find((p) => p.type === Ikev2Payload.AUTH)!.body);
      assert.deepEqual(auth.data, sharedKeyAuth(prf, Buffer.from(k.psk), signedOctets(prf, h(k.messages.m1), h(k.nr), h(k.gateway.skPi!), idi)));
    });

    test("an answer that is not this exchange's, tampered, truncated or fragmented says so", () => {
      const m4 = h(k.messages.m4);
      assert.match(JSON.stringify(openProtected(m4, { ...expect, messageId: 2 }, suite, gwKeys)), /message ID 1, 2 expected/);
      assert.match(JSON.stringify(openProtected(m4, { ...expect, spiR: Buffer.alloc(8) }, suite, gwKeys)), /SPIs are not this IKE SA's/);
      const bad = Buffer.from(m4);
      bad[bad.length - 20]! ^= 1;
      assert.deepEqual(openProtected(bad, expect, suite, gwKeys).kind, "undecryptable");
      assert.deepEqual(openProtected(m4, expect, suite, ourKeys).kind, "undecryptable", "the initiator's keys do not open the responder's message");
      for (let cut = 0; cut < m4.length; cut += 7) {
        const o = openProtected(m4.subarray(0, cut), expect, suite, gwKeys);
        assert.ok(o.kind === "malformed" || o.kind === "undecryptable", `cut at ${cut}: ${o.kind}`);
      }
    });
  });
}

describe("IKE_AUTH requests and answers (built here)", () => {
  const suite: SkSuite = { cipher: { id: 20, keyLength: 128 }, integ: null };
  const keys = { encKey: Buffer.alloc(20, 7), integKey: Buffer.alloc(0) };
  const spiI = Buffer.alloc(8, 1);
  const spiR = Buffer.alloc(8, 2);
  const ts = (a: number[], b: number[]) => ({ tsType: TsType.IPV4_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: Buffer.from(a), endAddress: Buffer.from(b) });
  const open = (m: Buffer): number[] => {
    const d = decodeIkev2Message(m);
    const p = unprotect(m, d.raw.length - d.payloads.at(-1)!.raw.length, suite, keys);
    return decodeChain(p.chain, p.firstType).payloads.map((x) => x.type);
  };

  // The probe protects IKE_AUTH's payloads itself (one SK message, or IKE fragments): the same here.
  const encodeIkeAuth = (r: Parameters<typeof ikeAuthPayloads>[0], s: SkSuite, k: typeof keys): Buffer => protect({ spiI: r.spiI, spiR: r.spiR, exchangeType: Ikev2Exchange.IKE_AUTH, flags: 0x08, messageId: r.messageId }, ikeAuthPayloads(r), s, k);

  test("a full request has RFC 7296 §1.2's order; EAP leaves AUTH out; no CHILD SA leaves SA and TS out", () => {
    const child = { proposals: [{ number: 1, protocolId: 3, spi: Buffer.alloc(4, 9), transforms: [{ type: 1, id: 20, keyLength: 128 }, { type: 5, id: 0 }] }], tsi: [ts([10, 0, 0, 1], [10, 0, 0, 1])], tsr: [ts([10, 1, 0, 0], [10, 1, 255, 255])], transport: true };
    const full = encodeIkeAuth({ spiI, spiR, messageId: 1, idi: { idType: 2, data: Buffer.from("a") }, idr: { idType: 2, data: Buffer.from("b") }, auth: { method: 2, data: Buffer.alloc(32) }, initialContact: true, child }, suite, keys);
    const N = Ikev2Payload.NOTIFY;
    assert.deepEqual(open(full), [Ikev2Payload.IDI, N, Ikev2Payload.IDR, Ikev2Payload.AUTH, N, Ikev2Payload.SA, Ikev2Payload.TSI, Ikev2Payload.TSR]);
    assert.deepEqual(open(encodeIkeAuth({ spiI, spiR, messageId: 1, idi: { idType: 2, data: Buffer.from("a") } }, suite, keys)), [Ikev2Payload.IDI]);
    const del = encodeInformational({ spiI, spiR, messageId: 2 }, suite, keys, { deleteIkeSa: true });
    const d = decodeIkev2Message(del);
    assert.equal(d.header.exchangeType, Ikev2Exchange.INFORMATIONAL);
    const p = unprotect(del, d.raw.length - d.payloads.at(-1)!.raw.length, suite, keys);
    assert.deepEqual(decodeDelete(decodeChain(p.chain, p.firstType).payloads[0]!.body), { protocolId: 1, spiSize: 0, spis: [] });
    assert.deepEqual(open(encodeInformational({ spiI, spiR, messageId: 3 }, suite, keys)), []);
  });

  const answer = (inner: { type: number; body: Buffer; flags?: number }[], messageId = 1) =>
    protect({ spiI, spiR, exchangeType: Ikev2Exchange.IKE_AUTH, flags: 0x20, messageId }, inner, suite, { encKey: keys.encKey, integKey: keys.integKey });
  const read = (inner: { type: number; body: Buffer; flags?: number }[]) => {
    const o = openProtected(answer(inner), { spiI, spiR, exchangeType: Ikev2Exchange.IKE_AUTH, messageId: 1 }, suite, keys);
    if (o.kind !== "opened") throw new Error(o.kind);
    return readProtectedAnswer(o.inner);
  };

  test("hostile answers are read as what they are: unknown critical payload, truncated AUTH, SA without TS, error notifies", () => {
    const a = read([{ type: 200, body: Buffer.alloc(3), flags: 0x80 }, { type: 201, body: Buffer.alloc(1) }, { type: Ikev2Payload.AUTH, body: Buffer.alloc(2) }]);
    assert.deepEqual(a.unknownCritical, [200]);
    assert.match(a.warnings.join(), /unknown payload 201/);
    assert.match(a.unreadable.join(), /^AUTH: /);
    assert.equal(a.auth, null);
    const b = read([{ type: Ikev2Payload.SA, body: encodeSa({ proposals: [{ number: 1, protocolId: 3, spi: Buffer.alloc(4), transforms: [{ type: 1, id: 12, keyLength: 128 }] }] }) }]);
    assert.match(b.unreadable.join(), /SA, TSi and TSr must come together/);
    assert.equal(b.child, null);
    const c = read([{ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.AUTHENTICATION_FAILED)) }, { type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.INITIAL_CONTACT)) }]);
    assert.deepEqual(c.errors.map((n) => n.notifyType), [Ikev2Notify.AUTHENTICATION_FAILED]);
    assert.deepEqual(c.status.map((n) => n.notifyType), [Ikev2Notify.INITIAL_CONTACT]);
  });

  test("an unprotected answer (a notify in the clear) and an SKF fragment are named", () => {
    const clear = Buffer.concat([decodeIkev2Message(answer([])).raw.subarray(0, 28)]);
    clear[16] = Ikev2Payload.NOTIFY;
    const n = encodeNotify(ikeNotify(Ikev2Notify.INVALID_SYNTAX));
    const msg = Buffer.concat([clear, Buffer.from([0, 0, 0, 4 + n.length]), n]);
    msg.writeUInt32BE(msg.length, 24);
    assert.match(JSON.stringify(openProtected(msg, { spiI, spiR, exchangeType: Ikev2Exchange.IKE_AUTH, messageId: 1 }, suite, keys)), /without an SK payload \(unprotected notifies: INVALID_SYNTAX\)/);
    const skf = Buffer.concat([clear, Buffer.from([0, 0, 0, 12, 0, 1, 0, 3, 1, 2, 3, 4])]);
    skf[16] = Ikev2Payload.SKF;
    skf.writeUInt32BE(skf.length, 24);
    assert.deepEqual(openProtected(skf, { spiI, spiR, exchangeType: Ikev2Exchange.IKE_AUTH, messageId: 1 }, suite, keys), { kind: "fragment", number: 1, total: 3 });
  });

  test("narrowing: the gateway granted less than was asked", () => {
    const asked = [ts([10, 0, 0, 0], [10, 0, 255, 255])];
    assert.equal(narrowed(asked, asked), false);
    assert.equal(narrowed(asked, [ts([10, 0, 1, 0], [10, 0, 1, 255])]), true);
  });
});

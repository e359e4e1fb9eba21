/**
 * IKE fragments (payload 132): the codec, cutting a message, and the bounded reassembly: any order,
 * duplicates, conflicting copies, gaps, a new fragment ID, the caps, malformed pieces.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { DecodeError } from "../../src/errors.ts";
import { Fragmentation, MAX_BYTES, MAX_FRAGMENTS, Reassembler } from "../../src/exchanges/v1/phase1/fragments.ts";
import { encodeHeader } from "../../src/wire/header.ts";
import { decodeFragment, decodeFragmentMessage, encodeFragment, fragmentMessage, isFragmentMessage } from "../../src/wire/v1/payloads/fragment.ts";
import { roundTrip, truncateAtEveryOffset } from "../helpers/codec.ts";

const cookies = { initiatorCookie: Buffer.from("0102030405060708", "hex"), responderCookie: Buffer.from("1112131415161718", "hex") };

/** An encrypted-looking Main Mode message 5 of `size` bytes (header and random body). */
function message(size: number): Buffer {
  const h = encodeHeader({ ...cookies, nextPayload: 5, version: 0x10, exchangeType: 2, flags: 1, messageId: 0, length: size });
  return Buffer.concat([h, randomBytes(size - 28)]);
}

function shuffle<T>(a: T[]): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomBytes(1)[0]! % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test("fragment payload: round trip; every prefix of the fixed part is a DecodeError; number 0 is refused", () => {
  roundTrip({ fragmentId: 0x1234, number: 3, last: true, data: Buffer.from("abc") }, encodeFragment, decodeFragment);
  roundTrip({ fragmentId: 1, number: 1, last: false, data: Buffer.alloc(0) }, encodeFragment, decodeFragment);
  truncateAtEveryOffset(encodeFragment({ fragmentId: 7, number: 1, last: false, data: Buffer.from("x") }), decodeFragment, 4);
  assert.throws(() => decodeFragment(Buffer.from([0, 1, 0, 1])), (e: unknown) => e instanceof DecodeError && /number 0/.test(e.message));
});

test("fragmentMessage: each datagram within the size, header with next payload 132 and message ID 0, data in order is the message", () => {
  const m = message(3000);
  const frags = fragmentMessage(m, 9, 576);
  assert.equal(frags.length, Math.ceil(3000 / (576 - 36)));
  for (const [i, f] of frags.entries()) {
    assert.ok(f.length <= 576);
    assert.ok(isFragmentMessage(f));
    assert.equal(f.readUInt32BE(24), f.length, "header length");
    assert.equal(f.readUInt32BE(20), 0, "message ID 0");
    assert.equal(f[19], 0, "flags cleared");
    assert.deepEqual(f.subarray(0, 16), m.subarray(0, 16), "the message's cookies");
    const p = decodeFragmentMessage(f);
    assert.equal(p.fragmentId, 9);
    assert.equal(p.number, i + 1);
    assert.equal(p.last, i === frags.length - 1);
  }
  assert.deepEqual(Buffer.concat(frags.map((f) => decodeFragmentMessage(f).data)), m);
  assert.throws(() => fragmentMessage(message(100), 1, 36), RangeError);
  assert.throws(() => fragmentMessage(message(40000), 1, 100), /at most 255/);
});

test("reassembly in any order, with duplicates, gives the message once", () => {
  for (let round = 0; round < 20; round++) {
    const m = message(1000 + round * 97);
    const frags = fragmentMessage(m, round, 300);
    const r = new Reassembler();
    const arrivals = shuffle([...frags, frags[0]!, frags[frags.length - 1]!]);
    const wholes = arrivals.map((f) => r.add(f)).filter((x) => x !== undefined);
    assert.equal(wholes.length, 1, "complete exactly once");
    assert.deepEqual(wholes[0], m);
    assert.equal(r.received, arrivals.length);
    assert.deepEqual(r.warnings, [], "an identical duplicate is not a problem");
  }
});

test("a gap never completes; a copy with other data is reported and the first kept; a new fragment ID drops the old message", () => {
  const m = message(2000);
  const frags = fragmentMessage(m, 5, 500);
  const r = new Reassembler();
  for (const f of frags.slice(1)) assert.equal(r.add(f), undefined, "fragment 1 missing");
  const forged = Buffer.from(frags[1]!);
  forged[forged.length - 1]! ^= 0xff;
  assert.equal(r.add(forged), undefined);
  assert.match(r.warnings.join("\n"), /fragment 2 of message 5 came twice with different data/);
  assert.deepEqual(r.add(frags[0]!), m, "the first copy was kept");
  const other = fragmentMessage(message(1500), 6, 500);
  r.add(other[0]!);
  r.add(fragmentMessage(message(1500), 7, 500)[0]!);
  assert.match(r.warnings.join("\n"), /fragments of message 6 left incomplete \(1 received\) when fragment ID 7 began/);
});

test("fragments past the last, or a second last, are dropped and reported", () => {
  const frags = fragmentMessage(message(1200), 3, 500);
  const r = new Reassembler();
  r.add(frags[2]!);
  const beyond = Buffer.from(frags[1]!);
  // Fragment 4 of 3: renumber a copy of fragment 2.
  beyond[28 + 6] = 4;
  assert.equal(r.add(beyond), undefined);
  assert.match(r.warnings.join("\n"), /fragment 4 of message 3 conflicts with the last fragment, number 3/);
});

test("the caps: more than MAX_FRAGMENTS pieces or MAX_BYTES in all are dropped, never buffered", () => {
  const many = fragmentMessage(message(MAX_FRAGMENTS * 100 + 500), 1, 136);
  const r = new Reassembler();
  for (const f of many) assert.equal(r.add(f), undefined);
  assert.match(r.warnings.join("\n"), new RegExp(`more than ${MAX_FRAGMENTS} fragments`));
  const big = fragmentMessage(message(MAX_BYTES + 4000), 2, 9000);
  const r2 = new Reassembler();
  for (const f of big) assert.equal(r2.add(f), undefined);
  assert.match(r2.warnings.join("\n"), new RegExp(`${MAX_BYTES} bytes`));
});

test("a malformed fragment message is a DecodeError for the reassembler and a warning for the exchange", () => {
  const f = fragmentMessage(message(800), 1, 500)[0]!;
  truncateAtEveryOffset(f, (b) => new Reassembler().add(b), 36);
  const bad = Buffer.from(f);
  bad.writeUInt16BE(9, 30);
  assert.throws(() => new Reassembler().add(bad), DecodeError);
  const result = { supported: true, sent: 0, received: 0 };
  const warnings: string[] = [];
  const link = new Fragmentation({ mode: "auto", size: 1280 }, result, warnings);
  assert.equal(link.take(bad), "malformed");
  assert.match(warnings[0] ?? "", /malformed IKE fragment was dropped/);
});

test("our messages: cut only when the gateway announced fragmentation and the datagram exceeds the size; force always; off never", () => {
  const m = message(1400);
  const result = { supported: false, sent: 0, received: 0 };
  const auto = new Fragmentation({ mode: "auto", size: 1280 }, result, []);
  assert.equal(auto.cut(m, 28), m, "not announced by the gateway");
  result.supported = true;
  const cut = auto.cut(m, 28);
  assert.ok(Array.isArray(cut) && cut.length === 2 && cut.every((d) => d.length + 28 <= 1280));
  assert.equal(result.sent, 2);
  const fits = message(1252);
  assert.equal(auto.cut(fits, 28), fits, "1252 bytes with IP and UDP are 1280: they fit");
  const small = message(200);
  const forced = new Fragmentation({ mode: "force", size: 1280 }, { supported: false, sent: 0, received: 0 }, []).cut(small, 28);
  assert.ok(Array.isArray(forced) && forced.length === 1, "force fragments even a small message, announced or not");
  assert.equal(new Fragmentation({ mode: "off", size: 576 }, { supported: true, sent: 0, received: 0 }, []).cut(m, 28), m);
});

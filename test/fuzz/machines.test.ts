/**
 * Seeded, bounded fuzzing of the decoders and of every exchange state machine (Main Mode, Aggressive
 * Mode, Quick Mode, Transaction, protected Informationals): for every mutated answer, the decoder
 * either decodes or throws one of our typed errors (never a TypeError or RangeError), the machine
 * returns a step (never throws), its result stays a well-formed outcome, and memory stays bounded.
 * FUZZ_SEED replays a run; FUZZ_ITERATIONS makes it longer (npm run fuzz).
 */
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { parseIdentity } from "../../src/config/identity.ts";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { parsePhase2Proposal } from "../../src/config/esp.ts";
import { parseTrafficSelector } from "../../src/config/traffic-selector.ts";
import { IkeprobeError } from "../../src/errors.ts";
import { messageFor, readInformational } from "../../src/exchanges/v1/isakmp-sa.ts";
import { phase1Initiator, type Phase1Config } from "../../src/exchanges/v1/phase1/index.ts";
import { QuickModeInitiator } from "../../src/exchanges/v1/quick-mode.ts";
import { TransactionCodec } from "../../src/exchanges/v1/transaction.ts";
import { decodeAttributes } from "../../src/wire/v1/attributes.ts";
import { NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeMessage } from "../../src/wire/v1/message.ts";
import { decodeDelete } from "../../src/wire/v1/payloads/delete.ts";
import { decodeId } from "../../src/wire/v1/payloads/identification.ts";
import { decodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { decodeSa } from "../../src/wire/v1/payloads/sa.ts";
import { Reader } from "../../src/wire/reader.ts";
import { readSaInitAnswer } from "../../src/exchanges/v2/ike-sa-init.ts";
import { fragmentStore, openProtected, protectFragments, readProtectedAnswer } from "../../src/exchanges/v2/ike-auth.ts";
import { parseChildProposal } from "../../src/config/ikev2.ts";
import { selectorV2 } from "../../src/config/traffic-selector.ts";
import { espProposal } from "../../src/exchanges/v2/child-sa.ts";
import { askedReport, readChild } from "../../src/probe/ikev2-child.ts";
import { encodeKe } from "../../src/wire/v2/payloads/key-exchange.ts";
import { encodeTs } from "../../src/wire/v2/payloads/traffic-selector.ts";
import { encodeSa as encodeSaV2 } from "../../src/wire/v2/payloads/sa.ts";
import { decodeChain, encodeChain } from "../../src/wire/chain.ts";
import { Ikev2Payload } from "../../src/wire/v2/constants.ts";
import { protectChain, unprotect } from "../../src/crypto/v2/sk.ts";
import { decodeIkev2Message } from "../../src/wire/v2/message.ts";
import { decodeAuth as decodeAuthV2 } from "../../src/wire/v2/payloads/auth.ts";
import { decodeCert as decodeCertV2 } from "../../src/wire/v2/payloads/certificate.ts";
import { decodeCp as decodeCpV2 } from "../../src/wire/v2/payloads/configuration.ts";
import { decodeDelete as decodeDeleteV2 } from "../../src/wire/v2/payloads/delete.ts";
import { decodeEap as decodeEapV2 } from "../../src/wire/v2/payloads/eap.ts";
import { decodeSkf as decodeSkfV2 } from "../../src/wire/v2/payloads/encrypted.ts";
import { decodeId as decodeIdV2 } from "../../src/wire/v2/payloads/identification.ts";
import { decodeKe as decodeKeV2 } from "../../src/wire/v2/payloads/key-exchange.ts";
import { decodeNotify as decodeNotifyV2 } from "../../src/wire/v2/payloads/notify.ts";
import { decodeSa as decodeSaV2 } from "../../src/wire/v2/payloads/sa.ts";
import { decodeTs as decodeTsV2 } from "../../src/wire/v2/payloads/traffic-selector.ts";
import { ikeBytes, katFixtures } from "../helpers/fixtures.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { Rng, fuzzIterations, fuzzSeed, mutate } from "./mutate.ts";

const SEED = fuzzSeed();
const N = fuzzIterations(150);

/** Runs `f`; only our typed errors may escape it (a TypeError or RangeError is a bug). */
function typedOnly(what: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof IkeprobeError)) throw new Error(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} (FUZZ_SEED=${SEED})`, { cause: e });
  }
}

function mmConfig(over: Partial<Phase1Config> = {}): Phase1Config {
  return {
    transform: parseIkeProposal("aes256-sha256-modp2048", 1, 28800)[0]!,
    psk: Buffer.from("gateway-psk"),
    localId: parseIdentity("fqdn:client.example"),
    natT: "auto",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
    ...over,
  };
}

const OFFERS = new Set(["accepted", "rejected", "no-response", "malformed"]);
const IDENTITY = new Set(["authenticated", "psk-mismatch", "rejected", "error"]);

/** A machine's answer to a datagram: a step, and a result that is one of the outcomes. */
function checkStep(what: string, step: { kind: string }, result: { offer: string; identity?: { status: string } }): void {
  assert.ok(["ignore", "send", "final", "done"].includes(step.kind), `${what}: step ${step.kind}`);
  assert.ok(OFFERS.has(result.offer), `${what}: offer ${result.offer}`);
  if (result.identity !== undefined) assert.ok(IDENTITY.has(result.identity.status), `${what}: identity ${result.identity.status}`);
}

/** Heap growth over a fuzz loop stays bounded (no answer may make us keep what it carried). */
function bounded<T>(what: string, f: () => T): T {
  const before = process.memoryUsage().heapUsed;
  const out = f();
  const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  assert.ok(grown < 200, `${what}: heap grew by ${grown.toFixed(0)} MiB`);
  return out;
}

describe(`fuzz: decoders and state machines (seed ${SEED}, ${N} cases per target)`, () => {
  test("decoders: every mutation of every captured packet decodes or fails with a typed error, strict and lenient", () => {
    const rng = new Rng(SEED);
    const packets = katFixtures().flatMap((f) => f.packets.map(ikeBytes));
    assert.ok(packets.length >= 20);
    bounded("decoders", () => {
      for (let i = 0; i < N * 4; i++) {
        const { bytes, how } = mutate(rng.pick(packets), rng);
        for (const lenient of [false, true]) typedOnly(`decodeMessage(${how}, lenient ${lenient})`, () => decodeMessage(bytes, { lenient }));
        const body = bytes.subarray(32);
        for (const [name, dec] of [["SA", decodeSa], ["notification", decodeNotification], ["ID", decodeId], ["delete", decodeDelete], ["attributes", (b: Buffer) => decodeAttributes(new Reader(b))]] as const) {
          typedOnly(`${name}(${how})`, () => dec(body));
        }
      }
    });
  });

  test("IKEv2 decoders: every mutation of strongSwan's and libreswan's captured answers decodes or fails typed; the answer reader never throws", () => {
    const rng = new Rng(SEED + 7);
    const captures = readdirSync(new URL("../fixtures/", import.meta.url))
      .filter((f) => f.startsWith("ikev2-") && f.endsWith(".hex"))
      .map((f) => Buffer.from(readFileSync(new URL(`../fixtures/${f}`, import.meta.url), "utf8").trim(), "hex"));
    assert.ok(captures.length >= 6);
    const payloadDecoders: [string, (b: Buffer) => unknown][] = [
      ["SA", (b) => decodeSaV2(b)],
      ["SA lenient", (b) => decodeSaV2(b, { lenient: true })],
      ["KE", decodeKeV2],
      ["notify", decodeNotifyV2],
      ["delete", decodeDeleteV2],
      ["ID", (b) => decodeIdV2(b)],
      ["AUTH", decodeAuthV2],
      ["CERT", (b) => decodeCertV2(b)],
      ["TS", (b) => decodeTsV2(b)],
      ["CP", decodeCpV2],
      ["EAP", decodeEapV2],
      ["SKF", decodeSkfV2],
    ];
    bounded("IKEv2 decoders", () => {
      for (let i = 0; i < N * 4; i++) {
        const { bytes, how } = mutate(rng.pick(captures), rng);
        for (const lenient of [false, true]) typedOnly(`decodeIkev2Message(${how}, lenient ${lenient})`, () => decodeIkev2Message(bytes, { lenient }));
        const answer = readSaInitAnswer(bytes);
        assert.ok(["invalid-ke", "no-proposal", "cookie", "error", "sa", "ikev1", "malformed"].includes(answer.kind), `${how}: ${answer.kind}`);
        const body = bytes.subarray(32);
        for (const [name, dec] of payloadDecoders) typedOnly(`IKEv2 ${name}(${how})`, () => dec(body));
      }
    });
  });

  test("IKE_AUTH answers: strongSwan's, mutated on the wire and inside SK (re-protected with its keys), are opened and read without an exception", () => {
    const rng = new Rng(SEED + 11);
    for (const name of ["cbc", "gcm"]) {
      const k = JSON.parse(readFileSync(new URL(`../fixtures/strongswan-ikev2-${name}.json`, import.meta.url), "utf8")) as { spiI: string; spiR: string; gateway: Record<string, string | undefined>; messages: Record<string, string> };
      const m4 = Buffer.from(k.messages.m4!, "hex");
      const init = readSaInitAnswer(Buffer.from(k.messages.m2!, "hex"));
      if (init.kind !== "sa") throw new Error(init.kind);
      const encr = init.proposal.transforms.find((t) => t.type === 1)!;
      const suite = { cipher: { id: encr.id, ...(encr.keyLength !== undefined ? { keyLength: encr.keyLength } : {}) }, integ: init.proposal.transforms.find((t) => t.type === 3)?.id ?? null };
      const keys = { encKey: Buffer.from(k.gateway.skEr!, "hex"), integKey: Buffer.from(k.gateway.skAr ?? "", "hex") };
      const expect = { spiI: Buffer.from(k.spiI, "hex"), spiR: Buffer.from(k.spiR, "hex"), exchangeType: 35, messageId: 1 };
      const d = decodeIkev2Message(m4);
      const plain = unprotect(m4, d.raw.length - d.payloads.at(-1)!.raw.length, suite, keys);
      const kinds = new Set<string>();
      bounded(`IKE_AUTH ${name}`, () => {
        for (let i = 0; i < N; i++) {
          const wire = mutate(m4, rng);
          kinds.add(openProtected(wire.bytes, expect, suite, keys).kind);
          // Inside SK: the inner chain mutated, then protected again so that it opens.
          const inner = mutate(plain.chain, rng);
          const o = openProtected(protectChain({ ...expect, flags: 0x20 }, { firstType: plain.firstType, bytes: inner.bytes }, suite, keys), expect, suite, keys);
          kinds.add(o.kind);
          if (o.kind === "opened") {
            const a = readProtectedAnswer(o.inner);
            kinds.add(a.auth !== null && a.idr !== null ? "read" : a.unreadable.length > 0 || a.unknownCritical.length > 0 ? "unreadable listed" : "partial");
          }
        }
      });
      // Both sides of each reader were exercised: answers opened and refused, payloads read and listed as unreadable.
      for (const want of ["opened", "undecryptable", "read"]) assert.ok(kinds.has(want), `${name}: ${want} in ${[...kinds].join(", ")}`);
      assert.ok(kinds.has("partial") || kinds.has("unreadable listed"), `${name}: no broken answer read in ${[...kinds].join(", ")}`);
    }
  });

  test("IKE fragments (RFC 7383): an answer cut into SKF fragments, each mutated, reassembles or is refused, never an exception", () => {
    const rng = new Rng(SEED + 13);
    for (const suite of [{ cipher: { id: 20, keyLength: 128 }, integ: null }, { cipher: { id: 12, keyLength: 256 }, integ: 12 }] as const) {
      const keys = { encKey: Buffer.alloc(suite.integ === null ? 20 : 32, 3), integKey: Buffer.alloc(suite.integ === null ? 0 : 32, 5) };
      const h = { spiI: Buffer.alloc(8, 1), spiR: Buffer.alloc(8, 2), exchangeType: 35, flags: 0x20, messageId: 1 };
      const inner = [{ type: Ikev2Payload.IDR, body: Buffer.alloc(40, 7) }, { type: Ikev2Payload.CERT, body: Buffer.alloc(900, 4) }, { type: Ikev2Payload.AUTH, body: Buffer.alloc(260, 9) }];
      const fragments = protectFragments(h, inner, suite, keys, 400);
      assert.ok(fragments.length >= 3);
      const kinds = new Set<string>();
      bounded("IKE fragments", () => {
        for (let i = 0; i < N; i++) {
          const store = fragmentStore();
          const order = i === 0 ? fragments : [...fragments].sort(() => rng.next() - 0.5);
          for (const f of order) {
            const m = i === 0 || rng.next() < 0.7 ? f : mutate(f, rng).bytes;
            const o = openProtected(m, { spiI: h.spiI, spiR: h.spiR, exchangeType: 35, messageId: 1 }, suite, keys, store);
            kinds.add(o.kind);
            if (o.kind === "opened") assert.deepEqual(o.inner.map((p) => p.type), inner.map((p) => p.type));
          }
        }
      });
      for (const want of ["opened", "fragment", "undecryptable"]) assert.ok(kinds.has(want), `${want} in ${[...kinds].join(", ")}`);
    }
  });

  test("CHILD SA answers: a CREATE_CHILD_SA answer's chain (SA, Nr, KEr, TSi, TSr), mutated, is read and checked against what was asked without an exception", () => {
    const rng = new Rng(SEED + 12);
    const offer = parseChildProposal("aes128-sha256-modp2048");
    const sel = (t: string) => selectorV2(parseTrafficSelector(t, "--local-ts"));
    const ask = { text: "fuzz", offer, tsi: [sel("203.0.113.0/24")], tsr: [sel("198.51.100.0/24")], transport: false };
    const chain = encodeChain([
      { type: Ikev2Payload.SA, body: encodeSaV2({ proposals: [espProposal(ask.offer, Buffer.from("01020304", "hex"), { withGroups: true })] }) },
      { type: Ikev2Payload.NONCE, body: Buffer.alloc(32, 9) },
      { type: Ikev2Payload.KE, body: encodeKe({ group: 14, data: Buffer.alloc(256, 4) }) },
      { type: Ikev2Payload.TSI, body: encodeTs({ selectors: ask.tsi }) },
      { type: Ikev2Payload.TSR, body: encodeTs({ selectors: ask.tsr }) },
    ]);
    const statuses = new Set<string>();
    bounded("CHILD SA answers", () => {
      for (let i = 0; i < N; i++) {
        const m = i === 0 ? { bytes: chain.bytes } : mutate(chain.bytes, rng);
        let inner;
        try {
          inner = decodeChain(m.bytes, chain.firstType, { lenient: true }).payloads.map((p) => ({ type: p.type, critical: (p.raw[1]! & 0x80) !== 0, body: p.body }));
        } catch (e) {
          assert.ok(e instanceof IkeprobeError, String(e));
          continue;
        }
        const r = readChild(askedReport(ask, "CREATE_CHILD_SA"), ask, Buffer.from("0a0b0c0d", "hex"), readProtectedAnswer(inner), undefined, { showKeys: false, pfsGroup: 14 });
        statuses.add(r.report.status);
      }
    });
    for (const want of ["accepted", "error"]) assert.ok(statuses.has(want), `${want} in ${[...statuses].join(", ")}`);
  });

  for (const aggressive of [false, true]) {
    const mode = aggressive ? "Aggressive Mode" : "Main Mode";
    test(`${mode}: a mutated answer at every stage gives a step and an outcome, never an exception`, () => {
      const rng = new Rng(SEED + (aggressive ? 1 : 2));
      bounded(mode, () => {
        for (let i = 0; i < N; i++) {
          const gw = new ScriptedGateway();
          const mm = phase1Initiator(mmConfig(aggressive ? { aggressive: true, transform: parseIkeProposal("aes128-sha1-modp1024", 1, 28800)[0]! } : {}));
          const m1 = mm.start();
          // Which answer to break: message 2, 4 or 6 (Aggressive Mode: message 2, or a notify after it).
          const stage = rng.int(aggressive ? 2 : 3);
          let answer = aggressive ? gw.am2(m1) : gw.mm2(m1);
          if (stage === 0) answer = mutate(answer, rng).bytes;
          let step: { kind: string; message?: Buffer | readonly Buffer[] } = { kind: "done" };
          typedOnly(`${mode} message 2`, () => (step = mm.receive(answer)));
          checkStep(`${mode} message 2`, step, mm.result);
          if (aggressive) {
            if (stage === 1) {
              const n = mutate(gw.notify(rng.pick([NotifyType.AUTHENTICATION_FAILED, NotifyType.INVALID_ID_INFORMATION, NotifyType.PAYLOAD_MALFORMED])), rng).bytes;
              checkStep(`${mode} notify`, mm.receive(n), mm.result);
            }
            continue;
          }
          // A broken message 2 ends the case there: the scripted gateway cannot go on from what we
          // made of it (another group, another transform).
          if (step.kind !== "send" || stage === 0) continue;
          // No fragmentation configured here: every message is one datagram.
          let mm4 = gw.mm4(step.message as Buffer);
          if (stage === 1) mm4 = mutate(mm4, rng).bytes;
          step = mm.receive(mm4);
          checkStep(`${mode} message 4`, step, mm.result);
          if (step.kind !== "send") continue;
          typedOnly("scripted gateway reading message 5", () => gw.readMm5(step.message as Buffer));
          const mm6 = mutate(gw.mm6(), rng).bytes;
          checkStep(`${mode} message 6`, mm.receive(mm6), mm.result);
          checkStep(`${mode} timeout`, mm.timeout(), mm.result);
        }
      });
    });
  }

  test("Quick Mode, Transaction and Informational: mutated protected answers under an established SA", () => {
    const rng = new Rng(SEED + 3);
    const proposal = parsePhase2Proposal("esp", "aes128-sha256-modp2048", { lifetimeSeconds: 3600, mode: "tunnel" })[0]!;
    bounded("Quick Mode", () => {
      for (let i = 0; i < Math.ceil(N / 3); i++) {
        const gw = new ScriptedGateway();
        const mm = phase1Initiator(mmConfig());
        const mm3 = mm.receive(gw.mm2(mm.start())) as { message: Buffer };
        const mm5 = mm.receive(gw.mm4(mm3.message)) as { message: Buffer };
        gw.readMm5(mm5.message);
        mm.receive(gw.mm6());
        const sa = mm.isakmpSa();
        const qm = new QuickModeInitiator(sa, { proposal, localTs: parseTrafficSelector("203.0.113.0/24", "--local-ts"), remoteTs: parseTrafficSelector("198.51.100.0/24", "--remote-ts") });
        const qm2 = gw.qm2(qm.start()).message;
        for (let k = 0; k < 3; k++) {
          const { bytes, how } = mutate(qm2, rng);
          let s: { kind: string } = { kind: "ignore" };
          typedOnly(`Quick Mode (${how})`, () => (s = qm.receive(bytes)));
          assert.ok(["ignore", "send", "final", "done"].includes(s.kind), `Quick Mode step ${s.kind}`);
          assert.ok(["accepted", "rejected", "no-response", "malformed", "error"].includes(qm.result.status), qm.result.status);
        }
        const codec = new TransactionCodec(sa);
        const info = gw.informational([{ type: PayloadType.NOTIFICATION, body: Buffer.from("00000001010000180000", "hex") }]);
        for (let k = 0; k < 3; k++) {
          const { bytes, how } = mutate(info, rng);
          const msg = (() => {
            try {
              return messageFor(sa, bytes);
            } catch (e) {
              if (e instanceof IkeprobeError) return undefined;
              throw e;
            }
          })();
          if (msg === undefined) continue;
          typedOnly(`Informational (${how})`, () => readInformational(sa, msg));
          typedOnly(`Transaction (${how})`, () => codec.open(msg));
        }
      }
    });
  });
});

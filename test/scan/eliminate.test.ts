/**
 * The elimination strategy against scripted gateways with a virtual clock: one that prefers its own
 * order, one that prefers ours, one that drops everything once N half-open SAs of ours are pending
 * (strongSwan's block_threshold), one that answers only every other time, one that never answers.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Phase1Transform } from "../../src/config/ike.ts";
import { type CatalogueEntry, commonCatalogue, fullCatalogue } from "../../src/scan/catalogue.ts";
import { type Clock, type OfferAnswer, Pacer, type ScanPeer, chunk, eliminate } from "../../src/scan/eliminate.ts";

class VirtualClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted !== true) this.t += ms;
  }
}

const key = (t: Phase1Transform): string => `${t.encryption}/${t.keyBits ?? 0}/${t.hash}/${t.auth}/${t.group}`;

interface GatewayOpts {
  accept: CatalogueEntry[];
  /** The gateway's own preference order (default: ours). */
  ownOrder?: boolean;
  /** Drop every message while this many half-open SAs are pending (strongSwan: 5). */
  blockThreshold?: number;
  halfOpenMs?: number;
  everyOther?: boolean;
  silent?: boolean;
  /** Half-open SAs left by an earlier scan, pending at time 0. */
  residual?: number;
  /** Refuse by dropping the message (SoftEther) instead of NO-PROPOSAL-CHOSEN. */
  dropRefused?: boolean;
  /** Abort this controller at the nth message. */
  abortAt?: { n: number; controller: AbortController };
}

class ScriptedScanGateway implements ScanPeer {
  messages = 0;
  /** The answer timeout asked for with each message. */
  timeouts: (number | undefined)[] = [];
  private readonly acceptable: Map<string, number>;
  private halfOpen: number[];
  private flip = false;
  private readonly o: GatewayOpts;
  private readonly clock: VirtualClock;
  constructor(o: GatewayOpts, clock: VirtualClock) {
    this.o = o;
    this.clock = clock;
    // Own order: the gateway prefers its list reversed relative to the catalogue.
    this.acceptable = new Map(o.accept.map((e, i) => [key(e.transform), o.ownOrder ? o.accept.length - i : 0]));
    this.halfOpen = new Array<number>(o.residual ?? 0).fill(0);
  }
  async offer(ts: readonly Phase1Transform[], timeoutMs?: number): Promise<OfferAnswer> {
    this.messages++;
    this.timeouts.push(timeoutMs);
    if (this.o.abortAt !== undefined && this.messages === this.o.abortAt.n) this.o.abortAt.controller.abort();
    this.clock.t += 5; // a round trip
    this.lastTimeout = timeoutMs ?? 5000;
    const ttl = this.o.halfOpenMs ?? 30_000;
    this.halfOpen = this.halfOpen.filter((t) => this.clock.t - t < ttl);
    if (this.o.silent) return this.timeout();
    if (this.o.blockThreshold !== undefined && this.halfOpen.length >= this.o.blockThreshold) return this.timeout();
    if (this.o.everyOther && (this.flip = !this.flip)) return this.timeout();
    let best = -1;
    ts.forEach((t, i) => {
      const rank = this.acceptable.get(key(t));
      if (rank !== undefined && (best < 0 || rank < this.acceptable.get(key(ts[best]!))!)) best = i;
    });
    if (best < 0) return this.o.dropRefused ? this.timeout() : { kind: "rejected", notify: "NO-PROPOSAL-CHOSEN", rttMs: 5 };
    this.halfOpen.push(this.clock.t);
    return { kind: "accepted", index: best, rttMs: 5 };
  }
  private lastTimeout = 5000;
  private timeout(): OfferAnswer {
    this.clock.t += this.lastTimeout; // the wait asked for
    return { kind: "no-response" };
  }
}

const full = fullCatalogue();
// A few specific transforms among thousands, spread over the catalogue.
const accepted = [5, 77, 600, 601, 1234, 2000, 2999, 3399].map((i) => full[i]!);
const chunks = chunk(full, (ts) => ts.length, 39);

function run(o: GatewayOpts, pacing: Partial<ConstructorParameters<typeof Pacer>[0]> = { maxHalfOpen: 4 }, these = chunks) {
  const clock = new VirtualClock();
  const gw = new ScriptedScanGateway(o, clock);
  const signal = o.abortAt?.controller.signal;
  const pacer = new Pacer({ halfOpenTimeoutMs: 30_000, silenceRetries: 2, minIntervalMs: 0, ...pacing, ...(signal !== undefined ? { signal } : {}) }, clock);
  return eliminate(these, gw, pacer, { timeoutMs: 5000, ...(signal !== undefined ? { signal } : {}) }).then((r) => ({ r, gw, clock, pacer }));
}

const names = (es: CatalogueEntry[]) => es.map((e) => `${e.proposal}/${e.auth}`).sort();

describe("elimination", () => {
  test("the full catalogue is thousands of transforms, in chunks of at most 255", () => {
    assert.ok(full.length >= 3000);
    assert.ok(chunks.every((c) => c.length <= 39));
    assert.equal(chunks.flat().length, full.length);
    assert.ok(commonCatalogue().length >= 30);
  });

  for (const ownOrder of [false, true]) {
    test(`exact set when the gateway prefers ${ownOrder ? "its own" : "our"} order; exchanges = accepted + one refusal per chunk`, async () => {
      const { r } = await run({ accept: accepted, ownOrder });
      assert.deepEqual(names(r.accepted), names(accepted));
      assert.equal(r.unknown.length, 0);
      assert.equal(r.rejected.length, full.length - accepted.length);
      assert.equal(r.exchanges, accepted.length + chunks.length);
    });
  }

  test("chunks are packed by adding sizes: each as full as the limit allows, in order, linear in the entries", () => {
    let calls = 0;
    const size = (ts: readonly Phase1Transform[]): number => (calls++, 100 + ts.length * 36);
    const cs = chunk(full, size, 1472);
    assert.equal(calls, full.length + 1, "one size call per entry, and one for the fixed part");
    assert.ok(cs.every((c) => 100 + c.length * 36 <= 1472));
    assert.ok(cs.slice(0, -1).every((c) => 100 + (c.length + 1) * 36 > 1472), "no chunk could take one more");
    assert.deepEqual(cs.flat(), full);
    assert.ok(chunk(full, (ts) => ts.length, 10_000).every((c) => c.length <= 255), "at most 255 transforms in one proposal");
  });

  test("a gateway that drops what it refuses (SoftEther): exact; the rest refused silently, nothing unknown, bracketed by known-accepted offers", async () => {
    const { r, gw } = await run({ accept: accepted, dropRefused: true }, {});
    assert.deepEqual(names(r.accepted), names(accepted));
    assert.equal(r.unknown.length, 0);
    assert.equal(r.rejected.length, 0);
    assert.equal(r.dropped.length, full.length - accepted.length);
    // Each chunk's refusal: X K X X K (its offer three times, a known-accepted offer twice).
    assert.ok(r.exchanges <= accepted.length * 2 + chunks.length * 5, `${r.exchanges} exchanges`);
    assert.equal(r.livenessChecks, chunks.length * 2);
    assert.equal(gw.messages, r.exchanges);
    assert.ok(!new Set(names(r.dropped)).has(names(accepted)[0]!));
  });

  test("the waits for silent offers are sized from the measured round trips, not --timeout", async () => {
    const { gw } = await run({ accept: accepted, dropRefused: true }, {});
    assert.equal(gw.timeouts[0], 5000, "before any answer: the configured timeout");
    assert.ok(gw.timeouts.slice(1).every((t) => t === 250), "after answers with 5 ms round trips: the 250 ms floor");
  });

  test("silent drops when the first chunks hold nothing acceptable: deferred until an accepted transform is known, then exact", async () => {
    const late = [chunks[2]![3]!, chunks[40]![0]!];
    const { r } = await run({ accept: late, dropRefused: true }, {});
    assert.deepEqual(names(r.accepted), names(late));
    assert.equal(r.unknown.length, 0);
    assert.equal(r.dropped.length, full.length - late.length);
  });

  test("a drop-silently gateway with a half-open limit: the limit is learned, not mistaken for refusals", async () => {
    const many = full.filter((_, i) => i % 97 === 0);
    const { r, pacer } = await run({ accept: many, dropRefused: true, blockThreshold: 5 }, {});
    assert.deepEqual(names(r.accepted), names(many));
    assert.equal(r.unknown.length, 0);
    for (const a of names(many)) assert.ok(!names(r.dropped).includes(a), `${a} must not be called refused`);
    assert.equal(pacer.limit, 4, "one fewer than the half-open SAs it held when it stopped answering");
  });

  test("a lossy gateway that drops what it refuses: an acceptable transform is never called refused", async () => {
    const { r } = await run({ accept: accepted, dropRefused: true, everyOther: true }, {});
    assert.deepEqual(names(r.accepted), names(accepted));
    for (const a of names(accepted)) assert.ok(!names(r.dropped).includes(a));
  });

  test("interrupted (Ctrl-C): what was found is kept, the rest is unknown, and no more is sent", async () => {
    const controller = new AbortController();
    const { r, gw } = await run({ accept: accepted, abortAt: { n: 10, controller } });
    assert.equal(r.interrupted, true);
    assert.equal(gw.messages, 10);
    assert.equal(r.accepted.length + r.rejected.length + r.unknown.length, full.length);
    assert.ok(r.unknown.length > full.length / 2);
  });

  test("a gateway that drops us after 5 half-open SAs: still exact, thanks to pacing", async () => {
    const many = full.filter((_, i) => i % 97 === 0); // 36 acceptable transforms
    const { r, clock } = await run({ accept: many, blockThreshold: 5 });
    assert.deepEqual(names(r.accepted), names(many));
    assert.equal(r.unknown.length, 0, "nothing unknown");
    assert.equal(r.silences, 0, "pacing kept us under the limit: no silence at all");
    assert.ok(clock.t > 30_000 * Math.floor((many.length - 1) / 4), "it waited for half-open SAs to expire");
  });

  test("without pacing the same gateway goes silent, and silence is never a refusal", async () => {
    const many = full.filter((_, i) => i % 97 === 0);
    const { r } = await run({ accept: many, blockThreshold: 5 }, { maxHalfOpen: 1000, silenceRetries: 0 });
    assert.equal(r.dropped.length, 0, "it refuses with notifies: nothing it was silent about is called refused");
    const rejected = new Set(names(r.rejected));
    assert.ok(r.unknown.length > 0, "some answers never came");
    for (const a of names(many)) assert.ok(!rejected.has(a), `${a} is acceptable and must not be called rejected`);
  });

  test("the same gateway with the limit learned (no --max-half-open): exact, the limit hit once, then paced", async () => {
    const many = full.filter((_, i) => i % 97 === 0);
    const { r, pacer } = await run({ accept: many, blockThreshold: 5 }, {});
    assert.deepEqual(names(r.accepted), names(many));
    assert.equal(r.unknown.length, 0);
    assert.equal(r.dropped.length, 0);
    assert.equal(pacer.limit, 4);
    assert.ok(r.silences <= 3, `${r.silences} silences`);
  });

  test("half-open SAs left by an earlier scan: it waits and the answer is still exact", async () => {
    const { r } = await run({ accept: accepted, blockThreshold: 5, residual: 5 });
    assert.deepEqual(names(r.accepted), names(accepted));
    assert.equal(r.unknown.length, 0);
    assert.ok(r.silences >= 1);
  });

  test("a gateway that answers only every other time: exact, with retries", async () => {
    const { r } = await run({ accept: accepted, everyOther: true });
    assert.deepEqual(names(r.accepted), names(accepted));
    assert.equal(r.unknown.length, 0);
    assert.ok(r.silences > 0);
  });

  test("a gateway that never answers: everything unknown, nothing rejected, and it gives up quickly", async () => {
    const { r, gw, clock } = await run({ accept: accepted, silent: true });
    assert.equal(r.unknown.length, full.length);
    assert.equal(r.rejected.length, 0);
    assert.equal(r.dropped.length, 0, "silence from a gateway that never answered is never a refusal");
    // Three chunks (in case the first held nothing it accepts), one wait for half-open SAs, one retry.
    assert.ok(gw.messages <= 4, `gave up after ${gw.messages} messages`);
    assert.ok(clock.t < 60_000, `gave up after ${clock.t} ms`);
  });
});

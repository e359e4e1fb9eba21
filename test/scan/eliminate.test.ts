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
  async sleep(ms: number): Promise<void> {
    this.t += ms;
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
}

class ScriptedScanGateway implements ScanPeer {
  messages = 0;
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
  async offer(ts: readonly Phase1Transform[]): Promise<OfferAnswer> {
    this.messages++;
    this.clock.t += 5; // a round trip
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
    if (best < 0) return { kind: "rejected", notify: "NO-PROPOSAL-CHOSEN" };
    this.halfOpen.push(this.clock.t);
    return { kind: "accepted", index: best };
  }
  private timeout(): OfferAnswer {
    this.clock.t += 5000; // --timeout
    return { kind: "no-response" };
  }
}

const full = fullCatalogue();
// A few specific transforms among thousands, spread over the catalogue.
const accepted = [5, 77, 600, 601, 1234, 2000, 2999, 3399].map((i) => full[i]!);
const chunks = chunk(full, (ts) => ts.length <= 39);

function run(o: GatewayOpts, pacing: Partial<ConstructorParameters<typeof Pacer>[0]> = {}) {
  const clock = new VirtualClock();
  const gw = new ScriptedScanGateway(o, clock);
  const pacer = new Pacer({ maxHalfOpen: 4, halfOpenTimeoutMs: 30_000, silenceRetries: 2, minIntervalMs: 0, ...pacing }, clock);
  return eliminate(chunks, gw, pacer).then((r) => ({ r, gw, clock }));
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
    const rejected = new Set(names(r.rejected));
    assert.ok(r.unknown.length > 0, "some answers never came");
    for (const a of names(many)) assert.ok(!rejected.has(a), `${a} is acceptable and must not be called rejected`);
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
    const { r, gw } = await run({ accept: accepted, silent: true });
    assert.equal(r.unknown.length, full.length);
    assert.equal(r.rejected.length, 0);
    assert.ok(gw.messages <= 3, `gave up after ${gw.messages} messages`);
  });
});

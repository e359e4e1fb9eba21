/**
 * The elimination strategy: offer many transforms in one message 1 (one proposal, up to 255
 * transforms, within a packet size); the gateway picks one it accepts; remove that one and offer the
 * rest again, until the gateway refuses. The accepted set costs about (accepted + one refusal per
 * chunk) exchanges instead of one per transform, whatever order the gateway prefers.
 *
 * Silence alone is never a refusal: a gateway that stops answering (half-open limit, rate limit) is
 * given time to recover and asked again, and transforms whose answer never came are `unknown`. But a
 * live gateway that ignores an offer three times while it answers a known-accepted offer before and
 * after (the pattern X K X X K below) has refused it silently (SoftEther drops what it refuses):
 * those are `dropped`.
 */
import type { CatalogueEntry } from "./catalogue.js";
import type { Phase1Transform } from "../config/ike.js";
import { sleep } from "../util/sleep.js";

export type OfferAnswer =
  | { kind: "accepted"; index: number; note?: string; released?: boolean; rttMs?: number }
  | { kind: "rejected"; notify: string; rttMs?: number }
  | { kind: "no-response" }
  | { kind: "malformed"; error: string; rttMs?: number };

/** Something that can put transforms in front of the gateway: the network, or a scripted gateway in tests. */
export interface ScanPeer {
  /** `timeoutMs`: how long to wait for this answer, retransmissions included (default: the peer's own). */
  offer(transforms: readonly Phase1Transform[], timeoutMs?: number): Promise<OfferAnswer>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep };

export interface PacingOptions {
  /**
   * Half-open SAs we allow ourselves on the gateway at once. Undefined: learned: none until the
   * gateway shows a limit (a known-accepted offer goes unanswered while three or more of ours are
   * pending), then one fewer than it held. strongSwan drops a peer's 6th; SoftEther and libreswan
   * showed none here.
   */
  maxHalfOpen?: number;
  /** How long the gateway keeps a half-open SA (strongSwan: 30 s). */
  halfOpenTimeoutMs: number;
  /** Retries of a message that got no answer, each after waiting for the gateway to recover. */
  silenceRetries: number;
  /** The least time between two messages to this gateway (from --rate); 0 for none. */
  minIntervalMs: number;
  /** Lets the pacing be watched (progress output, tests). */
  onWait?: (ms: number, why: string) => void;
  /** Ends every wait at once (Ctrl-C). */
  signal?: AbortSignal;
}

export const DEFAULT_PACING: PacingOptions = { halfOpenTimeoutMs: 30_000, silenceRetries: 2, minIntervalMs: 0 };

/**
 * How long to wait for an answer once the gateway's round trips are known: this many times the
 * slowest one seen, and never less than the floor (a gateway's processing time varies more than
 * its path; a silent offer is asked three times anyway before silence counts as a refusal).
 */
const RTT_FACTOR = 8;
/** The smallest half-open limit learned from our own pending SAs. */
const MIN_LEARNED_LIMIT = 2;
/** Chunks a gateway that has not answered yet gets before its silence is waited out. */
const PROBE_CHUNKS = 2;
const ANSWER_FLOOR_MS = 250;

/** Paces one gateway: keeps our half-open SAs under its limit and recovers from silence. */
export class Pacer {
  private readonly opts: PacingOptions;
  private readonly clock: Clock;
  private halfOpen: number[] = [];
  private lastSend = -Infinity;
  /** Whether the gateway has answered at all: silence from one that never did is not a limit. */
  answeredOnce = false;
  waitedMs = 0;
  /** The slowest answer seen (ms); undefined until one came. */
  private rttMaxMs: number | undefined;
  /** The half-open limit in force (given, or learned); undefined: none known. */
  limit: number | undefined;

  constructor(opts: PacingOptions, clock: Clock = realClock) {
    this.opts = opts;
    this.clock = clock;
    this.limit = opts.maxHalfOpen;
  }

  private async wait(ms: number, why: string): Promise<void> {
    if (ms <= 0 || this.opts.signal?.aborted === true) return;
    this.opts.onWait?.(ms, why);
    const t0 = this.clock.now();
    await this.clock.sleep(ms, this.opts.signal);
    this.waitedMs += this.clock.now() - t0;
  }

  async beforeSend(): Promise<void> {
    const margin = 500;
    this.halfOpen = this.halfOpen.filter((t) => this.clock.now() - t < this.opts.halfOpenTimeoutMs + margin);
    if (this.limit !== undefined && this.halfOpen.length >= this.limit) {
      await this.wait(this.halfOpen[0]! + this.opts.halfOpenTimeoutMs + margin - this.clock.now(), `${this.halfOpen.length} half-open SAs of ours on the gateway: waiting for the oldest to expire`);
      this.halfOpen.shift();
    }
    await this.wait(this.lastSend + this.opts.minIntervalMs - this.clock.now(), "rate limit");
    this.lastSend = this.clock.now();
  }

  /** The wait for an answer: `defaultMs` until a round trip is known, then sized from the slowest. */
  answerTimeoutMs(defaultMs: number): number {
    if (this.rttMaxMs === undefined) return defaultMs;
    return Math.min(defaultMs, Math.max(ANSWER_FLOOR_MS, RTT_FACTOR * this.rttMaxMs));
  }

  private answered(rttMs: number | undefined): void {
    this.answeredOnce = true;
    if (rttMs !== undefined) this.rttMaxMs = Math.max(this.rttMaxMs ?? 0, rttMs);
  }

  /** An accepted answer: the gateway now holds a half-open SA of ours. */
  onHalfOpen(rttMs?: number): void {
    this.answered(rttMs);
    this.halfOpen.push(this.clock.now());
  }

  onAnswer(rttMs?: number): void {
    this.answered(rttMs);
  }

  /**
   * A known-accepted offer went unanswered: the gateway has stopped answering us. With half-open SAs
   * of ours pending, that is its limit: from now on keep one fewer.
   */
  onLimit(): void {
    // With only one or two of ours pending, the SAs that filled the gateway's table were mostly
    // someone else's (another scan's, which expire): that is no measure of its limit.
    if (this.halfOpen.length >= MIN_LEARNED_LIMIT + 1) this.limit = Math.min(this.limit ?? Infinity, this.halfOpen.length - 1);
  }

  /**
   * No answer. A gateway that answered before has most likely hit a half-open or rate limit:
   * wait for its half-open SAs (ours or another scan's) to expire, then ask again.
   */
  async onSilence(attempt: number): Promise<boolean> {
    if (attempt >= this.opts.silenceRetries || this.opts.signal?.aborted === true) return false;
    if (!this.answeredOnce && attempt >= 1) return false; // never answered: not a limit, a silent gateway
    await this.wait(this.opts.halfOpenTimeoutMs + 1000, "no answer: waiting for the gateway's half-open SAs to expire before asking again");
    this.halfOpen = [];
    return true;
  }
}

export interface EliminationResult {
  accepted: CatalogueEntry[];
  rejected: CatalogueEntry[];
  /**
   * Refused silently: the offer went unanswered three times while the gateway answered a
   * known-accepted offer right before and after (X K X X K; a gateway that drops what it refuses).
   */
  dropped: CatalogueEntry[];
  unknown: CatalogueEntry[];
  /** Answers we could not read, with what was offered then. */
  malformed: { error: string; offered: number }[];
  notifies: Record<string, number>;
  /** What the gateway's answers showed about it (each once). */
  notes: string[];
  exchanges: number;
  /** Offers that went unanswered. */
  silences: number;
  /** Known-accepted offers sent to tell a live gateway's silence from a limit. */
  livenessChecks: number;
  /** The scan was interrupted: what was not asked is unknown. */
  interrupted: boolean;
}

/**
 * Offers a transform the gateway accepted before (`known`, or one known elsewhere), alone, to tell
 * whether the gateway still answers; undefined when no accepted transform is known yet.
 */
export type Liveness = (known: CatalogueEntry | undefined) => Promise<OfferAnswer | undefined>;

export interface EliminateOptions {
  onProgress?: (done: number, total: number) => void;
  /** Default: the known transform offered through the same peer. */
  liveness?: Liveness;
  /** The peer's own answer timeout, the upper bound of the waits sized from round trips. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Splits entries into chunks whose message 1 fits: `size(chunk)` is the message's size, `limit` the
 * most it may be. Sizes are added up, not re-encoded: `size` of the empty chunk is the fixed part,
 * `size` of one entry minus that its share (transforms are encoded one after another).
 */
export function chunk(entries: readonly CatalogueEntry[], size: (ts: readonly Phase1Transform[]) => number, limit: number, max = 255): CatalogueEntry[][] {
  const out: CatalogueEntry[][] = [];
  const fixed = size([]);
  let cur: CatalogueEntry[] = [];
  let bytes = fixed;
  for (const e of entries) {
    const own = size([e.transform]) - fixed;
    if (cur.length > 0 && (cur.length + 1 > max || bytes + own > limit)) {
      out.push(cur);
      cur = [];
      bytes = fixed;
    }
    cur.push(e);
    bytes += own;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export async function eliminate(chunks: CatalogueEntry[][], peer: ScanPeer, pacer: Pacer, opts: EliminateOptions): Promise<EliminationResult> {
  const r: EliminationResult = { accepted: [], rejected: [], dropped: [], unknown: [], malformed: [], notifies: {}, notes: [], exchanges: 0, silences: 0, livenessChecks: 0, interrupted: false };
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let done = 0;
  const settle = (list: CatalogueEntry[], entries: CatalogueEntry[]): void => {
    list.push(...entries);
    done += entries.length;
    opts.onProgress?.(done, total);
  };
  const liveness: Liveness = opts.liveness ?? (async (known) => (known !== undefined ? peer.offer([known.transform], pacer.answerTimeoutMs(opts.timeoutMs)) : undefined));
  /** The answer bookkeeping every offer shares (the pacer learns round trips and half-open SAs). */
  const note = (a: OfferAnswer): void => {
    if (a.kind === "no-response") return;
    if (a.kind === "accepted" && a.released !== true) pacer.onHalfOpen(a.rttMs);
    else pacer.onAnswer(a.rttMs);
  };
  /** Whether the gateway answers a known-accepted offer now: "alive", "silent", or "unknown" (none known). */
  const alive = async (): Promise<"alive" | "silent" | "unknown"> => {
    await pacer.beforeSend();
    const a = await liveness(r.accepted.at(-1));
    if (a === undefined) return "unknown";
    r.livenessChecks++;
    r.exchanges++;
    note(a);
    return a.kind === "no-response" ? "silent" : "alive";
  };

  /** Chunks whose silence could not be explained yet: asked again at the end. */
  const deferred: CatalogueEntry[][] = [];
  /** One chunk, offered until the gateway refuses the rest; returns what is left when its silence cannot be explained yet. */
  const run = async (initial: CatalogueEntry[], canDefer: boolean): Promise<CatalogueEntry[] | undefined> => {
    let remaining = [...initial];
    let limitWaits = 0;
    // A silent refusal is proven by the pattern X K X X K (X this offer, silent; K a known-accepted
    // offer, answered): the gateway answers right before and after, and the two X in a row rule out
    // a loss or rate pattern that alternates with our offers.
    let bracketed = 0;
    let silentInRow = 0;
    while (remaining.length > 0) {
      if (opts.signal?.aborted === true) {
        r.interrupted = true;
        settle(r.unknown, remaining);
        return undefined;
      }
      await pacer.beforeSend();
      r.exchanges++;
      const answer = await peer.offer(
        remaining.map((e) => e.transform),
        pacer.answerTimeoutMs(opts.timeoutMs),
      );
      note(answer);
      if (answer.kind === "no-response") {
        r.silences++;
        silentInRow++;
        if (bracketed === 1 && silentInRow < 2) continue; // X again, at once
        const state = await alive();
        if (state === "alive") {
          silentInRow = 0;
          if (++bracketed >= 2) {
            settle(r.dropped, remaining);
            return undefined;
          }
          continue;
        }
        // Nothing known to be accepted yet: ask again at the end, once something is. A gateway that has
        // not answered at all gets a few other chunks first, then the wait for its half-open SAs.
        if (state === "unknown" && canDefer && (pacer.answeredOnce || deferred.length < PROBE_CHUNKS)) return remaining;
        if (state === "silent") pacer.onLimit();
        if (await pacer.onSilence(limitWaits++)) continue;
        settle(r.unknown, remaining);
        return undefined;
      }
      bracketed = 0;
      silentInRow = 0;
      limitWaits = 0;
      if (answer.kind === "accepted") {
        const [taken] = remaining.splice(answer.index, 1);
        if (taken === undefined) {
          r.malformed.push({ error: `the gateway accepted transform ${answer.index + 1} of ${remaining.length}`, offered: remaining.length });
          settle(r.unknown, remaining);
          return undefined;
        }
        if (answer.note !== undefined && !r.notes.includes(answer.note)) r.notes.push(answer.note);
        settle(r.accepted, [taken]);
      } else if (answer.kind === "rejected") {
        r.notifies[answer.notify] = (r.notifies[answer.notify] ?? 0) + 1;
        settle(r.rejected, remaining);
        remaining = [];
      } else {
        // An answer we cannot read says nothing about what is acceptable.
        r.malformed.push({ error: answer.error, offered: remaining.length });
        settle(r.unknown, remaining);
        remaining = [];
      }
    }
    return undefined;
  };

  for (const [ci, initial] of chunks.entries()) {
    if (r.silences > 0 && !pacer.answeredOnce && r.unknown.length > 0) {
      // Never a single answer, even after waiting: the gateway is not there (or drops us). Stop.
      settle(r.unknown, chunks.slice(ci).flat());
      break;
    }
    const left = await run(initial, true);
    if (left !== undefined) deferred.push(left);
  }
  for (const left of deferred) {
    if (pacer.answeredOnce) await run(left, false);
    else settle(r.unknown, left); // still not a single answer: no more waiting
  }
  return r;
}

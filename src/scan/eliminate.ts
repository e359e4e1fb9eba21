/**
 * The elimination strategy: offer many transforms in one message 1 (one proposal, up to 255
 * transforms, within a packet size); the gateway picks one it accepts; remove that one and offer the
 * rest again, until the gateway refuses. The accepted set costs about (accepted + one refusal per
 * chunk) exchanges instead of one per transform, whatever order the gateway prefers.
 *
 * Silence is never a refusal: a gateway that stops answering (half-open limit, rate limit) is given
 * time to recover and asked again; transforms whose answer never came are `unknown`.
 */
import type { CatalogueEntry } from "./catalogue.js";
import type { Phase1Transform } from "../config/ike.js";

export type OfferAnswer =
  | { kind: "accepted"; index: number; note?: string; released?: boolean }
  | { kind: "rejected"; notify: string }
  | { kind: "no-response" }
  | { kind: "malformed"; error: string };

/** Something that can put transforms in front of the gateway: the network, or a scripted gateway in tests. */
export interface ScanPeer {
  offer(transforms: readonly Phase1Transform[]): Promise<OfferAnswer>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
};

export interface PacingOptions {
  /** Half-open SAs we allow ourselves on the gateway at once (strongSwan drops a peer's 6th). */
  maxHalfOpen: number;
  /** How long the gateway keeps a half-open SA (strongSwan: 30 s). */
  halfOpenTimeoutMs: number;
  /** Retries of a message that got no answer, each after waiting for the gateway to recover. */
  silenceRetries: number;
  /** The least time between two messages to this gateway (from --rate); 0 for none. */
  minIntervalMs: number;
  /** Lets the pacing be watched (progress output, tests). */
  onWait?: (ms: number, why: string) => void;
}

export const DEFAULT_PACING: PacingOptions = { maxHalfOpen: 4, halfOpenTimeoutMs: 30_000, silenceRetries: 2, minIntervalMs: 0 };

/** Paces one gateway: keeps our half-open SAs under its limit and recovers from silence. */
export class Pacer {
  private readonly opts: PacingOptions;
  private readonly clock: Clock;
  private halfOpen: number[] = [];
  private lastSend = -Infinity;
  /** Whether the gateway has answered at all: silence from one that never did is not a limit. */
  answeredOnce = false;
  waitedMs = 0;

  constructor(opts: PacingOptions, clock: Clock = realClock) {
    this.opts = opts;
    this.clock = clock;
  }

  private async wait(ms: number, why: string): Promise<void> {
    if (ms <= 0) return;
    this.opts.onWait?.(ms, why);
    this.waitedMs += ms;
    await this.clock.sleep(ms);
  }

  async beforeSend(): Promise<void> {
    const margin = 500;
    this.halfOpen = this.halfOpen.filter((t) => this.clock.now() - t < this.opts.halfOpenTimeoutMs + margin);
    if (this.halfOpen.length >= this.opts.maxHalfOpen) {
      await this.wait(this.halfOpen[0]! + this.opts.halfOpenTimeoutMs + margin - this.clock.now(), `${this.halfOpen.length} half-open SAs of ours on the gateway: waiting for the oldest to expire`);
      this.halfOpen.shift();
    }
    await this.wait(this.lastSend + this.opts.minIntervalMs - this.clock.now(), "rate limit");
    this.lastSend = this.clock.now();
  }

  /** An accepted answer: the gateway now holds a half-open SA of ours. */
  onHalfOpen(): void {
    this.answeredOnce = true;
    this.halfOpen.push(this.clock.now());
  }

  onAnswer(): void {
    this.answeredOnce = true;
  }

  /**
   * No answer. A gateway that answered before has most likely hit a half-open or rate limit:
   * wait for its half-open SAs (ours or another scan's) to expire, then ask again.
   */
  async onSilence(attempt: number): Promise<boolean> {
    if (attempt >= this.opts.silenceRetries) return false;
    if (!this.answeredOnce && attempt >= 1) return false; // never answered: not a limit, a silent gateway
    await this.wait(this.opts.halfOpenTimeoutMs + 1000, "no answer: waiting for the gateway's half-open SAs to expire before asking again");
    this.halfOpen = [];
    return true;
  }
}

export interface EliminationResult {
  accepted: CatalogueEntry[];
  rejected: CatalogueEntry[];
  unknown: CatalogueEntry[];
  /** Answers we could not read, with what was offered then. */
  malformed: { error: string; offered: number }[];
  notifies: Record<string, number>;
  /** What the gateway's answers showed about it (each once). */
  notes: string[];
  exchanges: number;
  /** Messages sent, retransmissions included (the peer reports them). */
  silences: number;
}

/** Splits entries into chunks whose message 1 fits: `fits(chunk)` says whether one does. */
export function chunk(entries: readonly CatalogueEntry[], fits: (ts: readonly Phase1Transform[]) => boolean, max = 255): CatalogueEntry[][] {
  const out: CatalogueEntry[][] = [];
  let cur: CatalogueEntry[] = [];
  for (const e of entries) {
    const next = [...cur, e];
    if (cur.length > 0 && (next.length > max || !fits(next.map((x) => x.transform)))) {
      out.push(cur);
      cur = [e];
    } else cur = next;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export async function eliminate(chunks: CatalogueEntry[][], peer: ScanPeer, pacer: Pacer, onProgress?: (done: number, total: number) => void): Promise<EliminationResult> {
  const r: EliminationResult = { accepted: [], rejected: [], unknown: [], malformed: [], notifies: {}, notes: [], exchanges: 0, silences: 0 };
  const total = chunks.reduce((n, c) => n + c.length, 0);
  let done = 0;
  for (const [ci, initial] of chunks.entries()) {
    if (r.silences > 0 && !pacer.answeredOnce && r.unknown.length > 0) {
      // Never a single answer, even after waiting: the gateway is not there (or drops us). Stop.
      const rest = chunks.slice(ci).flat();
      r.unknown.push(...rest);
      done += rest.length;
      onProgress?.(done, total);
      break;
    }
    let remaining = [...initial];
    let silentAttempts = 0;
    while (remaining.length > 0) {
      await pacer.beforeSend();
      r.exchanges++;
      const answer = await peer.offer(remaining.map((e) => e.transform));
      if (answer.kind === "no-response") {
        r.silences++;
        if (await pacer.onSilence(silentAttempts++)) continue;
        r.unknown.push(...remaining);
        done += remaining.length;
        break;
      }
      silentAttempts = 0;
      if (answer.kind === "accepted") {
        // A released exchange (the gateway confirmed dropping it) leaves no half-open SA to pace for.
        if (answer.released === true) pacer.onAnswer();
        else pacer.onHalfOpen();
        const [taken] = remaining.splice(answer.index, 1);
        if (taken === undefined) {
          r.malformed.push({ error: `the gateway accepted transform ${answer.index + 1} of ${remaining.length}`, offered: remaining.length });
          r.unknown.push(...remaining);
          done += remaining.length;
          break;
        }
        r.accepted.push(taken);
        if (answer.note !== undefined && !r.notes.includes(answer.note)) r.notes.push(answer.note);
        done++;
      } else if (answer.kind === "rejected") {
        pacer.onAnswer();
        r.notifies[answer.notify] = (r.notifies[answer.notify] ?? 0) + 1;
        r.rejected.push(...remaining);
        done += remaining.length;
        remaining = [];
      } else {
        pacer.onAnswer();
        // An answer we cannot read says nothing about what is acceptable.
        r.malformed.push({ error: answer.error, offered: remaining.length });
        r.unknown.push(...remaining);
        done += remaining.length;
        remaining = [];
      }
      onProgress?.(done, total);
    }
  }
  return r;
}

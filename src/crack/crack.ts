/**
 * `ikeprobe psk-crack`: tests candidate PSKs from word lists against saved Aggressive Mode hashes on
 * every core. The main thread streams the lists in batches (never the whole file in memory) to
 * worker threads, at most two batches ahead per worker; each worker tests every candidate against
 * every hash not yet found. Never prints; progress goes to `onProgress`.
 */
import { createReadStream, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { crackEngine } from "./engine.js";
import type { PskHash } from "./hash-file.js";

export interface CandidateSource {
  /** The option it came from, for messages: "--wordlist" or "--psk-candidates". */
  option: string;
  path: string;
}

export interface CrackProgress {
  tested: number;
  perSecond: number;
  /** Share of the input read, 0..1. */
  fraction: number;
  etaSeconds: number | null;
}

export interface CrackHit {
  line: number;
  hash: string;
  found: boolean;
  /** The PSK found (UTF-8 text), and its bytes in hex when it is not printable text. */
  psk?: string;
  pskHex?: string;
  /** Where the candidate came from: option, file and line. */
  source?: { option: string; path: string; line: number };
}

export interface CrackResult {
  hashes: CrackHit[];
  tested: number;
  elapsedMs: number;
  perSecond: number;
  threads: number;
  /** Every candidate was tested (not interrupted, not stopped early because all were found). */
  exhausted: boolean;
  interrupted: boolean;
}

export interface CrackOptions {
  hashes: PskHash[];
  sources: CandidateSource[];
  threads?: number;
  /** Candidates per batch sent to a worker. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: CrackProgress) => void;
}

interface Batch {
  buf: Uint8Array;
  /** (offset, length) pairs; length 0 for empty lines (skipped, but counted for line numbers). */
  offs: Uint32Array;
  source: CandidateSource;
  firstLine: number;
  /** Non-empty lines: the candidates tested. */
  count: number;
}

/** Batches of lines from each source in turn, with CR/LF line ends removed. */
async function* batches(sources: CandidateSource[], size: number, onBytes: (n: number) => void): AsyncGenerator<Batch> {
  for (const source of sources) {
    let line = 1;
    let carry: Buffer = Buffer.alloc(0);
    const stream = createReadStream(source.path, { highWaterMark: 1 << 20 });
    const cut = function* (data: Buffer, final: boolean): Generator<Batch> {
      let start = 0;
      while (start < data.length) {
        const offs: number[] = [];
        let pos = start;
        while (offs.length < 2 * size) {
          const nl = data.indexOf(0x0a, pos);
          if (nl < 0) {
            if (!final || pos >= data.length) break;
            offs.push(pos - start, trimCr(data, pos, data.length) - pos);
            pos = data.length;
            break;
          }
          offs.push(pos - start, trimCr(data, pos, nl) - pos);
          pos = nl + 1;
        }
        if (offs.length === 0) break;
        const buf = new Uint8Array(pos - start);
        buf.set(data.subarray(start, pos));
        let count = 0;
        for (let i = 1; i < offs.length; i += 2) if (offs[i]! > 0) count++;
        yield { buf, offs: Uint32Array.from(offs), source, firstLine: line, count };
        line += offs.length / 2;
        start = pos;
      }
      carry = Buffer.from(data.subarray(start));
    };
    try {
      for await (const chunk of stream) {
        onBytes((chunk as Buffer).length);
        yield* cut(carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer), false);
      }
    } catch (e) {
      throw new UsageError(`${source.option} ${source.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    if (carry.length > 0) yield* cut(carry, true);
  }
}

function trimCr(data: Buffer, start: number, end: number): number {
  return end > start && data[end - 1] === 0x0d ? end - 1 : end;
}

/** The worker's whole program: the engine's own source text and a message loop. */
function workerSource(): string {
  return `"use strict";
var __name = (f) => f;
const { parentPort, workerData } = require("node:worker_threads");
const engine = (${crackEngine.toString()})(require("node:crypto"));
const testers = workerData.targets.map((t) => engine.tester({ hash: t.hash, nonces: new Uint8Array(t.nonces), message: new Uint8Array(t.message), hashR: new Uint8Array(t.hashR) }));
const alive = testers.map(() => true);
parentPort.on("message", (m) => {
  if (m.type === "drop") { alive[m.target] = false; return; }
  const buf = new Uint8Array(m.buf);
  const offs = new Uint32Array(m.offs);
  const found = [];
  for (let i = 0; i < offs.length; i += 2) {
    const len = offs[i + 1];
    if (len === 0) continue;
    for (let k = 0; k < testers.length; k++) if (alive[k] && testers[k](buf, offs[i], len)) found.push({ target: k, index: i >> 1 });
  }
  parentPort.postMessage({ id: m.id, found });
});`;
}

export function checkSources(sources: CandidateSource[]): number {
  let total = 0;
  for (const s of sources) {
    try {
      const st = statSync(s.path);
      if (!st.isFile()) throw new UsageError(`${s.option} ${s.path}: not a file`);
      total += st.size;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${s.option} ${s.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  return total;
}

export async function runCrack(opts: CrackOptions): Promise<CrackResult> {
  const totalBytes = checkSources(opts.sources);
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), 64));
  const t0 = performance.now();
  const hits: CrackHit[] = opts.hashes.map((h) => ({ line: h.line, hash: h.hash, found: false }));
  const targets = opts.hashes.map((h) => ({ hash: h.hash, nonces: h.nonces, message: h.message, hashR: h.hashR }));
  const workers = Array.from({ length: threads }, () => new Worker(workerSource(), { eval: true, workerData: { targets } }));
  let tested = 0;
  let bytesRead = 0;
  let remaining = hits.length;
  let nextId = 0;
  const pending = new Map<number, { batch: Batch; worker: number }>();
  const inFlight = workers.map(() => 0);
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let lastProgress = 0;

  const progress = (force: boolean): void => {
    const now = performance.now();
    if (!force && now - lastProgress < 200) return;
    lastProgress = now;
    const secs = (now - t0) / 1000;
    const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
    opts.onProgress?.({ tested, perSecond: secs > 0 ? tested / secs : 0, fraction, etaSeconds: fraction > 0 && fraction < 1 ? (secs * (1 - fraction)) / fraction : null });
  };

  workers.forEach((w, wi) => {
    w.on("message", (m: { id: number; found: { target: number; index: number }[] }) => {
      const p = pending.get(m.id);
      if (p === undefined) return;
      pending.delete(m.id);
      inFlight[wi]!--;
      tested += p.batch.count;
      for (const f of m.found) {
        const hit = hits[f.target]!;
        if (hit.found) continue;
        const off = p.batch.offs[f.index * 2]!;
        const bytes = Buffer.from(p.batch.buf.subarray(off, off + p.batch.offs[f.index * 2 + 1]!));
        hit.found = true;
        hit.psk = bytes.toString("utf8");
        if (!/^[\x20-\x7e]*$/.test(hit.psk)) hit.pskHex = bytes.toString("hex");
        hit.source = { option: p.batch.source.option, path: p.batch.source.path, line: p.batch.firstLine + f.index };
        remaining--;
        for (const other of workers) other.postMessage({ type: "drop", target: f.target });
      }
      progress(false);
      wake?.();
    });
    w.on("error", (e) => {
      failure = e;
      wake?.();
    });
  });

  const waitSlot = async (): Promise<number> => {
    for (;;) {
      if (failure !== undefined) throw failure;
      let best = 0;
      for (let i = 1; i < workers.length; i++) if (inFlight[i]! < inFlight[best]!) best = i;
      if (inFlight[best]! < 2) return best;
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
  };

  let interrupted = false;
  let exhausted = true;
  try {
    for await (const batch of batches(opts.sources, opts.batchSize ?? 8192, (n) => (bytesRead += n))) {
      if (opts.signal?.aborted) {
        interrupted = true;
        exhausted = false;
        break;
      }
      if (remaining === 0) {
        exhausted = false;
        break;
      }
      const wi = await waitSlot();
      const id = nextId++;
      pending.set(id, { batch, worker: wi });
      inFlight[wi]!++;
      // The copy for the worker is transferred (moved), the batch keeps its own for the answer.
      const buf = batch.buf.slice();
      const offs = batch.offs.slice();
      workers[wi]!.postMessage({ id, buf: buf.buffer, offs: offs.buffer }, [buf.buffer, offs.buffer]);
    }
    while (pending.size > 0) {
      if (failure !== undefined) throw failure;
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  progress(true);
  const elapsedMs = performance.now() - t0;
  return { hashes: hits, tested, elapsedMs: Math.round(elapsedMs), perSecond: Math.round(tested / (elapsedMs / 1000)), threads, exhausted, interrupted };
}

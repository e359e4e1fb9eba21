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
import type { CrackHit, CrackResult } from "../report/crack.js";
import { now } from "../clock.js";
export type { CrackHit, CrackResult } from "../report/crack.js";

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


export interface CrackOptions {
  hashes: PskHash[];
  sources: CandidateSource[];
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (p: CrackProgress) => void;
}

interface Chunk {
  /** Whole lines (the last may lack its newline at the end of a file). */
  buf: Uint8Array;
  source: CandidateSource;
  /** Position of this chunk among its source's chunks. */
  seq: number;
}

/**
 * Chunks of about 1 MiB from each source in turn, cut after a newline. The main thread only reads
 * and cuts; the workers split the lines, so reading never becomes the bottleneck on few cores.
 */
async function* chunks(sources: CandidateSource[], onBytes: (n: number) => void): AsyncGenerator<Chunk> {
  for (const source of sources) {
    let seq = 0;
    let carry: Buffer = Buffer.alloc(0);
    const stream = createReadStream(source.path, { highWaterMark: 1 << 20 });
    try {
      for await (const data of stream) {
        const chunk = data as Buffer;
        onBytes(chunk.length);
        const all = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const cut = all.lastIndexOf(0x0a) + 1;
        if (cut === 0) {
          carry = Buffer.from(all);
          continue;
        }
        const buf = new Uint8Array(cut);
        buf.set(all.subarray(0, cut));
        carry = Buffer.from(all.subarray(cut));
        yield { buf, source, seq: seq++ };
      }
    } catch (e) {
      throw new UsageError(`${source.option} ${source.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    if (carry.length > 0) yield { buf: new Uint8Array(carry), source, seq };
  }
}

/** The worker's whole program: the engine's own source text, a line splitter and a message loop. */
function workerSource(): string {
  return `"use strict";
var __name = (f) => f;
const { parentPort, workerData } = require("node:worker_threads");
const engine = (${crackEngine.toString()})(require("node:crypto"));
const testers = workerData.targets.map((t) => engine.tester({ hash: t.hash, nonces: new Uint8Array(t.nonces), message: new Uint8Array(t.message), hashR: new Uint8Array(t.hashR) }));
const alive = testers.map(() => true);
let pairs = new Uint32Array(1 << 16);
parentPort.on("message", (m) => {
  if (m.type === "drop") { alive[m.target] = false; return; }
  const buf = new Uint8Array(m.buf);
  // (offset, length) per line, CR LF or LF; an empty line keeps its place with length 0.
  let n = 0, tested = 0, p = 0;
  while (p < buf.length) {
    let nl = buf.indexOf(10, p);
    if (nl < 0) nl = buf.length;
    const end = nl > p && buf[nl - 1] === 13 ? nl - 1 : nl;
    if (2 * n + 2 > pairs.length) { const more = new Uint32Array(pairs.length * 2); more.set(pairs); pairs = more; }
    pairs[2 * n] = p; pairs[2 * n + 1] = end - p; n++;
    if (end > p) tested++;
    p = nl + 1;
  }
  const view = pairs.subarray(0, 2 * n);
  const found = [];
  for (let k = 0; k < testers.length; k++) if (alive[k]) testers[k].testMany(buf, view, (i) => found.push({ target: k, line: i + 1, psk: Array.from(buf.subarray(view[2 * i], view[2 * i] + view[2 * i + 1])) }));
  parentPort.postMessage({ id: m.id, lines: n, tested, found });
});`;
}

function checkSources(sources: CandidateSource[]): number {
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
  const t0 = now();
  const hits: CrackHit[] = opts.hashes.map((h) => ({ line: h.line, hash: h.hash, found: false }));
  const targets = opts.hashes.map((h) => ({ hash: h.hash, nonces: h.nonces, message: h.message, hashR: h.hashR }));
  const workers = Array.from({ length: threads }, () => new Worker(workerSource(), { eval: true, workerData: { targets } }));
  let tested = 0;
  let bytesRead = 0;
  let remaining = hits.length;
  let nextId = 0;
  const pending = new Map<number, Chunk>();
  const inFlight = workers.map(() => 0);
  /** Lines per chunk, per source, as the workers report them: turns a hit's line in its chunk into the file's line. */
  const lineCounts = new Map<CandidateSource, number[]>();
  const found: { target: number; chunk: Chunk; line: number; psk: Buffer }[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let lastProgress = 0;

  const progress = (force: boolean): void => {
    const t = now();
    if (!force && t - lastProgress < 200) return;
    lastProgress = t;
    const secs = (t - t0) / 1000;
    const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
    opts.onProgress?.({ tested, perSecond: secs > 0 ? tested / secs : 0, fraction, etaSeconds: fraction > 0 && fraction < 1 ? (secs * (1 - fraction)) / fraction : null });
  };

  workers.forEach((w, wi) => {
    w.on("message", (m: { id: number; lines: number; tested: number; found: { target: number; line: number; psk: number[] }[] }) => {
      const chunk = pending.get(m.id);
      if (chunk === undefined) return;
      pending.delete(m.id);
      inFlight[wi]!--;
      tested += m.tested;
      const counts = lineCounts.get(chunk.source) ?? [];
      counts[chunk.seq] = m.lines;
      lineCounts.set(chunk.source, counts);
      for (const f of m.found) {
        if (found.some((x) => x.target === f.target)) continue;
        found.push({ target: f.target, chunk, line: f.line, psk: Buffer.from(f.psk) });
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
    for await (const chunk of chunks(opts.sources, (n) => (bytesRead += n))) {
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
      pending.set(id, chunk);
      inFlight[wi]!++;
      // The worker gets its own copy (moved, not cloned); the chunk itself stays here until answered.
      const copy = chunk.buf.slice();
      workers[wi]!.postMessage({ id, buf: copy.buffer }, [copy.buffer]);
    }
    while (pending.size > 0) {
      if (failure !== undefined) throw failure;
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // Every chunk sent has answered: each hit's line in its file is known now.
  for (const f of found) {
    const counts = lineCounts.get(f.chunk.source) ?? [];
    let before = 0;
    for (let i = 0; i < f.chunk.seq; i++) before += counts[i] ?? 0;
    const hit = hits[f.target]!;
    hit.found = true;
    hit.psk = f.psk.toString("utf8");
    if (!/^[\x20-\x7e]*$/.test(hit.psk)) hit.pskHex = f.psk.toString("hex");
    hit.source = { option: f.chunk.source.option, path: f.chunk.source.path, line: before + f.line };
  }
  progress(true);
  const elapsedMs = now() - t0;
  return { hashes: hits, tested, elapsedMs: Math.round(elapsedMs), perSecond: Math.round(tested / (elapsedMs / 1000)), threads, exhausted, interrupted };
}

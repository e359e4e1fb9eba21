/**
 * `ikeprobe psk-crack`: tests candidate PSKs from word lists against saved Aggressive Mode hashes on
 * every core. The main thread streams the lists in small batches (never the whole file in memory)
 * to worker threads, at most two batches ahead per worker, and tests a batch itself whenever no
 * worker can take one: so a short list is not kept waiting for threads to start, and the main thread
 * is one of the `threads` testing. Each thread tests every candidate against every hash not yet
 * found. Never prints; progress goes to `onProgress`.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { closeSync, open, read, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UsageError } from "../errors.js";
import { type ChunkResult, type CrackTarget, type Engine, type Tester, crackEngine } from "./engine.js";
import type { PskHash } from "./hash-file.js";
import type { CrackHit, CrackResult } from "../report/model/crack.js";
import { now } from "../util/clock.js";
export type { CrackHit, CrackResult } from "../report/model/crack.js";

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
  /** Threads testing candidates, the main thread one of them (default: one per core, at most 64). */
  threads?: number;
  /** Lists up to this many bytes are tested on the main thread alone (default MAIN_THREAD_BYTES). */
  mainThreadBytes?: number;
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
 * Batches of about BATCH_BYTES from each source in turn, cut after a newline (a longer line makes a
 * longer batch). The main thread only reads and cuts; the testers split the lines, so reading never
 * becomes the bottleneck on few cores.
 */
async function* chunks(sources: CandidateSource[], onBytes: (n: number) => void): AsyncGenerator<Chunk> {
  for (const source of sources) {
    let seq = 0;
    let carry: Buffer = Buffer.alloc(0);
    try {
      for await (const chunk of fileChunks(source.path)) {
        onBytes(chunk.length);
        const all = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const cut = all.lastIndexOf(0x0a) + 1;
        for (let start = 0; start < cut; ) {
          let stop = start + BATCH_BYTES;
          if (stop >= cut) stop = cut;
          else {
            const nl = all.lastIndexOf(0x0a, stop - 1);
            stop = nl >= start ? nl + 1 : all.indexOf(0x0a, stop) + 1;
          }
          // Its own ArrayBuffer (not Buffer's shared pool), so that it can be moved to a worker.
          const buf = new Uint8Array(stop - start);
          buf.set(all.subarray(start, stop));
          yield { buf, source, seq: seq++ };
          start = stop;
        }
        carry = Buffer.from(all.subarray(cut));
      }
    } catch (e) {
      throw new UsageError(`${source.option} ${source.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    if (carry.length > 0) yield { buf: new Uint8Array(carry), source, seq };
  }
}

/**
 * A file's bytes, 1 MiB at a time, the next read under way while the caller works on the last one
 * (which it must be done with before asking for the next). fs.read, not a read stream: Node's
 * streams are not loaded yet when psk-crack starts, and loading them took ~3 ms of a short list.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const fd = await new Promise<number>((res, rej) => open(path, "r", (e, f) => (e === null ? res(f) : rej(e))));
  const readInto = (b: Buffer): Promise<number> => new Promise((res, rej) => read(fd, b, 0, b.length, null, (e, n) => (e === null ? res(n) : rej(e))));
  let buffers = [Buffer.allocUnsafe(1 << 20), Buffer.allocUnsafe(1 << 20)] as const;
  let pending = readInto(buffers[0]);
  try {
    for (;;) {
      const n = await pending;
      if (n === 0) return;
      const got = buffers[0];
      buffers = [buffers[1], got];
      pending = readInto(buffers[0]);
      yield got.subarray(0, n);
    }
  } finally {
    // A read still under way must finish before its descriptor is closed (and perhaps reused).
    await pending.catch(() => 0);
    closeSync(fd);
  }
}

/** The worker's whole program: the engine's own source text and a message loop; "ready" once its testers are built. */
function workerSource(): string {
  return `"use strict";
var __name = (f) => f;
const { parentPort, workerData } = require("node:worker_threads");
const engine = (${crackEngine.toString()})(require("node:crypto"), workerData.prebuilt);
const testers = workerData.targets.map((t) => engine.tester({ hash: t.hash, nonces: new Uint8Array(t.nonces), message: new Uint8Array(t.message), hashR: new Uint8Array(t.hashR) }));
const alive = testers.map(() => true);
parentPort.on("message", (m) => {
  if (m.type === "drop") { alive[m.target] = false; return; }
  parentPort.postMessage({ id: m.id, ...engine.scan(testers, alive, new Uint8Array(m.buf)) });
});
parentPort.postMessage({ type: "ready" });`;
}

/**
 * The engine's WebAssembly modules as `npm run build` wrote them (dist/ikeprobe-crack.json, beside
 * the CLI bundle; from the API's dist/crack/ one level up), or undefined: then they are generated.
 */
function prebuiltModules(): Record<string, Uint8Array> | undefined {
  for (const rel of ["./ikeprobe-crack.json", "../ikeprobe-crack.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string").map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
    } catch {
      // Not there (or not ours): try the next place.
    }
  }
  return undefined;
}

function progressAt(tested: number, secs: number, fraction: number): CrackProgress {
  return { tested, perSecond: secs > 0 ? tested / secs : 0, fraction, etaSeconds: fraction > 0 && fraction < 1 ? (secs * (1 - fraction)) / fraction : null };
}

/** The main thread's own engine and testers, made on first use (most runs never need them). */
function mainThreadTester(targets: CrackTarget[], prebuilt: Record<string, Uint8Array> | undefined): { scan(buf: Uint8Array): ChunkResult; drop(target: number): void } {
  const alive = targets.map(() => true);
  let local: { engine: Engine; testers: Tester[] } | undefined;
  return {
    scan(buf) {
      if (local === undefined) {
        const engine = crackEngine({ createHash, createHmac, timingSafeEqual }, prebuilt);
        local = { engine, testers: targets.map((t) => engine.tester(t)) };
      }
      return local.engine.scan(local.testers, alive, buf);
    },
    drop(target) {
      alive[target] = false;
    },
  };
}

/** Every chunk sent has answered: each hit's line in its file is known now. */
function placeHits(hits: CrackHit[], found: readonly Found[], lineCounts: ReadonlyMap<CandidateSource, number[]>): void {
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
}

/** A hash found: in which chunk, on which of its lines, with which PSK. */
interface Found {
  target: number;
  chunk: Chunk;
  line: number;
  psk: Buffer;
}

/**
 * Lists up to this size (about 200,000 words) are tested on the main thread alone. A worker takes
 * ~60 ms to be ready (a thread, Node, the engine's code, WebAssembly) and competes for the cores
 * meanwhile: on two cores, threads paid off only from about 250,000 words (bench/psk-crack.ts).
 */
export const MAIN_THREAD_BYTES = 2 << 20;
/** One batch: about 6,000 words, a few milliseconds of one thread's work. */
const BATCH_BYTES = 64 << 10;

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
  const prebuilt = prebuiltModules();
  // The main thread is one of the testing threads: it tests a batch whenever no worker can take one
  // (none ready yet, or each two batches ahead). A list it tests in about the time a worker takes to
  // start gets no workers at all.
  const workers = totalBytes > (opts.mainThreadBytes ?? MAIN_THREAD_BYTES) ? Array.from({ length: threads - 1 }, () => new Worker(workerSource(), { eval: true, workerData: { targets, prebuilt } })) : [];
  let tested = 0;
  let bytesRead = 0;
  let remaining = hits.length;
  let nextId = 0;
  const pending = new Map<number, Chunk>();
  const inFlight = workers.map(() => 0);
  /** Lines per chunk, per source, as the workers report them: turns a hit's line in its chunk into the file's line. */
  const lineCounts = new Map<CandidateSource, number[]>();
  const found: Found[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let lastProgress = 0;
  const progress = (force: boolean): void => {
    const t = now();
    if (!force && t - lastProgress < 200) return;
    lastProgress = t;
    opts.onProgress?.(progressAt(tested, (t - t0) / 1000, totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1));
  };

  const ready = workers.map(() => false);
  const local = mainThreadTester(targets, prebuilt);
  const onResult = (chunk: Chunk, m: ChunkResult): void => {
    tested += m.tested;
    const counts = lineCounts.get(chunk.source) ?? [];
    counts[chunk.seq] = m.lines;
    lineCounts.set(chunk.source, counts);
    for (const f of m.found) {
      if (found.some((x) => x.target === f.target)) continue;
      found.push({ target: f.target, chunk, line: f.line, psk: Buffer.from(f.psk) });
      remaining--;
      local.drop(f.target);
      for (const other of workers) other.postMessage({ type: "drop", target: f.target });
    }
    progress(false);
  };

  workers.forEach((w, wi) => {
    w.on("message", (m: ({ type: "ready" } & Partial<ChunkResult>) | ({ type?: undefined; id: number } & ChunkResult)) => {
      if (m.type === "ready") {
        ready[wi] = true;
        wake?.();
        return;
      }
      const chunk = pending.get(m.id);
      if (chunk === undefined) return;
      pending.delete(m.id);
      inFlight[wi]!--;
      onResult(chunk, m);
      wake?.();
    });
    w.on("error", (e) => {
      failure = e;
      wake?.();
    });
  });

  /** The ready worker with the fewest batches in hand, if one has fewer than two. */
  const freeWorker = (): number | undefined => {
    let best: number | undefined;
    for (let i = 0; i < workers.length; i++) if (ready[i] && inFlight[i]! < 2 && (best === undefined || inFlight[i]! < inFlight[best]!)) best = i;
    return best;
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
      if (failure !== undefined) throw failure;
      const wi = freeWorker();
      if (wi === undefined) {
        onResult(chunk, local.scan(chunk.buf));
        // Workers' messages (ready, results) are read between the main thread's batches.
        if (workers.length > 0) await new Promise<void>((res) => setImmediate(res));
        continue;
      }
      const id = nextId++;
      pending.set(id, chunk);
      inFlight[wi]!++;
      // Moved, not cloned: the batch owns its ArrayBuffer (chunks()), and only its place stays here.
      const buf = chunk.buf.buffer as ArrayBuffer;
      workers[wi]!.postMessage({ id, buf }, [buf]);
    }
    while (pending.size > 0) {
      if (failure !== undefined) throw failure;
      await new Promise<void>((res) => (wake = res));
      wake = undefined;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  placeHits(hits, found, lineCounts);
  progress(true);
  const elapsedMs = now() - t0;
  return { hashes: hits, tested, elapsedMs: Math.round(elapsedMs), perSecond: Math.round(tested / (elapsedMs / 1000)), threads: workers.length + 1, exhausted, interrupted };
}

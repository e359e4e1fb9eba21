/**
 * Seeded, structure-aware mutations of IKE messages for the fuzz tests: the same seed gives the same
 * cases, so a failure can be replayed (FUZZ_SEED). Mutations follow what hostile or broken peers
 * send: truncation, bit flips, length fields that lie (header and payload), payload chains that loop
 * or point at unknown types, hundreds of transforms, huge payloads, other exchange types and message
 * IDs, and garbage after the last payload.
 */

/** mulberry32: small, fast, good enough to spread cases; deterministic per seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Offsets of the generic payload headers in a message (following the chain while it is sane). */
export function payloadOffsets(m: Buffer): number[] {
  const out: number[] = [];
  let next = m[16] ?? 0;
  let off = 28;
  const encrypted = ((m[19] ?? 0) & 1) === 1;
  while (!encrypted && next !== 0 && off + 4 <= m.length && out.length < 64) {
    out.push(off);
    next = m[off]!;
    const len = m.readUInt16BE(off + 2);
    if (len < 4) break;
    off += len;
  }
  return out;
}

export type Mutator = (m: Buffer, rng: Rng) => Buffer;

const setU16 = (b: Buffer, off: number, v: number): Buffer => {
  if (off + 2 <= b.length) b.writeUInt16BE(v & 0xffff, off);
  return b;
};

export const MUTATORS: Record<string, Mutator> = {
  truncate: (m, rng) => m.subarray(0, rng.int(m.length)),
  bitflip: (m, rng) => {
    const b = Buffer.from(m);
    for (let i = 0, n = 1 + rng.int(8); i < n; i++) b[rng.int(b.length)]! ^= 1 << rng.int(8);
    return b;
  },
  "header-length-lie": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length >= 28) b.writeUInt32BE(rng.pick([0, 27, 28, b.length - 1, b.length + 1, 0xffffffff, rng.int(1 << 20)]) >>> 0, 24);
    return b;
  },
  "payload-length-lie": (m, rng) => {
    const b = Buffer.from(m);
    const offs = payloadOffsets(b);
    if (offs.length === 0) return b;
    return setU16(b, rng.pick(offs) + 2, rng.pick([0, 1, 3, 4, 5, 0xffff, rng.int(0x10000)]));
  },
  "payload-loop": (m, rng) => {
    // Next-payload fields that point back at the chain's own types (or at unknown ones).
    const b = Buffer.from(m);
    const offs = payloadOffsets(b);
    for (const o of offs) b[o] = rng.pick([1, 2, 3, 4, 5, 8, 10, 11, 12, 13, 20, 130, 132, 0x7f, 0xff]);
    return b;
  },
  "next-payload-unknown": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length > 16) b[16] = rng.pick([0, 6, 14, 19, 33, 46, 99, 200, 255]);
    return b;
  },
  "exchange-type": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length > 18) b[18] = rng.pick([0, 1, 3, 4, 5, 6, 32, 33, 34, 35, 37, 255]);
    return b;
  },
  "message-id": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length >= 24) b.writeUInt32BE(rng.pick([0, 1, 0xffffffff, rng.int(2 ** 32)]) >>> 0, 20);
    return b;
  },
  "version": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length > 17) b[17] = rng.pick([0x00, 0x11, 0x20, 0x21, 0xff]);
    return b;
  },
  "flags": (m, rng) => {
    const b = Buffer.from(m);
    if (b.length > 19) b[19] = rng.int(256);
    return b;
  },
  "trailing-garbage": (m, rng) => Buffer.concat([m, rng.bytes(1 + rng.int(64))]),
  "huge-payload": (m, rng) => {
    // A last payload of up to 64 KiB that claims its length honestly, and a header that agrees.
    const body = rng.bytes(rng.pick([1000, 9000, 65000]));
    const b = Buffer.concat([m.subarray(0, 28), Buffer.from([0, 0, 0, 0]), body]);
    b[16] = 13; // vendor ID
    b.writeUInt16BE(Math.min(0xffff, 4 + body.length), 30);
    b.writeUInt32BE(b.length, 24);
    return b;
  },
  "many-transforms": (m, rng) => {
    // An SA payload with 300 transforms in one proposal (more than the 255 a count byte holds).
    const t = Buffer.from("0300000c010000010001000001", "hex").subarray(0, 12);
    const n = rng.pick([255, 256, 300]);
    const transforms = Buffer.concat(Array.from({ length: n }, (_, i) => {
      const x = Buffer.from(t);
      x[0] = i === n - 1 ? 0 : 3;
      x[4] = i & 0xff;
      return x;
    }));
    const proposal = Buffer.concat([Buffer.from([0, 0, 0, 0, 1, 1, 0, n & 0xff]), transforms]);
    proposal.writeUInt16BE(Math.min(0xffff, proposal.length), 2);
    const sa = Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]), proposal]);
    sa.writeUInt16BE(Math.min(0xffff, sa.length), 2);
    const b = Buffer.concat([m.subarray(0, 28), sa]);
    b[16] = 1;
    b.writeUInt32BE(b.length, 24);
    return b;
  },
  "zero-length-payloads": (m) => {
    const b = Buffer.from(m);
    for (const o of payloadOffsets(b)) setU16(b, o + 2, 4);
    return b;
  },
  random: (m, rng) => Buffer.concat([m.subarray(0, Math.min(16, m.length)), rng.bytes(rng.int(200))]),
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** One to three mutations of `m`, named for the failure message. */
export function mutate(m: Buffer, rng: Rng): { bytes: Buffer; how: string } {
  let b = m;
  const names: string[] = [];
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const name = rng.pick(MUTATOR_NAMES);
    names.push(name);
    b = MUTATORS[name]!(b, rng);
  }
  return { bytes: b, how: names.join("+") };
}

/** The seed of this run: FUZZ_SEED, else a fixed one (the suite is reproducible). */
export function fuzzSeed(): number {
  const s = Number(process.env.FUZZ_SEED);
  return Number.isInteger(s) ? s : 20261201;
}

/** How many cases: the environment variable `name` (npm run fuzz sets many), else the suite's bounded default. */
export function fuzzIterations(dflt: number, name = "FUZZ_ITERATIONS"): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : dflt;
}

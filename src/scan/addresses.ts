/**
 * The addresses of a discovery (`scan` over networks): IPv4 networks of any size, minus
 * `--exclude` networks, walked in a pseudo-random order that is a permutation of the whole space,
 * and split into disjoint shards (`--shard I/N`, as ZMap's `--shards`/`--shard`: position p of the
 * permuted order belongs to shard p mod N). Nothing is held per address: an address is computed from
 * its index, so memory does not grow with the range.
 */
import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";
import { ipFamily } from "../wire/ip.js";

/** An IPv4 range [start, start + count), as 32-bit numbers. */
export interface Range {
  start: number;
  count: number;
}

export const ipv4ToNumber = (a: string): number => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
export const numberToIpv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** `198.18.0.0/16` or `198.18.1.7` as a range; undefined for anything else (a name, IPv6). */
export function parseIpv4Network(text: string, option: string): Range | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (m === null) return undefined;
  const bits = m[2] === undefined ? 32 : Number(m[2]);
  if (ipFamily(m[1]!) !== 4 || bits < 0 || bits > 32) throw new UsageError(`${option} ${text}: not an IPv4 network (ADDRESS/0..32)`);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipv4ToNumber(m[1]!) / size) * size;
  return { start, count: size };
}

/** Ranges sorted and merged, so that lookups are a binary search and nothing is counted twice. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last !== undefined && r.start <= last.start + last.count) last.count = Math.max(last.count, r.start + r.count - last.start);
    else out.push({ ...r });
  }
  return out;
}

function inRanges(sorted: readonly Range[], n: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = sorted[mid]!;
    if (n < r.start) hi = mid - 1;
    else if (n >= r.start + r.count) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * A keyed permutation of [0, size): a balanced Feistel network over the smallest even number of
 * bits that holds `size`, with cycle walking (an index outside is permuted again until it falls
 * inside). The key comes from the seed; the same seed gives the same order on every machine. Over
 * 2^32 it also seals the discovery's SPIs (discovery.ts), which indexOf opens.
 */
export class Permutation {
  readonly size: number;
  private readonly half: number;
  private readonly mask: number;
  private readonly keys: number[];

  constructor(size: number, seed: string) {
    this.size = size;
    let bits = 2;
    while (2 ** bits < size) bits += 2;
    this.half = bits / 2;
    this.mask = 2 ** this.half - 1;
    const k = createHash("sha256").update(`ikeprobe-discovery:${seed}`).digest();
    this.keys = [0, 1, 2, 3].map((i) => k.readUInt32BE(4 * i));
  }

  private round(x: number, key: number): number {
    // A 32-bit mix (multiply-xorshift) of the half and the round key, cut to the half's width.
    let h = Math.imul(x ^ key, 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    return h & this.mask;
  }

  private once(i: number): number {
    let l = Math.floor(i / 2 ** this.half);
    let r = i & this.mask;
    for (const key of this.keys) {
      const next = l ^ this.round(r, key);
      l = r;
      r = next;
    }
    return l * 2 ** this.half + r;
  }

  at(i: number): number {
    let x = this.once(i);
    while (x >= this.size) x = this.once(x);
    return x;
  }

  /** The rounds run backwards: onceInverse(once(i)) === i. */
  private onceInverse(x: number): number {
    let l = Math.floor(x / 2 ** this.half);
    let r = x & this.mask;
    for (let k = this.keys.length - 1; k >= 0; k--) {
      const prev = r ^ this.round(l, this.keys[k]!);
      r = l;
      l = prev;
    }
    return l * 2 ** this.half + r;
  }

  /** The index `at` maps to `x`: at(indexOf(x)) === x. */
  indexOf(x: number): number {
    let i = this.onceInverse(x);
    while (i >= this.size) i = this.onceInverse(i);
    return i;
  }
}

export interface AddressSpaceOptions {
  networks: readonly Range[];
  exclude: readonly Range[];
  /** Shard `index` of `count` (1-based index, as given to --shard). */
  shard: { index: number; count: number };
  seed: string;
}

/**
 * The discovery's address space: each network's addresses but the network and broadcast
 * addresses of subnets that have them, and none of the excluded ones; counted and walked without
 * a list.
 */
export class AddressSpace {
  /** Every address of the networks, before exclusions (network and broadcast addresses skipped). */
  readonly total: number;
  private readonly blocks: { start: number; count: number; before: number }[];
  private readonly exclude: Range[];
  private readonly permutation: Permutation;
  private readonly shard: { index: number; count: number };

  constructor(o: AddressSpaceOptions) {
    const merged = mergeRanges(o.networks);
    let before = 0;
    this.blocks = merged.map((r) => {
      // A subnet of more than two addresses: its first and last are the network and broadcast addresses.
      const b = r.count > 2 ? { start: r.start + 1, count: r.count - 2, before } : { start: r.start, count: r.count, before };
      before += b.count;
      return b;
    });
    this.total = before;
    this.exclude = mergeRanges(o.exclude);
    this.permutation = new Permutation(this.total, o.seed);
    this.shard = o.shard;
  }

  private addressAt(i: number): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.blocks[mid]!.before <= i) lo = mid;
      else hi = mid - 1;
    }
    const b = this.blocks[lo]!;
    return b.start + (i - b.before);
  }

  excluded(address: number): boolean {
    return inRanges(this.exclude, address);
  }

  /** This shard's addresses in the permuted order, excluded ones skipped. */
  *walk(): Generator<number> {
    for (let p = this.shard.index - 1; p < this.total; p += this.shard.count) {
      const a = this.addressAt(this.permutation.at(p));
      if (!this.excluded(a)) yield a;
    }
  }

  /** How many of this shard's addresses are excluded (a walk without sending). */
  countExcluded(): number {
    if (this.exclude.length === 0) return 0;
    let n = 0;
    for (let p = this.shard.index - 1; p < this.total; p += this.shard.count) if (this.excluded(this.addressAt(this.permutation.at(p)))) n++;
    return n;
  }

  /** This shard's share of the addresses, before exclusions. */
  get shardTotal(): number {
    return Math.max(0, Math.ceil((this.total - (this.shard.index - 1)) / this.shard.count));
  }
}

/** `--shard I/N`: 1 ≤ I ≤ N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1 && index >= 1 && index <= count)) throw new UsageError(`--shard ${text}: give I/N with 1 ≤ I ≤ N, e.g. --shard 2/4 for the second of four machines`);
  return { index, count };
}

/**
 * Without discovery (runScan given no `discovery`, as the API may call it): `198.18.1.0/30` expanded
 * into its addresses, at most 4096; other targets as they are. The CLI discovers networks instead.
 */
export function expandTargets(specs: string[]): string[] {
  const out: string[] = [];
  for (const s of specs) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s);
    if (m === null) {
      out.push(s);
      continue;
    }
    const bits = Number(m[2]);
    if (ipFamily(m[1]!) !== 4 || bits < 0 || bits > 32) throw new UsageError(`target ${s}: not an IPv4 network`);
    if (32 - bits > 12) throw new UsageError(`target ${s}: ${2 ** (32 - bits)} addresses; at most 4096 (a /20) per network without discovery (ScanOptions.discovery)`);
    const base = m[1]!.split(".").reduce((n, o) => n * 256 + Number(o), 0) & (bits === 0 ? 0 : ~0 << (32 - bits));
    const count = 2 ** (32 - bits);
    // Skip the network and broadcast addresses of subnets that have them.
    const [first, last] = count > 2 ? [1, count - 2] : [0, count - 1];
    for (let i = first; i <= last; i++) {
      const a = (base + i) >>> 0;
      out.push([a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join("."));
    }
  }
  return out;
}

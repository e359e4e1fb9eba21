/**
 * The offline PSK test: HASH_R = prf(prf(PSK, Ni_b | Nr_b), g_xr | g_xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * for each candidate PSK, with prf = HMAC (RFC 2409 §5, §5.4).
 *
 * node:crypto costs about 3 µs per HMAC call in object set-up, far more than the hashing, so MD5,
 * SHA-1 and SHA-256 are written out here on 32-bit words: the fixed parts of both HMAC messages
 * are split into padded blocks once, and a candidate costs only its compression-function calls,
 * with no allocation. SHA-384/512 (64-bit words) use node:crypto.
 *
 * Everything sits inside `crackEngine()`, which refers to nothing outside itself (node:crypto comes
 * in as its argument): worker threads run its source text (`crackEngine.toString()`), so the bundle
 * needs no separate worker file.
 */

export interface CrackTarget {
  hash: "md5" | "sha1" | "sha256" | "sha384" | "sha512";
  /** Ni_b | Nr_b. */
  nonces: Uint8Array;
  /** g_xr | g_xi | CKY-R | CKY-I | SAi_b | IDir_b. */
  message: Uint8Array;
  hashR: Uint8Array;
}

export interface Tester {
  /** True when the candidate bytes buf[off, off+len) are the PSK. */
  test(buf: Uint8Array, off: number, len: number): boolean;
  /** Tests every (offset, length) pair of `offs` (length 0: skipped); calls `hit` with the pair's index for a match. */
  testMany(buf: Uint8Array, offs: Uint32Array, hit: (index: number) => void): void;
  /** How it computes: "simd" (WebAssembly, four candidates at once), "js" or "node". */
  kind: "simd" | "js" | "node";
}

/** What one chunk of candidate lines gave: lines seen, candidates tested, and each hit (target, line in the chunk from 1, the PSK's bytes). */
export interface ChunkResult {
  lines: number;
  tested: number;
  found: { target: number; line: number; psk: number[] }[];
}

export interface Engine {
  tester(t: CrackTarget, opts?: { simd?: boolean }): Tester;
  /** Splits `buf` into lines (LF or CR LF; an empty line keeps its place and is not tested) and tests each against every live target. */
  scan(testers: readonly Tester[], alive: readonly boolean[], buf: Uint8Array): ChunkResult;
  /** The WebAssembly module's bytes for a hash (generated here), for the build step to keep. */
  simdBytes(name: "md5" | "sha1" | "sha256"): Uint8Array;
}

/**
 * `prebuilt`: the WebAssembly modules' bytes as the build step made them (dist/ikeprobe-crack.json),
 * so that a worker compiles them at once instead of generating them first (~25 ms of a short run).
 */
export function crackEngine(crypto: Pick<typeof import("node:crypto"), "createHash" | "createHmac" | "timingSafeEqual">, prebuilt?: Partial<Record<string, Uint8Array>>): Engine {
  interface Alg {
    /** Output words. */
    words: number;
    bigEndian: boolean;
    iv: Int32Array;
    /** One compression of the 16 words at w[off] into the state. */
    compress(s: Int32Array, w: Int32Array, off: number): void;
  }

  // The compression functions are generated as straight-line code: no loop, no branch, the message
  // words and working variables in locals (SHA's schedule computed in place on a 16-word window).
  // In V8 this runs about twice as fast as the loop form over arrays.
  const int = (x: number): string => `${x | 0}`;
  const rotl = (x: string, n: number): string => `((${x} << ${n}) | (${x} >>> ${32 - n}))`;
  const rotr = (x: string, n: number): string => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;
  const loadWords = (): string => Array.from({ length: 16 }, (_, i) => `let w${i} = w[o + ${i}];`).join("\n");
  /** Compiled on first use: the SIMD engine needs the JS form only where WebAssembly is missing. */
  const makeCompress = (body: () => string): Alg["compress"] => {
    let f: Alg["compress"] | undefined;
    return (st, w, o) => (f ??= new Function("s", "w", "o", body()) as Alg["compress"])(st, w, o);
  };

  const md5K: number[] = [];
  for (let i = 0; i < 64; i++) md5K.push(Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
  const md5S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  const md5Body = (): string => {
    let body = `${loadWords()}\nlet a = s[0], b = s[1], c = s[2], d = s[3];\n`;
    const v = ["a", "b", "c", "d"];
    for (let i = 0; i < 64; i++) {
      // Roles rotate each round: (a, b, c, d) -> (d, a, b, c).
      const [A, B, C, D] = [v[(64 - i) % 4]!, v[(65 - i) % 4]!, v[(66 - i) % 4]!, v[(67 - i) % 4]!];
      const round = i >> 4;
      const f = round === 0 ? `((${B} & ${C}) | (~${B} & ${D}))` : round === 1 ? `((${D} & ${B}) | (~${D} & ${C}))` : round === 2 ? `(${B} ^ ${C} ^ ${D})` : `(${C} ^ (${B} | ~${D}))`;
      const g = round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15;
      body += `${A} = (${A} + ${f} + ${int(md5K[i]!)} + w${g}) | 0; ${A} = (${B} + ${rotl(A, md5S[(round << 2) | (i & 3)]!)}) | 0;\n`;
    }
    return `${body}s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0;`;
  };
  const md5: Alg = { words: 4, bigEndian: false, iv: Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476), compress: makeCompress(md5Body) };

  const sha1Body = (): string => {
    let body = `${loadWords()}\nlet a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], t = 0;\n`;
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? "((b & c) | (~b & d))" : i < 40 || i >= 60 ? "(b ^ c ^ d)" : "((b & c) | (b & d) | (c & d))";
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const j = i & 15;
      if (i >= 16) body += `t = w${(i - 3) & 15} ^ w${(i - 8) & 15} ^ w${(i - 14) & 15} ^ w${j}; w${j} = ${rotl("t", 1)};\n`;
      body += `t = (${rotl("a", 5)} + ${f} + e + ${int(k)} + w${j}) | 0; e = d; d = c; c = ${rotl("b", 30)}; b = a; a = t;\n`;
    }
    return `${body}s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0; s[4] = (s[4] + e) | 0;`;
  };
  const sha1: Alg = { words: 5, bigEndian: true, iv: Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0), compress: makeCompress(sha1Body) };

  const sha256K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  const sha256Body = (): string => {
    let body = `${loadWords()}\nlet a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7], t1 = 0, t2 = 0, x = 0, y = 0;\n`;
    for (let i = 0; i < 64; i++) {
      const j = i & 15;
      if (i >= 16) {
        body += `x = w${(i - 15) & 15}; y = w${(i - 2) & 15}; w${j} = (w${j} + (${rotr("x", 7)} ^ ${rotr("x", 18)} ^ (x >>> 3)) + w${(i - 7) & 15} + (${rotr("y", 17)} ^ ${rotr("y", 19)} ^ (y >>> 10))) | 0;\n`;
      }
      body +=
        `t1 = (h + (${rotr("e", 6)} ^ ${rotr("e", 11)} ^ ${rotr("e", 25)}) + ((e & f) ^ (~e & g)) + ${int(sha256K[i]!)} + w${j}) | 0; ` +
        `t2 = ((${rotr("a", 2)} ^ ${rotr("a", 13)} ^ ${rotr("a", 22)}) + ((a & b) ^ (a & c) ^ (b & c))) | 0; ` +
        "h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;\n";
    }
    return `${body}s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0; s[4] = (s[4] + e) | 0; s[5] = (s[5] + f) | 0; s[6] = (s[6] + g) | 0; s[7] = (s[7] + h) | 0;`;
  };
  const sha256: Alg = {
    words: 8,
    bigEndian: true,
    iv: Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((v) => v | 0)),
    compress: makeCompress(sha256Body),
  };

  /** The blocks that follow a 64-byte key block: `data`, 0x80, zeros, the bit length of 64 + data. */
  function tailBlocks(alg: Alg, data: Uint8Array): Int32Array {
    const total = 64 + data.length;
    const padded = Math.ceil((data.length + 9) / 64) * 64;
    const bytes = new Uint8Array(padded);
    bytes.set(data);
    bytes[data.length] = 0x80;
    const bits = total * 8;
    const hi = Math.floor(bits / 2 ** 32);
    const lo = bits >>> 0;
    if (alg.bigEndian) {
      for (let i = 0; i < 4; i++) bytes[padded - 8 + i] = (hi >>> (24 - 8 * i)) & 0xff;
      for (let i = 0; i < 4; i++) bytes[padded - 4 + i] = (lo >>> (24 - 8 * i)) & 0xff;
    } else {
      for (let i = 0; i < 4; i++) bytes[padded - 8 + i] = (lo >>> (8 * i)) & 0xff;
      for (let i = 0; i < 4; i++) bytes[padded - 4 + i] = (hi >>> (8 * i)) & 0xff;
    }
    return toWords(alg, bytes);
  }

  function toWords(alg: Alg, bytes: Uint8Array): Int32Array {
    const w = new Int32Array(bytes.length >> 2);
    for (let i = 0; i < w.length; i++) {
      const j = i * 4;
      w[i] = alg.bigEndian
        ? (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!
        : bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24);
    }
    return w;
  }

  /** The key as HMAC uses it: itself, or its hash when longer than a block (RFC 2104). */
  function hmacKey(alg: Alg, buf: Uint8Array, off: number, len: number): { bytes: Uint8Array; off: number; len: number } {
    if (len <= 64) return { bytes: buf, off, len };
    // Rare for a PSK: node's hash will do.
    const d = crypto.createHash(alg === md5 ? "md5" : alg === sha1 ? "sha1" : "sha256").update(buf.subarray(off, off + len)).digest();
    return { bytes: d, off: 0, len: d.length };
  }

  function jsTester(alg: Alg, t: CrackTarget): (buf: Uint8Array, off: number, len: number) => boolean {
    const n = alg.words;
    const nonceBlocks = tailBlocks(alg, t.nonces);
    const msgBlocks = tailBlocks(alg, t.message);
    // The outer hash's second block: the inner digest, then padding for 64 + digest bytes.
    const outer = tailBlocks(alg, new Uint8Array(n * 4));
    const want = toWords(alg, t.hashR);
    const kb = new Int32Array(16);
    const st = new Int32Array(n);
    const be = alg.bigEndian;
    const compress = alg.compress;
    const iv = alg.iv;

    /** HMAC with the key block (XOR ipad) in kb over the message's padded blocks; result in st. */
    function hmac(blocks: Int32Array): void {
      st.set(iv);
      compress(st, kb, 0);
      for (let o = 0; o < blocks.length; o += 16) compress(st, blocks, o);
      for (let i = 0; i < n; i++) outer[i] = st[i]!;
      // ipad -> opad: XOR every byte with 0x36 ^ 0x5c.
      for (let i = 0; i < 16; i++) kb[i] = kb[i]! ^ 0x6a6a6a6a;
      st.set(iv);
      compress(st, kb, 0);
      compress(st, outer, 0);
    }

    return (buf, off, len) => {
      const { bytes: kbytes, off: koff, len: klen } = hmacKey(alg, buf, off, len);
      for (let i = 0; i < 16; i++) {
        let w = 0;
        for (let j = 0; j < 4; j++) {
          const p = i * 4 + j;
          const b = (p < klen ? kbytes[koff + p]! : 0) ^ 0x36;
          w |= be ? b << (24 - 8 * j) : b << (8 * j);
        }
        kb[i] = w;
      }
      hmac(nonceBlocks);
      // SKEYID is in st: now HMAC(SKEYID, message).
      for (let i = 0; i < 16; i++) kb[i] = (i < n ? st[i]! : 0) ^ 0x36363636;
      hmac(msgBlocks);
      for (let i = 0; i < n; i++) if (st[i] !== want[i]) return false;
      return true;
    };
  }

  function nodeTester(t: CrackTarget): (buf: Uint8Array, off: number, len: number) => boolean {
    const { createHmac, timingSafeEqual } = crypto;
    const want = Buffer.from(t.hashR);
    return (buf, off, len) => {
      const skeyid = createHmac(t.hash, buf.subarray(off, off + len)).update(t.nonces).digest();
      const h = createHmac(t.hash, skeyid).update(t.message).digest();
      return timingSafeEqual(h, want);
    };
  }

  function many(test: (buf: Uint8Array, off: number, len: number) => boolean): Tester["testMany"] {
    return (buf, offs, hit) => {
      for (let i = 0; i < offs.length; i += 2) if (offs[i + 1]! > 0 && test(buf, offs[i]!, offs[i + 1]!)) hit(i >> 1);
    };
  }

  // ---- WebAssembly SIMD: the same compression functions on eight candidates at once ---------
  // Each i32x4 lane holds one candidate's word, and two groups of four run interleaved round by
  // round: a hash round is a chain of dependent operations, so one group alone leaves the CPU
  // waiting. The bytecode is generated here (no toolchain, no binary in the repository): one
  // imported memory and two functions per hash: "x" expands a block into its message schedule,
  // "c" compresses both groups, each with its own schedule (fixed blocks: one shared, precomputed).

  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      out.push(b);
    } while (n !== 0);
    return out;
  };
  const sleb = (n: number): number[] => {
    const out: number[] = [];
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
        out.push(b);
        return out;
      }
      out.push(b | 0x80);
    }
  };
  const SIMD_OP: Record<string, number> = { load: 0x00, store: 0x0b, not: 0x4d, and: 0x4e, or: 0x50, xor: 0x51, shl: 0xab, shr: 0xad, add: 0xae };

  interface Emitter {
    get(n: string): void;
    set(n: string): void;
    param(i: number): void;
    splat(v: number): void;
    op(name: string): void;
    shift(name: "shl" | "shr", k: number): void;
    load(param: number, offset: number): void;
    store(offset: number): void;
  }

  /** A function body with `params` i32 parameters and v128 locals by name. */
  function wasmFunction(params: number, locals: string[], gen: (e: Emitter) => void): number[] {
    const code: number[] = [];
    const index = new Map(locals.map((n, i) => [n, i + params]));
    const at = (n: string): number => {
      const i = index.get(n);
      if (i === undefined) throw new Error(`no local ${n}`);
      return i;
    };
    const e: Emitter = {
      get: (n) => void code.push(0x20, ...uleb(at(n))),
      set: (n) => void code.push(0x21, ...uleb(at(n))),
      param: (i) => void code.push(0x20, i),
      splat: (v) => {
        // v128.const with the word in every lane.
        const lane = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
        code.push(0xfd, 0x0c, ...lane, ...lane, ...lane, ...lane);
      },
      op: (name) => void code.push(0xfd, ...uleb(SIMD_OP[name]!)),
      shift: (name, k) => void code.push(0x41, ...sleb(k), 0xfd, ...uleb(SIMD_OP[name]!)),
      load: (param, offset) => void code.push(0x20, param, 0xfd, ...uleb(SIMD_OP.load!), 4, ...uleb(offset)),
      store: (offset) => void code.push(0xfd, ...uleb(SIMD_OP.store!), 4, ...uleb(offset)),
    };
    gen(e);
    const decl = [1, ...uleb(locals.length), 0x7b];
    const body = [...decl, ...code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  const rotlV = (e: Emitter, n: string, k: number): void => {
    e.get(n);
    e.shift("shl", k);
    e.get(n);
    e.shift("shr", 32 - k);
    e.op("or");
  };
  /** Ch(x, y, z) = (x & y) | (~x & z), as z ^ (x & (y ^ z)): three operations. */
  const choose = (e: Emitter, x: string, y: string, z: string): void => {
    for (const v of [z, x, y, z]) e.get(v);
    e.op("xor");
    e.op("and");
    e.op("xor");
  };
  /** Maj(x, y, z) = (x & y) | (x & z) | (y & z), as (x & y) | (z & (x | y)). */
  const majority = (e: Emitter, x: string, y: string, z: string): void => {
    for (const v of [x, y]) e.get(v);
    e.op("and");
    for (const v of [z, x, y]) e.get(v);
    e.op("or");
    e.op("and");
    e.op("or");
  };
  /** The variable playing role k in round i when roles rotate by one each round (instead of values moving). */
  const role = (v: string[], k: number, i: number): string => v[(k - (i % v.length) + v.length) % v.length]!;

  /** One round of a hash on one group: working variables `v`, a temporary `t`, W_i from `loadW`. */
  type Round = (e: Emitter, i: number, v: string[], t: string, loadW: (j: number) => void) => void;

  const md5Round: Round = (e, i, v, t, loadW) => {
    // (A, B, C, D) -> (D, A, B, C): A = B + rotl(A + F(B, C, D) + K + W[g], s)
    const [A, B, C, D] = [0, 1, 2, 3].map((k) => role(v, k, i)) as [string, string, string, string];
    const round = i >> 4;
    e.get(A);
    if (round === 0) choose(e, B, C, D);
    else if (round === 1) choose(e, D, B, C);
    else if (round === 2) {
      for (const x of [B, C]) e.get(x);
      e.op("xor");
      e.get(D);
      e.op("xor");
    } else {
      for (const x of [C, B, D]) e.get(x);
      e.op("not");
      e.op("or");
      e.op("xor");
    }
    e.op("add");
    e.splat(md5K[i]!);
    e.op("add");
    loadW(round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15);
    e.op("add");
    e.set(t);
    rotlV(e, t, md5S[(round << 2) | (i & 3)]!);
    e.get(B);
    e.op("add");
    e.set(A);
  };

  const SHA1_K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
  const sha1Round: Round = (e, i, v, _t, loadW) => {
    // E += rotl(A, 5) + f(B, C, D) + K + W; B = rotl(B, 30); then (A, B, C, D, E) -> (E, A, B, C, D).
    const [A, B, C, D, E] = [0, 1, 2, 3, 4].map((k) => role(v, k, i)) as [string, string, string, string, string];
    rotlV(e, A, 5);
    if (i < 20) choose(e, B, C, D);
    else if (i < 40 || i >= 60) {
      for (const x of [B, C]) e.get(x);
      e.op("xor");
      e.get(D);
      e.op("xor");
    } else majority(e, B, C, D);
    e.op("add");
    e.get(E);
    e.op("add");
    e.splat(SHA1_K[(i / 20) | 0]!);
    e.op("add");
    loadW(i);
    e.op("add");
    e.set(E);
    rotlV(e, B, 30);
    e.set(B);
  };

  const sha256Round: Round = (e, i, v, t, loadW) => {
    // T1 = H + S1(E) + Ch(E, F, G) + K + W; D += T1; H = T1 + S0(A) + Maj(A, B, C); then (A..H) -> (H, A..G).
    const [A, B, C, D, E, F, G, H] = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => role(v, k, i)) as [string, string, string, string, string, string, string, string];
    const bigSigma = (n: string, r1: number, r2: number, r3: number): void => {
      rotlV(e, n, 32 - r1);
      rotlV(e, n, 32 - r2);
      e.op("xor");
      rotlV(e, n, 32 - r3);
      e.op("xor");
    };
    e.get(H);
    bigSigma(E, 6, 11, 25);
    e.op("add");
    choose(e, E, F, G);
    e.op("add");
    e.splat(sha256K[i]!);
    e.op("add");
    loadW(i);
    e.op("add");
    e.set(t);
    e.get(D);
    e.get(t);
    e.op("add");
    e.set(D);
    bigSigma(A, 2, 13, 22);
    majority(e, A, B, C);
    e.op("add");
    e.get(t);
    e.op("add");
    e.set(H);
  };

  const HASHES_SIMD = {
    md5: { round: md5Round, vars: 4, rounds: 64, schedule: 16 },
    sha1: { round: sha1Round, vars: 5, rounds: 80, schedule: 80 },
    sha256: { round: sha256Round, vars: 8, rounds: 64, schedule: 64 },
  } as const;
  type SimdHash = keyof typeof HASHES_SIMD;

  /**
   * Leaves W[i] on the stack for i >= 16, from the schedule being built at `param` (W[0..15] the
   * block); `t` and `u` are scratch locals.
   */
  function emitSchedule(e: Emitter, name: SimdHash, i: number, param: number, t: string, u: string): void {
    if (name === "sha1") {
      // W[i] = rotl(W[i-3] ^ W[i-8] ^ W[i-14] ^ W[i-16], 1)
      e.load(param, (i - 3) * 16);
      e.load(param, (i - 8) * 16);
      e.op("xor");
      e.load(param, (i - 14) * 16);
      e.op("xor");
      e.load(param, (i - 16) * 16);
      e.op("xor");
      e.set(t);
      rotlV(e, t, 1);
      return;
    }
    // W[i] = W[i-16] + s0(W[i-15]) + W[i-7] + s1(W[i-2]), s(x) = rotr(x, r1) ^ rotr(x, r2) ^ (x >>> r3)
    const smallSigma = (from: number, tmp: string, r1: number, r2: number, r3: number): void => {
      e.load(param, from * 16);
      e.set(tmp);
      rotlV(e, tmp, 32 - r1);
      rotlV(e, tmp, 32 - r2);
      e.op("xor");
      e.get(tmp);
      e.shift("shr", r3);
      e.op("xor");
    };
    e.load(param, (i - 16) * 16);
    smallSigma(i - 15, t, 7, 18, 3);
    e.op("add");
    e.load(param, (i - 7) * 16);
    e.op("add");
    smallSigma(i - 2, u, 17, 19, 10);
    e.op("add");
  }

  /**
   * Both groups' states at param 0 (the second 128 bytes on), their schedules at params 1 and 2.
   * "c" reads complete schedules (the fixed blocks'); "d" gets only the 16 block words there and
   * extends each schedule in place as the rounds need it, so a variable block costs no extra pass.
   */
  function compressFunction(name: SimdHash, inline: boolean): number[] {
    const h = HASHES_SIMD[name];
    const groups = [0, 1].map((g) => Array.from({ length: h.vars }, (_, k) => `v${g}${k}`));
    const expands = inline && h.schedule > 16;
    return wasmFunction(3, [...groups.flat(), "t0", "t1", "w0", "w1", "x0", "x1", "y0", "y1"], (e) => {
      groups.forEach((vars, g) =>
        vars.forEach((v, k) => {
          e.load(0, g * 128 + k * 16);
          e.set(v);
        }),
      );
      for (let i = 0; i < h.rounds; i++) {
        for (let g = 0; g < 2; g++) {
          const fresh = expands && i >= 16;
          if (fresh) {
            emitSchedule(e, name, i, 1 + g, `x${g}`, `y${g}`);
            e.set(`w${g}`);
            e.param(1 + g);
            e.get(`w${g}`);
            e.store(i * 16);
          }
          h.round(e, i, groups[g]!, `t${g}`, (j) => (fresh && j === i ? e.get(`w${g}`) : e.load(1 + g, j * 16)));
        }
      }
      groups.forEach((vars, g) =>
        vars.forEach((v, k) => {
          e.param(0);
          e.load(0, g * 128 + k * 16);
          e.get(v);
          e.op("add");
          e.store(g * 128 + k * 16);
        }),
      );
    });
  }

  // ---- "r": a whole batch of candidates in one call --------------------------------------
  // Calling into WebAssembly per block, and preparing the key blocks in JavaScript, had cost more
  // than the hashing itself. Bytes 0..63 of the memory are the tester's layout (byte addresses,
  // LAYOUT), bytes 64..127 a scratch block for one key. r(count, pairs, hits) tests `count` keys,
  // i32 (address, length) pairs at `pairs` (at most 64 bytes each: longer keys come hashed), eight at
  // a time (a short last group repeats its first key), and for each group of eight with a match
  // writes its first index and its lane bits at `hits`; it returns how many groups it wrote.
  const LAYOUT = { st: 0, kb: 4, out: 8, ks: 12, fix: 16, nb: 20, mb: 24, nw: 28, iv: 32, want: 36, be: 40 } as const;
  const KEY_SCRATCH = 64;
  function driverFunction(): number[] {
    const code: number[] = [];
    const op = (...b: number[]): void => void code.push(...b);
    let nextLocal = 3;
    const local = (): number => nextLocal++;
    const get = (i: number): void => op(0x20, ...uleb(i));
    const set = (i: number): void => op(0x21, ...uleb(i));
    const tee = (i: number): void => op(0x22, ...uleb(i));
    const c32 = (v: number): void => op(0x41, ...sleb(v | 0));
    const load = (offset: number): void => op(0x28, 2, ...uleb(offset));
    const store = (offset: number): void => op(0x36, 2, ...uleb(offset));
    const vload = (offset: number): void => op(0xfd, 0x00, 4, ...uleb(offset));
    const vstore = (offset: number): void => op(0xfd, 0x0b, 4, ...uleb(offset));
    const vsplat = (v: number): void => {
      const lane = [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
      op(0xfd, 0x0c, ...lane, ...lane, ...lane, ...lane);
    };
    const [ADD, SUB, MUL, AND, OR, XOR, SHL, SHR, LT, GE] = [0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x49, 0x4f] as const;
    const memCopy = (): void => op(0xfc, 0x0a, 0, 0);
    const memFill = (): void => op(0xfc, 0x0b, 0);
    /** block { loop { body } }: in `body`, br_if 1 leaves, br 0 goes round again. */
    const loop = (body: () => void): void => {
      op(0x02, 0x40, 0x03, 0x40);
      body();
      op(0x0b, 0x0b);
    };
    const [count, pairs, hits] = [0, 1, 2] as const;
    const [i, l, a, key, len, j, w, b, nh, bits] = [local(), local(), local(), local(), local(), local(), local(), local(), local(), local()] as const;
    const L = Object.fromEntries(Object.keys(LAYOUT).map((k) => [k, local()])) as Record<keyof typeof LAYOUT, number>;
    const acc = nextLocal;
    for (const k of Object.keys(LAYOUT) as (keyof typeof LAYOUT)[]) {
      c32(0);
      load(LAYOUT[k]);
      set(L[k]);
    }
    /** Leaves base + g * KS (group g's block area) on the stack. */
    const groupBlock = (base: number, g: number): void => {
      get(base);
      if (g === 1) op(0x20, ...uleb(L.ks), ADD);
    };
    const groupState = (g: number): void => {
      get(L.st);
      if (g === 1) op(0x41, ...sleb(128), ADD);
    };
    /** Group g's state (its first NW vectors) copied to the start of its block area at `base`. */
    const stateToBlock = (base: number, g: number): void => {
      groupBlock(base, g);
      groupState(g);
      get(L.nw);
      c32(4);
      op(SHL);
      memCopy();
    };
    /** The block at the address on the stack, sixteen vectors, XOR the word `k` in every lane. */
    const xorBlock = (k: number): void => {
      set(a);
      for (let q = 0; q < 16; q++) {
        get(a);
        get(a);
        vload(q * 16);
        vsplat(k);
        op(0xfd, 0x51);
        vstore(q * 16);
      }
    };
    /** Both groups' HMACs with the key blocks (XOR ipad) at KB over fixed blocks [from, to); result in the states. */
    const hmac = (from: () => void, to: () => void): void => {
      const ownBlocks = (base: number): void => {
        get(L.st);
        groupBlock(base, 0);
        groupBlock(base, 1);
        op(0x10, 1);
      };
      get(L.st);
      get(L.iv);
      c32(256);
      memCopy();
      ownBlocks(L.kb);
      from();
      set(b);
      loop(() => {
        get(b);
        to();
        op(GE, 0x0d, 1);
        get(L.st);
        get(L.fix);
        get(b);
        get(L.ks);
        op(MUL, ADD);
        tee(a);
        get(a);
        op(0x10, 0);
        get(b);
        c32(1);
        op(ADD);
        set(b);
        op(0x0c, 0);
      });
      for (const g of [0, 1]) stateToBlock(L.out, g);
      for (const g of [0, 1]) {
        groupBlock(L.kb, g);
        xorBlock(0x36363636 ^ 0x5c5c5c5c);
      }
      get(L.st);
      get(L.iv);
      c32(256);
      memCopy();
      ownBlocks(L.kb);
      ownBlocks(L.out);
    };

    loop(() => {
      get(i);
      get(count);
      op(GE, 0x0d, 1);
      // Each lane's key block: the key's bytes on zeros, as words (byte-swapped for SHA), XOR ipad.
      c32(0);
      set(l);
      op(0x03, 0x40);
      {
        get(i);
        get(l);
        op(ADD);
        get(i);
        get(i);
        get(l);
        op(ADD);
        get(count);
        op(LT, 0x1b);
        c32(3);
        op(SHL);
        get(pairs);
        op(ADD);
        tee(a);
        load(0);
        set(key);
        get(a);
        load(4);
        set(len);
        c32(KEY_SCRATCH);
        c32(0);
        c32(64);
        memFill();
        c32(KEY_SCRATCH);
        get(key);
        get(len);
        memCopy();
        // a = KB + (l >> 2) * KS + (l & 3) * 4
        get(L.kb);
        get(l);
        c32(2);
        op(SHR);
        get(L.ks);
        op(MUL, ADD);
        get(l);
        c32(3);
        op(AND);
        c32(2);
        op(SHL, ADD);
        set(a);
        c32(0);
        set(j);
        op(0x03, 0x40);
        {
          get(j);
          c32(2);
          op(SHL);
          load(KEY_SCRATCH);
          set(w);
          get(L.be);
          op(0x04, 0x40);
          get(w);
          c32(24);
          op(SHR);
          get(w);
          c32(8);
          op(SHR);
          c32(0xff00);
          op(AND, OR);
          get(w);
          c32(8);
          op(SHL);
          c32(0xff0000);
          op(AND, OR);
          get(w);
          c32(24);
          op(SHL, OR);
          set(w);
          op(0x0b);
          get(a);
          get(j);
          c32(4);
          op(SHL, ADD);
          get(w);
          c32(0x36363636);
          op(XOR);
          store(0);
          get(j);
          c32(1);
          op(ADD);
          tee(j);
          c32(16);
          op(LT, 0x0d, 0);
        }
        op(0x0b);
        get(l);
        c32(1);
        op(ADD);
        tee(l);
        c32(8);
        op(LT, 0x0d, 0);
      }
      op(0x0b);
      hmac(() => c32(0), () => get(L.nb));
      // SKEYID is in the states: the key blocks of HMAC(SKEYID, message).
      for (const g of [0, 1]) {
        stateToBlock(L.kb, g);
        groupBlock(L.kb, g);
        get(L.nw);
        c32(4);
        op(SHL, ADD);
        c32(0);
        c32(16);
        get(L.nw);
        op(SUB);
        c32(4);
        op(SHL);
        memFill();
        groupBlock(L.kb, g);
        xorBlock(0x36363636);
      }
      hmac(() => get(L.nb), () => {
        get(L.nb);
        get(L.mb);
        op(ADD);
      });
      // Lanes whose every word is HASH_R's.
      c32(0);
      set(bits);
      for (const g of [0, 1]) {
        vsplat(-1);
        set(acc);
        c32(0);
        set(j);
        op(0x03, 0x40);
        get(acc);
        groupState(g);
        get(j);
        c32(4);
        op(SHL, ADD);
        vload(0);
        get(L.want);
        get(j);
        c32(4);
        op(SHL, ADD);
        vload(0);
        op(0xfd, 0x37, 0xfd, 0x4e);
        set(acc);
        get(j);
        c32(1);
        op(ADD);
        tee(j);
        get(L.nw);
        op(LT, 0x0d, 0, 0x0b);
        get(bits);
        get(acc);
        op(0xfd, 0xa4, 0x01);
        if (g === 1) op(0x41, 4, SHL);
        op(OR);
        set(bits);
      }
      get(bits);
      op(0x04, 0x40);
      get(nh);
      c32(3);
      op(SHL);
      get(hits);
      op(ADD);
      tee(a);
      get(i);
      store(0);
      get(a);
      get(bits);
      store(4);
      get(nh);
      c32(1);
      op(ADD);
      set(nh);
      op(0x0b);
      get(i);
      c32(8);
      op(ADD);
      set(i);
      op(0x0c, 0);
    });
    get(nh);
    const body = [2, ...uleb(acc - 3), 0x7f, 1, 0x7b, ...code, 0x0b];
    return [...uleb(body.length), ...body];
  }

  /** The little of the WebAssembly API used here (the global is not in Node's type declarations). */
  interface WasmApi {
    validate(bytes: Uint8Array): boolean;
    Module: { new (bytes: Uint8Array): object; exports(m: object): { name: string }[] };
    Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
    Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  }
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  const modules = new Map<string, object | null>();
  function simdBytes(name: SimdHash): Uint8Array {
    const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
    const str = (t: string): number[] => [...uleb(t.length), ...Array.from(t, (ch) => ch.charCodeAt(0))];
    return new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      ...section(1, [2, 0x60, 3, 0x7f, 0x7f, 0x7f, 0, 0x60, 3, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
      ...section(2, [1, ...str("e"), ...str("m"), 0x02, 0x00, 1]),
      ...section(3, [3, 0, 0, 1]),
      ...section(7, [3, ...str("c"), 0, 0, ...str("d"), 0, 1, ...str("r"), 0, 2]),
      ...section(10, [3, ...compressFunction(name, false), ...compressFunction(name, true), ...driverFunction()]),
    ]);
  }
  function simdModule(name: SimdHash): object | null {
    if (modules.has(name)) return modules.get(name)!;
    let mod: object | null = null;
    // A prebuilt module that does not validate or lacks a function (a stale or damaged file) is
    // generated afresh.
    for (const bytes of [prebuilt?.[name], undefined]) {
      try {
        const b = bytes ?? simdBytes(name);
        if (wasm !== undefined && wasm.validate(b)) {
          const m = new wasm.Module(b);
          if (["c", "d", "r"].every((f) => wasm.Module.exports(m).some((x) => x.name === f))) {
            mod = m;
            break;
          }
        }
      } catch {
        mod = null;
      }
    }
    modules.set(name, mod);
    return mod;
  }

  function simdTester(name: SimdHash, alg: Alg, t: CrackTarget): Tester | undefined {
    const mod = simdModule(name);
    if (mod === null) return undefined;
    const n = alg.words;
    const SL = HASHES_SIMD[name].schedule;
    // Memory, in 32-bit words after the layout and the key scratch block: the two groups' states
    // (8 vectors each), key blocks and outer blocks (each with room for its schedule: SL vectors,
    // KS words, per group), the fixed blocks' schedules, the IV and HASH_R (lanes splatted), then
    // each call's keys, pairs and hits.
    const KS = SL * 4;
    const ST = 32;
    const KB = ST + 64;
    const OUT = KB + 2 * KS;
    const FIX = OUT + 2 * KS;
    const nonceBlocks = tailBlocks(alg, t.nonces);
    const msgBlocks = tailBlocks(alg, t.message);
    const nb = nonceBlocks.length / 16;
    const mb = msgBlocks.length / 16;
    const IV = FIX + (nb + mb) * KS;
    const WANT = IV + 64;
    const DATA = (WANT + 32) * 4;
    const memory = new wasm!.Memory({ initial: Math.ceil(DATA / 65536) + 2 });
    const inst = new wasm!.Instance(mod, { e: { m: memory } });
    const compressExpanding = inst.exports.d as (s: number, a: number, b: number) => void;
    const runBatch = inst.exports.r as (count: number, pairs: number, hits: number) => number;
    let m = new Int32Array(memory.buffer);
    let m8 = new Uint8Array(memory.buffer);
    const layout: Record<keyof typeof LAYOUT, number> = { st: ST * 4, kb: KB * 4, out: OUT * 4, ks: KS * 4, fix: FIX * 4, nb, mb, nw: n, iv: IV * 4, want: WANT * 4, be: alg.bigEndian ? 1 : 0 };
    for (const [k, v] of Object.entries(layout)) m[LAYOUT[k as keyof typeof LAYOUT] >> 2] = v;
    const splatInto = (at: number, src: Int32Array): void => {
      for (let i = 0; i < src.length; i++) for (let l = 0; l < 4; l++) m[at + i * 4 + l] = src[i]!;
    };
    // Fixed blocks: their schedule once, built in place by "d" (on a throwaway state), kept for "c".
    for (let b = 0; b < nb + mb; b++) {
      const src = b < nb ? nonceBlocks : msgBlocks;
      const off = (b < nb ? b : b - nb) * 16;
      const at = FIX + b * KS;
      splatInto(at, src.subarray(off, off + 16));
      compressExpanding(ST * 4, at * 4, at * 4);
    }
    const outerPad = tailBlocks(alg, new Uint8Array(n * 4));
    splatInto(OUT, outerPad);
    splatInto(OUT + KS, outerPad);
    splatInto(IV, alg.iv);
    splatInto(IV + 32, alg.iv);
    splatInto(WANT, toWords(alg, t.hashR));
    /** Each candidate's index among the pairs, by its place in the call. */
    let index = new Int32Array(1024);
    /** testMany, where `empty` says whether a pair of length 0 is a key (test's empty PSK) or skipped. */
    const runPairs = (buf: Uint8Array, offs: Uint32Array, hit: (index: number) => void, empty: boolean): void => {
      let count = 0;
      let long = 0;
      for (let i = 1; i < offs.length; i += 2) {
        if (empty || offs[i]! > 0) count++;
        if (offs[i]! > 64) long++;
      }
      if (count === 0) return;
      const pairsAt = DATA + ((buf.length + 7) & ~7);
      const hitsAt = pairsAt + count * 8 + long * 64;
      const need = hitsAt + Math.ceil(count / 8) * 8;
      if (need > m8.length) {
        memory.grow(Math.ceil((need - m8.length) / 65536));
        m = new Int32Array(memory.buffer);
        m8 = new Uint8Array(memory.buffer);
      }
      if (index.length < count) index = new Int32Array(count * 2);
      m8.set(buf, DATA);
      let c = 0;
      let longAt = pairsAt + count * 8;
      for (let i = 0; i < offs.length; i += 2) {
        const len = offs[i + 1]!;
        if (len === 0 && !empty) continue;
        index[c] = i >> 1;
        const p = (pairsAt >> 2) + 2 * c++;
        if (len <= 64) {
          m[p] = DATA + offs[i]!;
          m[p + 1] = len;
        } else {
          const k = hmacKey(alg, buf, offs[i]!, len);
          m8.set(k.bytes.subarray(k.off, k.off + k.len), longAt);
          m[p] = longAt;
          m[p + 1] = k.len;
          longAt += 64;
        }
      }
      const groups = runBatch(c, pairsAt, hitsAt);
      for (let g = 0; g < groups; g++) {
        const first = m[(hitsAt >> 2) + 2 * g]!;
        const bits = m[(hitsAt >> 2) + 2 * g + 1]!;
        for (let l = 0; l < 8; l++) if ((bits & (1 << l)) !== 0 && first + l < c) hit(index[first + l]!);
      }
    };
    return {
      kind: "simd",
      test: (buf, off, len) => {
        let found = false;
        runPairs(buf.subarray(off, off + len), Uint32Array.of(0, len), () => (found = true), true);
        return found;
      },
      testMany: (buf, offs, hit) => runPairs(buf, offs, hit, false),
    };
  }

  let pairs = new Uint32Array(1 << 16);
  function scan(testers: readonly Tester[], alive: readonly boolean[], buf: Uint8Array): ChunkResult {
    let n = 0;
    let tested = 0;
    let p = 0;
    while (p < buf.length) {
      let nl = buf.indexOf(10, p);
      if (nl < 0) nl = buf.length;
      const end = nl > p && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (2 * n + 2 > pairs.length) {
        const more = new Uint32Array(pairs.length * 2);
        more.set(pairs);
        pairs = more;
      }
      pairs[2 * n] = p;
      pairs[2 * n + 1] = end - p;
      n++;
      if (end > p) tested++;
      p = nl + 1;
    }
    const view = pairs.subarray(0, 2 * n);
    const found: ChunkResult["found"] = [];
    for (let k = 0; k < testers.length; k++) {
      if (alive[k]) testers[k]!.testMany(buf, view, (i) => found.push({ target: k, line: i + 1, psk: Array.from(buf.subarray(view[2 * i]!, view[2 * i]! + view[2 * i + 1]!)) }));
    }
    return { lines: n, tested, found };
  }

  return {
    scan,
    simdBytes,
    tester(t, opts = {}) {
      const alg = t.hash === "md5" ? md5 : t.hash === "sha1" ? sha1 : t.hash === "sha256" ? sha256 : undefined;
      if (alg === undefined) {
        const test = nodeTester(t);
        return { kind: "node", test, testMany: many(test) };
      }
      if (opts.simd !== false) {
        const simd = simdTester(t.hash as SimdHash, alg, t);
        if (simd !== undefined) return simd;
      }
      const test = jsTester(alg, t);
      return { kind: "js", test, testMany: many(test) };
    },
  };
}

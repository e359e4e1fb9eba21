/**
 * The offline PSK test: HASH_R = prf(prf(PSK, Ni_b | Nr_b), g_xr | g_xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * for each candidate PSK, with prf = HMAC (RFC 2409 §5, IKEV1.md §6.1).
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

export interface Engine {
  /** A tester for one target: true when the candidate bytes buf[off, off+len) are the PSK. */
  tester(t: CrackTarget): (buf: Uint8Array, off: number, len: number) => boolean;
}

export function crackEngine(crypto: Pick<typeof import("node:crypto"), "createHash" | "createHmac" | "timingSafeEqual">): Engine {
  interface Alg {
    /** Output words. */
    words: number;
    bigEndian: boolean;
    iv: Int32Array;
    /** Words of message schedule per block (MD5 has none beyond the 16 message words). */
    schedule: number;
    /** Extends the 16 words at w[off] to the full schedule at out[outOff]. */
    expand(w: Int32Array, off: number, out: Int32Array, outOff: number): void;
    /** The rounds, on a full schedule at W[o]; adds into the state. */
    rounds(s: Int32Array, W: Int32Array, o: number): void;
  }

  // The round functions are generated as straight-line code (no loop, no branch, no array for the
  // working variables): about twice as fast in V8 as the loop form.
  const hex = (x: number): string => `${x | 0}`;
  const rotl = (x: string, n: number): string => `((${x} << ${n}) | (${x} >>> ${32 - n}))`;
  const rotr = (x: string, n: number): string => `((${x} >>> ${n}) | (${x} << ${32 - n}))`;
  const makeRounds = (body: string): Alg["rounds"] => new Function("s", "W", "o", body) as Alg["rounds"];

  const md5K: number[] = [];
  for (let i = 0; i < 64; i++) md5K.push(Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);
  const md5S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
  let md5Body = "let a = s[0], b = s[1], c = s[2], d = s[3];\n";
  {
    const v = ["a", "b", "c", "d"];
    for (let i = 0; i < 64; i++) {
      // Roles rotate each round: (a, b, c, d) -> (d, a, b, c).
      const [A, B, C, D] = [v[(64 - i) % 4]!, v[(65 - i) % 4]!, v[(66 - i) % 4]!, v[(67 - i) % 4]!];
      const round = i >> 4;
      const f = round === 0 ? `((${B} & ${C}) | (~${B} & ${D}))` : round === 1 ? `((${D} & ${B}) | (~${D} & ${C}))` : round === 2 ? `(${B} ^ ${C} ^ ${D})` : `(${C} ^ (${B} | ~${D}))`;
      const g = round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15;
      md5Body += `${A} = (${A} + ${f} + ${hex(md5K[i]!)} + W[o + ${g}]) | 0; ${A} = (${B} + ${rotl(A, md5S[(round << 2) | (i & 3)]!)}) | 0;\n`;
    }
    md5Body += "s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0;";
  }
  const md5: Alg = {
    words: 4,
    bigEndian: false,
    iv: Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476),
    schedule: 16,
    expand(w, off, out, outOff) {
      for (let i = 0; i < 16; i++) out[outOff + i] = w[off + i]!;
    },
    rounds: makeRounds(md5Body),
  };

  let sha1Body = "let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], t = 0;\n";
  for (let i = 0; i < 80; i++) {
    const f = i < 20 ? "((b & c) | (~b & d))" : i < 40 || i >= 60 ? "(b ^ c ^ d)" : "((b & c) | (b & d) | (c & d))";
    const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
    sha1Body += `t = (${rotl("a", 5)} + ${f} + e + ${hex(k)} + W[o + ${i}]) | 0; e = d; d = c; c = ${rotl("b", 30)}; b = a; a = t;\n`;
  }
  sha1Body += "s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0; s[4] = (s[4] + e) | 0;";
  const sha1: Alg = {
    words: 5,
    bigEndian: true,
    iv: Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0),
    schedule: 80,
    expand(w, off, out, o) {
      for (let i = 0; i < 16; i++) out[o + i] = w[off + i]!;
      for (let i = 16; i < 80; i++) {
        const x = out[o + i - 3]! ^ out[o + i - 8]! ^ out[o + i - 14]! ^ out[o + i - 16]!;
        out[o + i] = (x << 1) | (x >>> 31);
      }
    },
    rounds: makeRounds(sha1Body),
  };

  const sha256K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  let sha256Body = "let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7], t1 = 0, t2 = 0;\n";
  for (let i = 0; i < 64; i++) {
    sha256Body +=
      `t1 = (h + (${rotr("e", 6)} ^ ${rotr("e", 11)} ^ ${rotr("e", 25)}) + ((e & f) ^ (~e & g)) + ${hex(sha256K[i]!)} + W[o + ${i}]) | 0; ` +
      `t2 = ((${rotr("a", 2)} ^ ${rotr("a", 13)} ^ ${rotr("a", 22)}) + ((a & b) ^ (a & c) ^ (b & c))) | 0; ` +
      "h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;\n";
  }
  sha256Body += "s[0] = (s[0] + a) | 0; s[1] = (s[1] + b) | 0; s[2] = (s[2] + c) | 0; s[3] = (s[3] + d) | 0; s[4] = (s[4] + e) | 0; s[5] = (s[5] + f) | 0; s[6] = (s[6] + g) | 0; s[7] = (s[7] + h) | 0;";
  const sha256: Alg = {
    words: 8,
    bigEndian: true,
    iv: Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19].map((x) => x | 0)),
    schedule: 64,
    expand(w, off, out, o) {
      for (let i = 0; i < 16; i++) out[o + i] = w[off + i]!;
      for (let i = 16; i < 64; i++) {
        const x = out[o + i - 15]!;
        const y = out[o + i - 2]!;
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        out[o + i] = (out[o + i - 16]! + s0 + out[o + i - 7]! + s1) | 0;
      }
    },
    rounds: makeRounds(sha256Body),
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

  /** Full schedules of fixed blocks, computed once per target. */
  function expandAll(alg: Alg, blocks: Int32Array): Int32Array {
    const n = blocks.length / 16;
    const out = new Int32Array(n * alg.schedule);
    for (let b = 0; b < n; b++) alg.expand(blocks, b * 16, out, b * alg.schedule);
    return out;
  }

  function jsTester(alg: Alg, t: CrackTarget): (buf: Uint8Array, off: number, len: number) => boolean {
    const n = alg.words;
    const S = alg.schedule;
    const nonceSched = expandAll(alg, tailBlocks(alg, t.nonces));
    const msgSched = expandAll(alg, tailBlocks(alg, t.message));
    // The outer hash's second block: the inner digest, then padding for 64 + digest bytes.
    const outer = tailBlocks(alg, new Uint8Array(n * 4));
    const want = toWords(alg, t.hashR);
    const kb = new Int32Array(16);
    const W = new Int32Array(S);
    const st = new Int32Array(n);
    const keyBytes = new Uint8Array(64);
    const be = alg.bigEndian;
    const rounds = alg.rounds;
    const expand = alg.expand;
    const iv = alg.iv;

    /** HMAC with the key block (XOR ipad) in kb and the message's fixed schedules; result in st. */
    function hmac(sched: Int32Array): void {
      st.set(iv);
      expand(kb, 0, W, 0);
      rounds(st, W, 0);
      for (let o = 0; o < sched.length; o += S) rounds(st, sched, o);
      for (let i = 0; i < n; i++) outer[i] = st[i]!;
      // ipad -> opad: XOR every byte with 0x36 ^ 0x5c.
      for (let i = 0; i < 16; i++) kb[i] = kb[i]! ^ 0x6a6a6a6a;
      st.set(iv);
      expand(kb, 0, W, 0);
      rounds(st, W, 0);
      expand(outer, 0, W, 0);
      rounds(st, W, 0);
    }

    return (buf, off, len) => {
      let kbytes: Uint8Array = buf;
      let koff = off;
      let klen = len;
      if (len > 64) {
        // RFC 2104: a key longer than the block is hashed first (rare for a PSK: node's hash will do).
        const d = crypto.createHash(alg === md5 ? "md5" : alg === sha1 ? "sha1" : "sha256").update(buf.subarray(off, off + len)).digest();
        keyBytes.fill(0);
        keyBytes.set(d);
        kbytes = keyBytes;
        koff = 0;
        klen = d.length;
      }
      for (let i = 0; i < 16; i++) {
        let w = 0;
        for (let j = 0; j < 4; j++) {
          const p = i * 4 + j;
          const b = (p < klen ? kbytes[koff + p]! : 0) ^ 0x36;
          w |= be ? b << (24 - 8 * j) : b << (8 * j);
        }
        kb[i] = w;
      }
      hmac(nonceSched);
      // SKEYID is in st: now HMAC(SKEYID, message).
      for (let i = 0; i < 16; i++) kb[i] = (i < n ? st[i]! : 0) ^ 0x36363636;
      hmac(msgSched);
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

  return {
    tester(t) {
      const alg = t.hash === "md5" ? md5 : t.hash === "sha1" ? sha1 : t.hash === "sha256" ? sha256 : undefined;
      return alg !== undefined ? jsTester(alg, t) : nodeTester(t);
    },
  };
}

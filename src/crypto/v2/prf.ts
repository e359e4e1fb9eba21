/**
 * IKEv2's PRFs (RFC 7296 §2.13, §3.3.2): HMAC with MD5, SHA-1 and SHA-2 (RFC 2104, RFC 4868),
 * AES-XCBC-PRF-128 (RFC 4434, over AES-XCBC-MAC of RFC 3566) and AES-CMAC-PRF-128 (RFC 4615, over
 * AES-CMAC of RFC 4493), and prf+ (RFC 7296 §2.13), by their IKEv2 transform IDs.
 */
import { createCipheriv, createHmac } from "node:crypto";
import { UnsupportedError } from "../../errors.js";

export interface Prf {
  id: number;
  /** Output length in bytes; IKEv2 keys SK_d, SK_pi and SK_pr have this length (RFC 7296 §2.14). */
  outputLength: number;
  /**
   * The fixed key length of an AES PRF (16), which SKEYSEED takes half from each nonce (RFC 7296 §2.14);
   * undefined for HMAC PRFs, which take any key.
   */
  fixedKey?: number;
  (key: Buffer, data: Buffer): Buffer;
}

function aesBlock(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv("aes-128-ecb", key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((x, i) => x ^ b[i]!));

/** AES-XCBC-MAC (RFC 3566 §4) with a 16-byte key, the full 16-byte output. */
export function aesXcbcMac(key: Buffer, message: Buffer): Buffer {
  const k1 = aesBlock(key, Buffer.alloc(16, 0x01));
  const k2 = aesBlock(key, Buffer.alloc(16, 0x02));
  const k3 = aesBlock(key, Buffer.alloc(16, 0x03));
  const n = Math.max(1, Math.ceil(message.length / 16));
  let e: Buffer = Buffer.alloc(16);
  for (let i = 0; i < n - 1; i++) e = aesBlock(k1, xor(message.subarray(16 * i, 16 * i + 16), e));
  const last = message.subarray(16 * (n - 1));
  const block = last.length === 16 ? xor(last, k2) : xor(Buffer.concat([last, Buffer.from([0x80]), Buffer.alloc(15 - last.length)]), k3);
  return aesBlock(k1, xor(block, e));
}

/** Doubling in GF(2^128) for the CMAC subkeys (RFC 4493 §2.3). */
function dbl(b: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((b[i]! << 1) | (i < 15 ? b[i + 1]! >> 7 : 0)) & 0xff;
  if ((b[0]! & 0x80) !== 0) out[15] = out[15]! ^ 0x87;
  return out;
}

/** AES-CMAC (RFC 4493 §2.4) with a 16-byte key. */
export function aesCmac(key: Buffer, message: Buffer): Buffer {
  const l = aesBlock(key, Buffer.alloc(16));
  const k1 = dbl(l);
  const k2 = dbl(k1);
  const n = Math.max(1, Math.ceil(message.length / 16));
  let x: Buffer = Buffer.alloc(16);
  for (let i = 0; i < n - 1; i++) x = aesBlock(key, xor(x, message.subarray(16 * i, 16 * i + 16)));
  const last = message.subarray(16 * (n - 1));
  const m = last.length === 16 && message.length > 0 ? xor(last, k1) : xor(Buffer.concat([last, Buffer.from([0x80]), Buffer.alloc(15 - last.length)]), k2);
  return aesBlock(key, xor(x, m));
}

/** RFC 4434 §2: a short key is zero-padded, a long one first reduced with XCBC under a zero key. */
function xcbcPrf(key: Buffer, data: Buffer): Buffer {
  const k = key.length === 16 ? key : key.length < 16 ? Buffer.concat([key, Buffer.alloc(16 - key.length)]) : aesXcbcMac(Buffer.alloc(16), key);
  return aesXcbcMac(k, data);
}

/** RFC 4615 §3: a key of another length than 16 is first reduced with CMAC under a zero key. */
function cmacPrf(key: Buffer, data: Buffer): Buffer {
  return aesCmac(key.length === 16 ? key : aesCmac(Buffer.alloc(16), key), data);
}

function hmac(id: number, node: string, length: number): Prf {
  return Object.assign((key: Buffer, data: Buffer): Buffer => createHmac(node, key).update(data).digest(), { id, outputLength: length });
}

const PRFS: Readonly<Record<number, Prf>> = {
  1: hmac(1, "md5", 16),
  2: hmac(2, "sha1", 20),
  4: Object.assign(xcbcPrf, { id: 4, outputLength: 16, fixedKey: 16 }),
  5: hmac(5, "sha256", 32),
  6: hmac(6, "sha384", 48),
  7: hmac(7, "sha512", 64),
  8: Object.assign(cmacPrf, { id: 8, outputLength: 16, fixedKey: 16 }),
};

export function prfById(id: number): Prf {
  const p = PRFS[id];
  if (p === undefined) throw new UnsupportedError(`IKEv2 PRF ${id} is not supported by ikeprobe`);
  return p;
}

/** prf+ (RFC 7296 §2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), concatenated to `length` bytes (at most 255 blocks). */
export function prfPlus(prf: Prf, key: Buffer, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let t: Buffer = Buffer.alloc(0);
  let got = 0;
  for (let n = 1; got < length; n++) {
    if (n > 255) throw new RangeError(`prf+: ${length} bytes need more than 255 blocks`);
    t = prf(key, Buffer.concat([t, seed, Buffer.from([n])]));
    blocks.push(t);
    got += t.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

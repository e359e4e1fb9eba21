/**
 * The Encrypted and Authenticated payload SK (RFC 7296 §3.14): an IKEv2 message's inner payloads
 * encrypted and its whole self integrity-protected.
 *
 * Encrypt-then-MAC (AES-CBC, 3DES, Camellia-CBC): plain = inner chain | padding | Pad Length, a
 * whole number of blocks; SK body = IV (one block, random) | ciphertext | ICV, the ICV the integrity
 * algorithm's truncated MAC (SK_a) over the message from the header's first byte to the last
 * ciphertext byte. AEAD (AES-GCM and AES-CCM, RFC 5282; ChaCha20-Poly1305, RFC 7634): SK body =
 * IV (8) | ciphertext | ICV, the nonce salt (the last bytes of SK_e) | IV, the additional data the
 * header and the SK payload's generic header; block size 1, so only the Pad Length byte (0).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { AEAD, ENCRYPTION, HASHES } from "../../data/algorithms.js";
import { ProtocolError, UnsupportedError } from "../../errors.js";
import { type OutgoingPayload, encodeChain } from "../../wire/chain.js";
import { HEADER_LENGTH, encodeHeader } from "../../wire/header.js";
import { IKEV2_VERSION, Ikev2Payload } from "../../wire/v2/constants.js";
import { aesCmac, aesXcbcMac } from "./prf.js";

export interface SkSuite {
  cipher: { id: number; keyLength?: number };
  /** The integrity transform; null with an AEAD cipher. */
  integ: number | null;
}

/** One direction's keys: SK_e (salt included) and SK_a (empty with AEAD). */
export interface SkKeys {
  encKey: Buffer;
  integKey: Buffer;
}

type Mode =
  | { kind: "cbc"; node: string; block: number; icv: number; mac: (key: Buffer, data: Buffer) => Buffer }
  | { kind: "aead"; node: string; salt: number; icv: number; ccm: boolean };

function macFor(integ: number): { icv: number; mac: (key: Buffer, data: Buffer) => Buffer } {
  const h = HASHES.find((x) => x.ikev2?.integ === integ);
  if (h === undefined || h.ikev2 === undefined) throw new UnsupportedError(`IKEv2 integrity algorithm ${integ} is not supported by ikeprobe`);
  const icv = h.ikev2.icv;
  if (h.tokens[0] === "aesxcbc") return { icv, mac: (k, d) => aesXcbcMac(k, d) };
  if (h.tokens[0] === "aescmac") return { icv, mac: (k, d) => aesCmac(k, d) };
  return { icv, mac: (k, d) => createHmac(h.node, k).update(d).digest() };
}

function modeFor(s: SkSuite): Mode {
  const aead = AEAD.find((a) => a.ikev2 === s.cipher.id && (a.fixedKey === true || a.keyBits === s.cipher.keyLength));
  if (aead !== undefined) {
    const node = aead.mode === "chacha20-poly1305" ? "chacha20-poly1305" : `aes-${aead.keyBits}-${aead.mode}`;
    return { kind: "aead", node, salt: aead.salt, icv: aead.icv, ccm: aead.mode === "ccm" };
  }
  const e = ENCRYPTION.find((x) => x.ikev2 === s.cipher.id && (!x.variable || x.keyBits === s.cipher.keyLength));
  if (e === undefined || !e.node.endsWith("-cbc")) throw new UnsupportedError(`IKEv2 cipher ${s.cipher.id}${s.cipher.keyLength !== undefined ? `/${s.cipher.keyLength}` : ""} in SK is not supported by ikeprobe`);
  if (s.integ === null) throw new UnsupportedError("a non-AEAD cipher needs an integrity algorithm");
  return { kind: "cbc", node: e.node.replace("{bits}", String(e.keyBits)), block: e.blockSize, ...macFor(s.integ) };
}

export interface Ikev2Header {
  spiI: Buffer;
  spiR: Buffer;
  exchangeType: number;
  flags: number;
  messageId: number;
}

/** Encrypts `inner` into a whole IKEv2 message whose one payload is SK. `iv` is for tests (known-answer vectors). */
export function protect(h: Ikev2Header, inner: readonly OutgoingPayload[], suite: SkSuite, keys: SkKeys, iv?: Buffer): Buffer {
  return protectChain(h, encodeChain(inner), suite, keys, iv);
}

/**
 * `protect` for an inner chain already encoded: `firstType` the type of its first payload. With
 * `fragment`, one IKE fragment (RFC 7383 §2.5): an SKF payload whose Fragment Number and Total
 * Fragments follow its generic header and are authenticated with it; `chain.bytes` is that
 * fragment's piece of the inner chain, and `firstType` 0 for every fragment but the first.
 */
export function protectChain(h: Ikev2Header, chain: { firstType: number; bytes: Buffer }, suite: SkSuite, keys: SkKeys, iv?: Buffer, fragment?: { number: number; total: number }): Buffer {
  const mode = modeFor(suite);
  const extra = fragment !== undefined ? 4 : 0;
  const skHeader = (bodyLength: number): Buffer => {
    const len = 4 + extra + bodyLength;
    const b = Buffer.from([chain.firstType, 0, len >> 8, len & 255]);
    return fragment === undefined ? b : Buffer.concat([b, Buffer.from([fragment.number >> 8, fragment.number & 255, fragment.total >> 8, fragment.total & 255])]);
  };
  const header = (total: number): Buffer => encodeHeader({ initiatorCookie: h.spiI, responderCookie: h.spiR, nextPayload: fragment !== undefined ? Ikev2Payload.SKF : Ikev2Payload.SK, version: IKEV2_VERSION, exchangeType: h.exchangeType, flags: h.flags, messageId: h.messageId, length: total });
  if (mode.kind === "cbc") {
    const pad = (mode.block - ((chain.bytes.length + 1) % mode.block)) % mode.block;
    const plain = Buffer.concat([chain.bytes, Buffer.alloc(pad), Buffer.from([pad])]);
    const ivb = iv ?? randomBytes(mode.block);
    const c = createCipheriv(mode.node, keys.encKey, ivb);
    c.setAutoPadding(false);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const bodyLength = ivb.length + ct.length + mode.icv;
    const signed = Buffer.concat([header(HEADER_LENGTH + 4 + extra + bodyLength), skHeader(bodyLength), ivb, ct]);
    return Buffer.concat([signed, mode.mac(keys.integKey, signed).subarray(0, mode.icv)]);
  }
  const plain = Buffer.concat([chain.bytes, Buffer.from([0])]);
  const ivb = iv ?? randomBytes(8);
  const key = keys.encKey.subarray(0, keys.encKey.length - mode.salt);
  const nonce = Buffer.concat([keys.encKey.subarray(keys.encKey.length - mode.salt), ivb]);
  const bodyLength = 8 + plain.length + mode.icv;
  const aad = Buffer.concat([header(HEADER_LENGTH + 4 + extra + bodyLength), skHeader(bodyLength)]);
  const c = createCipheriv(mode.node as "aes-128-gcm", key, nonce, { authTagLength: mode.icv });
  c.setAAD(aad, mode.ccm ? { plaintextLength: plain.length } : undefined);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([aad, ivb, ct, c.getAuthTag()]);
}

/**
 * Checks and decrypts a message whose last payload is SK (or, with `fragment`, SKF): `skOffset` is
 * where that payload's generic header starts in `message`. Returns the type of the first inner payload and the inner
 * chain's bytes. An ICV or tag that does not verify, a ciphertext that is not whole blocks or a pad
 * length that overruns it is a ProtocolError naming which.
 */
export function unprotect(message: Buffer, skOffset: number, suite: SkSuite, keys: SkKeys, opts: { fragment?: boolean } = {}): { firstType: number; chain: Buffer } {
  const mode = modeFor(suite);
  const firstType = message[skOffset]!;
  // An SKF payload (RFC 7383 §2.5) has Fragment Number and Total Fragments before its IV; they are authenticated with the header.
  const start = skOffset + (opts.fragment === true ? 8 : 4);
  const body = message.subarray(start);
  if (mode.kind === "cbc") {
    if (body.length < mode.block + mode.icv) throw new ProtocolError("bad-sk", `an SK payload of ${body.length} bytes, shorter than its IV and ICV`);
    const icv = message.subarray(message.length - mode.icv);
    const want = mode.mac(keys.integKey, message.subarray(0, message.length - mode.icv)).subarray(0, mode.icv);
    if (!timingSafeEqual(icv, want)) throw new ProtocolError("bad-icv", "the SK payload's integrity checksum does not verify with our keys");
    const ct = body.subarray(mode.block, body.length - mode.icv);
    if (ct.length === 0 || ct.length % mode.block !== 0) throw new ProtocolError("bad-sk", `an SK ciphertext of ${ct.length} bytes is not whole ${mode.block}-byte blocks`);
    const d = createDecipheriv(mode.node, keys.encKey, body.subarray(0, mode.block));
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(ct), d.final()]);
    return { firstType, chain: stripPadding(plain) };
  }
  if (body.length < 8 + mode.icv + 1) throw new ProtocolError("bad-sk", `an SK payload of ${body.length} bytes, shorter than its IV, ICV and pad length`);
  const key = keys.encKey.subarray(0, keys.encKey.length - mode.salt);
  const nonce = Buffer.concat([keys.encKey.subarray(keys.encKey.length - mode.salt), body.subarray(0, 8)]);
  const ct = body.subarray(8, body.length - mode.icv);
  const d = createDecipheriv(mode.node as "aes-128-gcm", key, nonce, { authTagLength: mode.icv });
  d.setAuthTag(body.subarray(body.length - mode.icv));
  d.setAAD(message.subarray(0, start), mode.ccm ? { plaintextLength: ct.length } : undefined);
  let plain: Buffer;
  try {
    plain = Buffer.concat([d.update(ct), d.final()]);
  } catch (e) {
    throw new ProtocolError("bad-icv", "the SK payload's authentication tag does not verify with our keys", { cause: e });
  }
  return { firstType, chain: stripPadding(plain) };
}

function stripPadding(plain: Buffer): Buffer {
  const pad = plain[plain.length - 1]!;
  if (pad + 1 > plain.length) throw new ProtocolError("bad-padding", `a pad length of ${pad} in ${plain.length} bytes of plaintext`);
  return Buffer.from(plain.subarray(0, plain.length - pad - 1));
}

/** Bytes an SK or SKF payload adds around its plaintext at most: IV, ICV, padding and pad length. */
export function protectionOverhead(suite: SkSuite): number {
  const mode = modeFor(suite);
  return mode.kind === "cbc" ? mode.block + mode.icv + mode.block : 8 + mode.icv + 1;
}

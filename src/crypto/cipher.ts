/**
 * Phase 1 CBC ciphers through OpenSSL, with IKE's own padding (RFC 2409 Appendix B; §5.3 asks for the pad count in the last byte): we always add 1..B
 * bytes, zero except the last which holds count-1 — acceptable to strongSwan, libreswan and racoon.
 * On receive, padding is left to the payload chain decoder (everything after the last payload).
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { ProtocolError, UnsupportedError } from "../errors.js";
import { ENCRYPTION } from "../data/algorithms.js";

export interface CipherSpec {
  /** Phase 1 Encryption Algorithm attribute value. */
  id: number;
  /** Key length in bytes. */
  keyLength: number;
  blockSize: number;
  /** OpenSSL name. */
  node: string;
}

/** Phase 1 encryption algorithm -> OpenSSL cipher (from the registry). keyBits comes from the Key Length attribute. */
export function cipherSpec(id: number, keyBits: number | undefined): CipherSpec {
  const rows = ENCRYPTION.filter((e) => e.ike === id && e.node !== "");
  const e = rows[0];
  if (e === undefined || e.offered === false) throw new UnsupportedError(`encryption algorithm ${id} is not supported by ikeprobe`);
  if (!e.variable) return { id, keyLength: e.keyBits / 8, blockSize: e.blockSize, node: e.node };
  const bits = keyBits ?? e.keyBits;
  // Ciphers named by their key length (AES, Camellia) exist in the lengths the registry lists only.
  if (e.node.includes("{bits}") && !rows.some((r) => r.keyBits === bits)) throw new UnsupportedError(`${e.node.replace(/-\{bits\}-cbc$/, "").toUpperCase()} with a ${bits}-bit key`);
  return { id, keyLength: bits / 8, blockSize: e.blockSize, node: e.node.replace("{bits}", String(bits)) };
}

function openssl(spec: CipherSpec, key: Buffer): { name: string; key: Buffer } {
  // Without OpenSSL's legacy provider single DES is missing; 3DES with K|K|K is the same cipher.
  if (spec.node === "des-cbc" && !available("des-cbc", 8, 8)) {
    return { name: "des-ede3-cbc", key: Buffer.concat([key, key, key]) };
  }
  return { name: spec.node, key };
}

/**
 * AES in CBC and CTR mode is in every OpenSSL Node runs on (the default provider, FIPS's too): no
 * cipher needs making to know. The first one made costs ~0.2 ms (OpenSSL's look-up, Node's cipher
 * code), which warmCipher() spends while a message is answered.
 */
const ALWAYS = new Set(["aes-128-cbc", "aes-192-cbc", "aes-256-cbc", "aes-128-ctr", "aes-192-ctr", "aes-256-ctr"]);
const availability = new Map<string, boolean>();
function available(name: string, keyLength: number, ivLength: number): boolean {
  if (ALWAYS.has(name)) return true;
  const k = `${name}/${keyLength}`;
  let ok = availability.get(k);
  if (ok === undefined) {
    try {
      createCipheriv(name, Buffer.alloc(keyLength), Buffer.alloc(ivLength));
      ok = true;
    } catch {
      ok = false;
    }
    availability.set(k, ok);
  }
  return ok;
}

/** Whether this machine's OpenSSL can run the cipher (Blowfish and CAST need the legacy provider). */
export function cipherAvailable(spec: CipherSpec): boolean {
  const o = openssl(spec, Buffer.alloc(spec.keyLength));
  return available(o.name, o.key.length, spec.blockSize);
}

/**
 * One block through the cipher each way with a throwaway key: the first uses' costs (OpenSSL's
 * look-up and set-up, Node's cipher code run for the first time, ~0.3 ms here), spent while the
 * gateway answers a message instead of after. Does nothing for a cipher this machine lacks.
 */
export function warmCipher(spec: CipherSpec): void {
  if (!cipherAvailable(spec)) return;
  const o = openssl(spec, Buffer.alloc(spec.keyLength));
  const iv = Buffer.alloc(spec.blockSize);
  const block = Buffer.alloc(spec.blockSize);
  for (const c of [createCipheriv(o.name, o.key, iv), createDecipheriv(o.name, o.key, iv)]) {
    c.setAutoPadding(false);
    c.update(block);
    c.final();
  }
}

function ensure(spec: CipherSpec): void {
  if (!cipherAvailable(spec)) {
    throw new UnsupportedError(
      `${spec.node} is not supported on this machine (OpenSSL ${process.versions.openssl} without the legacy provider; run node with --openssl-legacy-provider)`,
    );
  }
}

export function pad(plaintext: Buffer, blockSize: number): Buffer {
  const count = blockSize - (plaintext.length % blockSize);
  const padding = Buffer.alloc(count);
  padding[count - 1] = count - 1;
  return Buffer.concat([plaintext, padding]);
}

export function encrypt(spec: CipherSpec, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  ensure(spec);
  const o = openssl(spec, key);
  const c = createCipheriv(o.name, o.key, iv);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(pad(plaintext, spec.blockSize)), c.final()]);
}

export function decrypt(spec: CipherSpec, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  ensure(spec);
  if (ciphertext.length === 0 || ciphertext.length % spec.blockSize !== 0) {
    throw new ProtocolError("bad-ciphertext", `encrypted body of ${ciphertext.length} bytes is not a multiple of the ${spec.blockSize}-byte block`);
  }
  const o = openssl(spec, key);
  const d = createDecipheriv(o.name, o.key, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

/** The last block of a ciphertext: the next IV in a Phase 1 chain (RFC 2409 Appendix B). */
export function lastBlock(ciphertext: Buffer, blockSize: number): Buffer {
  return Buffer.from(ciphertext.subarray(ciphertext.length - blockSize));
}

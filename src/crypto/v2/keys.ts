/**
 * IKEv2's key material (RFC 7296 §2.14, §2.17): SKEYSEED = prf(Ni | Nr, g^ir) and the seven keys
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr); a
 * CHILD SA's KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr). Key lengths come from the registry: the
 * PRF's output, the integrity algorithm's key, the cipher's key with the salt of an AEAD or CTR mode
 * (RFC 5282 §7.1, RFC 7634 §2, RFC 5930 §4) at its end.
 */
import { AEAD, ENCRYPTION, HASHES } from "../../data/algorithms.js";
import { UnsupportedError } from "../../errors.js";
import { type Prf, prfById, prfPlus } from "./prf.js";

export interface Ikev2Keys {
  skeyseed: Buffer;
  skD: Buffer;
  skAi: Buffer;
  skAr: Buffer;
  skEi: Buffer;
  skEr: Buffer;
  skPi: Buffer;
  skPr: Buffer;
}

/** Bytes of SK_e for an IKEv2 cipher: the key, plus the salt of AES-GCM/CCM, ChaCha20-Poly1305 or AES-CTR. */
export function encrKeyLength(cipher: { id: number; keyLength?: number }): number {
  const aead = AEAD.find((a) => a.ikev2 === cipher.id && (a.fixedKey === true || a.keyBits === cipher.keyLength));
  if (aead !== undefined) return aead.keyBits / 8 + aead.salt;
  const e = ENCRYPTION.find((x) => x.ikev2 === cipher.id && (!x.variable || x.keyBits === cipher.keyLength));
  if (e === undefined) throw new UnsupportedError(`IKEv2 cipher ${cipher.id}${cipher.keyLength !== undefined ? ` with a ${cipher.keyLength}-bit key` : ""} is not supported by ikeprobe`);
  return e.keyBits / 8 + (e.node.endsWith("-ctr") ? 4 : 0);
}

/** Bytes of SK_a for an IKEv2 integrity algorithm (0: none, with AEAD). */
export function integKeyLength(integ: number | null): number {
  if (integ === null || integ === 0) return 0;
  const h = HASHES.find((x) => x.ikev2?.integ === integ);
  if (h === undefined) throw new UnsupportedError(`IKEv2 integrity algorithm ${integ} is not supported by ikeprobe`);
  return h.length;
}

/** The SKEYSEED key: Ni | Nr, or for a PRF with a fixed key length half of it from the start of each nonce (RFC 7296 §2.14). */
export function skeyseedKey(prf: Prf, ni: Buffer, nr: Buffer): Buffer {
  if (prf.fixedKey === undefined) return Buffer.concat([ni, nr]);
  const half = prf.fixedKey / 2;
  return Buffer.concat([ni.subarray(0, half), nr.subarray(0, half)]);
}

export function deriveIkev2Keys(p: { prf: Prf; encrKeyLength: number; integKeyLength: number; ni: Buffer; nr: Buffer; gir: Buffer; spiI: Buffer; spiR: Buffer }): Ikev2Keys {
  const skeyseed = p.prf(skeyseedKey(p.prf, p.ni, p.nr), p.gir);
  const [d, a, e] = [p.prf.outputLength, p.integKeyLength, p.encrKeyLength];
  const km = prfPlus(p.prf, skeyseed, Buffer.concat([p.ni, p.nr, p.spiI, p.spiR]), 3 * d + 2 * a + 2 * e);
  let at = 0;
  const take = (n: number): Buffer => {
    const out = Buffer.from(km.subarray(at, at + n));
    at += n;
    return out;
  };
  return { skeyseed, skD: take(d), skAi: take(a), skAr: take(a), skEi: take(e), skEr: take(e), skPi: take(d), skPr: take(d) };
}

/**
 * An IKE SA's PRF, SK suite and keys from the transforms chosen in IKE_SA_INIT (an INTEG of 0 is
 * none). Throws UnsupportedError for an algorithm ikeprobe lacks.
 */
export function ikeSaKeys(chosen: { encr: { id: number; keyLength?: number }; prf: number; integ: number | null }, p: { ni: Buffer; nr: Buffer; gir: Buffer; spiI: Buffer; spiR: Buffer }): { prf: Prf; suite: { cipher: { id: number; keyLength?: number }; integ: number | null }; keys: Ikev2Keys } {
  const prf = prfById(chosen.prf);
  const cipher = { id: chosen.encr.id, ...(chosen.encr.keyLength !== undefined ? { keyLength: chosen.encr.keyLength } : {}) };
  const integ = chosen.integ === 0 ? null : chosen.integ;
  return { prf, suite: { cipher, integ }, keys: deriveIkev2Keys({ prf, encrKeyLength: encrKeyLength(cipher), integKeyLength: integKeyLength(integ), ...p }) };
}

/** A CHILD SA's KEYMAT (RFC 7296 §2.17): encryption then integrity key, initiator to responder first. */
export function childKeymat(prf: Prf, skD: Buffer, ni: Buffer, nr: Buffer, length: number, gir?: Buffer): Buffer {
  return prfPlus(prf, skD, Buffer.concat([...(gir !== undefined ? [gir] : []), ni, nr]), length);
}

/**
 * The SKEYID family, the encryption key and IVs of RFC 2409 (§5, §5.4, §5.5, Appendix B), as
 * strongSwan's keymat_v1.c and libreswan compute them.
 */
import type { HashAlg } from "../prf.js";

export interface Phase1Keys {
  skeyid: Buffer;
  skeyidD: Buffer;
  skeyidA: Buffer;
  skeyidE: Buffer;
  /** Ka: the cipher key, cut from SKEYID_e or expanded from it. */
  encryptionKey: Buffer;
}

/** SKEYID for pre-shared keys (auth 1 and XAUTH 65001/65002): prf(PSK, Ni_b | Nr_b). */
export function skeyidPsk(h: HashAlg, psk: Buffer, niB: Buffer, nrB: Buffer): Buffer {
  return h.prf(psk, niB, nrB);
}

/** SKEYID for signatures: prf(Ni_b | Nr_b, g^xy). */
export function skeyidSig(h: HashAlg, niB: Buffer, nrB: Buffer, gxy: Buffer): Buffer {
  return h.prf(Buffer.concat([niB, nrB]), gxy);
}

export function derivePhase1Keys(
  h: HashAlg,
  skeyid: Buffer,
  gxy: Buffer,
  ckyI: Buffer,
  ckyR: Buffer,
  encKeyLength: number,
): Phase1Keys {
  const skeyidD = h.prf(skeyid, gxy, ckyI, ckyR, Buffer.from([0]));
  const skeyidA = h.prf(skeyid, skeyidD, gxy, ckyI, ckyR, Buffer.from([1]));
  const skeyidE = h.prf(skeyid, skeyidA, gxy, ckyI, ckyR, Buffer.from([2]));
  return { skeyid, skeyidD, skeyidA, skeyidE, encryptionKey: expandKa(h, skeyidE, encKeyLength) };
}

/**
 * RFC 2409 Appendix B: Ka is the first n bytes of SKEYID_e when it is long enough; otherwise
 * K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1), ... and Ka = first n bytes of K1 | K2 | ...
 */
export function expandKa(h: HashAlg, skeyidE: Buffer, n: number): Buffer {
  if (skeyidE.length >= n) return Buffer.from(skeyidE.subarray(0, n));
  const blocks: Buffer[] = [];
  let k = h.prf(skeyidE, Buffer.from([0]));
  blocks.push(k);
  let have = k.length;
  while (have < n) {
    k = h.prf(skeyidE, k);
    blocks.push(k);
    have += k.length;
  }
  return Buffer.concat(blocks).subarray(0, n);
}

/** IV0 = first B bytes of hash(g^xi | g^xr). */
export function phase1Iv(h: HashAlg, gxi: Buffer, gxr: Buffer, blockSize: number): Buffer {
  return h.hash(gxi, gxr).subarray(0, blockSize);
}

/** IV of a new exchange (Quick Mode, Informational, Transaction): hash(phase-1 IV | M-ID)[0:B]. */
export function messageIdIv(h: HashAlg, phase1LastBlock: Buffer, messageId: number, blockSize: number): Buffer {
  const mid = Buffer.alloc(4);
  mid.writeUInt32BE(messageId >>> 0);
  return h.hash(phase1LastBlock, mid).subarray(0, blockSize);
}

/** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashI(h: HashAlg, skeyid: Buffer, gxi: Buffer, gxr: Buffer, ckyI: Buffer, ckyR: Buffer, saiB: Buffer, idiiB: Buffer): Buffer {
  return h.prf(skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB);
}

/** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
export function hashR(h: HashAlg, skeyid: Buffer, gxi: Buffer, gxr: Buffer, ckyI: Buffer, ckyR: Buffer, saiB: Buffer, idirB: Buffer): Buffer {
  return h.prf(skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB);
}

/** HASH(1) of a protected Informational / Quick Mode message: prf(SKEYID_a, M-ID | payloads after HASH). */
export function hashMessageId(h: HashAlg, skeyidA: Buffer, messageId: number, ...after: Buffer[]): Buffer {
  const mid = Buffer.alloc(4);
  mid.writeUInt32BE(messageId >>> 0);
  return h.prf(skeyidA, mid, ...after);
}

/** NAT-D = hash(CKY-I | CKY-R | IP | Port) (RFC 3947 §3.2). */
export function natD(h: HashAlg, ckyI: Buffer, ckyR: Buffer, ip: Buffer, port: number): Buffer {
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return h.hash(ckyI, ckyR, ip, p);
}

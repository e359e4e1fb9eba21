/**
 * IKEv1 PRF and hash (RFC 2409 §5): prf(K, M) = HMAC-H(K, M) with H the negotiated Phase 1 hash;
 * the plain H is used for IVs and NAT-D. Attribute 13 (PRF) has no defined values in practice.
 */
import { createHash, createHmac } from "node:crypto";
import { UnsupportedError } from "../errors.js";
import { HASH_BY_IKE } from "../data/algorithms.js";

export interface HashAlg {
  id: number;
  length: number;
  hash(...data: Buffer[]): Buffer;
  prf(key: Buffer, ...data: Buffer[]): Buffer;
}

export function hashAlg(id: number): HashAlg {
  const h = HASH_BY_IKE.get(id);
  if (h === undefined) throw new UnsupportedError(`hash algorithm ${id} is not supported here`);
  return {
    id,
    length: h.length,
    hash(...data) {
      const c = createHash(h.node);
      for (const d of data) c.update(d);
      return c.digest();
    },
    prf(key, ...data) {
      const c = createHmac(h.node, key);
      for (const d of data) c.update(d);
      return c.digest();
    },
  };
}

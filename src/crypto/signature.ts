/**
 * Signatures of IKEv1's signature methods (RFC 2409 §5.1): SIG_I/SIG_R sign HASH_I/HASH_R as they
 * are, without a further digest, as strongSwan does (S-SW pubkey_v1_authenticator.c):
 *   RSA      PKCS #1 v1.5 type 1 padding of the bare hash (no DigestInfo), RFC 2409 §5.1;
 *   ECDSA    RFC 4754 (methods 9-11): the hash is prf'd with the SHA-2 of the curve (HMAC-SHA-256
 *            for P-256, -384, -512) instead of the negotiated hash, signed as a digest, encoded r | s.
 * node:crypto signs and verifies RSA this way (privateEncrypt / publicDecrypt); it cannot sign a
 * given digest with ECDSA (it always hashes), so ECDSA uses @noble/curves (docs/architecture.md: why).
 */
import { type KeyObject, privateEncrypt, publicDecrypt, constants, timingSafeEqual } from "node:crypto";
import { p256, p384, p521 } from "@noble/curves/nist.js";
import { type HashAlg, hashAlg } from "./prf.js";

export type SignatureKind = "rsa" | "dss" | "ecdsa256" | "ecdsa384" | "ecdsa521";

export interface SignatureMethod {
  kind: SignatureKind;
  /** Hybrid methods: only the gateway signs; we prove ourselves with HASH_I (and XAUTH). */
  initiatorSigns: boolean;
}

/** Auth method numbers (RFC 2409 §5.1, RFC 4754, draft-beaulieu-ike-xauth-02, draft-ietf-ipsec-isakmp-hybrid-auth-05) whose SKEYID is prf(Ni_b | Nr_b, g^xy). */
const METHODS: ReadonlyMap<number, SignatureMethod> = new Map([
  [2, { kind: "dss", initiatorSigns: true }],
  [3, { kind: "rsa", initiatorSigns: true }],
  [9, { kind: "ecdsa256", initiatorSigns: true }],
  [10, { kind: "ecdsa384", initiatorSigns: true }],
  [11, { kind: "ecdsa521", initiatorSigns: true }],
  [65003, { kind: "dss", initiatorSigns: true }],
  [65004, { kind: "dss", initiatorSigns: true }],
  [65005, { kind: "rsa", initiatorSigns: true }],
  [65006, { kind: "rsa", initiatorSigns: true }],
  [64221, { kind: "rsa", initiatorSigns: false }],
  [64222, { kind: "rsa", initiatorSigns: false }],
  [64223, { kind: "dss", initiatorSigns: false }],
  [64224, { kind: "dss", initiatorSigns: false }],
] as const);

export function signatureMethod(auth: number): SignatureMethod | undefined {
  return METHODS.get(auth);
}

const CURVES = {
  ecdsa256: { curve: p256, name: "P-256", node: "prime256v1", hash: 4 },
  ecdsa384: { curve: p384, name: "P-384", node: "secp384r1", hash: 5 },
  ecdsa521: { curve: p521, name: "P-521", node: "secp521r1", hash: 6 },
} as const;

/** The prf HASH_I/HASH_R are computed with for this method (ECDSA: the curve's SHA-2, RFC 4754). */
export function proofHash(kind: SignatureKind, negotiated: HashAlg): HashAlg {
  return kind === "rsa" || kind === "dss" ? negotiated : hashAlg(CURVES[kind].hash);
}

/** The signature scheme in words, for identity.signature.algorithm. */
export function schemeName(kind: SignatureKind): string {
  if (kind === "rsa") return "RSA PKCS#1 v1.5 over HASH (no DigestInfo)";
  if (kind === "dss") return "DSS over HASH";
  return `ECDSA ${CURVES[kind].name} over HASH (HMAC-SHA-${CURVES[kind].hash === 4 ? 256 : CURVES[kind].hash === 5 ? 384 : 512})`;
}

/** Why this key cannot make or check the method's signatures, or undefined when it can. */
export function keyMismatch(kind: SignatureKind, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  if (kind === "rsa") return type === "rsa" ? undefined : `an ${type ?? "unknown"} key cannot make RSA signatures`;
  if (kind === "dss") return "DSS signatures are not implemented (DSA keys are limited to 1024-3072 bits and obsolete)";
  const want = CURVES[kind];
  if (type !== "ec") return `a ${type ?? "unknown"} key cannot make ECDSA signatures`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === want.node ? undefined : `the key is on ${curve ?? "an unknown curve"}, and ${kind} needs ${want.name}`;
}

function ecScalar(key: KeyObject): Uint8Array {
  return Buffer.from(key.export({ format: "jwk" }).d ?? "", "base64url");
}

function ecPoint(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: "jwk" });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? "", "base64url"), Buffer.from(jwk.y ?? "", "base64url")]);
}

/** Our SIG_I over HASH_I; the key has passed keyMismatch(). */
export function sign(kind: SignatureKind, privateKey: KeyObject, hash: Buffer): Buffer {
  if (kind === "rsa") return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, hash);
  if (kind === "dss") throw new Error(keyMismatch(kind, privateKey));
  return Buffer.from(CURVES[kind].curve.sign(hash, ecScalar(privateKey), { prehash: false, lowS: false }));
}

/** Whether `signature` is the gateway's SIG_R over `hash` with this public key. Never throws. */
export function verify(kind: SignatureKind, publicKey: KeyObject, hash: Buffer, signature: Buffer): boolean {
  try {
    if (keyMismatch(kind, publicKey) !== undefined) return false;
    if (kind === "rsa") {
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.length === hash.length && timingSafeEqual(recovered, hash);
    }
    if (kind === "dss") return false;
    return CURVES[kind].curve.verify(signature, hash, ecPoint(publicKey), { prehash: false, lowS: false });
  } catch {
    return false;
  }
}

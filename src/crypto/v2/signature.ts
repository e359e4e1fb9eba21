/**
 * IKEv2 signature authentication (RFC 7296 §2.15, §3.8): the AUTH payload signs the "signed
 * octets" themselves (unlike IKEv1's SIG over HASH), with
 *   method 1   RSA Digital Signature: RSASSA-PKCS1-v1_5 with SHA-1 (RFC 7296 §3.8);
 *   method 9, 10, 11   ECDSA with SHA-256 on P-256, SHA-384 on P-384, SHA-512 on P-521
 *              (RFC 4754), the signature as r | s, each the field's size;
 *   method 14  Digital Signature (RFC 7427 §3): one length byte, the DER AlgorithmIdentifier of the
 *              scheme, then the signature (ECDSA: the DER ECDSA-Sig-Value).
 * The AlgorithmIdentifier encodings below are the DER of the OIDs (RFC 7427 Appendix A): for RSA
 * PKCS#1 v1.5 with a NULL parameter, for ECDSA without parameters.
 */
import { type KeyObject, constants, createHash, sign, verify } from "node:crypto";
import { AuthMethod } from "../../wire/v2/constants.js";

export type V2SignatureKey = "rsa" | "ecdsa256" | "ecdsa384" | "ecdsa521";

interface Scheme {
  name: string;
  key: "rsa" | "ecdsa";
  hash: "sha1" | "sha256" | "sha384" | "sha512";
  /** RSASSA-PSS with MGF1 of the same hash and a salt of the hash's length. */
  pss?: boolean;
}

/** RFC 7427 AlgorithmIdentifiers (DER, hex) of the schemes we sign with or verify. */
const ALGORITHM_IDS: ReadonlyMap<string, Scheme> = new Map([
  ["300d06092a864886f70d0101050500", { name: "sha1WithRSAEncryption", key: "rsa", hash: "sha1" }],
  ["300d06092a864886f70d01010b0500", { name: "sha256WithRSAEncryption", key: "rsa", hash: "sha256" }],
  ["300d06092a864886f70d01010c0500", { name: "sha384WithRSAEncryption", key: "rsa", hash: "sha384" }],
  ["300d06092a864886f70d01010d0500", { name: "sha512WithRSAEncryption", key: "rsa", hash: "sha512" }],
  ["304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120", { name: "RSASSA-PSS with SHA-256", key: "rsa", hash: "sha256", pss: true }],
  ["304106092a864886f70d01010a3034a00f300d06096086480165030402020500a11c301a06092a864886f70d010108300d06096086480165030402020500a203020130", { name: "RSASSA-PSS with SHA-384", key: "rsa", hash: "sha384", pss: true }],
  ["304106092a864886f70d01010a3034a00f300d06096086480165030402030500a11c301a06092a864886f70d010108300d06096086480165030402030500a203020140", { name: "RSASSA-PSS with SHA-512", key: "rsa", hash: "sha512", pss: true }],
  ["300906072a8648ce3d0401", { name: "ecdsa-with-SHA1", key: "ecdsa", hash: "sha1" }],
  ["300a06082a8648ce3d040302", { name: "ecdsa-with-SHA256", key: "ecdsa", hash: "sha256" }],
  ["300a06082a8648ce3d040303", { name: "ecdsa-with-SHA384", key: "ecdsa", hash: "sha384" }],
  ["300a06082a8648ce3d040304", { name: "ecdsa-with-SHA512", key: "ecdsa", hash: "sha512" }],
]);

const algorithmIdOf = (name: string): Buffer => Buffer.from([...ALGORITHM_IDS].find(([, s]) => s.name === name)![0], "hex");

/** RFC 7427 hash numbers (SIGNATURE_HASH_ALGORITHMS) by name. */
const HASH_NUMBER = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 } as const;
const CURVE_HASH = { ecdsa256: "sha256", ecdsa384: "sha384", ecdsa521: "sha512" } as const;
const CURVE_METHOD = { ecdsa256: AuthMethod.ECDSA_256, ecdsa384: AuthMethod.ECDSA_384, ecdsa521: AuthMethod.ECDSA_521 } as const;

/**
 * Our AUTH over `octets` with `key`: method 14 when the gateway announced a SIGNATURE_HASH_ALGORITHMS
 * hash we can use (SHA-256 for RSA, PKCS#1 v1.5 as strongSwan signs by default; the curve's hash, else
 * SHA-256, for ECDSA), else the classic method (1, or 9/10/11).
 */
export function signAuth(kind: V2SignatureKey, key: KeyObject, octets: Buffer, gatewayHashes: readonly number[]): { method: number; data: Buffer; scheme: string } {
  if (kind === "rsa") {
    if (gatewayHashes.includes(HASH_NUMBER.sha256)) return { method: AuthMethod.DIGITAL_SIGNATURE, data: withAlgorithm("sha256WithRSAEncryption", sign("sha256", octets, key)), scheme: "sha256WithRSAEncryption (RFC 7427)" };
    return { method: AuthMethod.RSA, data: sign("sha1", octets, key), scheme: "RSA PKCS#1 v1.5 with SHA-1 (method 1)" };
  }
  const own = CURVE_HASH[kind];
  const hash = gatewayHashes.includes(HASH_NUMBER[own]) ? own : gatewayHashes.includes(HASH_NUMBER.sha256) ? "sha256" : undefined;
  if (hash !== undefined) {
    const name = `ecdsa-with-${hash.toUpperCase()}`;
    return { method: AuthMethod.DIGITAL_SIGNATURE, data: withAlgorithm(name, sign(hash, octets, { key, dsaEncoding: "der" })), scheme: `${name} (RFC 7427)` };
  }
  return { method: CURVE_METHOD[kind], data: sign(own, octets, { key, dsaEncoding: "ieee-p1363" }), scheme: `ECDSA with ${own.toUpperCase()} (RFC 4754, method ${CURVE_METHOD[kind]})` };
}

function withAlgorithm(name: string, signature: Buffer): Buffer {
  const id = algorithmIdOf(name);
  return Buffer.concat([Buffer.from([id.length]), id, signature]);
}

/**
 * Checks the gateway's signature AUTH over `octets` with its public key. `verified` is null for a
 * method or RFC 7427 scheme this version does not know (named in `scheme`). Never throws.
 */
export function verifyAuth(method: number, data: Buffer, publicKey: KeyObject, octets: Buffer): { verified: boolean | null; scheme: string } {
  try {
    const type = publicKey.asymmetricKeyType;
    if (method === AuthMethod.RSA) return { verified: type === "rsa" && verify("sha1", octets, publicKey, data), scheme: "RSA PKCS#1 v1.5 with SHA-1 (method 1)" };
    if (method === AuthMethod.ECDSA_256 || method === AuthMethod.ECDSA_384 || method === AuthMethod.ECDSA_521) {
      const hash = method === AuthMethod.ECDSA_256 ? "sha256" : method === AuthMethod.ECDSA_384 ? "sha384" : "sha512";
      return { verified: type === "ec" && verify(hash, octets, { key: publicKey, dsaEncoding: "ieee-p1363" }, data), scheme: `ECDSA with ${hash.toUpperCase()} (RFC 4754, method ${method})` };
    }
    if (method === AuthMethod.DIGITAL_SIGNATURE) {
      const n = data[0] ?? 0;
      const id = data.subarray(1, 1 + n).toString("hex");
      const s = ALGORITHM_IDS.get(id);
      if (s === undefined || data.length <= 1 + n) return { verified: null, scheme: `RFC 7427 with an AlgorithmIdentifier this version does not know (${id.slice(0, 40)}${id.length > 40 ? "…" : ""})` };
      const sig = data.subarray(1 + n);
      const ok = s.key === "rsa" ? type === "rsa" && verify(s.hash, octets, s.pss === true ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(s.hash).digest().length } : publicKey, sig) : type === "ec" && verify(s.hash, octets, { key: publicKey, dsaEncoding: "der" }, sig);
      return { verified: ok, scheme: `${s.name} (RFC 7427)` };
    }
    return { verified: null, scheme: `method ${method}, not a signature this version checks` };
  } catch {
    return { verified: false, scheme: `method ${method}` };
  }
}

/** The CERTREQ body for X.509 signatures (encoding 4) naming these CAs by the SHA-1 hash of their SubjectPublicKeyInfo (RFC 7296 §3.7). */
export function certReqBody(caSpkiDers: readonly Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([4]), ...caSpkiDers.map((d) => createHash("sha1").update(d).digest())]);
}

/**
 * The one algorithm registry: for every algorithm ikeprobe knows, its strongSwan token(s), its
 * number in Phase 1 (RFC 2409 App. A, IANA "IPsec Registry") and/or in ESP/AH (RFC 2407 §4.4, §4.5),
 * its key sizes, the `node:crypto` (OpenSSL) name, Wireshark's name in its decryption tables, and
 * its rating with the reason (testssl.sh's severity words; sources: RFC 8247, RFC 8031,
 * NIST SP 800-131A, Logjam 2015, Sweet32 2016). The proposal syntax, the ciphers, the DH groups,
 * the ratings and the Wireshark tables all read it; no other table of algorithms exists.
 */
import type { Rating } from "./severity.js";

/** Phase 1 encryption (attribute 1) and its ESP transform, where both exist. */
export interface EncryptionAlg {
  /** Canonical token first, then aliases (e.g. aes = aes128). */
  tokens: readonly string[];
  /** Phase 1 Encryption Algorithm value; null: ESP only. */
  ike: number | null;
  /** ESP transform ID; null: Phase 1 only. */
  esp: number | null;
  /** Key bits: fixed (DES, 3DES) or the default of a variable-length cipher. */
  keyBits: number;
  /** The key length is carried in the Key Length attribute. */
  variable: boolean;
  blockSize: number;
  /** OpenSSL CBC name pattern; {bits} is the key length. */
  node: string;
  /** Wireshark's name in its esp_sa table. */
  wiresharkEsp: string;
  rating?: Rating;
  /** false: known by number only (named in answers), not offered or parsed as a token. */
  offered?: boolean;
}

const SWEET32 = (name: string): Rating => ({ severity: "MEDIUM", reason: `${name}: 64-bit block (Sweet32)` });

export const ENCRYPTION: readonly EncryptionAlg[] = [
  { tokens: ["des"], ike: 1, esp: 2, keyBits: 64, variable: false, blockSize: 8, node: "des-cbc", wiresharkEsp: "DES-CBC [RFC2405]", rating: { severity: "CRITICAL", reason: "DES: 56-bit key, brute-forced in hours" } },
  { tokens: ["3des"], ike: 5, esp: 3, keyBits: 192, variable: false, blockSize: 8, node: "des-ede3-cbc", wiresharkEsp: "TripleDES-CBC [RFC2451]", rating: { severity: "MEDIUM", reason: "3DES: 64-bit block (Sweet32), deprecated by NIST" } },
  { tokens: ["aes128", "aes"], ike: 7, esp: 12, keyBits: 128, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]" },
  { tokens: ["aes192"], ike: 7, esp: 12, keyBits: 192, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]" },
  { tokens: ["aes256"], ike: 7, esp: 12, keyBits: 256, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]" },
  { tokens: ["blowfish128", "blowfish"], ike: 3, esp: 7, keyBits: 128, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish") },
  { tokens: ["blowfish192"], ike: 3, esp: 7, keyBits: 192, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish") },
  { tokens: ["blowfish256"], ike: 3, esp: 7, keyBits: 256, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish") },
  { tokens: ["cast128"], ike: 6, esp: 6, keyBits: 128, variable: true, blockSize: 8, node: "cast5-cbc", wiresharkEsp: "CAST5-CBC [RFC2144]", rating: SWEET32("CAST-128") },
  { tokens: ["camellia128", "camellia"], ike: 8, esp: 22, keyBits: 128, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL" },
  { tokens: ["camellia192"], ike: 8, esp: 22, keyBits: 192, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL" },
  { tokens: ["camellia256"], ike: 8, esp: 22, keyBits: 256, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL" },
  { tokens: ["idea"], ike: 2, esp: null, keyBits: 128, variable: false, blockSize: 8, node: "idea-cbc", wiresharkEsp: "NULL", offered: false },
  { tokens: ["rc5"], ike: 4, esp: null, keyBits: 128, variable: false, blockSize: 8, node: "rc5-cbc", wiresharkEsp: "NULL", offered: false },
  { tokens: ["null"], ike: null, esp: 11, keyBits: 0, variable: false, blockSize: 1, node: "", wiresharkEsp: "NULL" },
  { tokens: ["aes128ctr"], ike: null, esp: 13, keyBits: 128, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]" },
  { tokens: ["aes192ctr"], ike: null, esp: 13, keyBits: 192, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]" },
  { tokens: ["aes256ctr"], ike: null, esp: 13, keyBits: 256, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]" },
];

/** ESP AEAD ciphers (RFC 4106 GCM, RFC 4309 CCM): ICV 8/12/16 bytes; strongSwan also spells the ICV in bits. */
export interface AeadAlg {
  tokens: readonly string[];
  esp: number;
  keyBits: number;
  icv: 8 | 12 | 16;
  mode: "gcm" | "ccm";
  /** Salt bytes taken from KEYMAT after the key (RFC 4106 §8.1: 4; RFC 4309 §7.1: 3). */
  salt: number;
  wiresharkEsp: string;
}

export const AEAD: readonly AeadAlg[] = [128, 192, 256].flatMap((bits) =>
  ([[8, 18, 14], [12, 19, 15], [16, 20, 16]] as const).flatMap(([icv, gcm, ccm]): AeadAlg[] => [
    { tokens: [`aes${bits}gcm${icv}`, `aes${bits}gcm${icv * 8}`], esp: gcm, keyBits: bits, icv, mode: "gcm", salt: 4, wiresharkEsp: `AES-GCM with ${icv} octet ICV [RFC4106]` },
    { tokens: [`aes${bits}ccm${icv}`, `aes${bits}ccm${icv * 8}`], esp: ccm, keyBits: bits, icv, mode: "ccm", salt: 3, wiresharkEsp: "NULL" },
  ]),
);

/** Phase 1 hash (attribute 2) and the ESP/AH integrity algorithm of the same family. */
export interface HashAlgEntry {
  tokens: readonly string[];
  /** Phase 1 Hash Algorithm value; null: integrity only (AES-XCBC). */
  ike: number | null;
  /** IPsec Authentication Algorithm attribute value (RFC 2407 §4.5) and AH transform ID. */
  authAlg: number | null;
  ah: number | null;
  /** OpenSSL digest name (Phase 1 PRF, HMAC). */
  node: string;
  /** Digest length (Phase 1 hash output); the HMAC key length in ESP. */
  length: number;
  wiresharkEsp: string;
  rating?: Rating;
}

export const HASHES: readonly HashAlgEntry[] = [
  { tokens: ["md5"], ike: 1, authAlg: 1, ah: 2, node: "md5", length: 16, wiresharkEsp: "HMAC-MD5-96 [RFC2403]", rating: { severity: "HIGH", reason: "MD5: broken hash, not to be used as IKE PRF/integrity (RFC 8247)" } },
  { tokens: ["sha1", "sha"], ike: 2, authAlg: 2, ah: 3, node: "sha1", length: 20, wiresharkEsp: "HMAC-SHA-1-96 [RFC2404]", rating: { severity: "LOW", reason: "SHA-1: deprecated for IKE (RFC 8247 SHOULD NOT for new use)" } },
  { tokens: ["sha256", "sha2_256"], ike: 4, authAlg: 5, ah: 5, node: "sha256", length: 32, wiresharkEsp: "HMAC-SHA-256-128 [RFC4868]" },
  { tokens: ["sha384", "sha2_384"], ike: 5, authAlg: 6, ah: 6, node: "sha384", length: 48, wiresharkEsp: "HMAC-SHA-384-192 [RFC4868]" },
  { tokens: ["sha512", "sha2_512"], ike: 6, authAlg: 7, ah: 7, node: "sha512", length: 64, wiresharkEsp: "HMAC-SHA-512-256 [RFC4868]" },
  { tokens: ["aesxcbc"], ike: null, authAlg: 9, ah: 9, node: "", length: 16, wiresharkEsp: "NULL" },
];

/** Diffie-Hellman groups (RFC 2409 §6, RFC 3526, RFC 5114, RFC 5903, RFC 8031). */
export interface GroupAlg {
  tokens: readonly string[];
  number: number;
  kind: "modp" | "ecp" | "curve25519";
  /** Prime or curve size. */
  bits: number;
  /** OpenSSL's name: the MODP group (createDiffieHellmanGroup) or the curve (createECDH). */
  node: string | null;
  rating?: Rating;
}

export const GROUPS: readonly GroupAlg[] = [
  { tokens: ["modp768"], number: 1, kind: "modp", bits: 768, node: "modp1", rating: { severity: "CRITICAL", reason: "768-bit MODP (group 1): broken (Logjam)" } },
  { tokens: ["modp1024"], number: 2, kind: "modp", bits: 1024, node: "modp2", rating: { severity: "HIGH", reason: "1024-bit MODP (group 2): within reach of precomputation (Logjam), RFC 8247 SHOULD NOT" } },
  { tokens: ["modp1536"], number: 5, kind: "modp", bits: 1536, node: "modp5", rating: { severity: "MEDIUM", reason: "1536-bit MODP (group 5): below the 2048-bit minimum" } },
  { tokens: ["modp2048"], number: 14, kind: "modp", bits: 2048, node: "modp14" },
  { tokens: ["modp3072"], number: 15, kind: "modp", bits: 3072, node: "modp15" },
  { tokens: ["modp4096"], number: 16, kind: "modp", bits: 4096, node: "modp16" },
  { tokens: ["modp6144"], number: 17, kind: "modp", bits: 6144, node: "modp17" },
  { tokens: ["modp8192"], number: 18, kind: "modp", bits: 8192, node: "modp18" },
  { tokens: ["ecp256"], number: 19, kind: "ecp", bits: 256, node: "prime256v1" },
  { tokens: ["ecp384"], number: 20, kind: "ecp", bits: 384, node: "secp384r1" },
  { tokens: ["ecp521"], number: 21, kind: "ecp", bits: 521, node: "secp521r1" },
  { tokens: ["modp1024s160"], number: 22, kind: "modp", bits: 1024, node: null, rating: { severity: "HIGH", reason: "RFC 5114 1024-bit MODP (group 22): weak, RFC 8247 SHOULD NOT" } },
  { tokens: ["modp2048s224"], number: 23, kind: "modp", bits: 2048, node: null, rating: { severity: "LOW", reason: "RFC 5114 group 23: small-subgroup risks, RFC 8247 SHOULD NOT" } },
  { tokens: ["modp2048s256"], number: 24, kind: "modp", bits: 2048, node: null, rating: { severity: "LOW", reason: "RFC 5114 group 24: small-subgroup risks, RFC 8247 SHOULD NOT" } },
  { tokens: ["ecp192"], number: 25, kind: "ecp", bits: 192, node: "prime192v1", rating: { severity: "HIGH", reason: "192-bit ECP (group 25): below 112-bit security" } },
  { tokens: ["ecp224"], number: 26, kind: "ecp", bits: 224, node: "secp224r1", rating: { severity: "MEDIUM", reason: "224-bit ECP (group 26): below 128-bit security" } },
  { tokens: ["curve25519", "x25519"], number: 31, kind: "curve25519", bits: 256, node: "x25519" },
];

/** Phase 1 authentication methods (attribute 3), by strongSwan's and ike-scan's words. */
export interface AuthAlg {
  tokens: readonly string[];
  number: number;
  rating?: Rating;
}

export const AUTH_METHODS: readonly AuthAlg[] = [
  { tokens: ["psk"], number: 1 },
  { tokens: ["dss"], number: 2 },
  { tokens: ["rsa"], number: 3 },
  { tokens: ["rsa-enc"], number: 4 },
  { tokens: ["rsa-revised"], number: 5 },
  { tokens: ["ecdsa256"], number: 9 },
  { tokens: ["ecdsa384"], number: 10 },
  { tokens: ["ecdsa521"], number: 11 },
  { tokens: ["xauth-psk"], number: 65001, rating: { severity: "INFO", reason: "XAUTH with a group PSK: anyone with the group key can impersonate the gateway" } },
  { tokens: ["xauth-rsa"], number: 65005 },
  { tokens: ["hybrid-rsa"], number: 64221 },
];

function index<T extends { tokens: readonly string[] }, K>(rows: readonly T[], key: (r: T) => K | null): Map<K, T> {
  const m = new Map<K, T>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null && !m.has(k)) m.set(k, r);
  }
  return m;
}

function byToken<T extends { tokens: readonly string[] }>(rows: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of rows) for (const t of r.tokens) m.set(t, r);
  return m;
}

export const ENCRYPTION_BY_TOKEN = byToken(ENCRYPTION);
export const AEAD_BY_TOKEN = byToken(AEAD);
export const HASH_BY_TOKEN = byToken(HASHES);
export const HASH_BY_IKE = index(HASHES, (h) => h.ike);
export const HASH_BY_AUTH_ALG = index(HASHES, (h) => h.authAlg);
export const GROUP_BY_NUMBER = index(GROUPS, (g) => g.number);
export const AUTH_BY_NUMBER = index(AUTH_METHODS, (a) => a.number);

/**
 * A cipher's token for a key length: a fixed-length cipher's own (`3des`), a variable-length
 * one's family with the bits in place of its default's (`aes256`, `aes192ctr`, `cast128`).
 */
export function encryptionTokenFor(e: EncryptionAlg, keyBits: number | undefined): string {
  const first = e.tokens[0] ?? "";
  if (!e.variable) return first;
  // The token's one run of digits (letters, digits, letters), found without a regular expression:
  // V8 interprets one before compiling it, ~0.05 ms on each of its first uses (bench/README.md).
  const isDigit = (i: number): boolean => first.charCodeAt(i) >= 0x30 && first.charCodeAt(i) <= 0x39;
  let from = 0;
  while (from < first.length && !isDigit(from)) from++;
  let to = from;
  while (to < first.length && isDigit(to)) to++;
  for (let i = to; i < first.length; i++) if (isDigit(i)) return first;
  return from > 0 && to > from ? `${first.slice(0, from)}${keyBits ?? e.keyBits}${first.slice(to)}` : first;
}

export function espAead(id: number, keyBits?: number): AeadAlg | undefined {
  return AEAD.find((a) => a.esp === id && a.keyBits === (keyBits ?? 128));
}

/** KEYMAT lengths (RFC 2409 §5.5; RFC 4106 §8.1 and RFC 4309 §7.1 for the salt, RFC 3686 §5.1 for CTR): encryption key (+ salt for GCM/CTR/CCM), integrity key. */
export function keymatLengths(p: { protocol: "esp" | "ah"; transformId: number; keyBits?: number; authAlg?: number }): { enc: number; integ: number } {
  const integ = p.authAlg === undefined ? 0 : (HASH_BY_AUTH_ALG.get(p.authAlg)?.length ?? 0);
  if (p.protocol === "ah") return { enc: 0, integ };
  const aead = AEAD.find((x) => x.esp === p.transformId);
  if (aead !== undefined) return { enc: (p.keyBits ?? 128) / 8 + aead.salt, integ };
  const e = ENCRYPTION.find((x) => x.esp === p.transformId);
  const bits = e !== undefined && !e.variable ? e.keyBits : (p.keyBits ?? 128);
  // AES-CTR takes a 4-byte nonce after its key (RFC 3686 §5.1).
  return { enc: bits / 8 + (e?.node.endsWith("-ctr") === true ? 4 : 0), integ };
}


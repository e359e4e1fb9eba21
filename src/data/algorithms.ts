/**
 * The one algorithm registry: for every algorithm ikeprobe knows, its strongSwan token(s), its
 * number in Phase 1 (RFC 2409 App. A, IANA "IPsec Registry") and/or in ESP/AH (RFC 2407 §4.4, §4.5),
 * its key sizes, the `node:crypto` (OpenSSL) name, Wireshark's name in its decryption tables, and
 * its rating with the reason (testssl.sh's severity words; sources: RFC 8247, RFC 8031,
 * NIST SP 800-131A, Logjam 2015, Sweet32 2016). IKEv2's columns sit in the same rows (`ikev2`,
 * `v2Rating`): the transform IDs of RFC 7296 §3.3.2 and the IANA "IKEv2 Parameters" registry, and
 * the rating by RFC 8247's requirement levels (§3.1 encryption, §3.2 PRF, §3.3 integrity, §3.4 key
 * exchange). The proposal syntax, the ciphers, the DH groups, the ratings and the Wireshark tables
 * all read it; no other table of algorithms exists.
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
  /** IKEv2 ENCR transform ID (RFC 7296 §3.3.2); absent: not an IKEv2 cipher. */
  ikev2?: number;
  /** The IKEv2 rating by RFC 8247 §3.1, where it differs from none. */
  v2Rating?: Rating;
}

const SWEET32 = (name: string): Rating => ({ severity: "MEDIUM", reason: `${name}: 64-bit block (Sweet32)` });
/** RFC 8247 §3.1 lists AES-CBC and AES-GCM-16 keys of 128 and 256 bits; 192-bit keys stay at MAY. */
const AES192_V2: Rating = { severity: "INFO", reason: "192-bit AES key: RFC 8247 §3.1 requires 128- and 256-bit keys, 192 bits stay at MAY" };
const NOT_IN_8247 = (name: string): Rating => ({ severity: "INFO", reason: `${name}: not among RFC 8247 §3.1's IKEv2 ciphers (interoperability, not a weakness)` });

export const ENCRYPTION: readonly EncryptionAlg[] = [
  { tokens: ["des"], ike: 1, esp: 2, keyBits: 64, variable: false, blockSize: 8, node: "des-cbc", wiresharkEsp: "DES-CBC [RFC2405]", rating: { severity: "CRITICAL", reason: "DES: 56-bit key, brute-forced in hours" }, ikev2: 2, v2Rating: { severity: "CRITICAL", reason: "DES: 56-bit key, brute-forced in hours; RFC 8247 §3.1 MUST NOT" } },
  { tokens: ["3des"], ike: 5, esp: 3, keyBits: 192, variable: false, blockSize: 8, node: "des-ede3-cbc", wiresharkEsp: "TripleDES-CBC [RFC2451]", rating: { severity: "MEDIUM", reason: "3DES: 64-bit block (Sweet32), deprecated by NIST" }, ikev2: 3, v2Rating: { severity: "MEDIUM", reason: "3DES: 64-bit block (Sweet32); RFC 8247 §3.1 MAY only" } },
  { tokens: ["aes128", "aes"], ike: 7, esp: 12, keyBits: 128, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]", ikev2: 12 },
  { tokens: ["aes192"], ike: 7, esp: 12, keyBits: 192, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]", ikev2: 12, v2Rating: AES192_V2 },
  { tokens: ["aes256"], ike: 7, esp: 12, keyBits: 256, variable: true, blockSize: 16, node: "aes-{bits}-cbc", wiresharkEsp: "AES-CBC [RFC3602]", ikev2: 12 },
  { tokens: ["blowfish128", "blowfish"], ike: 3, esp: 7, keyBits: 128, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish"), ikev2: 7, v2Rating: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32), not among RFC 8247 §3.1's ciphers" } },
  { tokens: ["blowfish192"], ike: 3, esp: 7, keyBits: 192, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish"), ikev2: 7, v2Rating: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32), not among RFC 8247 §3.1's ciphers" } },
  { tokens: ["blowfish256"], ike: 3, esp: 7, keyBits: 256, variable: true, blockSize: 8, node: "bf-cbc", wiresharkEsp: "BLOWFISH-CBC [RFC2451]", rating: SWEET32("Blowfish"), ikev2: 7, v2Rating: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32), not among RFC 8247 §3.1's ciphers" } },
  { tokens: ["cast128"], ike: 6, esp: 6, keyBits: 128, variable: true, blockSize: 8, node: "cast5-cbc", wiresharkEsp: "CAST5-CBC [RFC2144]", rating: SWEET32("CAST-128"), ikev2: 6, v2Rating: { severity: "MEDIUM", reason: "CAST-128: 64-bit block (Sweet32), not among RFC 8247 §3.1's ciphers" } },
  { tokens: ["camellia128", "camellia"], ike: 8, esp: 22, keyBits: 128, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL", ikev2: 23, v2Rating: NOT_IN_8247("Camellia-CBC") },
  { tokens: ["camellia192"], ike: 8, esp: 22, keyBits: 192, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL", ikev2: 23, v2Rating: NOT_IN_8247("Camellia-CBC") },
  { tokens: ["camellia256"], ike: 8, esp: 22, keyBits: 256, variable: true, blockSize: 16, node: "camellia-{bits}-cbc", wiresharkEsp: "NULL", ikev2: 23, v2Rating: NOT_IN_8247("Camellia-CBC") },
  { tokens: ["idea"], ike: 2, esp: null, keyBits: 128, variable: false, blockSize: 8, node: "idea-cbc", wiresharkEsp: "NULL", offered: false },
  { tokens: ["rc5"], ike: 4, esp: null, keyBits: 128, variable: false, blockSize: 8, node: "rc5-cbc", wiresharkEsp: "NULL", offered: false },
  { tokens: ["null"], ike: null, esp: 11, keyBits: 0, variable: false, blockSize: 1, node: "", wiresharkEsp: "NULL" },
  { tokens: ["aes128ctr"], ike: null, esp: 13, keyBits: 128, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]", ikev2: 13, v2Rating: NOT_IN_8247("AES-CTR") },
  { tokens: ["aes192ctr"], ike: null, esp: 13, keyBits: 192, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]", ikev2: 13, v2Rating: NOT_IN_8247("AES-CTR") },
  { tokens: ["aes256ctr"], ike: null, esp: 13, keyBits: 256, variable: true, blockSize: 16, node: "aes-{bits}-ctr", wiresharkEsp: "AES-CTR [RFC3686]", ikev2: 13, v2Rating: NOT_IN_8247("AES-CTR") },
];

/** ESP AEAD ciphers (RFC 4106 GCM, RFC 4309 CCM): ICV 8/12/16 bytes; strongSwan also spells the ICV in bits. */
export interface AeadAlg {
  tokens: readonly string[];
  esp: number;
  keyBits: number;
  icv: 8 | 12 | 16;
  mode: "gcm" | "ccm" | "chacha20-poly1305";
  /** Salt bytes taken from KEYMAT after the key (RFC 4106 §8.1: 4; RFC 4309 §7.1: 3). */
  salt: number;
  wiresharkEsp: string;
  /** IKEv2 ENCR transform ID (the same numbers as ESP's, RFC 5282 §7); the key length goes in the Key Length attribute unless `fixedKey`. */
  ikev2: number;
  /** ChaCha20-Poly1305: one key size, no Key Length attribute (RFC 7634 §3). */
  fixedKey?: boolean;
  v2Rating?: Rating;
}

/**
 * IKEv2 ratings of the AEAD ciphers by RFC 8247 §3.1: AES-GCM with a 16-octet ICV and AES-CCM with an
 * 8-octet ICV are listed (SHOULD), the other ICV lengths are not; 192-bit keys stay at MAY.
 */
function aeadV2Rating(mode: "gcm" | "ccm", icv: number, bits: number): Rating | undefined {
  const listed = (mode === "gcm" && icv === 16) || (mode === "ccm" && icv === 8);
  if (!listed) return { severity: "INFO", reason: `AES-${mode.toUpperCase()} with a ${icv}-octet ICV: not among RFC 8247 §3.1's IKEv2 ciphers (AES-GCM-16 and AES-CCM-8 are)` };
  return bits === 192 ? AES192_V2 : undefined;
}

export const AEAD: readonly AeadAlg[] = [
  ...[128, 192, 256].flatMap((bits) =>
    ([[8, 18, 14], [12, 19, 15], [16, 20, 16]] as const).flatMap(([icv, gcm, ccm]): AeadAlg[] => [
      { tokens: [`aes${bits}gcm${icv}`, `aes${bits}gcm${icv * 8}`], esp: gcm, keyBits: bits, icv, mode: "gcm", salt: 4, wiresharkEsp: `AES-GCM with ${icv} octet ICV [RFC4106]`, ikev2: gcm, ...optional(aeadV2Rating("gcm", icv, bits)) },
      { tokens: [`aes${bits}ccm${icv}`, `aes${bits}ccm${icv * 8}`], esp: ccm, keyBits: bits, icv, mode: "ccm", salt: 3, wiresharkEsp: "NULL", ikev2: ccm, ...optional(aeadV2Rating("ccm", icv, bits)) },
    ]),
  ),
  // RFC 7634: a 256-bit key and a 4-byte salt; RFC 8247 §3.1 SHOULD.
  { tokens: ["chacha20poly1305"], esp: 28, keyBits: 256, icv: 16, mode: "chacha20-poly1305", salt: 4, wiresharkEsp: "NULL", ikev2: 28, fixedKey: true },
];

function optional(r: Rating | undefined): { v2Rating?: Rating } {
  return r === undefined ? {} : { v2Rating: r };
}

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
  /**
   * IKEv2: the PRF transform ID (type 2) and the integrity transform ID (type 3) of this family, with
   * the integrity algorithm's truncated ICV in bytes (RFC 7296 §3.3.2, RFC 4868 §2.3, RFC 3566, RFC 4494).
   */
  ikev2?: { prf: number; integ: number; icv: number };
  /** The IKEv2 rating by RFC 8247 §3.2 (PRF) and §3.3 (integrity). */
  v2Rating?: Rating;
}

export const HASHES: readonly HashAlgEntry[] = [
  { tokens: ["md5"], ike: 1, authAlg: 1, ah: 2, node: "md5", length: 16, wiresharkEsp: "HMAC-MD5-96 [RFC2403]", rating: { severity: "HIGH", reason: "MD5: broken hash, not to be used as IKE PRF/integrity (RFC 8247)" }, ikev2: { prf: 1, integ: 1, icv: 12 }, v2Rating: { severity: "HIGH", reason: "MD5: RFC 8247 §3.2 and §3.3 MUST NOT (PRF_HMAC_MD5, AUTH_HMAC_MD5_96)" } },
  { tokens: ["sha1", "sha"], ike: 2, authAlg: 2, ah: 3, node: "sha1", length: 20, wiresharkEsp: "HMAC-SHA-1-96 [RFC2404]", rating: { severity: "LOW", reason: "SHA-1: deprecated for IKE (RFC 8247 SHOULD NOT for new use)" }, ikev2: { prf: 2, integ: 2, icv: 12 }, v2Rating: { severity: "LOW", reason: "SHA-1: RFC 8247 §3.2 and §3.3 MUST- (PRF_HMAC_SHA1, AUTH_HMAC_SHA1_96: to be lowered)" } },
  { tokens: ["sha256", "sha2_256"], ike: 4, authAlg: 5, ah: 5, node: "sha256", length: 32, wiresharkEsp: "HMAC-SHA-256-128 [RFC4868]", ikev2: { prf: 5, integ: 12, icv: 16 } },
  { tokens: ["sha384", "sha2_384"], ike: 5, authAlg: 6, ah: 6, node: "sha384", length: 48, wiresharkEsp: "HMAC-SHA-384-192 [RFC4868]", ikev2: { prf: 6, integ: 13, icv: 24 } },
  { tokens: ["sha512", "sha2_512"], ike: 6, authAlg: 7, ah: 7, node: "sha512", length: 64, wiresharkEsp: "HMAC-SHA-512-256 [RFC4868]", ikev2: { prf: 7, integ: 14, icv: 32 } },
  { tokens: ["aesxcbc"], ike: null, authAlg: 9, ah: 9, node: "", length: 16, wiresharkEsp: "NULL", ikev2: { prf: 4, integ: 5, icv: 12 } },
  // AES-CMAC (RFC 4615 as PRF, RFC 4494 as AES-CMAC-96): IKEv2 only here.
  { tokens: ["aescmac"], ike: null, authAlg: null, ah: null, node: "", length: 16, wiresharkEsp: "NULL", ikev2: { prf: 8, integ: 8, icv: 12 }, v2Rating: { severity: "INFO", reason: "AES-CMAC: not among RFC 8247 §3.2/§3.3's algorithms (interoperability, not a weakness)" } },
];

/**
 * Diffie-Hellman groups (RFC 2409 §6, RFC 3526, RFC 5114, RFC 5903, RFC 6954, RFC 8031) and IKEv2's
 * other key exchange methods (ML-KEM, draft-ietf-ipsecme-ikev2-mlkem): one number in both versions.
 */
export interface GroupAlg {
  tokens: readonly string[];
  number: number;
  kind: "modp" | "ecp" | "curve25519" | "curve448" | "mlkem";
  /** Prime or curve size. */
  bits: number;
  /** OpenSSL's name: the MODP group (createDiffieHellmanGroup) or the curve (createECDH). */
  node: string | null;
  rating?: Rating;
  /** false: an IKEv2 method only (not offered or parsed in IKEv1 proposals). */
  ikev1?: false;
  /** The IKEv2 rating by RFC 8247 §3.4, where it says more than `rating`. */
  v2Rating?: Rating;
  /** The KE data an initiator sends, in bytes, where it is not the group's size (ML-KEM's encapsulation key, FIPS 203). */
  keLength?: number;
}

export const GROUPS: readonly GroupAlg[] = [
  { tokens: ["modp768"], number: 1, kind: "modp", bits: 768, node: "modp1", rating: { severity: "CRITICAL", reason: "768-bit MODP (group 1): broken (Logjam)" }, v2Rating: { severity: "CRITICAL", reason: "768-bit MODP (group 1): broken (Logjam); RFC 8247 §3.4 MUST NOT" } },
  { tokens: ["modp1024"], number: 2, kind: "modp", bits: 1024, node: "modp2", rating: { severity: "HIGH", reason: "1024-bit MODP (group 2): within reach of precomputation (Logjam), RFC 8247 SHOULD NOT" }, v2Rating: { severity: "HIGH", reason: "1024-bit MODP (group 2): within reach of precomputation (Logjam); RFC 8247 §3.4 SHOULD NOT" } },
  { tokens: ["modp1536"], number: 5, kind: "modp", bits: 1536, node: "modp5", rating: { severity: "MEDIUM", reason: "1536-bit MODP (group 5): below the 2048-bit minimum" }, v2Rating: { severity: "MEDIUM", reason: "1536-bit MODP (group 5): below the 2048-bit minimum; RFC 8247 §3.4 SHOULD NOT" } },
  { tokens: ["modp2048"], number: 14, kind: "modp", bits: 2048, node: "modp14" },
  { tokens: ["modp3072"], number: 15, kind: "modp", bits: 3072, node: "modp15" },
  { tokens: ["modp4096"], number: 16, kind: "modp", bits: 4096, node: "modp16" },
  { tokens: ["modp6144"], number: 17, kind: "modp", bits: 6144, node: "modp17" },
  { tokens: ["modp8192"], number: 18, kind: "modp", bits: 8192, node: "modp18" },
  { tokens: ["ecp256"], number: 19, kind: "ecp", bits: 256, node: "prime256v1" },
  { tokens: ["ecp384"], number: 20, kind: "ecp", bits: 384, node: "secp384r1" },
  { tokens: ["ecp521"], number: 21, kind: "ecp", bits: 521, node: "secp521r1" },
  { tokens: ["modp1024s160"], number: 22, kind: "modp", bits: 1024, node: null, rating: { severity: "HIGH", reason: "RFC 5114 1024-bit MODP (group 22): weak, RFC 8247 SHOULD NOT" }, v2Rating: { severity: "HIGH", reason: "RFC 5114 1024-bit MODP (group 22): weak; RFC 8247 §3.4 SHOULD NOT" } },
  { tokens: ["modp2048s224"], number: 23, kind: "modp", bits: 2048, node: null, rating: { severity: "LOW", reason: "RFC 5114 group 23: small-subgroup risks, RFC 8247 SHOULD NOT" }, v2Rating: { severity: "LOW", reason: "RFC 5114 group 23: small-subgroup risks; RFC 8247 §3.4 SHOULD NOT" } },
  { tokens: ["modp2048s256"], number: 24, kind: "modp", bits: 2048, node: null, rating: { severity: "LOW", reason: "RFC 5114 group 24: small-subgroup risks, RFC 8247 SHOULD NOT" }, v2Rating: { severity: "LOW", reason: "RFC 5114 group 24: small-subgroup risks; RFC 8247 §3.4 SHOULD NOT" } },
  { tokens: ["ecp192"], number: 25, kind: "ecp", bits: 192, node: "prime192v1", rating: { severity: "HIGH", reason: "192-bit ECP (group 25): below 112-bit security" } },
  { tokens: ["ecp224"], number: 26, kind: "ecp", bits: 224, node: "secp224r1", rating: { severity: "MEDIUM", reason: "224-bit ECP (group 26): below 128-bit security" } },
  { tokens: ["curve25519", "x25519"], number: 31, kind: "curve25519", bits: 256, node: "x25519" },
  // IKEv2 only: Brainpool (RFC 6954), Curve448 (RFC 8031), ML-KEM (draft-ietf-ipsecme-ikev2-mlkem).
  { tokens: ["ecp224bp"], number: 27, kind: "ecp", bits: 224, node: "brainpoolP224r1", ikev1: false, rating: { severity: "MEDIUM", reason: "224-bit Brainpool (group 27): below 128-bit security" } },
  { tokens: ["ecp256bp"], number: 28, kind: "ecp", bits: 256, node: "brainpoolP256r1", ikev1: false },
  { tokens: ["ecp384bp"], number: 29, kind: "ecp", bits: 384, node: "brainpoolP384r1", ikev1: false },
  { tokens: ["ecp512bp"], number: 30, kind: "ecp", bits: 512, node: "brainpoolP512r1", ikev1: false },
  { tokens: ["curve448", "x448"], number: 32, kind: "curve448", bits: 448, node: "x448", ikev1: false },
  { tokens: ["mlkem512"], number: 35, kind: "mlkem", bits: 512, node: null, ikev1: false, keLength: 800 },
  { tokens: ["mlkem768"], number: 36, kind: "mlkem", bits: 768, node: null, ikev1: false, keLength: 1184 },
  { tokens: ["mlkem1024"], number: 37, kind: "mlkem", bits: 1024, node: null, ikev1: false, keLength: 1568 },
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


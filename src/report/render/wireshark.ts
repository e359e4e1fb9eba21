/**
 * Wireshark's decryption tables, exactly as Wireshark itself saves them in a profile, so that a file
 * can be copied into a profile as it is and each line passed to tshark as `-o "uat:TABLE:LINE"`:
 *
 * - `ikev1_decryption_table`: one line per ISAKMP SA, `initiator cookie,encryption key`. Both are
 *   byte fields, which Wireshark keeps as bare hex (tshark 4.0 refuses them quoted: "Length of
 *   Initiator's COOKIE must be 8 octets").
 * - `esp_sa`: one line per direction of every ESP SA, eight quoted string fields: protocol, source,
 *   destination, SPI, encryption algorithm, key, authentication algorithm, key (names as Wireshark
 *   lists them, checked against tshark 4.0).
 *
 * - `ikev2_decryption_table`: one line per IKE SA, `SPIi,SPIr,SK_ei,SK_er,"encryption",SK_ai,SK_ar,"integrity"`:
 *   byte fields as bare hex, the algorithms by the names tshark 4.0 lists for that table (SK_e
 *   with an AEAD's salt at its end; SK_a empty and integrity "NONE [RFC4306]" with an AEAD).
 *
 * No comment lines: every line is a record.
 */
import { ipFamily } from "../../wire/ip.js";
import { AEAD_BY_TOKEN, ENCRYPTION_BY_TOKEN, HASH_BY_TOKEN } from "../../data/algorithms.js";

export interface IsakmpSaKeys {
  initiatorCookie: string;
  encryptionKey: string;
}

export interface EspSaKeys {
  /** Our address and the gateway's (the IPsec SA's outer addresses). */
  local: string;
  remote: string;
  encryption: string | null;
  integrity: string | null;
  keys: { in: DirectionKeys; out: DirectionKeys };
}

export interface DirectionKeys {
  spi: string;
  encryptionKey: string;
  integrityKey: string;
}

export function ikev1DecryptionTable(sas: readonly IsakmpSaKeys[]): string {
  return sas.map((s) => `${s.initiatorCookie},${s.encryptionKey}\n`).join("");
}

/** Wireshark's names for ESP algorithms in its "ESP SAs" table (from the algorithm registry). */
export function wiresharkEspAlgorithms(encryption: string | null, integrity: string | null): { enc: string; auth: string } {
  const enc = encryption === null ? "NULL" : (ENCRYPTION_BY_TOKEN.get(encryption)?.wiresharkEsp ?? AEAD_BY_TOKEN.get(encryption)?.wiresharkEsp ?? "NULL");
  return { enc, auth: integrity === null ? "NULL" : (HASH_BY_TOKEN.get(integrity)?.wiresharkEsp ?? "NULL") };
}

function espSaLine(src: string, dst: string, k: DirectionKeys, encryption: string | null, integrity: string | null): string {
  const w = wiresharkEspAlgorithms(encryption, integrity);
  const hex = (h: string): string => (h === "" ? "" : `0x${h}`);
  const family = ipFamily(dst) === 6 ? "IPv6" : "IPv4";
  return [family, src, dst, `0x${k.spi}`, w.enc, hex(k.encryptionKey), w.auth, hex(k.integrityKey)].map((f) => `"${f}"`).join(",");
}

/** Two lines per ESP SA: ours out (local to remote, the gateway's SPI), then in (remote to local, ours). */
export function espSaTable(sas: readonly EspSaKeys[]): string {
  return sas
    .flatMap((s) => [espSaLine(s.local, s.remote, s.keys.out, s.encryption, s.integrity), espSaLine(s.remote, s.local, s.keys.in, s.encryption, s.integrity)])
    .map((l) => `${l}\n`)
    .join("");
}

export interface Ikev2SaKeys {
  spiI: string;
  spiR: string;
  /** The IKEv2 transform IDs of the SA's cipher (with its key length) and integrity algorithm (null: AEAD). */
  cipher: { id: number; keyLength?: number };
  integ: number | null;
  skEi: string;
  skEr: string;
  skAi: string;
  skAr: string;
}

/** ICV octets of the AES-CCM and AES-GCM transform IDs (RFC 4309 §7.1, RFC 4106 §8.1). */
const AES_AEAD_ICV: Readonly<Record<number, { mode: string; icv: number }>> = { 14: { mode: "CCM", icv: 8 }, 15: { mode: "CCM", icv: 12 }, 16: { mode: "CCM", icv: 16 }, 18: { mode: "GCM", icv: 8 }, 19: { mode: "GCM", icv: 12 }, 20: { mode: "GCM", icv: 16 } };
const V2_INTEG_NAMES: Readonly<Record<number, string>> = { 1: "HMAC_MD5_96 [RFC2403]", 2: "HMAC_SHA1_96 [RFC2404]", 12: "HMAC_SHA2_256_128 [RFC4868]", 13: "HMAC_SHA2_384_192 [RFC4868]", 14: "HMAC_SHA2_512_256 [RFC4868]" };

/** Wireshark's names for an IKE SA's algorithms in its IKEv2 decryption table; undefined for one it cannot decrypt. */
export function wiresharkIkev2Algorithms(cipher: { id: number; keyLength?: number }, integ: number | null): { enc: string; integ: string } | undefined {
  const bits = cipher.keyLength;
  const aead = AES_AEAD_ICV[cipher.id];
  let enc: string | undefined;
  if (cipher.id === 3) enc = "3DES [RFC2451]";
  else if (bits !== undefined && (cipher.id === 12 || cipher.id === 13)) enc = cipher.id === 12 ? `AES-CBC-${bits} [RFC3602]` : `AES-CTR-${bits} [RFC5930]`;
  else if (bits !== undefined && aead !== undefined) enc = `AES-${aead.mode}-${bits} with ${aead.icv} octet ICV [RFC5282]`;
  const integName = integ === null ? "NONE [RFC4306]" : V2_INTEG_NAMES[integ];
  return enc !== undefined && integName !== undefined ? { enc, integ: integName } : undefined;
}

/** One line per IKE SA whose algorithms Wireshark can decrypt. */
export function ikev2DecryptionTable(sas: readonly Ikev2SaKeys[]): string {
  return sas
    .flatMap((s) => {
      const w = wiresharkIkev2Algorithms(s.cipher, s.integ);
      return w === undefined ? [] : [`${s.spiI},${s.spiR},${s.skEi},${s.skEr},"${w.enc}",${s.skAi},${s.skAr},"${w.integ}"\n`];
    })
    .join("");
}

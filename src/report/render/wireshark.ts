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

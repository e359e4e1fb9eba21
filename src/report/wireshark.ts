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
import { isIP } from "node:net";

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

/** Wireshark's names for ESP algorithms in its "ESP SAs" table. */
export function wiresharkEspAlgorithms(encryption: string | null, integrity: string | null): { enc: string; auth: string } {
  const gcm = encryption !== null ? /^aes\d+gcm(8|12|16)$/.exec(encryption) : null;
  const enc =
    encryption === null || encryption === "null"
      ? "NULL"
      : encryption === "3des"
        ? "TripleDES-CBC [RFC2451]"
        : encryption === "des"
          ? "DES-CBC [RFC2405]"
          : gcm !== null
            ? `AES-GCM with ${gcm[1]} octet ICV [RFC4106]`
            : /^aes\d+ctr$/.test(encryption)
              ? "AES-CTR [RFC3686]"
              : /^aes\d+$/.test(encryption)
                ? "AES-CBC [RFC3602]"
                : /^cast/.test(encryption)
                  ? "CAST5-CBC [RFC2144]"
                  : /^blowfish/.test(encryption)
                    ? "BLOWFISH-CBC [RFC2451]"
                    : "NULL";
  const auth: Record<string, string> = {
    md5: "HMAC-MD5-96 [RFC2403]",
    sha1: "HMAC-SHA-1-96 [RFC2404]",
    sha256: "HMAC-SHA-256-128 [RFC4868]",
    sha384: "HMAC-SHA-384-192 [RFC4868]",
    sha512: "HMAC-SHA-512-256 [RFC4868]",
  };
  return { enc, auth: integrity === null ? "NULL" : (auth[integrity] ?? "NULL") };
}

function espSaLine(src: string, dst: string, k: DirectionKeys, encryption: string | null, integrity: string | null): string {
  const w = wiresharkEspAlgorithms(encryption, integrity);
  const hex = (h: string): string => (h === "" ? "" : `0x${h}`);
  const family = isIP(dst) === 6 ? "IPv6" : "IPv4";
  return [family, src, dst, `0x${k.spi}`, w.enc, hex(k.encryptionKey), w.auth, hex(k.integrityKey)].map((f) => `"${f}"`).join(",");
}

/** Two lines per ESP SA: ours out (local to remote, the gateway's SPI), then in (remote to local, ours). */
export function espSaTable(sas: readonly EspSaKeys[]): string {
  return sas
    .flatMap((s) => [espSaLine(s.local, s.remote, s.keys.out, s.encryption, s.integrity), espSaLine(s.remote, s.local, s.keys.in, s.encryption, s.integrity)])
    .map((l) => `${l}\n`)
    .join("");
}

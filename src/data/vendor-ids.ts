/**
 * Known Vendor ID payloads, written from public values (RFC 3947, RFC 3706, draft names hashed
 * with MD5, product strings; see shared/IKEV1.md §5). Matching: "exact" compares the whole body,
 * "prefix" the first bytes (the rest carries version or capability flags).
 */
import { createHash } from "node:crypto";

export interface VendorIdEntry {
  name: string;
  hex: string;
  match: "exact" | "prefix";
  /** What it tells about the peer. */
  category: "nat-t" | "capability" | "product";
}

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

const BUILTIN: VendorIdEntry[] = [
  { name: "RFC 3947 NAT-T", hex: md5("RFC 3947"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-03", hex: md5("draft-ietf-ipsec-nat-t-ike-03"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-02", hex: md5("draft-ietf-ipsec-nat-t-ike-02"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-02\\n", hex: md5("draft-ietf-ipsec-nat-t-ike-02\n"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-01", hex: md5("draft-ietf-ipsec-nat-t-ike-01"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-00", hex: md5("draft-ietf-ipsec-nat-t-ike-00"), match: "exact", category: "nat-t" },
  ...["04", "05", "06", "07", "08", "09"].map((n) => ({ name: `draft-ietf-ipsec-nat-t-ike-${n}`, hex: md5(`draft-ietf-ipsec-nat-t-ike-${n}`), match: "exact" as const, category: "nat-t" as const })),
  { name: "draft-ietf-ipsec-nat-t-ike (Apple)", hex: md5("draft-ietf-ipsec-nat-t-ike"), match: "exact", category: "nat-t" },
  { name: "draft-stenberg-ipsec-nat-traversal-01", hex: "27bab5dc01ea0760ea4e3190ac27c0d0", match: "exact", category: "nat-t" },
  { name: "draft-stenberg-ipsec-nat-traversal-02", hex: md5("draft-stenberg-ipsec-nat-traversal-02"), match: "exact", category: "nat-t" },
  { name: "draft-huttunen-ipsec-esp-in-udp-00", hex: md5("draft-huttunen-ipsec-esp-in-udp-00.txt"), match: "exact", category: "nat-t" },
  { name: "ESPThruNAT (draft-huttunen-01)", hex: md5("ESPThruNAT"), match: "exact", category: "nat-t" },
  { name: "Dead Peer Detection v1.0", hex: "afcad71368a1f1c96b8696fc77570100", match: "exact", category: "capability" },
  { name: "Dead Peer Detection", hex: "afcad71368a1f1c96b8696fc7757", match: "prefix", category: "capability" },
  { name: "XAUTH", hex: "09002689dfd6b712", match: "exact", category: "capability" },
  { name: "XAUTH (draft-beaulieu-ike-xauth-02)", hex: md5("draft-ietf-ipsra-isakmp-xauth-06.txt"), match: "exact", category: "capability" },
  { name: "IKE Fragmentation", hex: md5("FRAGMENTATION"), match: "prefix", category: "capability" },
  { name: "Microsoft Vid-Initial-Contact", hex: md5("Vid-Initial-Contact"), match: "exact", category: "capability" },
  { name: "MS-Negotiation Discovery Capable", hex: "fb1de3cdf341b7ea16b7e5be0855f120", match: "exact", category: "capability" },
  { name: "IKE CGA version 1", hex: "e3a5966a76379fe707228231e5ce8652", match: "exact", category: "capability" },
  { name: "MS NLBS_PRESENT", hex: "72872b95fcda2eb708efe322119b4971", match: "exact", category: "capability" },
  { name: "MS AuthIP (MamieExists)", hex: "214ca4faffa7f32d6748e5303395ae83", match: "exact", category: "capability" },
  { name: "GSS-API", hex: md5("A GSS-API Authentication Method for IKE"), match: "exact", category: "capability" },
  { name: "GSSAPI", hex: md5("GSSAPI"), match: "exact", category: "capability" },
  { name: "Heartbeat Notify", hex: Buffer.from("HeartBeat_Notify").toString("hex"), match: "prefix", category: "capability" },
  { name: "strongSwan", hex: md5("strongSwan"), match: "exact", category: "product" },
  { name: "Libreswan", hex: Buffer.from("OE-Libreswan-").toString("hex"), match: "prefix", category: "product" },
  { name: "Cisco Unity", hex: "12f5f28c457168a9702d9fe274cc", match: "prefix", category: "product" },
  { name: "Cisco VPN Concentrator (Altiga)", hex: "1f07f70eaa6514d3b0fa96542a50", match: "prefix", category: "product" },
  { name: "Cisco VPN 3000 client", hex: md5("ALTIGA NETWORKS"), match: "exact", category: "product" },
  { name: "Cisco FlexVPN", hex: Buffer.from("FLEXVPN-SUPPORTED").toString("hex"), match: "exact", category: "product" },
  { name: "Cisco delete reason", hex: Buffer.from("CISCO-DELETE-REASON").toString("hex"), match: "exact", category: "product" },
  { name: "Cisco dynamic route", hex: Buffer.from("CISCO-DYNAMIC-ROUTE").toString("hex"), match: "exact", category: "product" },
  { name: "Cisco VPN rev 02", hex: Buffer.from("CISCOVPN-REV-02").toString("hex"), match: "exact", category: "product" },
  { name: "Microsoft Windows (MS NT5 ISAKMPOAKLEY)", hex: md5("MS NT5 ISAKMPOAKLEY"), match: "prefix", category: "product" },
  { name: "Check Point", hex: "f4ed19e0c114eb516faaac0ee37daf2807b4381f", match: "prefix", category: "product" },
  { name: "Fortinet FortiGate", hex: "1d6e178f6c2c0be284985465450fe9d4", match: "exact", category: "product" },
  { name: "Fortinet FortiGate", hex: "8299031757a36082c6a621de", match: "prefix", category: "product" },
  { name: "Fortinet Endpoint Control", hex: md5("Fortinet Endpoint Control"), match: "exact", category: "product" },
  { name: "Juniper NetScreen / SRX", hex: "699369228741c6d4ca094c93e242c9de19e7b7c6", match: "prefix", category: "product" },
  { name: "Juniper SRX (probable)", hex: "fd808804df73b15150709d878044cde0ac1efcde", match: "exact", category: "product" },
  { name: "KAME/racoon", hex: md5("KAME/racoon"), match: "exact", category: "product" },
  { name: "IPsec-Tools", hex: md5("IPSec-Tools"), match: "exact", category: "product" },
  { name: "Shrew Soft", hex: "f14b94b7bff1fef02773b8c49feded26", match: "exact", category: "product" },
  { name: "SonicWall", hex: "404bf439522ca3f6", match: "prefix", category: "product" },
  { name: "SonicWall / WatchGuard", hex: "da8e937880010000", match: "prefix", category: "product" },
  { name: "SonicWall", hex: "5b362bc820f7", match: "prefix", category: "product" },
  { name: "ZyXEL ZyWALL", hex: "625027749d5ab97f5616c1602765cf480a3b7d0b", match: "exact", category: "product" },
  { name: "Sidewinder", hex: "8404adf9cda05760b2ca292e4bff537b", match: "exact", category: "product" },
  { name: "Nortel Contivity", hex: "424e4553", match: "prefix", category: "product" },
];

/** The built-in table plus what `addVendorIds` registered. */
export const VENDOR_IDS: VendorIdEntry[] = [...BUILTIN];

/**
 * More vendor IDs, e.g. from `--vendor-ids FILE`: one per line, `HEX NAME`, HEX ending in `*` for
 * a prefix match (the rest carries a version); `#` starts a comment. Returns how many were added.
 */
export function parseVendorIdFile(text: string): { entries: VendorIdEntry[]; errors: string[] } {
  const entries: VendorIdEntry[] = [];
  const errors: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const m = /^([0-9a-fA-F]+)(\*?)\s+(.+)$/.exec(line);
    if (m === null || m[1]!.length % 2 !== 0) {
      errors.push(`line ${i + 1}: expected HEX[*] NAME, e.g. "1d6e178f6c2c0be284985465450fe9d4 FortiGate"`);
      return;
    }
    entries.push({ name: m[3]!, hex: m[1]!.toLowerCase(), match: m[2] === "*" ? "prefix" : "exact", category: "product" });
  });
  return { entries, errors };
}

export function addVendorIds(entries: VendorIdEntry[]): void {
  VENDOR_IDS.unshift(...entries);
}

/** The most specific known name for a Vendor ID body (exact matches win over prefixes, longer over shorter). */
export function nameVendorId(body: Buffer): string | undefined {
  const hex = body.toString("hex");
  let best: VendorIdEntry | undefined;
  for (const e of VENDOR_IDS) {
    const hit = e.match === "exact" ? hex === e.hex : hex.startsWith(e.hex);
    if (!hit) continue;
    if (best === undefined || (e.match === "exact" && best.match !== "exact") || (e.match === best.match && e.hex.length > best.hex.length)) best = e;
  }
  return best?.name;
}

/** NAT-T variants in order of preference (RFC first), as the VID values we send in message 1. */
export const NAT_T_VIDS = [
  { variant: "rfc3947" as const, hex: md5("RFC 3947") },
  { variant: "draft-03" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-03") },
  { variant: "draft-02" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-02") },
  { variant: "draft-02n" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-02\n") },
];
export type NatTVariant = (typeof NAT_T_VIDS)[number]["variant"];

export const DPD_VID = "afcad71368a1f1c96b8696fc77570100";

/**
 * Known Vendor ID payloads, written from public values (RFC 3947, RFC 3706, draft names hashed
 * with MD5, product strings). Matching: "exact" compares the whole body,
 * "prefix" the first bytes (the rest carries version or capability flags).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

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
  { name: "draft-ietf-ipsec-nat-t-ike-04", hex: md5("draft-ietf-ipsec-nat-t-ike-04"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-05", hex: md5("draft-ietf-ipsec-nat-t-ike-05"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-06", hex: md5("draft-ietf-ipsec-nat-t-ike-06"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-07", hex: md5("draft-ietf-ipsec-nat-t-ike-07"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-08", hex: md5("draft-ietf-ipsec-nat-t-ike-08"), match: "exact", category: "nat-t" },
  { name: "draft-ietf-ipsec-nat-t-ike-09", hex: md5("draft-ietf-ipsec-nat-t-ike-09"), match: "exact", category: "nat-t" },
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
  // IKE Challenge/Response for Authenticated Cryptographic Keys (CRACK, draft-harkins-ipsra-crack-00 and
  // its revision): the MD5 of the draft's title; implementations hashed it with and without a line end.
  { name: "IKE Challenge/Response (CRACK)", hex: md5("IKE Challenge/Response for Authenticated Cryptographic Keys"), match: "exact", category: "capability" },
  { name: "IKE Challenge/Response (CRACK)", hex: md5("IKE Challenge/Response for Authenticated Cryptographic Keys\n"), match: "exact", category: "capability" },
  { name: "IKE Challenge/Response (CRACK, revised)", hex: md5("IKE Challenge/Response for Authenticated Cryptographic Keys (Revised)"), match: "exact", category: "capability" },
  { name: "IKE Challenge/Response (CRACK, revised)", hex: md5("IKE Challenge/Response for Authenticated Cryptographic Keys (Revised)\n"), match: "exact", category: "capability" },
  // draft-krywaniuk-ipsec-antireplay-00 (Using ISAKMP Message IDs for Replay Protection), §5: replay
  // protection "may also be enabled in the short term by mutual exchange of the vendor id 0x325df29a2319f2dd".
  { name: "draft-krywaniuk-ipsec-antireplay-00 (message ID replay protection)", hex: "325df29a2319f2dd", match: "exact", category: "capability" },
  { name: "strongSwan", hex: md5("strongSwan"), match: "exact", category: "product" },
  { name: "Libreswan", hex: Buffer.from("OE-Libreswan-").toString("hex"), match: "prefix", category: "product" },
  { name: "Cisco Unity", hex: "12f5f28c457168a9702d9fe274cc", match: "prefix", category: "product" },
  { name: "Cisco VPN Concentrator (Altiga)", hex: "1f07f70eaa6514d3b0fa96542a50", match: "prefix", category: "product" },
  { name: "Cisco VPN 3000 client", hex: md5("ALTIGA NETWORKS"), match: "exact", category: "product" },
  { name: "Cisco FlexVPN", hex: Buffer.from("FLEXVPN-SUPPORTED").toString("hex"), match: "exact", category: "product" },
  // Cisco IOS in IKEv2 sends its copyright line as text (the year varies with the release).
  { name: "Cisco IOS (IKEv2)", hex: Buffer.from("CISCO(COPYRIGHT)").toString("hex"), match: "prefix", category: "product" },
  // OpenIKED sends "OpenIKED-<version>" by default (its `set vendorid`).
  { name: "OpenIKED", hex: Buffer.from("OpenIKED-").toString("hex"), match: "prefix", category: "product" },
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
  { name: "SafeNet / WatchGuard / SonicWall", hex: "da8e9378", match: "prefix", category: "product" },
  { name: "SonicWall", hex: "5b362bc820f7", match: "prefix", category: "product" },
  { name: "ZyXEL ZyWALL", hex: "625027749d5ab97f5616c1602765cf480a3b7d0b", match: "exact", category: "product" },
  { name: "Sidewinder", hex: "8404adf9cda05760b2ca292e4bff537b", match: "exact", category: "product" },
  { name: "Nortel Contivity", hex: "424e4553", match: "prefix", category: "product" },
  { name: "Netgear", hex: md5("NETGEAR"), match: "exact", category: "product" },
  { name: "Testing NAT-T RFC (pre-RFC 3947 test ID)", hex: md5("Testing NAT-T RFC"), match: "exact", category: "nat-t" },
  // Observed on an Avaya VSU 100R; the value is published in Praetorian's Apache-2.0 fingerprintx list.
  { name: "Avaya VSU", hex: "4485152d18b6bbcc0be8a8469579ddcc", match: "exact", category: "product" },
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

/** VENDOR_IDS split by match: exact ones by hex (the first of equal ones wins), prefix ones in order. Built on first use. */
let byMatch: { exact: Map<string, string>; prefixes: VendorIdEntry[]; size: number } | undefined;
function vendorIdIndex(): { exact: Map<string, string>; prefixes: VendorIdEntry[]; size: number } {
  // Rebuilt when the table grew (addVendorIds, or an API user adding to VENDOR_IDS).
  if (byMatch !== undefined && byMatch.size === VENDOR_IDS.length) return byMatch;
  const exact = new Map<string, string>();
  const prefixes: VendorIdEntry[] = [];
  for (const e of VENDOR_IDS) {
    if (e.match === "prefix") prefixes.push(e);
    else if (!exact.has(e.hex)) exact.set(e.hex, e.name);
  }
  return (byMatch = { exact, prefixes, size: VENDOR_IDS.length });
}

/**
 * Versioned families, each the MD5 of a published product string with its version (the strings the
 * products hash, so each is a public definition): strongSwan's pluto-era IDs (`strongSwan 4.3.6`),
 * SSH Communications' IPSEC Express, Sentinel and QuickSec. Built on first use, not at start-up.
 */
let versioned: Map<string, string> | undefined;

/**
 * The CLI bundles read the same table as [MD5 hex, name] pairs from a file the build wrote beside
 * them (src/build/bundle.ts defines its name), so that the CLI hashes nothing at run time (about
 * 1,300 MD5s, 15 ms here) and loads nothing for it until a Vendor ID needs it.
 */
declare const __IKEPROBE_VERSIONED_IDS_FILE__: string | undefined;

function versionedIds(): Map<string, string> {
  if (versioned !== undefined) return versioned;
  if (typeof __IKEPROBE_VERSIONED_IDS_FILE__ === "string") {
    try {
      return (versioned = new Map(JSON.parse(readFileSync(join(__dirname, __IKEPROBE_VERSIONED_IDS_FILE__), "utf8")) as [string, string][]));
    } catch {
      // A bundle without its file (copied alone): hash them after all.
    }
  }
  return (versioned = versionedIdTable());
}

/** The versioned IDs, hashed here (the build's input, and the API's table). */
export function versionedIdTable(): Map<string, string> {
  const m = new Map<string, string>();
  const versions = (majors: number[], minors: number, patches: number): string[] => majors.flatMap((a) => Array.from({ length: minors + 1 }, (_, b) => Array.from({ length: patches + 1 }, (_, c) => `${a}.${b}.${c}`)).flat());
  // strongSwan 1.x to 6.x (only the 2.x/4.x pluto daemons send the versioned ID; charon sends MD5("strongSwan")).
  for (const v of versions([1, 2, 4, 5, 6], 9, 17)) m.set(md5(`strongSwan ${v}`), `strongSwan ${v}`);
  for (const v of versions([1, 2, 3, 4, 5], 5, 4)) {
    m.set(md5(`Ssh Communications Security IPSEC Express version ${v}`), `SSH IPSEC Express ${v}`);
    m.set(md5(`SSH Communications Security QuickSec ${v}`), `SSH QuickSec ${v}`);
  }
  m.set(md5("SSH Sentinel"), "SSH Sentinel");
  for (const v of ["1.1", "1.2", "1.3", "1.4", "1.4.1"]) m.set(md5(`SSH Sentinel ${v}`), `SSH Sentinel ${v}`);
  return m;
}

/** Printable ASCII, for Vendor IDs that are (or end in) text. */
function ascii(b: Buffer): string | undefined {
  const t = b.toString("latin1").replace(/\0+$/, "");
  return t.length > 0 && /^[\x20-\x7e]+$/.test(t) ? t : undefined;
}

/** [MS-IKEE]: MD5("MS NT5 ISAKMPOAKLEY") followed by a 4-byte version. */
const MS_VERSIONS: Readonly<Record<number, string>> = {
  2: "Windows 2000",
  3: "Windows XP SP1",
  4: "Windows Server 2003 or XP SP2",
  5: "Windows Vista",
  6: "Windows Server 2008",
  7: "Windows 7",
  8: "Windows Server 2008 R2",
  9: "Windows 8 or Server 2012",
};

/** Check Point's Vendor ID: a 20-byte prefix, then product (1 gateway, 2 client) and version words. */
const CHECKPOINT_VERSIONS: Readonly<Record<number, string>> = {
  2: "4.1",
  3: "4.1 SP1",
  4002: "4.1 SP2-SP6",
  5000: "NG",
  5001: "NG FP1",
  5002: "NG FP2",
  5003: "NG FP3",
  5004: "NG AI R54",
  5005: "NG AI R55 or later",
};

/** Decoders for families whose Vendor ID carries its version, or has a structure but no fixed value. */
const DECODERS: ((b: Buffer, hex: string) => string | undefined)[] = [
  (b, hex) => {
    if (b.length !== 20 || !hex.startsWith(md5("MS NT5 ISAKMPOAKLEY"))) return undefined;
    const v = b.readUInt32BE(16);
    return `Microsoft ${MS_VERSIONS[v] ?? `Windows (IKE version ${v})`}`;
  },
  (b, hex) => {
    if (!hex.startsWith("f4ed19e0c114eb516faaac0ee37daf2807b4381f") || b.length < 28) return undefined;
    const product = b.readUInt32BE(20) === 2 ? "SecureClient" : "VPN-1/FireWall-1";
    const v = b.readUInt32BE(24);
    return `Check Point ${product} ${CHECKPOINT_VERSIONS[v] ?? `(version ${v})`}`;
  },
  (b, hex) => {
    // SafeNet SoftRemote: an MD5-like prefix, flag bytes, then its version as text ("8.0.0 (Build 10)").
    if (!hex.startsWith("47bbe7c993f1fc13b4e6d0db565c68e5")) return undefined;
    const text = b.length > 26 ? ascii(b.subarray(26)) : undefined;
    return `SafeNet SoftRemote${text !== undefined ? ` ${text}` : ""}`;
  },
  (b) => {
    // pluto's own ID (FreeS/WAN, Openswan, early libreswan): "OE" and ten printable bytes, a hash of
    // its version and build options folded into 0x40-0x7f: the family shows, the version does not.
    // Openswan 2.6.40 and later: "OSW" and nine such bytes.
    if (b.length !== 12 || !b.subarray(3).every((x) => x >= 0x40 && x <= 0x7f)) return undefined;
    if (b.subarray(0, 3).toString("latin1") === "OSW") return "Openswan 2.6.40 or later (pluto; version hashed)";
    if (b[0] !== 0x4f || b[1] !== 0x45 || b[2]! < 0x40 || b[2]! > 0x7f) return undefined;
    return b[2] === 0x4e ? "FreeS/WAN, Openswan or libreswan (pluto; version hashed)" : "FreeS/WAN or Openswan (pluto; version hashed)";
  },
  (b) => {
    // Teldat: a binary header, then its name in text.
    const i = b.indexOf("Teldat", 0, "latin1");
    return i >= 0 ? "Teldat" : undefined;
  },
  (b) => {
    // Text IDs with their version: OpenPGP (PGPnet), Timestep, Mac OS X, Symantec Raptor.
    const t = ascii(b);
    const raptor = t !== undefined ? /^Raptor PowerVpn Server(?: \[V([^\]]+)\])?/.exec(t) : null;
    if (raptor !== null) return `Symantec Raptor PowerVPN Server${raptor[1] !== undefined ? ` ${raptor[1]}` : ""}`;
    return undefined;
  },
  (b) => {
    // Text IDs with their version: OpenPGP (PGPnet), Timestep, Mac OS X.
    const t = ascii(b);
    if (t === undefined) return undefined;
    const m = /^(OpenPGP)(\d+)$/.exec(t) ?? /^(TIMESTEP)\s*(.*)$/.exec(t) ?? /^(Mac OSX) (\S+)$/.exec(t);
    if (m === null) return undefined;
    const family = m[1] === "OpenPGP" ? "OpenPGP (PGPnet)" : m[1] === "TIMESTEP" ? "Timestep" : "Mac OS X";
    return m[2] !== undefined && m[2] !== "" ? `${family} ${m[2]}` : family;
  },
];

/** A Vendor ID that is all text (at least 6 characters) is shown as that text when nothing else names it. */
function textName(b: Buffer): string | undefined {
  const t = ascii(b);
  return t !== undefined && t.length >= 6 ? `text "${t}"` : undefined;
}

/**
 * The most specific known name for a Vendor ID body: an exact entry, then a versioned family, then a
 * capability's prefix entry, then a decoder that reads its version, then the longest prefix entry,
 * then its text.
 */
export function nameVendorId(body: Buffer): string | undefined {
  const hex = body.toString("hex");
  const { exact, prefixes } = vendorIdIndex();
  const named = exact.get(hex);
  if (named !== undefined) return named;
  let best: VendorIdEntry | undefined;
  for (const e of prefixes) if (hex.startsWith(e.hex) && (best === undefined || e.hex.length > best.hex.length)) best = e;
  // Every versioned ID is an MD5: a body of another length is none of them.
  const v = body.length === 16 ? versionedIds().get(hex) : undefined;
  if (v !== undefined) return v;
  // A capability (DPD, fragmentation) named by its prefix is no product's: no decoder reads it.
  if (best?.category === "capability") return best.name;
  for (const d of DECODERS) {
    const name = d(body, hex);
    if (name !== undefined) return name;
  }
  return best?.name ?? textName(body);
}

/** Whether a name is a product's (for the fingerprint): the table's products, the versioned families, the decoders'. */
export function isProductName(name: string): boolean {
  if (VENDOR_IDS.some((v) => v.category === "product" && v.name === name)) return true;
  return /^(strongSwan|SSH |Microsoft|Check Point|SafeNet|FreeS\/WAN|Openswan|OpenPGP|Timestep|Mac OS X|Teldat|Symantec)/.test(name);
}

/** NAT-T variants in order of preference (RFC first), as the VID values we send in message 1. */
export const NAT_T_VIDS = [
  { variant: "rfc3947" as const, hex: md5("RFC 3947") },
  { variant: "draft-03" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-03") },
  { variant: "draft-02" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-02") },
  { variant: "draft-02n" as const, hex: md5("draft-ietf-ipsec-nat-t-ike-02\n") },
];
export type NatTVariant = (typeof NAT_T_VIDS)[number]["variant"];

/** IKE fragmentation (Cisco's, announced by the Vendor ID MD5("FRAGMENTATION") and its capability word) with capability 0x80000000: Main and Aggressive Mode messages may be fragmented. */
export const FRAGMENTATION_VID = `${md5("FRAGMENTATION")}80000000`;

export const DPD_VID = "afcad71368a1f1c96b8696fc77570100";

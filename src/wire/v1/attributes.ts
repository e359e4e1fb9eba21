/**
 * SA data attributes (RFC 2408 §3.3), one table for encode and decode.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !A!       Attribute Type        !    AF=0  Attribute Length     !
 * !F!                             !    AF=1  Attribute Value      !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                   AF=0  Attribute Value                       .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * AF=1 is TV (value in the 16 bits), AF=0 is TLV. "Basic" classes must be TV; "variable" ones
 * (life durations) may come either way, with any length (RFC 2409 App. A), so decoding accepts both.
 *
 * The same encoding carries three attribute spaces, each described by one table below: Phase 1 SA
 * attributes (RFC 2409 App. A), IPsec SA attributes (RFC 2407 §4.5), and the Mode-Config/XAUTH
 * attributes of the Attribute payload (draft-dukes-ike-mode-cfg §3.2, draft-beaulieu-ike-xauth §5,
 * Cisco Unity). A TLV value is read as a number only in spaces whose values are numbers (life
 * durations); Mode-Config values (addresses, names, banners) stay bytes.
 */
import { DecodeError } from "../../errors.js";
import { Reader } from "../reader.js";
import { Writer } from "../writer.js";

export interface Attribute {
  type: number;
  /** A number when it fits (TV, or a TLV of a numeric class of at most 8 bytes); raw bytes otherwise. */
  value: number | Buffer;
  /** How it was (or will be) encoded; decoders fill this in. */
  format?: "tv" | "tlv";
  /** Encoding with `fixLengths: false` only: the TLV length to write, whatever the value's length. */
  length?: number;
}

export interface AttributeClass {
  name: string;
  basic: boolean;
  values?: Readonly<Record<number, string>>;
}

export type AttributeSpace = "phase1" | "ipsec" | "config";

export interface AttributeEncodeOptions {
  /** false: write each TLV's `length` as given (tests build malformed attributes this way). */
  fixLengths?: boolean;
}

/** Phase 1 (ISAKMP SA) attribute classes, RFC 2409 Appendix A. */
export const Phase1Attr = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  GROUP_TYPE: 5,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  PRF: 13,
  KEY_LENGTH: 14,
  FIELD_SIZE: 15,
  GROUP_ORDER: 16,
} as const;

export const LifeType = { SECONDS: 1, KILOBYTES: 2 } as const;

export const PHASE1_ATTRIBUTES: Readonly<Record<number, AttributeClass>> = {
  1: {
    name: "Encryption Algorithm",
    basic: true,
    values: { 1: "DES-CBC", 2: "IDEA-CBC", 3: "Blowfish-CBC", 4: "RC5-R16-B64-CBC", 5: "3DES-CBC", 6: "CAST-CBC", 7: "AES-CBC", 8: "Camellia-CBC" },
  },
  2: { name: "Hash Algorithm", basic: true, values: { 1: "MD5", 2: "SHA", 3: "Tiger", 4: "SHA2-256", 5: "SHA2-384", 6: "SHA2-512" } },
  3: {
    name: "Authentication Method",
    basic: true,
    values: {
      1: "Pre-Shared Key",
      2: "DSS Signatures",
      3: "RSA Signatures",
      4: "RSA Encryption",
      5: "Revised RSA Encryption",
      9: "ECDSA-SHA256-P256",
      10: "ECDSA-SHA384-P384",
      11: "ECDSA-SHA512-P521",
      64221: "HybridInitRSA",
      64222: "HybridRespRSA",
      64223: "HybridInitDSS",
      64224: "HybridRespDSS",
      65001: "XAUTHInitPreShared",
      65002: "XAUTHRespPreShared",
      65003: "XAUTHInitDSS",
      65004: "XAUTHRespDSS",
      65005: "XAUTHInitRSA",
      65006: "XAUTHRespRSA",
      65007: "XAUTHInitRSAEncryption",
      65008: "XAUTHRespRSAEncryption",
      65009: "XAUTHInitRSARevisedEncryption",
      65010: "XAUTHRespRSARevisedEncryption",
    },
  },
  4: { name: "Group Description", basic: true },
  5: { name: "Group Type", basic: true, values: { 1: "MODP", 2: "ECP", 3: "EC2N" } },
  6: { name: "Group Prime/Irreducible Polynomial", basic: false },
  7: { name: "Group Generator One", basic: false },
  8: { name: "Group Generator Two", basic: false },
  9: { name: "Group Curve A", basic: false },
  10: { name: "Group Curve B", basic: false },
  11: { name: "Life Type", basic: true, values: { 1: "Seconds", 2: "Kilobytes" } },
  12: { name: "Life Duration", basic: false },
  13: { name: "PRF", basic: true },
  14: { name: "Key Length", basic: true },
  15: { name: "Field Size", basic: true },
  16: { name: "Group Order", basic: false },
};

/** IPsec SA attribute classes (RFC 2407 §4.5; ESN RFC 4304). */
export const IpsecAttr = {
  SA_LIFE_TYPE: 1,
  SA_LIFE_DURATION: 2,
  GROUP_DESCRIPTION: 3,
  ENCAPSULATION_MODE: 4,
  AUTH_ALGORITHM: 5,
  KEY_LENGTH: 6,
  KEY_ROUNDS: 7,
  COMPRESS_DICTIONARY_SIZE: 8,
  COMPRESS_PRIVATE_ALGORITHM: 9,
  EXTENDED_SEQUENCE_NUMBER: 11,
} as const;

/** Encapsulation Mode values: RFC 2407, RFC 3947, and the NAT-T drafts' private values. */
export const EncapsulationMode = { TUNNEL: 1, TRANSPORT: 2, UDP_TUNNEL: 3, UDP_TRANSPORT: 4, UDP_TUNNEL_DRAFT: 61443, UDP_TRANSPORT_DRAFT: 61444 } as const;

export const IPSEC_ATTRIBUTES: Readonly<Record<number, AttributeClass>> = {
  1: { name: "SA Life Type", basic: true, values: { 1: "Seconds", 2: "Kilobytes" } },
  2: { name: "SA Life Duration", basic: false },
  3: { name: "Group Description", basic: true },
  4: { name: "Encapsulation Mode", basic: true, values: { 1: "Tunnel", 2: "Transport", 3: "UDP-Encapsulated-Tunnel", 4: "UDP-Encapsulated-Transport", 61443: "UDP-Encapsulated-Tunnel (draft)", 61444: "UDP-Encapsulated-Transport (draft)" } },
  5: { name: "Authentication Algorithm", basic: true, values: { 1: "HMAC-MD5", 2: "HMAC-SHA", 3: "DES-MAC", 4: "KPDK", 5: "HMAC-SHA2-256", 6: "HMAC-SHA2-384", 7: "HMAC-SHA2-512" } },
  6: { name: "Key Length", basic: true },
  7: { name: "Key Rounds", basic: true },
  8: { name: "Compress Dictionary Size", basic: true },
  9: { name: "Compress Private Algorithm", basic: false },
  11: { name: "Extended Sequence Number", basic: true },
};

/** Mode-Config and XAUTH attribute types (draft-dukes-ike-mode-cfg-02, draft-beaulieu-ike-xauth-02), and Cisco Unity's. */
export const CfgAttr = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_ADDRESS_EXPIRY: 5,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP6_ADDRESS: 8,
  INTERNAL_IP6_NETMASK: 9,
  INTERNAL_IP6_DNS: 10,
  INTERNAL_IP6_NBNS: 11,
  INTERNAL_IP6_DHCP: 12,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
  INTERNAL_IP6_SUBNET: 15,
  XAUTH_TYPE: 16520,
  XAUTH_USER_NAME: 16521,
  XAUTH_USER_PASSWORD: 16522,
  XAUTH_PASSCODE: 16523,
  XAUTH_MESSAGE: 16524,
  XAUTH_CHALLENGE: 16525,
  XAUTH_DOMAIN: 16526,
  XAUTH_STATUS: 16527,
  XAUTH_NEXT_PIN: 16528,
  XAUTH_ANSWER: 16529,
  UNITY_BANNER: 28672,
  UNITY_SAVE_PASSWD: 28673,
  UNITY_DEF_DOMAIN: 28674,
  UNITY_SPLIT_DOMAIN: 28675,
  UNITY_SPLIT_INCLUDE: 28676,
  UNITY_NATT_PORT: 28677,
  UNITY_SPLIT_EXCLUDE: 28678,
  UNITY_PFS: 28679,
  UNITY_FW_TYPE: 28680,
  UNITY_BACKUP_SERVERS: 28681,
  UNITY_DDNS_HOSTNAME: 28682,
} as const;

/** TV-only Mode-Config classes; all others are variable (TLV). */
const CFG_BASIC = new Set<number>([CfgAttr.XAUTH_TYPE, CfgAttr.XAUTH_STATUS, CfgAttr.UNITY_SAVE_PASSWD, CfgAttr.UNITY_NATT_PORT, CfgAttr.UNITY_PFS]);

export const CONFIG_ATTRIBUTES: Readonly<Record<number, AttributeClass>> = Object.fromEntries(
  Object.entries(CfgAttr).map(([name, type]) => [type, { name, basic: CFG_BASIC.has(type), ...(type === CfgAttr.XAUTH_TYPE ? { values: { 0: "Generic", 1: "RADIUS-CHAP", 2: "OTP", 3: "S/KEY" } } : {}) }]),
);

const SPACES: Readonly<Record<AttributeSpace, Readonly<Record<number, AttributeClass>>>> = { phase1: PHASE1_ATTRIBUTES, ipsec: IPSEC_ATTRIBUTES, config: CONFIG_ATTRIBUTES };

/** The class's name in its space (the table's), or ATTRIBUTE-N for one it does not know. */
export function attributeName(space: AttributeSpace, type: number): string {
  return SPACES[space][type]?.name ?? `ATTRIBUTE-${type}`;
}

const AF = 0x8000;

export function encodeAttribute(w: Writer, a: Attribute, opts: AttributeEncodeOptions = {}): void {
  if (typeof a.value === "number") {
    const fitsTv = Number.isInteger(a.value) && a.value >= 0 && a.value <= 0xffff;
    if ((a.format ?? (fitsTv ? "tv" : "tlv")) === "tv") {
      if (!fitsTv) throw new RangeError(`attribute ${a.type}: value ${a.value} does not fit TV`);
      w.u16(AF | a.type).u16(a.value);
      return;
    }
    // Shortest big-endian form of at least 4 bytes, as deployed stacks send life durations.
    const len = a.value <= 0xffffffff ? 4 : 8;
    const b = Buffer.alloc(len);
    if (len === 4) b.writeUInt32BE(a.value);
    else b.writeBigUInt64BE(BigInt(a.value));
    w.u16(a.type).u16(opts.fixLengths === false && a.length !== undefined ? a.length : len).bytes(b);
    return;
  }
  if (a.format === "tv") {
    if (a.value.length !== 2) throw new RangeError(`attribute ${a.type}: a TV value has 2 bytes`);
    w.u16(AF | a.type).bytes(a.value);
    return;
  }
  w.u16(a.type).u16(opts.fixLengths === false && a.length !== undefined ? a.length : a.value.length).bytes(a.value);
}

export function encodeAttributes(attrs: readonly Attribute[], opts: AttributeEncodeOptions = {}): Buffer {
  const w = new Writer();
  for (const a of attrs) encodeAttribute(w, a, opts);
  return w.finish();
}

export function encodedAttributeLength(a: Attribute): number {
  if (typeof a.value !== "number") return a.format === "tv" ? 4 : 4 + a.value.length;
  const fitsTv = a.value >= 0 && a.value <= 0xffff;
  if ((a.format ?? (fitsTv ? "tv" : "tlv")) === "tv") return 4;
  return 4 + (a.value <= 0xffffffff ? 4 : 8);
}

/** A TLV value as a number when it is 1..8 bytes and fits a safe integer (life durations). */
function tlvNumber(v: Buffer): number | undefined {
  if (v.length < 1 || v.length > 8) return undefined;
  const n = BigInt(`0x${v.toString("hex")}`);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : undefined;
}

/** Attributes up to the reader's end. `space` "config" keeps TLV values as bytes. */
export function decodeAttributes(r: Reader, space: AttributeSpace = "phase1"): Attribute[] {
  const out: Attribute[] = [];
  while (r.remaining > 0) {
    const start = r.offset;
    const t = r.u16("attribute type");
    if (t & AF) {
      out.push({ type: t & 0x7fff, value: r.u16("attribute value"), format: "tv" });
    } else {
      const len = r.u16("attribute length");
      if (len > r.remaining) {
        throw new DecodeError("bad-length", `attribute ${t} length ${len} exceeds the ${r.remaining} bytes left`, start, r.payloadType);
      }
      const v = r.bytes(len, "attribute value");
      out.push({ type: t, value: (space !== "config" ? tlvNumber(v) : undefined) ?? Buffer.from(v), format: "tlv" });
    }
  }
  return out;
}

/** The numeric value of the first attribute of that type, if it is numeric. */
export function attrNumber(attrs: readonly Attribute[], type: number): number | undefined {
  const a = attrs.find((x) => x.type === type);
  return a !== undefined && typeof a.value === "number" ? a.value : undefined;
}

/** Life durations in a transform (each Life Type is followed by its Life Duration). */
export function lifetimes(attrs: readonly Attribute[], typeAttr: number, durationAttr: number): { seconds?: number; kilobytes?: number } {
  const out: { seconds?: number; kilobytes?: number } = {};
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i];
    const next = attrs[i + 1];
    if (a?.type === typeAttr && next?.type === durationAttr && typeof next.value === "number") {
      if (a.value === LifeType.SECONDS) out.seconds = next.value;
      else if (a.value === LifeType.KILOBYTES) out.kilobytes = next.value;
    }
  }
  return out;
}

/** The value as bytes: a TV value as its 2 bytes, a numeric TLV as its shortest 4- or 8-byte form. */
export function attrBytes(a: Attribute): Buffer {
  if (typeof a.value !== "number") return a.value;
  const w = new Writer();
  encodeAttribute(w, a);
  const b = w.finish();
  return b.subarray((b.readUInt16BE(0) & AF) !== 0 ? 2 : 4);
}

/** The value as a number (a TLV's bytes read big-endian, at most 6 of them); 0 for an empty one. */
export function attrInt(a: Attribute): number {
  if (typeof a.value === "number") return a.value;
  return a.value.length === 0 ? 0 : a.value.readUIntBE(0, Math.min(a.value.length, 6));
}

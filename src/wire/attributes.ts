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
 */
import { DecodeError } from "../errors.js";
import { Reader } from "./reader.js";
import { Writer } from "./writer.js";

export interface Attribute {
  type: number;
  /** A number when it fits (TV, or TLV of at most 6 bytes); raw bytes otherwise. */
  value: number | Buffer;
  /** How it was (or will be) encoded; decoders fill this in. */
  format?: "tv" | "tlv";
}

export interface AttributeClass {
  name: string;
  basic: boolean;
  values?: Readonly<Record<number, string>>;
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

const AF = 0x8000;

export function encodeAttribute(w: Writer, a: Attribute): void {
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
    w.u16(a.type).u16(len).bytes(b);
    return;
  }
  w.u16(a.type).u16(a.value.length).bytes(a.value);
}

export function encodeAttributes(attrs: readonly Attribute[]): Buffer {
  const w = new Writer();
  for (const a of attrs) encodeAttribute(w, a);
  return w.finish();
}

export function encodedAttributeLength(a: Attribute): number {
  if (typeof a.value !== "number") return 4 + a.value.length;
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

export function decodeAttributes(r: Reader): Attribute[] {
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
      out.push({ type: t, value: tlvNumber(v) ?? Buffer.from(v), format: "tlv" });
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

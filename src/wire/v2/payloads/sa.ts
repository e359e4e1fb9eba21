/**
 * IKEv2 Security Association payload (RFC 7296 §3.3): a sequence of proposals, each a sequence of
 * transforms.
 *
 * Proposal (§3.3.1):
 *  ! Last Substruc (0 last, 2 more) ! RESERVED ! Proposal Length (2)                          !
 *  ! Proposal Num ! Protocol ID ! SPI Size ! Num Transforms ! SPI (variable) ! Transforms ... !
 *
 * Transform (§3.3.2):
 *  ! Last Substruc (0 last, 3 more) ! RESERVED ! Transform Length (2)                         !
 *  ! Transform Type ! RESERVED ! Transform ID (2) ! Transform Attributes ...                  !
 *
 * Attribute (§3.3.5): ! A(1) + Attribute Type (15) ! Attribute Value (2, TV) or Length (2) + Value (TLV) !
 * Only Key Length (14) is defined, always TV. Other attributes are kept raw: a responder that does
 * not know one skips the whole proposal (libreswan), so the scan never sends one.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload, KEY_LENGTH_ATTRIBUTE } from "../constants.js";

export interface Ikev2Transform {
  type: number;
  id: number;
  /** The Key Length attribute (bits), when present. */
  keyLength?: number;
  /** Attributes other than Key Length, as received (decoded transforms only). */
  otherAttributes?: Buffer;
}

export interface Ikev2Proposal {
  number: number;
  protocolId: number;
  spi: Buffer;
  transforms: Ikev2Transform[];
}

export interface SaPayload {
  proposals: Ikev2Proposal[];
  /** Decode only: what a lenient decode noticed (odd substructure markers, lengths). */
  warnings?: string[];
}

function encodeTransform(t: Ikev2Transform, last: boolean): Buffer {
  const attrs = t.keyLength !== undefined ? new Writer(4).u16(0x8000 | KEY_LENGTH_ATTRIBUTE).u16(t.keyLength).finish() : Buffer.alloc(0);
  const extra = t.otherAttributes ?? Buffer.alloc(0);
  return new Writer(8 + attrs.length + extra.length)
    .u8(last ? 0 : 3)
    .u8(0)
    .u16(8 + attrs.length + extra.length)
    .u8(t.type)
    .u8(0)
    .u16(t.id)
    .bytes(attrs)
    .bytes(extra)
    .finish();
}

function encodeProposal(p: Ikev2Proposal, last: boolean): Buffer {
  if (p.transforms.length > 255) throw new RangeError(`proposal ${p.number}: ${p.transforms.length} transforms, at most 255`);
  const body = Buffer.concat(p.transforms.map((t, i) => encodeTransform(t, i === p.transforms.length - 1)));
  const length = 8 + p.spi.length + body.length;
  if (length > 0xffff) throw new RangeError(`proposal ${p.number} is too long`);
  return new Writer(length).u8(last ? 0 : 2).u8(0).u16(length).u8(p.number).u8(p.protocolId).u8(p.spi.length).u8(p.transforms.length).bytes(p.spi).bytes(body).finish();
}

export function encodeSa(sa: SaPayload): Buffer {
  if (sa.proposals.length > 255) throw new RangeError(`${sa.proposals.length} proposals, at most 255`);
  return Buffer.concat(sa.proposals.map((p, i) => encodeProposal(p, i === sa.proposals.length - 1)));
}

/** Bytes of the SA body encodeSa writes. */
export function saLength(sa: SaPayload): number {
  return sa.proposals.reduce((n, p) => n + 8 + p.spi.length + p.transforms.reduce((m, t) => m + 8 + (t.keyLength !== undefined ? 4 : 0) + (t.otherAttributes?.length ?? 0), 0), 0);
}

function decodeAttributes(r: Reader, end: number, t: Ikev2Transform): void {
  const other: Buffer[] = [];
  while (r.offset < end) {
    const start = r.offset;
    const typeField = r.u16("attribute type");
    const tv = (typeField & 0x8000) !== 0;
    const type = typeField & 0x7fff;
    if (tv) {
      const value = r.u16("attribute value");
      if (type === KEY_LENGTH_ATTRIBUTE && t.keyLength === undefined) {
        t.keyLength = value;
        continue;
      }
    } else {
      const length = r.u16("attribute length");
      if (r.offset + length > end) throw new DecodeError("truncated", `attribute ${type} of ${length} bytes overruns its transform`, r.offset, Ikev2Payload.SA);
      r.bytes(length, "attribute value");
    }
    other.push(r.buf.subarray(start, r.offset));
  }
  if (other.length > 0) t.otherAttributes = Buffer.concat(other);
}

function decodeTransform(r: Reader, lenient: boolean, warnings: string[]): { t: Ikev2Transform; last: boolean } {
  const start = r.offset;
  const marker = r.u8("transform substructure marker");
  r.u8("reserved");
  const length = r.u16("transform length");
  if (length < 8) throw new DecodeError("bad-length", `transform length ${length} is below 8`, start, Ikev2Payload.SA);
  if (start + length > r.end) throw new DecodeError("truncated", `transform length ${length} exceeds the ${r.end - start} bytes left`, start, Ikev2Payload.SA);
  if (marker !== 0 && marker !== 3) {
    if (!lenient) throw new DecodeError("bad-value", `transform substructure marker ${marker} (0 or 3 expected)`, start, Ikev2Payload.SA);
    warnings.push(`transform at offset ${start}: substructure marker ${marker}`);
  }
  const type = r.u8("transform type");
  r.u8("reserved");
  const t: Ikev2Transform = { type, id: r.u16("transform id") };
  decodeAttributes(r, start + length, t);
  return { t, last: marker === 0 };
}

function decodeProposal(r: Reader, lenient: boolean, warnings: string[]): { p: Ikev2Proposal; last: boolean } {
  const start = r.offset;
  const marker = r.u8("proposal substructure marker");
  r.u8("reserved");
  const length = r.u16("proposal length");
  if (length < 8) throw new DecodeError("bad-length", `proposal length ${length} is below 8`, start, Ikev2Payload.SA);
  if (start + length > r.end) throw new DecodeError("truncated", `proposal length ${length} exceeds the ${r.end - start} bytes left`, start, Ikev2Payload.SA);
  if (marker !== 0 && marker !== 2) {
    if (!lenient) throw new DecodeError("bad-value", `proposal substructure marker ${marker} (0 or 2 expected)`, start, Ikev2Payload.SA);
    warnings.push(`proposal at offset ${start}: substructure marker ${marker}`);
  }
  const number = r.u8("proposal number");
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const count = r.u8("number of transforms");
  const spi = Buffer.from(r.bytes(spiSize, "SPI"));
  const inner = new Reader(r.buf, r.offset, start + length, Ikev2Payload.SA);
  const transforms: Ikev2Transform[] = [];
  for (let i = 0; i < count; i++) {
    const { t, last } = decodeTransform(inner, lenient, warnings);
    transforms.push(t);
    if (last && i < count - 1) warnings.push(`proposal ${number}: transform ${i + 1} of ${count} is marked last`);
  }
  if (inner.remaining > 0) {
    if (!lenient) throw new DecodeError("bad-length", `proposal ${number}: ${inner.remaining} bytes after its ${count} transforms`, inner.offset, Ikev2Payload.SA);
    warnings.push(`proposal ${number}: ${inner.remaining} bytes after its ${count} transforms`);
  }
  r.bytes(length - (r.offset - start), "proposal");
  return { p: { number, protocolId, spi, transforms }, last: marker === 0 };
}

/** Decodes an SA body. Strict: any inconsistency throws a DecodeError; lenient: odd markers and trailing bytes become warnings. */
export function decodeSa(body: Buffer, opts: { lenient?: boolean } = {}): SaPayload {
  const lenient = opts.lenient === true;
  const r = new Reader(body, 0, body.length, Ikev2Payload.SA);
  const warnings: string[] = [];
  const proposals: Ikev2Proposal[] = [];
  while (r.remaining > 0) {
    const { p, last } = decodeProposal(r, lenient, warnings);
    proposals.push(p);
    if (last && r.remaining > 0) {
      if (!lenient) throw new DecodeError("bad-length", `${r.remaining} bytes after the proposal marked last`, r.offset, Ikev2Payload.SA);
      warnings.push(`${r.remaining} bytes after the proposal marked last`);
      break;
    }
  }
  if (proposals.length === 0) throw new DecodeError("truncated", "an SA payload without a proposal", 0, Ikev2Payload.SA);
  return warnings.length > 0 ? { proposals, warnings } : { proposals };
}

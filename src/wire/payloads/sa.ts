/**
 * Security Association, Proposal and Transform payloads (RFC 2408 §3.4–3.6, RFC 2407 §4.6.1).
 *
 * SA body:        ! Domain of Interpretation (4) ! Situation (4) ! Proposals ...
 * Proposal body:  ! Proposal # ! Protocol-Id ! SPI Size ! # of Transforms ! SPI (variable) ! Transforms ...
 * Transform body: ! Transform # ! Transform-Id ! RESERVED2 (2) ! SA Attributes ...
 *
 * Proposals and transforms carry a generic header whose Next Payload is 2 (resp. 3) when another
 * one follows and 0 for the last; that chain is separate from the message's payload chain.
 * Decoded values keep their raw body bytes: HASH_I/HASH_R cover SAi_b exactly as sent.
 */
import { DecodeError } from "../../errors.js";
import { type Attribute, decodeAttributes, encodeAttributes } from "../attributes.js";
import { DOI_IPSEC, PayloadType, SIT_IDENTITY_ONLY } from "../constants.js";
import { Reader } from "../reader.js";
import { Writer } from "../writer.js";

export interface Transform {
  number: number;
  id: number;
  attributes: Attribute[];
}

export interface Proposal {
  number: number;
  protocolId: number;
  spi: Buffer;
  transforms: Transform[];
}

export interface SecurityAssociation {
  doi: number;
  situation: number;
  proposals: Proposal[];
  /** Present on decoded payloads: the body exactly as received. */
  raw?: Buffer;
}

function encodeTransform(t: Transform, last: boolean): Buffer {
  const attrs = encodeAttributes(t.attributes);
  return new Writer()
    .u8(last ? 0 : PayloadType.TRANSFORM)
    .u8(0)
    .u16(8 + attrs.length)
    .u8(t.number)
    .u8(t.id)
    .u16(0)
    .bytes(attrs)
    .finish();
}

function encodeProposal(p: Proposal, last: boolean): Buffer {
  if (p.transforms.length > 255) throw new RangeError("a proposal carries at most 255 transforms");
  const transforms = Buffer.concat(p.transforms.map((t, i) => encodeTransform(t, i === p.transforms.length - 1)));
  return new Writer()
    .u8(last ? 0 : PayloadType.PROPOSAL)
    .u8(0)
    .u16(8 + p.spi.length + transforms.length)
    .u8(p.number)
    .u8(p.protocolId)
    .u8(p.spi.length)
    .u8(p.transforms.length)
    .bytes(p.spi)
    .bytes(transforms)
    .finish();
}

/** The SA payload body (without the generic payload header). */
export function encodeSa(sa: SecurityAssociation): Buffer {
  const w = new Writer().u32(sa.doi).u32(sa.situation);
  sa.proposals.forEach((p, i) => w.bytes(encodeProposal(p, i === sa.proposals.length - 1)));
  return w.finish();
}

export function ipsecSa(proposals: Proposal[]): SecurityAssociation {
  return { doi: DOI_IPSEC, situation: SIT_IDENTITY_ONLY, proposals };
}

function decodeTransform(r: Reader): Transform {
  const t: Transform = { number: r.u8("transform number"), id: r.u8("transform id"), attributes: [] };
  r.u16("transform reserved");
  t.attributes = decodeAttributes(r);
  return t;
}

function decodeProposal(r: Reader): Proposal {
  const number = r.u8("proposal number");
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const count = r.u8("transform count");
  const spi = Buffer.from(r.bytes(spiSize, "SPI"));
  const transforms: Transform[] = [];
  let next: number = PayloadType.TRANSFORM;
  while (next === PayloadType.TRANSFORM && r.remaining > 0) {
    const start = r.offset;
    next = r.u8("transform next payload");
    r.u8("transform reserved");
    const len = r.u16("transform length");
    if (len < 8) throw new DecodeError("bad-length", `transform length ${len} is below 8`, start, PayloadType.TRANSFORM);
    if (next !== 0 && next !== PayloadType.TRANSFORM) {
      throw new DecodeError("bad-value", `transform next payload ${next} is neither 0 nor 3`, start, PayloadType.TRANSFORM);
    }
    transforms.push(decodeTransform(r.sub(len - 4, "transform body", PayloadType.TRANSFORM)));
  }
  if (transforms.length !== count) {
    throw new DecodeError("bad-value", `proposal announces ${count} transforms, carries ${transforms.length}`, r.offset, PayloadType.PROPOSAL);
  }
  return { number, protocolId, spi, transforms };
}

export function decodeSa(body: Buffer): SecurityAssociation {
  const r = new Reader(body, 0, body.length, PayloadType.SA);
  const sa: SecurityAssociation = { doi: r.u32("DOI"), situation: r.u32("situation"), proposals: [], raw: body };
  let next: number = PayloadType.PROPOSAL;
  while (next === PayloadType.PROPOSAL) {
    const start = r.offset;
    next = r.u8("proposal next payload");
    r.u8("proposal reserved");
    const len = r.u16("proposal length");
    if (len < 8) throw new DecodeError("bad-length", `proposal length ${len} is below 8`, start, PayloadType.PROPOSAL);
    if (next !== 0 && next !== PayloadType.PROPOSAL) {
      throw new DecodeError("bad-value", `proposal next payload ${next} is neither 0 nor 2`, start, PayloadType.PROPOSAL);
    }
    sa.proposals.push(decodeProposal(r.sub(len - 4, "proposal body", PayloadType.PROPOSAL)));
  }
  if (sa.proposals.length === 0) throw new DecodeError("bad-value", "SA carries no proposal", 8, PayloadType.SA);
  return sa;
}

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
import { DecodeError } from "../../../errors.js";
import { type Attribute, decodeAttributes, encodeAttributes } from "../attributes.js";
import { DOI_IPSEC, PayloadType, SIT_IDENTITY_ONLY } from "../constants.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";

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

/**
 * Proposals inside an SA and transforms inside a proposal are chains of their own: each carries a
 * generic header whose Next Payload is its own type while another follows, and 0 for the last.
 */
function decodeSubstructures<T>(r: Reader, type: number, name: string, decode: (body: Reader) => T): T[] {
  const out: T[] = [];
  let next = type;
  while (next === type) {
    const start = r.offset;
    next = r.u8(`${name} next payload`);
    r.u8(`${name} reserved`);
    const len = r.u16(`${name} length`);
    if (len < 8) throw new DecodeError("bad-length", `${name} length ${len} is below 8`, start, type);
    if (next !== 0 && next !== type) {
      throw new DecodeError("bad-value", `${name} next payload ${next} is neither 0 nor ${type}`, start, type);
    }
    out.push(decode(r.sub(len - 4, `${name} body`, type)));
  }
  return out;
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
  const transforms = decodeSubstructures(r, PayloadType.TRANSFORM, "transform", decodeTransform);
  if (transforms.length !== count) {
    throw new DecodeError("bad-value", `proposal announces ${count} transforms, carries ${transforms.length}`, r.offset, PayloadType.PROPOSAL);
  }
  return { number, protocolId, spi, transforms };
}

export function decodeSa(body: Buffer): SecurityAssociation {
  const r = new Reader(body, 0, body.length, PayloadType.SA);
  const doi = r.u32("DOI");
  const situation = r.u32("situation");
  const proposals = decodeSubstructures(r, PayloadType.PROPOSAL, "proposal", decodeProposal);
  return { doi, situation, proposals, raw: body };
}

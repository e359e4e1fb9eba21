/**
 * IKEv2 Configuration payload (RFC 7296 §3.15).
 *
 *  ! CFG Type (1) ! RESERVED (3) ! Configuration Attributes ...
 *
 * Each attribute (§3.15.1): ! R (1 bit) + Attribute Type (15) ! Length (2) ! Value ... !
 */
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface CpAttribute {
  type: number;
  value: Buffer;
}

export interface CpPayload {
  cfgType: number;
  attributes: CpAttribute[];
}

export function encodeCp(cp: CpPayload): Buffer {
  const w = new Writer().u8(cp.cfgType).u8(0).u16(0);
  for (const a of cp.attributes) w.u16(a.type & 0x7fff).u16(a.value.length).bytes(a.value);
  return w.finish();
}

export function cpLength(cp: CpPayload): number {
  return 4 + cp.attributes.reduce((n, a) => n + 4 + a.value.length, 0);
}

export function decodeCp(body: Buffer): CpPayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.CP);
  const cfgType = r.u8("CFG type");
  r.bytes(3, "reserved");
  const attributes: CpAttribute[] = [];
  while (r.remaining > 0) {
    const type = r.u16("attribute type") & 0x7fff;
    const length = r.u16("attribute length");
    attributes.push({ type, value: Buffer.from(r.bytes(length, "attribute value")) });
  }
  return { cfgType, attributes };
}

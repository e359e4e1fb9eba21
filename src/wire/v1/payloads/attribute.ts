/**
 * Attribute payload (payload type 14) of the Transaction exchange: Mode-Config and XAUTH
 * (draft-dukes-ike-mode-cfg-02 §3.2, draft-beaulieu-ike-xauth-02 §5). Its attributes use the SA
 * data-attribute encoding (attributes.ts, space "config").
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !     Type      !   RESERVED    !           Identifier          !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                           Attributes                          ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { type Attribute, type AttributeEncodeOptions, decodeAttributes, encodeAttributes, encodedAttributeLength } from "../attributes.js";
import { PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";

export const CfgType = { REQUEST: 1, REPLY: 2, SET: 3, ACK: 4 } as const;
export const CFG_TYPE_NAMES: Readonly<Record<number, string>> = { 1: "CFG_REQUEST", 2: "CFG_REPLY", 3: "CFG_SET", 4: "CFG_ACK" };

export interface AttributePayload {
  cfgType: number;
  identifier: number;
  attributes: Attribute[];
  /** Decoded payloads: the body as received. */
  raw?: Buffer;
}

export function encodeAttributePayload(p: AttributePayload, opts: AttributeEncodeOptions = {}): Buffer {
  return new Writer().u8(p.cfgType).u8(0).u16(p.identifier).bytes(encodeAttributes(p.attributes, opts)).finish();
}

export function attributePayloadLength(p: AttributePayload): number {
  return 4 + p.attributes.reduce((n, a) => n + encodedAttributeLength(a), 0);
}

export function decodeAttributePayload(body: Buffer): AttributePayload {
  const r = new Reader(body, 0, body.length, PayloadType.ATTRIBUTE);
  const cfgType = r.u8("attribute payload type");
  r.u8("reserved");
  const identifier = r.u16("identifier");
  return { cfgType, identifier, attributes: decodeAttributes(r, "config"), raw: Buffer.from(body) };
}

/** A TV attribute (a 16-bit value). */
export function tvAttr(type: number, value: number): Attribute {
  return { type, value, format: "tv" };
}

/** A TLV attribute; empty asks for the value (a CFG_REQUEST's way). */
export function tlvAttr(type: number, value: Buffer | string = Buffer.alloc(0)): Attribute {
  return { type, value: typeof value === "string" ? Buffer.from(value, "utf8") : value, format: "tlv" };
}

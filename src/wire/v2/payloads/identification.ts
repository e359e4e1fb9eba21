/**
 * IKEv2 Identification payloads IDi and IDr (RFC 7296 §3.5).
 *
 *  ! ID Type (1) ! RESERVED (3) ! Identification Data ...
 *
 * Unlike IKEv1's ID payload (RFC 2407 §4.6.2) there are no protocol and port fields. The whole body
 * is what AUTH signs (RFC 7296 §2.15: the "RestOfInitIDPayload" is the body after the generic header).
 */
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface IdPayload {
  idType: number;
  data: Buffer;
}

export function encodeId(id: IdPayload): Buffer {
  return new Writer(4 + id.data.length).u8(id.idType).u8(0).u16(0).bytes(id.data).finish();
}

export function idLength(id: IdPayload): number {
  return 4 + id.data.length;
}

export function decodeId(body: Buffer, payloadType: number = Ikev2Payload.IDI): IdPayload {
  const r = new Reader(body, 0, body.length, payloadType);
  const idType = r.u8("ID type");
  r.bytes(3, "reserved");
  return { idType, data: Buffer.from(r.rest()) };
}

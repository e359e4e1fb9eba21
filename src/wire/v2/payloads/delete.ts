/**
 * IKEv2 Delete payload (RFC 7296 §3.11).
 *
 *  ! Protocol ID (1) ! SPI Size (1) ! Num of SPIs (2) ! SPIs (SPI Size each) ...
 *
 * The IKE SA: protocol 1, SPI size 0, no SPI (the header names the SA). A CHILD SA: protocol 2 or 3,
 * the sender's inbound 4-byte SPIs.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface DeletePayload {
  protocolId: number;
  spiSize: number;
  spis: Buffer[];
}

export function encodeDelete(d: DeletePayload): Buffer {
  const w = new Writer(4 + d.spiSize * d.spis.length).u8(d.protocolId).u8(d.spiSize).u16(d.spis.length);
  for (const spi of d.spis) {
    if (spi.length !== d.spiSize) throw new RangeError(`delete: an SPI of ${spi.length} bytes, SPI size ${d.spiSize}`);
    w.bytes(spi);
  }
  return w.finish();
}

export function deleteLength(d: DeletePayload): number {
  return 4 + d.spiSize * d.spis.length;
}

export function decodeDelete(body: Buffer): DeletePayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.DELETE);
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const count = r.u16("number of SPIs");
  const spis: Buffer[] = [];
  for (let i = 0; i < count; i++) spis.push(Buffer.from(r.bytes(spiSize, "SPI")));
  if (r.remaining > 0) throw new DecodeError("bad-length", `${r.remaining} bytes after ${count} SPIs`, r.offset, Ikev2Payload.DELETE);
  return { protocolId, spiSize, spis };
}

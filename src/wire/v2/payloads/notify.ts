/**
 * IKEv2 Notify payload (RFC 7296 §3.10).
 *
 *  ! Protocol ID (1) ! SPI Size (1) ! Notify Message Type (2) ! SPI (variable) ! Notification Data ...
 *
 * IKE-level notifies carry protocol 0 and no SPI; a CHILD SA's carry its protocol and 4-byte SPI.
 */
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export interface NotifyPayload {
  protocolId: number;
  notifyType: number;
  spi: Buffer;
  data: Buffer;
}

export function encodeNotify(n: NotifyPayload): Buffer {
  return new Writer(4 + n.spi.length + n.data.length).u8(n.protocolId).u8(n.spi.length).u16(n.notifyType).bytes(n.spi).bytes(n.data).finish();
}

export function notifyLength(n: NotifyPayload): number {
  return 4 + n.spi.length + n.data.length;
}

/** An IKE-level notify: protocol 0, no SPI. */
export function ikeNotify(notifyType: number, data: Buffer = Buffer.alloc(0)): NotifyPayload {
  return { protocolId: 0, notifyType, spi: Buffer.alloc(0), data };
}

export function decodeNotify(body: Buffer): NotifyPayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.NOTIFY);
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const notifyType = r.u16("notify message type");
  const spi = Buffer.from(r.bytes(spiSize, "SPI"));
  return { protocolId, notifyType, spi, data: Buffer.from(r.rest()) };
}

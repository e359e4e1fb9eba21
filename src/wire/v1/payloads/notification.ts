/**
 * Notification payload (RFC 2408 §3.14).
 *
 * ! Domain of Interpretation (4) ! Protocol-ID (1) ! SPI Size (1) ! Notify Message Type (2) !
 * ! Security Parameter Index (SPI, variable) ! Notification Data ...
 */
import { PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";

export interface Notification {
  doi: number;
  protocolId: number;
  notifyType: number;
  spi: Buffer;
  data: Buffer;
  /** Decoded payloads: the body as received. */
  raw?: Buffer;
}

export function encodeNotification(n: Notification): Buffer {
  return new Writer().u32(n.doi).u8(n.protocolId).u8(n.spi.length).u16(n.notifyType).bytes(n.spi).bytes(n.data).finish();
}

export function decodeNotification(body: Buffer): Notification {
  const r = new Reader(body, 0, body.length, PayloadType.NOTIFICATION);
  const doi = r.u32("DOI");
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const notifyType = r.u16("notify type");
  const spi = Buffer.from(r.bytes(spiSize, "SPI"));
  return { doi, protocolId, notifyType, spi, data: Buffer.from(r.rest()), raw: Buffer.from(body) };
}

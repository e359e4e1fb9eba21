/**
 * Delete payload (RFC 2408 §3.15).
 *
 * ! Domain of Interpretation (4) ! Protocol-Id (1) ! SPI Size (1) ! # of SPIs (2) ! SPIs ...
 */
import { DecodeError } from "../../../errors.js";
import { PayloadType } from "../constants.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";

export interface Delete {
  doi: number;
  protocolId: number;
  spiSize: number;
  spis: Buffer[];
  /** Decoded payloads: the body as received. */
  raw?: Buffer;
}

export function encodeDelete(d: Delete): Buffer {
  const w = new Writer().u32(d.doi).u8(d.protocolId).u8(d.spiSize).u16(d.spis.length);
  for (const s of d.spis) {
    if (s.length !== d.spiSize) throw new RangeError(`SPI of ${s.length} bytes in a Delete of SPI size ${d.spiSize}`);
    w.bytes(s);
  }
  return w.finish();
}

export function decodeDelete(body: Buffer): Delete {
  const r = new Reader(body, 0, body.length, PayloadType.DELETE);
  const doi = r.u32("DOI");
  const protocolId = r.u8("protocol id");
  const spiSize = r.u8("SPI size");
  const count = r.u16("SPI count");
  const spis: Buffer[] = [];
  for (let i = 0; i < count; i++) spis.push(Buffer.from(r.bytes(spiSize, `SPI ${i + 1} of ${count}`)));
  if (r.remaining !== 0) throw new DecodeError("bad-length", `${r.remaining} bytes after the last SPI`, r.offset, PayloadType.DELETE);
  return { doi, protocolId, spiSize, spis, raw: Buffer.from(body) };
}

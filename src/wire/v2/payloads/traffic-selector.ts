/**
 * IKEv2 Traffic Selector payloads TSi and TSr (RFC 7296 §3.13).
 *
 *  ! Number of TSs (1) ! RESERVED (3) ! Traffic Selectors ...
 *
 * Each selector (§3.13.1):
 *  ! TS Type (1) ! IP Protocol ID (1) ! Selector Length (2) ! Start Port (2) ! End Port (2) !
 *  ! Starting Address ! Ending Address !
 * Types 7 (IPv4, 4-byte addresses, length 16) and 8 (IPv6, 16-byte addresses, length 40); other types
 * are kept raw.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload, TsType } from "../constants.js";

export interface TrafficSelectorV2 {
  tsType: number;
  ipProtocol: number;
  startPort: number;
  endPort: number;
  startAddress: Buffer;
  endAddress: Buffer;
}

export interface TsPayload {
  selectors: TrafficSelectorV2[];
}

function addressLength(tsType: number): number | undefined {
  return tsType === TsType.IPV4_ADDR_RANGE ? 4 : tsType === TsType.IPV6_ADDR_RANGE ? 16 : undefined;
}

export function encodeTs(ts: TsPayload): Buffer {
  const w = new Writer().u8(ts.selectors.length).u8(0).u16(0);
  for (const s of ts.selectors) {
    if (s.startAddress.length !== s.endAddress.length) throw new RangeError("traffic selector: start and end addresses differ in length");
    w.u8(s.tsType).u8(s.ipProtocol).u16(8 + 2 * s.startAddress.length).u16(s.startPort).u16(s.endPort).bytes(s.startAddress).bytes(s.endAddress);
  }
  return w.finish();
}

export function tsLength(ts: TsPayload): number {
  return 4 + ts.selectors.reduce((n, s) => n + 8 + 2 * s.startAddress.length, 0);
}

export function decodeTs(body: Buffer, payloadType: number = Ikev2Payload.TSI): TsPayload {
  const r = new Reader(body, 0, body.length, payloadType);
  const count = r.u8("number of TSs");
  r.bytes(3, "reserved");
  const selectors: TrafficSelectorV2[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    const tsType = r.u8("TS type");
    const ipProtocol = r.u8("IP protocol");
    const length = r.u16("selector length");
    const want = addressLength(tsType);
    if (length < 8 || (want !== undefined && length !== 8 + 2 * want)) throw new DecodeError("bad-length", `traffic selector of type ${tsType} with length ${length}`, start, payloadType);
    const startPort = r.u16("start port");
    const endPort = r.u16("end port");
    const half = (length - 8) / 2;
    if (!Number.isInteger(half)) throw new DecodeError("bad-length", `traffic selector length ${length} is not 8 plus two equal addresses`, start, payloadType);
    selectors.push({ tsType, ipProtocol, startPort, endPort, startAddress: Buffer.from(r.bytes(half, "starting address")), endAddress: Buffer.from(r.bytes(half, "ending address")) });
  }
  if (r.remaining > 0) throw new DecodeError("bad-length", `${r.remaining} bytes after ${count} traffic selectors`, r.offset, payloadType);
  return { selectors };
}

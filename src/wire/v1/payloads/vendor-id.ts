/**
 * Vendor ID payload (RFC 2408 §3.16): a constant (often an MD5 of a product string) that announces an
 * implementation or an extension (NAT-T, DPD, XAUTH, fragmentation). Names live in data/vendor-ids.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        Vendor ID (VID)                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export interface VendorIdPayload {
  vendorId: Buffer;
}

export function encodeVendorId(p: VendorIdPayload): Buffer {
  return p.vendorId;
}

export function vendorIdLength(p: VendorIdPayload): number {
  return p.vendorId.length;
}

export function decodeVendorId(body: Buffer): VendorIdPayload {
  return { vendorId: decodeData(body, { type: PayloadType.VENDOR_ID, name: "Vendor ID", min: 1, max: Infinity }) };
}

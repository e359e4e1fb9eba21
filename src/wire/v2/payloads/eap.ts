/**
 * IKEv2 EAP payload (RFC 7296 §3.16): one whole EAP message (RFC 3748 §4).
 *
 *  ! Code (1) ! Identifier (1) ! Length (2, the EAP message's) ! Type (1) ! Type-Data ...
 *
 * Success (3) and Failure (4) have no Type: their Length is 4.
 */
import { DecodeError } from "../../../errors.js";
import { Reader } from "../../reader.js";
import { Writer } from "../../writer.js";
import { Ikev2Payload } from "../constants.js";

export const EapCode = { REQUEST: 1, RESPONSE: 2, SUCCESS: 3, FAILURE: 4 } as const;

/** EAP method types an IKEv2 gateway may ask for first (IANA "EAP Method Types"). */
export const EAP_TYPE_NAMES: Readonly<Record<number, string>> = { 1: "Identity", 2: "Notification", 3: "Nak", 4: "MD5-Challenge", 5: "OTP", 6: "GTC", 13: "TLS", 17: "LEAP", 18: "SIM", 21: "TTLS", 23: "AKA", 25: "PEAP", 26: "MSCHAPv2", 43: "FAST", 49: "IKEv2", 50: "AKA'", 52: "PWD", 53: "EKE", 254: "Expanded" };

export interface EapPayload {
  code: number;
  identifier: number;
  /** Request and Response only. */
  eapType?: number;
  data: Buffer;
}

export function encodeEap(e: EapPayload): Buffer {
  const length = 4 + (e.eapType !== undefined ? 1 + e.data.length : 0);
  const w = new Writer(length).u8(e.code).u8(e.identifier).u16(length);
  if (e.eapType !== undefined) w.u8(e.eapType).bytes(e.data);
  return w.finish();
}

export function eapLength(e: EapPayload): number {
  return 4 + (e.eapType !== undefined ? 1 + e.data.length : 0);
}

export function decodeEap(body: Buffer): EapPayload {
  const r = new Reader(body, 0, body.length, Ikev2Payload.EAP);
  const code = r.u8("EAP code");
  const identifier = r.u8("EAP identifier");
  const length = r.u16("EAP length");
  if (length !== body.length) throw new DecodeError("bad-length", `EAP length ${length}, payload body ${body.length} bytes`, 2, Ikev2Payload.EAP);
  if (code === EapCode.SUCCESS || code === EapCode.FAILURE || length === 4) return { code, identifier, data: Buffer.alloc(0) };
  const eapType = r.u8("EAP type");
  return { code, identifier, eapType, data: Buffer.from(r.rest()) };
}

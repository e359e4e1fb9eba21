/**
 * Key Exchange payload (RFC 2408 §3.7): the initiator's or responder's public Diffie-Hellman value.
 *
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Key Exchange Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * The length the group requires (e.g. 256 bytes for MODP-2048) is checked where the group is known.
 */
import { PayloadType } from "../constants.js";
import { decodeData } from "./data.js";

export interface KeyExchangePayload {
  keyExchangeData: Buffer;
}

export function encodeKeyExchange(p: KeyExchangePayload): Buffer {
  return p.keyExchangeData;
}

export function keyExchangeLength(p: KeyExchangePayload): number {
  return p.keyExchangeData.length;
}

export function decodeKeyExchange(body: Buffer): KeyExchangePayload {
  return { keyExchangeData: decodeData(body, { type: PayloadType.KE, name: "Key Exchange", min: 1, max: Infinity }) };
}

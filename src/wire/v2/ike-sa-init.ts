/**
 * The little of IKEv2 (RFC 7296) the scan needs to tell whether a gateway speaks it: an IKE_SA_INIT
 * request, and the first payload of its answer. IKEv2 shares IKEv1's 28-byte header and generic
 * payload header (its reserved byte holds the critical bit): those are the shared ../header.ts and
 * ../chain.ts.
 *
 * SA proposal (§3.3.1):  ! 0|2 ! RESERVED ! Length (2) ! Proposal Num ! Protocol ID ! SPI Size ! #Transforms ! SPI ! Transforms
 * Transform (§3.3.2):    ! 0|3 ! RESERVED ! Length (2) ! Type ! RESERVED ! Transform ID (2) ! Attributes
 * KE (§3.4):             ! Diffie-Hellman Group Num (2) ! RESERVED (2) ! Key Exchange Data
 * Notify (§3.10):        ! Protocol ID ! SPI Size ! Notify Message Type (2) ! SPI ! Notification Data
 */
import { DecodeError } from "../../errors.js";
import { decodeHeader } from "../header.js";
import { decodeChain, encodeChain } from "../chain.js";
import { encodeMessage } from "../header.js";
import { Reader } from "../reader.js";
import { Writer } from "../writer.js";

export const IKEV2_VERSION = 0x20;
export const Ikev2Exchange = { IKE_SA_INIT: 34 } as const;
export const Ikev2Payload = { SA: 33, KE: 34, NONCE: 40, NOTIFY: 41 } as const;
export const Ikev2TransformType = { ENCR: 1, PRF: 2, INTEG: 3, DH: 4 } as const;
const FLAG_INITIATOR = 0x08;
const KEY_LENGTH_ATTRIBUTE = 14;

export const IKEV2_NOTIFY_NAMES: Readonly<Record<number, string>> = { 7: "INVALID_SYNTAX", 14: "NO_PROPOSAL_CHOSEN", 17: "INVALID_KE_PAYLOAD", 24: "AUTHENTICATION_FAILED", 16390: "COOKIE" };

export interface Ikev2Transform {
  type: number;
  id: number;
  keyLength?: number;
}

export function encodeIkev2Proposal(number: number, transforms: readonly Ikev2Transform[]): Buffer {
  const body = Buffer.concat(
    transforms.map((t, i) => {
      const attrs = t.keyLength !== undefined ? new Writer().u16(0x8000 | KEY_LENGTH_ATTRIBUTE).u16(t.keyLength).finish() : Buffer.alloc(0);
      return new Writer().u8(i === transforms.length - 1 ? 0 : 3).u8(0).u16(8 + attrs.length).u8(t.type).u8(0).u16(t.id).bytes(attrs).finish();
    }),
  );
  // Protocol 1 (IKE), no SPI in IKE_SA_INIT.
  return new Writer().u8(0).u8(0).u16(8 + body.length).u8(number).u8(1).u8(0).u8(transforms.length).bytes(body).finish();
}

export interface IkeSaInit {
  spi: Buffer;
  transforms: readonly Ikev2Transform[];
  group: number;
  keyExchangeData: Buffer;
  nonce: Buffer;
}

export function encodeIkeSaInit(m: IkeSaInit): Buffer {
  const chain = encodeChain([
    { type: Ikev2Payload.SA, body: encodeIkev2Proposal(1, m.transforms) },
    { type: Ikev2Payload.KE, body: new Writer().u16(m.group).u16(0).bytes(m.keyExchangeData).finish() },
    { type: Ikev2Payload.NONCE, body: m.nonce },
  ]);
  return encodeMessage(
    { initiatorCookie: m.spi, responderCookie: Buffer.alloc(8), nextPayload: chain.firstType, version: IKEV2_VERSION, exchangeType: Ikev2Exchange.IKE_SA_INIT, flags: FLAG_INITIATOR, messageId: 0 },
    chain.bytes,
  );
}

export type Ikev2Answer =
  | { kind: "ikev1"; version: number }
  | { kind: "notify"; notifyType: number; name: string }
  | { kind: "sa" }
  | { kind: "other"; firstPayload: number };

/** What an answer to IKE_SA_INIT says: an IKEv1 header, a notify (its type), or an SA. */
export function decodeIkeSaInitAnswer(datagram: Buffer): Ikev2Answer {
  const h = decodeHeader(datagram);
  if (h.version >> 4 !== 2) return { kind: "ikev1", version: h.version };
  const chain = decodeChain(Buffer.from(datagram.subarray(28, Math.min(h.length, datagram.length))), h.nextPayload, { lenient: true, baseOffset: 28 });
  const first = chain.payloads[0];
  if (first === undefined) {
    if (h.nextPayload === Ikev2Payload.SA) return { kind: "sa" };
    throw new DecodeError("truncated", "IKEv2 answer without a readable first payload", 28);
  }
  if (first.type === Ikev2Payload.NOTIFY) {
    const r = new Reader(first.body);
    r.u8("protocol id");
    r.u8("SPI size");
    const notifyType = r.u16("notify message type");
    return { kind: "notify", notifyType, name: IKEV2_NOTIFY_NAMES[notifyType] ?? String(notifyType) };
  }
  return first.type === Ikev2Payload.SA ? { kind: "sa" } : { kind: "other", firstPayload: first.type };
}

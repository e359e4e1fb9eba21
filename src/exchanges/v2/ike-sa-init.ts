/**
 * The IKE_SA_INIT request (RFC 7296 §1.2) and what its answer says.
 *
 * Request: HDR(SPIi, SPIr = 0, MID 0, I flag), [N(COOKIE)], SA, KE, Ni, [N(NAT_DETECTION_*)], [N(…)].
 * A COOKIE goes first, with the same SPIi and message ID 0 (§2.6). Answers:
 *  - N(INVALID_KE_PAYLOAD, group): a proposal matched, its group is not our KE's (§1.3; no state);
 *  - N(NO_PROPOSAL_CHOSEN): nothing matched; N(COOKIE): ask again with it;
 *  - another error notify (INVALID_SYNTAX, …);
 *  - SA, KE, Nr and status notifies: the gateway chose, and keeps a half-open IKE SA.
 */
import { createHash, randomBytes } from "node:crypto";
import { DecodeError } from "../../errors.js";
import { Writer } from "../../wire/writer.js";
import { ipToBytes } from "../../wire/ip.js";
import { Ikev2Exchange, Ikev2Flags, Ikev2Notify, Ikev2Payload, SIGNATURE_HASH_NAMES, ikev2NotifyName, isErrorNotify } from "../../wire/v2/constants.js";
import { type Ikev2Message, decodeIkev2Message, encodeIkev2Message } from "../../wire/v2/message.js";
import { type Ikev2Proposal, decodeSa, encodeSa } from "../../wire/v2/payloads/sa.js";
import { type KePayload, decodeKe, encodeKe } from "../../wire/v2/payloads/key-exchange.js";
import { type NotifyPayload, decodeNotify, encodeNotify, ikeNotify } from "../../wire/v2/payloads/notify.js";

export interface SaInitRequest {
  spiI: Buffer;
  proposals: Ikev2Proposal[];
  ke: KePayload;
  nonce: Buffer;
  /** Status notifies after the nonce (NAT detection, IKEV2_FRAGMENTATION_SUPPORTED, …). */
  notifies?: NotifyPayload[];
  cookie?: Buffer;
}

export function encodeSaInit(r: SaInitRequest): Buffer {
  const payloads = [
    ...(r.cookie !== undefined ? [{ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.COOKIE, r.cookie)) }] : []),
    { type: Ikev2Payload.SA, body: encodeSa({ proposals: r.proposals }) },
    { type: Ikev2Payload.KE, body: encodeKe(r.ke) },
    { type: Ikev2Payload.NONCE, body: r.nonce },
    ...(r.notifies ?? []).map((n) => ({ type: Ikev2Payload.NOTIFY, body: encodeNotify(n) })),
  ];
  return encodeIkev2Message({ spiI: r.spiI, spiR: Buffer.alloc(8), exchangeType: Ikev2Exchange.IKE_SA_INIT, flags: Ikev2Flags.INITIATOR, messageId: 0, payloads });
}

/** A fresh SPI: random, never zero (RFC 7296 §3.1). */
export function newSpi(): Buffer {
  for (;;) {
    const spi = randomBytes(8);
    if (!spi.equals(Buffer.alloc(8))) return spi;
  }
}

export type SaInitAnswer =
  | { kind: "invalid-ke"; group: number }
  | { kind: "no-proposal" }
  | { kind: "cookie"; cookie: Buffer }
  | { kind: "error"; notifyType: number; name: string; data: Buffer }
  | { kind: "sa"; spiR: Buffer; proposal: Ikev2Proposal; ke: KePayload | null; nonce: Buffer | null; notifies: NotifyPayload[]; vendorIds: Buffer[]; certReqs: Buffer[]; warnings: string[] }
  | { kind: "ikev1"; version: number }
  | { kind: "malformed"; detail: string };

/**
 * What an answer to IKE_SA_INIT says. Never throws: what cannot be read is `malformed`, with why.
 * A notify-only answer is read by its first error notify (a gateway may add status notifies to it).
 */
export function readSaInitAnswer(datagram: Buffer): SaInitAnswer {
  let msg: Ikev2Message;
  try {
    if (datagram.length >= 18 && datagram[17]! >> 4 === 1) return { kind: "ikev1", version: datagram[17]! };
    msg = decodeIkev2Message(datagram, { lenient: true });
  } catch (e) {
    if (e instanceof DecodeError) return { kind: "malformed", detail: e.message };
    throw e;
  }
  if (!msg.response) return { kind: "malformed", detail: "the answer lacks the Response flag" };
  const notifies: NotifyPayload[] = [];
  try {
    for (const p of msg.payloads) if (p.type === Ikev2Payload.NOTIFY) notifies.push(decodeNotify(p.body));
  } catch (e) {
    if (e instanceof DecodeError) return { kind: "malformed", detail: `a notify payload: ${e.message}` };
    throw e;
  }
  const sa = msg.payloads.find((p) => p.type === Ikev2Payload.SA);
  if (sa === undefined) {
    const error = notifies.find((n) => isErrorNotify(n.notifyType));
    const cookie = notifies.find((n) => n.notifyType === Ikev2Notify.COOKIE);
    if (error === undefined && cookie !== undefined) return cookie.data.length >= 1 && cookie.data.length <= 64 ? { kind: "cookie", cookie: cookie.data } : { kind: "malformed", detail: `a COOKIE of ${cookie.data.length} bytes (1 to 64 allowed, RFC 7296 §2.6)` };
    if (error === undefined) return { kind: "malformed", detail: `an answer without SA or error notify (payloads: ${msg.payloads.map((p) => p.type).join(", ") || "none"})` };
    if (error.notifyType === Ikev2Notify.INVALID_KE_PAYLOAD) {
      return error.data.length === 2 ? { kind: "invalid-ke", group: error.data.readUInt16BE(0) } : { kind: "malformed", detail: `INVALID_KE_PAYLOAD with ${error.data.length} bytes of data (2 expected, RFC 7296 §3.10.1)` };
    }
    if (error.notifyType === Ikev2Notify.NO_PROPOSAL_CHOSEN) return { kind: "no-proposal" };
    return { kind: "error", notifyType: error.notifyType, name: ikev2NotifyName(error.notifyType), data: error.data };
  }
  try {
    const decoded = decodeSa(sa.body, { lenient: true });
    const proposal = decoded.proposals[0]!;
    const warnings = [...msg.warnings, ...(decoded.warnings ?? [])];
    if (decoded.proposals.length > 1) warnings.push(`the gateway answered with ${decoded.proposals.length} proposals (one expected, RFC 7296 §3.3)`);
    const kePayload = msg.payloads.find((p) => p.type === Ikev2Payload.KE);
    const noncePayload = msg.payloads.find((p) => p.type === Ikev2Payload.NONCE);
    return {
      kind: "sa",
      spiR: Buffer.from(msg.header.responderCookie),
      proposal,
      ke: kePayload !== undefined ? decodeKe(kePayload.body) : null,
      nonce: noncePayload?.body ?? null,
      notifies,
      vendorIds: msg.payloads.filter((p) => p.type === Ikev2Payload.VENDOR_ID).map((p) => p.body),
      certReqs: msg.payloads.filter((p) => p.type === Ikev2Payload.CERTREQ).map((p) => p.body),
      warnings,
    };
  } catch (e) {
    if (e instanceof DecodeError) return { kind: "malformed", detail: `the SA payload: ${e.message}` };
    throw e;
  }
}

/** NAT detection data (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP | port); SPIr is zero in the request. */
export function natDetectionHash(spiI: Buffer, spiR: Buffer, address: string, port: number): Buffer {
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return createHash("sha1").update(Buffer.concat([spiI, spiR, ipToBytes(address), p])).digest();
}

/** The request's NAT_DETECTION_SOURCE_IP (our end) and NAT_DETECTION_DESTINATION_IP (the gateway's). */
export function natDetectionNotifies(spiI: Buffer, local: { address: string; port: number }, remote: { address: string; port: number }): NotifyPayload[] {
  const zero = Buffer.alloc(8);
  return [ikeNotify(Ikev2Notify.NAT_DETECTION_SOURCE_IP, natDetectionHash(spiI, zero, local.address, local.port)), ikeNotify(Ikev2Notify.NAT_DETECTION_DESTINATION_IP, natDetectionHash(spiI, zero, remote.address, remote.port))];
}

/** SIGNATURE_HASH_ALGORITHMS' data (RFC 7427 §4): 2-byte hash algorithm numbers. */
export function signatureHashes(ids: readonly number[]): Buffer {
  const w = new Writer(2 * ids.length);
  for (const id of ids) w.u16(id);
  return w.finish();
}

/** The extensions an SA answer announces, one key each; `other`: every other status notify by name. */
export interface Ikev2Notifies {
  fragmentation: boolean;
  signatureHashAlgorithms: string[] | null;
  redirect: boolean;
  childless: boolean;
  intermediateExchange: boolean;
  usePpk: boolean;
  natDetection: boolean;
  multipleAuth: boolean;
  other: string[];
}

export function extensionNotifies(notifies: readonly NotifyPayload[]): Ikev2Notifies {
  const has = (t: number): boolean => notifies.some((n) => n.notifyType === t);
  const sha = notifies.find((n) => n.notifyType === Ikev2Notify.SIGNATURE_HASH_ALGORITHMS);
  const hashes: string[] = [];
  if (sha !== undefined) for (let i = 0; i + 1 < sha.data.length; i += 2) hashes.push(SIGNATURE_HASH_NAMES[sha.data.readUInt16BE(i)] ?? `hash${sha.data.readUInt16BE(i)}`);
  const known = new Set<number>([
    Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED,
    Ikev2Notify.SIGNATURE_HASH_ALGORITHMS,
    Ikev2Notify.REDIRECT_SUPPORTED,
    Ikev2Notify.CHILDLESS_IKEV2_SUPPORTED,
    Ikev2Notify.INTERMEDIATE_EXCHANGE_SUPPORTED,
    Ikev2Notify.USE_PPK,
    Ikev2Notify.NAT_DETECTION_SOURCE_IP,
    Ikev2Notify.NAT_DETECTION_DESTINATION_IP,
    Ikev2Notify.MULTIPLE_AUTH_SUPPORTED,
  ]);
  return {
    fragmentation: has(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED),
    signatureHashAlgorithms: sha !== undefined ? hashes : null,
    redirect: has(Ikev2Notify.REDIRECT_SUPPORTED),
    childless: has(Ikev2Notify.CHILDLESS_IKEV2_SUPPORTED),
    intermediateExchange: has(Ikev2Notify.INTERMEDIATE_EXCHANGE_SUPPORTED),
    usePpk: has(Ikev2Notify.USE_PPK),
    natDetection: has(Ikev2Notify.NAT_DETECTION_SOURCE_IP) || has(Ikev2Notify.NAT_DETECTION_DESTINATION_IP),
    multipleAuth: has(Ikev2Notify.MULTIPLE_AUTH_SUPPORTED),
    other: [...new Set(notifies.filter((n) => !known.has(n.notifyType)).map((n) => ikev2NotifyName(n.notifyType)))],
  };
}


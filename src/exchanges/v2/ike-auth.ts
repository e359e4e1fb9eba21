/**
 * IKE_AUTH (RFC 7296 §1.2, §2.15) and the protected messages after IKE_SA_INIT.
 *
 * Request, inside SK: IDi, [CERT+], [N(INITIAL_CONTACT)], [CERTREQ+], [IDr], [AUTH],
 * [N(USE_TRANSPORT_MODE)], SA, TSi, TSr. No AUTH asks for EAP (§2.16). With no CHILD SA to
 * set up, SA, TSi and TSr are left out (RFC 6023).
 *
 * AUTH proves the sender's first message: its "signed octets" are that message, the peer's nonce and
 * prf(SK_p, the sender's ID payload body) (§2.15). A shared key MACs them:
 * prf(prf(key, "Key Pad for IKEv2"), signed octets).
 *
 * An answer is read as far as it can be: an SK that does not open with our keys, a malformed inner
 * chain, error notifies, AUTH or EAP, the CHILD SA's SA and TS. Nothing here throws for what a
 * gateway sends: the answer says what it is.
 */
import { DecodeError, ProtocolError } from "../../errors.js";
import type { Prf } from "../../crypto/v2/prf.js";
import { type Ikev2Header, type SkKeys, type SkSuite, protect, protectChain, protectionOverhead, unprotect } from "../../crypto/v2/sk.js";
import { type OutgoingPayload, decodeChain, encodeChain } from "../../wire/chain.js";
import { CRITICAL, Ikev2Exchange, Ikev2Flags, Ikev2Notify, Ikev2Payload, ProtocolId, ikev2NotifyName, isErrorNotify } from "../../wire/v2/constants.js";
import { type Ikev2Message, decodeIkev2Message } from "../../wire/v2/message.js";
import { type AuthPayload, decodeAuth, encodeAuth } from "../../wire/v2/payloads/auth.js";
import { type CertPayload, decodeCert, encodeCert } from "../../wire/v2/payloads/certificate.js";
import { encodeDelete } from "../../wire/v2/payloads/delete.js";
import { type EapPayload, decodeEap, encodeEap } from "../../wire/v2/payloads/eap.js";
import { type IdPayload, decodeId, encodeId } from "../../wire/v2/payloads/identification.js";
import { type KePayload, decodeKe } from "../../wire/v2/payloads/key-exchange.js";
import { type NotifyPayload, decodeNotify, encodeNotify, ikeNotify } from "../../wire/v2/payloads/notify.js";
import { type Ikev2Proposal, decodeSa, encodeSa } from "../../wire/v2/payloads/sa.js";
import { type TrafficSelectorV2, decodeTs, encodeTs } from "../../wire/v2/payloads/traffic-selector.js";

const KEY_PAD = Buffer.from("Key Pad for IKEv2");

/** The octets AUTH covers (RFC 7296 §2.15): the sender's IKE_SA_INIT message | the peer's nonce | prf(SK_p, ID body). */
export function signedOctets(prf: Prf, firstMessage: Buffer, peerNonce: Buffer, skP: Buffer, idBody: Buffer): Buffer {
  return Buffer.concat([firstMessage, peerNonce, prf(skP, idBody)]);
}

/** AUTH data for a shared key (RFC 7296 §2.15): prf(prf(key, "Key Pad for IKEv2"), signed octets). */
export function sharedKeyAuth(prf: Prf, key: Buffer, signed: Buffer): Buffer {
  return prf(prf(key, KEY_PAD), signed);
}

/** The CHILD SA asked for in IKE_AUTH: ESP proposals (SPIs filled in) and traffic selectors. */
export interface ChildRequest {
  proposals: Ikev2Proposal[];
  tsi: TrafficSelectorV2[];
  tsr: TrafficSelectorV2[];
  /** Asks for transport mode (N(USE_TRANSPORT_MODE), §3.10.1); tunnel otherwise. */
  transport: boolean;
}

export interface IkeAuthRequest {
  spiI: Buffer;
  spiR: Buffer;
  /** 1 for the first IKE_AUTH; each further request (EAP rounds) the next. */
  messageId: number;
  idi: IdPayload;
  idr?: IdPayload;
  /** Absent: the initiator asks for EAP (§2.16). */
  auth?: AuthPayload;
  certs?: CertPayload[];
  certReqs?: CertPayload[];
  initialContact?: boolean;
  child?: ChildRequest;
}

/** The inner payloads of an IKE_AUTH request, in RFC 7296 §1.2's order. */
export function ikeAuthPayloads(r: IkeAuthRequest): OutgoingPayload[] {
  const notify = (type: number): OutgoingPayload => ({ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(type)) });
  return [
    { type: Ikev2Payload.IDI, body: encodeId(r.idi) },
    ...(r.certs ?? []).map((c) => ({ type: Ikev2Payload.CERT, body: encodeCert(c) })),
    ...(r.initialContact === true ? [notify(Ikev2Notify.INITIAL_CONTACT)] : []),
    ...(r.certReqs ?? []).map((c) => ({ type: Ikev2Payload.CERTREQ, body: encodeCert(c) })),
    ...(r.idr !== undefined ? [{ type: Ikev2Payload.IDR, body: encodeId(r.idr) }] : []),
    ...(r.auth !== undefined ? [{ type: Ikev2Payload.AUTH, body: encodeAuth(r.auth) }] : []),
    ...(r.child !== undefined
      ? [
          ...(r.child.transport ? [notify(Ikev2Notify.USE_TRANSPORT_MODE)] : []),
          { type: Ikev2Payload.SA, body: encodeSa({ proposals: r.child.proposals }) },
          { type: Ikev2Payload.TSI, body: encodeTs({ selectors: r.child.tsi }) },
          { type: Ikev2Payload.TSR, body: encodeTs({ selectors: r.child.tsr }) },
        ]
      : []),
  ];
}

/**
 * An IKE message as IKE fragments (RFC 7383 §2.5) no larger than `maxMessage` bytes each (the IKE
 * message, without IP and UDP headers): the inner chain cut into pieces, each protected as an SKF
 * payload; the first fragment names the first inner payload's type.
 */
export function protectFragments(h: Ikev2Header, inner: readonly OutgoingPayload[], suite: SkSuite, keys: SkKeys, maxMessage: number): Buffer[] {
  const chain = encodeChain(inner);
  // IKE header (28), SKF header with its fragment fields (8), IV, ICV and padding.
  const room = Math.max(16, maxMessage - 28 - 8 - protectionOverhead(suite));
  const total = Math.max(1, Math.ceil(chain.bytes.length / room));
  return Array.from({ length: total }, (_, i) =>
    protectChain(h, { firstType: i === 0 ? chain.firstType : 0, bytes: chain.bytes.subarray(i * room, (i + 1) * room) }, suite, keys, undefined, { number: i + 1, total }),
  );
}

/** A further IKE_AUTH request carrying one EAP message (§2.16: EAP rounds after the first IKE_AUTH). */
export function encodeEapRound(h: { spiI: Buffer; spiR: Buffer; messageId: number }, eap: EapPayload, suite: SkSuite, keys: SkKeys): Buffer {
  return protect({ spiI: h.spiI, spiR: h.spiR, exchangeType: Ikev2Exchange.IKE_AUTH, flags: Ikev2Flags.INITIATOR, messageId: h.messageId }, [{ type: Ikev2Payload.EAP, body: encodeEap(eap) }], suite, keys);
}

/** An INFORMATIONAL request (§1.4): DELETE of the IKE SA with `deleteIkeSa`, else empty (the liveness check, §2.4). */
export function encodeInformational(h: { spiI: Buffer; spiR: Buffer; messageId: number }, suite: SkSuite, keys: SkKeys, opts: { deleteIkeSa?: boolean } = {}): Buffer {
  const inner = opts.deleteIkeSa === true ? [{ type: Ikev2Payload.DELETE, body: encodeDelete({ protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }) }] : [];
  return protect({ spiI: h.spiI, spiR: h.spiR, exchangeType: Ikev2Exchange.INFORMATIONAL, flags: Ikev2Flags.INITIATOR, messageId: h.messageId }, inner, suite, keys);
}

/** An inner payload as decoded from SK: type, critical bit, body. */
export interface InnerPayload {
  type: number;
  critical: boolean;
  body: Buffer;
}

export type Opened =
  | { kind: "opened"; message: Ikev2Message; inner: InnerPayload[]; warnings: string[] }
  /** The SK payload does not verify (ICV or tag) or decrypt (length, padding) with our keys. */
  | { kind: "undecryptable"; code: string; detail: string }
  /** Fragments (SKF, RFC 7383): without a store, one not reassembled; with one, `number` of `total` in so far. */
  | { kind: "fragment"; number: number; total: number }
  | { kind: "malformed"; detail: string };

/** The fragments of one answer received so far (RFC 7383 §2.6), by number: each verified and decrypted. */
export interface FragmentStore {
  total: number;
  pieces: Map<number, Buffer>;
  /** The inner chain's first payload type, from fragment 1. */
  firstType: number;
}

export function fragmentStore(): FragmentStore {
  return { total: 0, pieces: new Map(), firstType: 0 };
}

/**
 * Opens a protected answer: checks that it is a response to `expect` (SPIs, exchange, message ID),
 * verifies and decrypts its SK payload with the responder's keys and decodes the inner chain. With
 * a `store`, IKE fragments (SKF, RFC 7383) are verified and decrypted one by one and kept; the
 * answer opens when the last one is in (until then: `fragment`, with how many are in).
 */
export function openProtected(datagram: Buffer, expect: { spiI: Buffer; spiR: Buffer; exchangeType: number; messageId: number }, suite: SkSuite, keys: SkKeys, store?: FragmentStore): Opened {
  let message: Ikev2Message;
  try {
    message = decodeIkev2Message(datagram, { lenient: true });
  } catch (e) {
    if (e instanceof DecodeError) return { kind: "malformed", detail: e.message };
    throw e;
  }
  const h = message.header;
  if (!message.response) return { kind: "malformed", detail: "the answer lacks the Response flag" };
  if (!h.initiatorCookie.equals(expect.spiI) || !h.responderCookie.equals(expect.spiR)) return { kind: "malformed", detail: "the answer's SPIs are not this IKE SA's" };
  if (h.messageId !== expect.messageId) return { kind: "malformed", detail: `message ID ${h.messageId}, ${expect.messageId} expected` };
  if (h.exchangeType !== expect.exchangeType) return { kind: "malformed", detail: `exchange type ${h.exchangeType}, ${expect.exchangeType} expected` };
  const last = message.payloads.at(-1);
  if (last?.type === Ikev2Payload.SKF) {
    const number = last.body.length >= 4 ? last.body.readUInt16BE(0) : 0;
    const total = last.body.length >= 4 ? last.body.readUInt16BE(2) : 0;
    if (store === undefined) return { kind: "fragment", number, total };
    if (number < 1 || number > total) return { kind: "malformed", detail: `IKE fragment ${number} of ${total}` };
    let piece: { firstType: number; chain: Buffer };
    try {
      piece = unprotect(message.raw, message.raw.length - last.raw.length, suite, keys, { fragment: true });
    } catch (e) {
      if (e instanceof ProtocolError) return { kind: "undecryptable", code: e.code, detail: `IKE fragment ${number} of ${total}: ${e.message}` };
      throw e;
    }
    // A new total starts the answer again (§2.6: the sender re-fragmented it).
    if (total !== store.total) {
      store.total = total;
      store.pieces.clear();
    }
    store.pieces.set(number, piece.chain);
    if (number === 1) store.firstType = piece.firstType;
    if (store.pieces.size < total) return { kind: "fragment", number: store.pieces.size, total };
    const whole = Buffer.concat(Array.from({ length: total }, (_, i) => store.pieces.get(i + 1)!));
    return openedChain(message, whole, store.firstType, `reassembled from ${total} IKE fragments: `);
  }
  if (last?.type !== Ikev2Payload.SK) {
    const notifies = message.payloads.filter((p) => p.type === Ikev2Payload.NOTIFY);
    const names = notifies.flatMap((p) => (p.body.length >= 4 ? [ikev2NotifyName(p.body.readUInt16BE(2))] : []));
    return { kind: "malformed", detail: `an answer without an SK payload${names.length > 0 ? ` (unprotected notifies: ${names.join(", ")})` : ""}` };
  }
  let plain: { firstType: number; chain: Buffer };
  try {
    plain = unprotect(message.raw, message.raw.length - last.raw.length, suite, keys);
  } catch (e) {
    if (e instanceof ProtocolError) return { kind: "undecryptable", code: e.code, detail: e.message };
    throw e;
  }
  return openedChain(message, plain.chain, plain.firstType, "");
}

function openedChain(message: Ikev2Message, bytes: Buffer, firstType: number, where: string): Opened {
  try {
    const chain = decodeChain(bytes, firstType, { lenient: true, flagsAllowed: CRITICAL });
    const inner = chain.payloads.map((p) => ({ type: p.type, critical: (p.raw[1]! & CRITICAL) !== 0, body: p.body }));
    const warnings = [...message.warnings, ...chain.warnings];
    if (chain.trailing.length > 0) warnings.push(`${chain.trailing.length} bytes after the last inner payload`);
    return { kind: "opened", message, inner, warnings };
  } catch (e) {
    if (e instanceof DecodeError) return { kind: "malformed", detail: `inside SK: ${where}${e.message}` };
    throw e;
  }
}

/** Payload types RFC 7296 defines (a critical unknown one must be refused, §2.5). */
const KNOWN = new Set<number>(Object.values(Ikev2Payload));

export interface ProtectedAnswer {
  idr: IdPayload | null;
  auth: AuthPayload | null;
  certs: CertPayload[];
  certReqs: CertPayload[];
  eap: EapPayload | null;
  /** Nr and KEr (a CREATE_CHILD_SA answer); null when absent. */
  nonce: Buffer | null;
  ke: KePayload | null;
  /** The CHILD SA the gateway chose (one proposal), with its TS; null when it set none up. */
  child: { proposal: Ikev2Proposal; tsi: TrafficSelectorV2[]; tsr: TrafficSelectorV2[]; transport: boolean } | null;
  /** Error notifies (type < 16384), in order: AUTHENTICATION_FAILED, TS_UNACCEPTABLE, … */
  errors: NotifyPayload[];
  /** Status notifies. */
  status: NotifyPayload[];
  /** Critical payloads of a type we do not know (RFC 7296 §2.5: the message must be rejected). */
  unknownCritical: number[];
  /** What was present but could not be read, payload by payload. */
  unreadable: string[];
  warnings: string[];
}

/** Reads the opened inner payloads of an IKE_AUTH or CREATE_CHILD_SA answer. Never throws: what cannot be read is listed in `unreadable`. */
export function readProtectedAnswer(inner: readonly InnerPayload[]): ProtectedAnswer {
  const a: ProtectedAnswer = { idr: null, auth: null, certs: [], certReqs: [], eap: null, nonce: null, ke: null, child: null, errors: [], status: [], unknownCritical: [], unreadable: [], warnings: [] };
  const read = <T>(what: string, f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (e instanceof DecodeError) {
        a.unreadable.push(`${what}: ${e.message}`);
        return null;
      }
      throw e;
    }
  };
  let sa: Ikev2Proposal | null = null;
  let tsi: TrafficSelectorV2[] | null = null;
  let tsr: TrafficSelectorV2[] | null = null;
  for (const p of inner) {
    switch (p.type) {
      case Ikev2Payload.IDR:
        a.idr = read("IDr", () => decodeId(p.body, Ikev2Payload.IDR));
        break;
      case Ikev2Payload.AUTH:
        a.auth = read("AUTH", () => decodeAuth(p.body));
        break;
      case Ikev2Payload.CERT: {
        const c = read("CERT", () => decodeCert(p.body));
        if (c !== null) a.certs.push(c);
        break;
      }
      case Ikev2Payload.CERTREQ: {
        const c = read("CERTREQ", () => decodeCert(p.body, Ikev2Payload.CERTREQ));
        if (c !== null) a.certReqs.push(c);
        break;
      }
      case Ikev2Payload.EAP:
        a.eap = read("EAP", () => decodeEap(p.body));
        break;
      case Ikev2Payload.NOTIFY: {
        const n = read("a notify", () => decodeNotify(p.body));
        if (n !== null) (isErrorNotify(n.notifyType) ? a.errors : a.status).push(n);
        break;
      }
      case Ikev2Payload.SA: {
        const d = read("SA", () => decodeSa(p.body, { lenient: true }));
        if (d !== null) {
          sa = d.proposals[0] ?? null;
          if (d.proposals.length > 1) a.warnings.push(`the gateway answered with ${d.proposals.length} CHILD SA proposals (one expected)`);
        }
        break;
      }
      case Ikev2Payload.NONCE:
        a.nonce = p.body.length >= 16 && p.body.length <= 256 ? p.body : null;
        if (a.nonce === null) a.unreadable.push(`Nonce: ${p.body.length} bytes (RFC 7296 §3.9: 16 to 256)`);
        break;
      case Ikev2Payload.KE:
        a.ke = read("KE", () => decodeKe(p.body));
        break;
      case Ikev2Payload.TSI:
        tsi = read("TSi", () => decodeTs(p.body, Ikev2Payload.TSI).selectors);
        break;
      case Ikev2Payload.TSR:
        tsr = read("TSr", () => decodeTs(p.body, Ikev2Payload.TSR).selectors);
        break;
      default:
        if (!KNOWN.has(p.type) && p.critical) a.unknownCritical.push(p.type);
        else if (!KNOWN.has(p.type)) a.warnings.push(`an unknown payload ${p.type} (not critical) ignored`);
    }
  }
  if (sa !== null && tsi !== null && tsr !== null) a.child = { proposal: sa, tsi, tsr, transport: a.status.some((n) => n.notifyType === Ikev2Notify.USE_TRANSPORT_MODE) };
  else if (sa !== null || tsi !== null || tsr !== null) a.unreadable.push("the CHILD SA: SA, TSi and TSr must come together");
  return a;
}

/** Traffic selectors narrowed: `granted` is not the whole of `asked` (RFC 7296 §2.9). */
export function narrowed(asked: readonly TrafficSelectorV2[], granted: readonly TrafficSelectorV2[]): boolean {
  const key = (s: TrafficSelectorV2): string => `${s.tsType}/${s.ipProtocol}/${s.startPort}-${s.endPort}/${s.startAddress.toString("hex")}-${s.endAddress.toString("hex")}`;
  const got = new Set(granted.map(key));
  return asked.some((s) => !got.has(key(s)));
}

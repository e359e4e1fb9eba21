/**
 * What Main and Aggressive Mode share as initiators: the cookies and the result, the first checks on
 * every datagram (our cookie, ISAKMP 1.0, Informationals, the exchange type, the responder cookie),
 * message 2's SA, the algorithms and keys, error notifies and how an exchange ends. No sockets: the
 * driver feeds datagrams to `receive()` and timeouts to `timeout()`, and sends what they return.
 */
import { type CipherSpec, cipherAvailable, cipherSpec } from "../../../crypto/cipher.js";
import { type KeyExchange } from "../../../crypto/dh.js";
import { derivePhase1Keys, phase1Iv } from "../../../crypto/v1/keys.js";
import { type HashAlg, hashAlg } from "../../../crypto/prf.js";
import { DecodeError, IkeprobeError } from "../../../errors.js";
import { ExchangeType, NotifyType, PayloadType } from "../../../wire/v1/constants.js";
import { isIkev1 } from "../../../wire/header.js";
import { type Message, type OutgoingPayload, type RawPayload, decodeMessage, encodeChain, encodeMessage } from "../../../wire/v1/message.js";
import { decodeId } from "../../../wire/v1/payloads/identification.js";
import { describeIdentity } from "../../../x509/identity.js";
import { decodeNotification } from "../../../wire/v1/payloads/notification.js";
import { decodeCertificateRequest } from "../../../wire/v1/payloads/certificate-request.js";
import { authorityText } from "../../../x509/name.js";
import { isFragmentMessage } from "../../../wire/v1/payloads/fragment.js";
import { FRAGMENTATION_VID } from "../../../data/vendor-ids.js";
import { Fragmentation } from "./fragments.js";
import { decodeSa, encodeSa } from "../../../wire/v1/payloads/sa.js";
import { type IsakmpSa, header, nonZeroRandom, readInformational } from "../isakmp-sa.js";
import type { AuthContext, AuthEvent, Phase1Auth } from "./auth.js";
import { type FindingFacts, type FindingId, identityFinding } from "./identity.js";
import { natTFromVendorIds, type NatDInputs } from "./nat-t.js";
import { applyResponderLifetime, notifyInfo, phase1Sa, readSelectedTransform } from "./proposal.js";
import type { NatTResult, NotifyInfo, Phase1Config, Phase1Result, Phase1Stage, Phase1Transform, Step } from "./types.js";

/** The chosen transform's algorithms, once message 2 is in. */
export interface Algorithms {
  transform: Phase1Transform;
  hash: HashAlg;
  cipher: CipherSpec;
  natT: NatTResult;
}

/** Keys and the inputs of both proofs, once the Diffie-Hellman exchange is done. */
export interface Keyed {
  alg: Algorithms;
  ctx: AuthContext;
  /** The IV for the next encrypted Phase 1 message (RFC 2409 App. B). */
  iv: Buffer;
}

export abstract class Phase1Initiator {
  readonly initiatorCookie: Buffer;
  readonly result: Phase1Result = {
    offer: "no-response",
    vendorIds: [],
    warnings: [],
    gatewayResent: 0,
    certificates: [],
    certificateRequests: [],
    fragmentation: { supported: false, sent: 0, received: 0 },
  };
  /** IKE fragments in and out (fragments.ts). */
  private readonly fragments: Fragmentation;
  /** The last ciphertext block of the last Phase 1 message: seeds every later exchange's IV (RFC 2409 Appendix B). */
  phase1LastBlock: Buffer = Buffer.alloc(0);
  protected readonly cfg: Phase1Config;
  /** The authentication method; none: the exchange stops where a secret would be needed. */
  protected readonly auth: Phase1Auth | undefined;
  /** SAi_b: our SA payload's body as sent (both proofs cover it). */
  protected readonly saiB: Buffer;
  protected responderCookie: Buffer = Buffer.alloc(8);
  protected floated = false;
  /** Set once keys exist (MM4, AM2), authenticated or not. */
  protected keyed: Keyed | undefined;
  protected abstract readonly exchangeType: number;

  constructor(cfg: Phase1Config, auth: Phase1Auth | undefined) {
    this.cfg = cfg;
    this.auth = auth;
    this.initiatorCookie = cfg.initiatorCookie ?? nonZeroRandom(8);
    this.saiB = encodeSa(phase1Sa([cfg.transform]));
    this.fragments = new Fragmentation(cfg.fragmentation, this.result.fragmentation, this.result.warnings);
  }

  abstract get currentStage(): Phase1Stage;
  /** Message 1. */
  abstract start(): Buffer;
  /** No answer after all retransmissions. */
  abstract timeout(): Step;
  /** An answer of this exchange's type with the right cookies, at the current stage. */
  protected abstract onAnswer(msg: Message): Step;
  /** The IV of an encrypted Informational answering our last message, if one can come now. */
  protected abstract informationalIv(): Buffer | undefined;
  protected abstract setDone(): void;

  /** Whether a datagram belongs to this exchange (our cookie). */
  matches(datagram: Buffer): boolean {
    return datagram.length >= 28 && datagram.subarray(0, 8).equals(this.initiatorCookie);
  }

  receive(datagram: Buffer): Step {
    if (this.currentStage === "done") return { kind: "ignore", reason: "exchange already finished" };
    if (isFragmentMessage(datagram)) return this.fragment(datagram);
    let msg: Message;
    try {
      msg = decodeMessage(datagram, { lenient: false });
    } catch (e) {
      if (e instanceof DecodeError) return this.malformed(e);
      throw e;
    }
    this.result.warnings.push(...msg.warnings);
    const h = msg.header;
    if (!isIkev1(h)) {
      return this.fail(
        new IkeprobeError("bad-version", `the gateway answered with ISAKMP version ${h.version >> 4}.${h.version & 15} instead of 1.0${h.version >> 4 === 2 ? " (it may speak IKEv2 only)" : ""}`),
      );
    }
    try {
      if (h.exchangeType === ExchangeType.INFORMATIONAL) return this.informational(msg);
      if (h.exchangeType !== this.exchangeType) {
        return { kind: "ignore", reason: `exchange type ${h.exchangeType} while in ${this.exchangeType === ExchangeType.AGGRESSIVE ? "Aggressive" : "Main"} Mode` };
      }
      if (!this.awaitingMessage2() && !h.responderCookie.equals(this.responderCookie)) return { kind: "ignore", reason: "responder cookie changed" };
      return this.onAnswer(msg);
    } catch (e) {
      if (e instanceof IkeprobeError) return this.fail(e);
      throw e;
    }
  }

  /** One IKE fragment: kept until its message is whole, which is then received as if it came in one piece. */
  private fragment(datagram: Buffer): Step {
    const whole = this.fragments.take(datagram);
    if (whole === "malformed") return { kind: "ignore", reason: "malformed IKE fragment" };
    if (whole === "partial") return { kind: "ignore", reason: "IKE fragment of a message not yet complete", seen: true };
    if (isFragmentMessage(whole)) return { kind: "ignore", reason: "a reassembled message that is itself a fragment" };
    return this.receive(whole);
  }

  /** A message of ours as it goes out: whole, or as IKE fragments (fragments.ts). */
  protected outgoing(message: Buffer): Buffer | Buffer[] {
    return this.fragments.cut(message, (this.cfg.remote.address.includes(":") ? 40 : 20) + 8 + (this.floated ? 4 : 0));
  }

  /** The established ISAKMP SA, for Quick Mode and Informationals (only after authentication). */
  isakmpSa(): IsakmpSa {
    const sa = this.saView();
    if (this.result.identity?.status !== "authenticated" || sa === undefined) throw new IkeprobeError("no-sa", "no authenticated ISAKMP SA");
    return sa;
  }

  /** The SA as far as it goes (keys once message 4 or AM2 is in), authenticated or not. */
  protected saView(): IsakmpSa | undefined {
    const k = this.keyed;
    if (k === undefined) return undefined;
    return {
      hash: k.alg.hash,
      cipher: k.alg.cipher,
      keys: k.ctx.keys,
      initiatorCookie: this.initiatorCookie,
      responderCookie: this.responderCookie,
      phase1LastBlock: this.phase1LastBlock,
      natVariant: k.alg.natT.variant,
      floated: this.floated,
      local: this.cfg.local,
      remote: this.cfg.remote,
    };
  }

  private awaitingMessage2(): boolean {
    return this.currentStage === "mm1" || this.currentStage === "am1";
  }

  // --- message 2 -----------------------------------------------------------------------------

  /** Message 2 of either mode: the chosen transform, vendor IDs, NAT-T support. A Step: ignore it. */
  protected acceptSa(msg: Message): { selected: Phase1Transform; natT: NatTResult } | Step {
    const h = msg.header;
    if (h.responderCookie.equals(Buffer.alloc(8))) return { kind: "ignore", reason: "message 2 with a zero responder cookie" };
    const saP = msg.payloads.find((p) => p.type === PayloadType.SA);
    if (saP === undefined) throw new IkeprobeError("missing-payload", "message 2 has no SA payload");
    const { selected } = readSelectedTransform(decodeSa(saP.body), [this.cfg.transform]);
    this.responderCookie = Buffer.from(h.responderCookie);
    this.result.responderCookie = this.responderCookie;
    this.result.offer = "accepted";
    this.result.selected = selected;
    this.result.vendorIds = msg.payloads.filter((p) => p.type === PayloadType.VENDOR_ID).map((p) => p.body);
    collectCertificates(this.result, msg.payloads);
    applyResponderLifetime(msg.payloads, selected);
    const natT = natTFromVendorIds(this.result.vendorIds, this.cfg.natT);
    this.result.fragmentation.supported = this.result.vendorIds.some((v) => v.subarray(0, 16).toString("hex") === FRAGMENTATION_VID.slice(0, 32));
    this.result.natT = natT;
    return { selected: selected.transform, natT };
  }

  /** Our hash and cipher for the chosen transform; a Step when this machine lacks the cipher. */
  protected algorithms(t: Phase1Transform, natT: NatTResult): Algorithms | Step {
    const hash = hashAlg(t.hash);
    const cipher = cipherSpec(t.encryption, t.keyBits);
    if (!cipherAvailable(cipher)) {
      return this.fail(
        new IkeprobeError(
          "unsupported",
          `the gateway accepted ${cipher.node}, which is not supported on this machine: OpenSSL ${process.versions.openssl} provides it only with its legacy provider (run with NODE_OPTIONS=--openssl-legacy-provider)`,
        ),
      );
    }
    return { transform: t, hash, cipher, natT };
  }

  /** SKEYID and its family from the Diffie-Hellman result (RFC 2409 §5), and the first IV. */
  protected deriveKeys(alg: Algorithms, auth: Phase1Auth, kex: KeyExchange, ni: Buffer, gxr: Buffer, nr: Buffer): Keyed {
    const gxy = kex.computeSecret(gxr);
    const skeyid = auth.skeyid(alg.hash, ni, nr, gxy);
    const keys = derivePhase1Keys(alg.hash, skeyid, gxy, this.initiatorCookie, this.responderCookie, alg.cipher.keyLength);
    this.result.keys = keys;
    const ctx: AuthContext = { hash: alg.hash, keys, gxi: kex.publicValue, gxr, initiatorCookie: this.initiatorCookie, responderCookie: this.responderCookie, saiB: this.saiB };
    this.keyed = { alg, ctx, iv: phase1Iv(alg.hash, kex.publicValue, gxr, alg.cipher.blockSize) };
    return this.keyed;
  }

  protected natDInputs(hash: HashAlg): NatDInputs {
    return { hash, initiatorCookie: this.initiatorCookie, responderCookie: this.responderCookie, local: this.cfg.local, remote: this.cfg.remote };
  }

  // --- informational replies -----------------------------------------------------------------

  private informational(msg: Message): Step {
    let notifies: NotifyInfo[];
    if (msg.ciphertext === undefined) {
      notifies = msg.payloads.filter((p) => p.type === PayloadType.NOTIFICATION).map((p) => notifyInfo(decodeNotification(p.body), false));
    } else {
      const iv = this.informationalIv();
      const sa = this.saView();
      if (iv === undefined || sa === undefined) return { kind: "ignore", reason: "encrypted Informational before we have keys" };
      const info = readInformational(sa, msg, iv);
      if (info === undefined) {
        const text = `message ID 0x${msg.header.messageId.toString(16).padStart(8, "0")}, ${msg.raw.length} bytes`;
        return this.authIdentity("notify-undecryptable", { ...this.facts(), text });
      }
      notifies = info.notifies.map((n) => ({ type: n.type, name: n.name, protected: true, ...(n.data !== "" ? { dataHex: n.data } : {}) }));
    }
    const err = notifies.find((n) => n.type < 16384) ?? notifies[0];
    if (err === undefined) return { kind: "ignore", reason: "Informational without a notification" };
    if (this.awaitingMessage2()) {
      this.result.offer = "rejected";
      this.result.notify = err;
      return this.finish();
    }
    if (this.currentStage === "mm3") return this.identity("key-exchange-refused", { ...this.facts(), notify: err }, err);
    return this.identityNotify(err);
  }

  /** An error notify in reply to our proof (MM5). */
  private identityNotify(n: NotifyInfo): Step {
    const facts = { ...this.facts(), notify: n };
    switch (n.type) {
      case NotifyType.INVALID_ID_INFORMATION:
        return this.identity("invalid-id", facts, n);
      case NotifyType.PAYLOAD_MALFORMED:
        return this.authIdentity("payload-malformed", facts, n);
      case NotifyType.INVALID_HASH_INFORMATION:
      case NotifyType.AUTHENTICATION_FAILED:
        return this.authIdentity("authentication-failed", facts, n);
      case NotifyType.INVALID_CERT_ENCODING:
      case NotifyType.INVALID_CERTIFICATE:
      case NotifyType.CERT_TYPE_UNSUPPORTED:
      case NotifyType.INVALID_CERT_AUTHORITY:
      case NotifyType.CERTIFICATE_UNAVAILABLE:
        return this.authIdentity("certificate-refused", facts, n);
      case NotifyType.INVALID_SIGNATURE:
        return this.authIdentity("signature-refused", facts, n);
      default:
        return this.identity("mm5-refused", facts, n);
    }
  }

  // --- how an exchange ends ------------------------------------------------------------------

  /** Our ID in words, what the gateway asked for and the method's own facts, for the findings' texts. */
  protected facts(): FindingFacts {
    const id = describeIdentity(this.cfg.localId);
    const requested = requestedAuthorities(this.result.certificateRequests);
    return { local: `${id.type} ${id.value}`, ...(requested.length > 0 ? { requested } : {}), ...(this.auth?.facts?.() ?? {}) };
  }

  /** The gateway re-sent its previous message instead of answering ours (or lost it). */
  protected resent(what: string): Step {
    this.result.gatewayResent++;
    return { kind: "ignore", reason: `the gateway re-sent ${what}`, seen: true };
  }

  /** A finding whose meaning is the authentication method's (the events of auth.ts). */
  protected authIdentity(event: AuthEvent, facts: FindingFacts, notify?: NotifyInfo, remoteId?: { type: string; value: string }): Step {
    if (this.auth === undefined) return this.identity("local-error", { ...facts, text: `no authentication method for ${event}` });
    const finding = this.auth.findings[event];
    return this.identity(typeof finding === "function" ? finding(facts) : finding, facts, notify, remoteId);
  }

  protected identity(id: FindingId, facts: FindingFacts, notify?: NotifyInfo, remoteId?: { type: string; value: string }, evidence?: string): Step {
    const r = identityFinding(id, remoteId !== undefined ? { ...facts, remote: `${remoteId.type} ${remoteId.value}` } : facts, evidence);
    this.result.identity = { ...r, ...(notify !== undefined ? { notify } : {}), ...(remoteId !== undefined ? { remoteId } : {}) };
    return this.finish();
  }

  protected malformed(e: DecodeError): Step {
    if (this.result.offer !== "accepted") {
      this.result.offer = "malformed";
      this.result.error = { code: e.code, message: `message 2 is malformed: ${e.message}` };
      return this.finish();
    }
    return this.identity("malformed-reply", { ...this.facts(), stage: this.currentStage, text: e.message });
  }

  protected fail(e: IkeprobeError): Step {
    // Aggressive Mode message 2 is one answer: a payload of it we cannot read (after its SA was
    // taken) makes the whole answer malformed, not an accepted offer; a local lack is not its fault.
    const unreadableAm2 = this.currentStage === "am1" && this.result.offer === "accepted" && e.code !== "unsupported";
    if (this.result.offer !== "accepted" || unreadableAm2) {
      this.result.offer = "malformed";
      this.result.error = { code: e.code, message: unreadableAm2 ? `message 2 is malformed: ${e.message}` : e.message };
      return this.finish();
    }
    this.result.error = { code: e.code, message: e.message };
    return this.identity("local-error", { ...this.facts(), text: e.message }, undefined, undefined, `local error at ${this.currentStage}: ${e.code}`);
  }

  protected finish(): Step {
    this.result.stoppedAt = this.currentStage;
    this.setDone();
    return { kind: "done" };
  }

  protected message(payloads: readonly OutgoingPayload[], flags = 0, body?: Buffer): Buffer {
    const chain = encodeChain(payloads);
    return encodeMessage(header({ initiatorCookie: this.initiatorCookie, responderCookie: this.responderCookie }, chain.firstType, this.exchangeType, flags, 0), body ?? chain.bytes);
  }
}

/** The authorities the gateway asked for in its CERTREQs, as DNs (an authority that is not a DN as hex; "any" left out). */
export function requestedAuthorities(requests: Phase1Result["certificateRequests"]): string[] {
  return requests.flatMap((r) => authorityText(r.authority) ?? []);
}

/** The gateway's ID payload in words; a DN (a certificate gateway's usual ID) as its one-line form. */
export function remoteIdOf(idBody: Buffer): { type: string; value: string } {
  return describeIdentity(decodeId(idBody));
}

/** The gateway's CERT and CERTREQ payloads of a message, kept for the report (any stage). */
export function collectCertificates(result: Phase1Result, payloads: readonly RawPayload[]): void {
  for (const p of payloads) {
    if (p.type === PayloadType.CERT) result.certificates.push(p.body);
    else if (p.type === PayloadType.CR) {
      if (p.body.length === 0) {
        result.warnings.push("the gateway sent an empty CERTREQ payload (no certificate type)");
        continue;
      }
      const cr = decodeCertificateRequest(p.body);
      result.certificateRequests.push({ certType: cr.certType, authority: cr.authority });
    }
  }
}

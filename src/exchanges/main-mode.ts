/**
 * Main Mode (Identity Protection, exchange type 2) initiator with a pre-shared key, RFC 2409 §5.4,
 * with NAT-Traversal (RFC 3947). No sockets here: the driver feeds datagrams in and sends what comes
 * out; every decision is in `receive()` and `timeout()`.
 *
 *   MM1  HDR, SA, VID...                      ->
 *   MM2                                        <-  HDR, SA, VID...     (or N(NO-PROPOSAL-CHOSEN))
 *   MM3  HDR, KE, Ni, [NAT-D, NAT-D]           ->
 *   MM4                                        <-  HDR, KE, Nr, [NAT-D, NAT-D]
 *   MM5  HDR*, IDii, HASH_I                    ->  (to port 4500 with the non-ESP marker if NAT)
 *   MM6                                        <-  HDR*, IDir, HASH_R
 *
 * With `aggressive`, the same class runs Aggressive Mode (exchange type 4, RFC 2409 §5.4, IKEV1.md §2.2):
 *
 *   AM1  HDR, SA, KE, Ni, IDii, VID...          ->  (one group: the KE must match it)
 *   AM2                                         <-  HDR, SA, KE, Nr, IDir, HASH_R, [NAT-D...]
 *   AM3  HDR*, HASH_I, [NAT-D, NAT-D]           ->  (no answer: the exchange ends here)
 *
 * HASH_R in AM2 is computed from the gateway's PSK for our ID and everything else is on the wire:
 * it is captured (`result.aggressive`) for offline PSK tests, whether or not we hold a PSK.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { type IsakmpSa, header, nonZeroRandom, readInformational } from "./isakmp-sa.js";
import { type CipherSpec, cipherAvailable, cipherSpec, decrypt, encrypt, lastBlock } from "../crypto/cipher.js";
import { type KeyExchange, createKeyExchange } from "../crypto/dh.js";
import { type Phase1Keys, derivePhase1Keys, hashI, hashR, natD, phase1Iv, skeyidPsk } from "../crypto/keys.js";
import { type HashAlg, hashAlg } from "../crypto/prf.js";
import { DPD_VID, NAT_T_VIDS, type NatTVariant } from "../data/vendor-ids.js";
import { DecodeError, IkeprobeError } from "../errors.js";
import type { Phase1Transform } from "../config/ike.js";
import { type Attribute, LifeType, Phase1Attr, attrNumber, decodeAttributes, lifetimes } from "../wire/attributes.js";
import { Reader } from "../wire/reader.js";
import { ExchangeType, Flags, KEY_IKE, NotifyType, PayloadType, ProtocolId, notifyName } from "../wire/constants.js";
import { isIkev1 } from "../wire/header.js";
import { type Message, type RawPayload, decodeChain, decodeMessage, encodeChain, encodeMessage } from "../wire/message.js";
import { type Identification, decodeId, describeId, encodeId, ipToBytes } from "../wire/payloads/identification.js";
import { type Notification, decodeNotification } from "../wire/payloads/notification.js";
import { type SecurityAssociation, type Transform, decodeSa, encodeSa, ipsecSa } from "../wire/payloads/sa.js";
import { decodeNonce } from "../wire/payloads/nonce.js";

const PAYLOAD_NAMES: Record<number, string> = { [PayloadType.KE]: "KE", [PayloadType.NONCE]: "nonce", [PayloadType.ID]: "ID", [PayloadType.HASH]: "HASH" };

export interface Endpoint {
  address: string;
  port: number;
}

export interface MainModeConfig {
  transform: Phase1Transform;
  /** Without a PSK the exchange stops after message 2. */
  psk?: Buffer;
  localId: Identification;
  natT: "auto" | "force" | "off";
  /** Our address and port as the socket sees them (for NAT-D). */
  local: Endpoint;
  remote: Endpoint;
  initiatorCookie?: Buffer;
  nonceLength?: number;
  /** Run Aggressive Mode instead of Main Mode. */
  aggressive?: boolean;
  /** Aggressive Mode: send message 3 without encryption (some gateways expect it so). */
  am3Clear?: boolean;
}

/** What AM2 exposes: every input of HASH_R except the PSK (psk-crack's fields, IKEV1.md §6.1). */
export interface AggressiveCapture {
  gxr: Buffer;
  gxi: Buffer;
  ckyR: Buffer;
  ckyI: Buffer;
  saiB: Buffer;
  idirB: Buffer;
  niB: Buffer;
  nrB: Buffer;
  hashR: Buffer;
  /** Phase 1 hash algorithm number (1 MD5, 2 SHA1, 4/5/6 SHA2). */
  hash: number;
  /** The gateway's ID payload, decoded. */
  remoteId: { type: string; value: string };
}

export interface NotifyInfo {
  type: number;
  name: string;
  /** Whether it came inside an encrypted Informational whose HASH verified. */
  protected: boolean;
  dataHex?: string;
}

export interface NatTResult {
  /** The gateway announced NAT-T support (one of our NAT-T vendor IDs came back). */
  supported: boolean;
  variant: NatTVariant | null;
  /** A NAT was detected from the NAT-D payloads (either side); null: no NAT-D pair was exchanged, so not tested. */
  detected: boolean | null;
  localBehindNat: boolean | null;
  gatewayBehindNat: boolean | null;
  /** We moved to port 4500 with the non-ESP marker. */
  floated: boolean;
  forced: boolean;
}

export interface SelectedTransform {
  transform: Phase1Transform;
  /** Lifetime we offered, to flag a gateway that answered differently. */
  offeredLifetimeSeconds: number;
  lifetimeKilobytes?: number;
  /** Attributes in the gateway's answer that differ from the offer (other than the lifetime). */
  mismatches: string[];
}

export type MainModeStage = "mm1" | "mm3" | "mm5" | "am1" | "done";

export type IdentityStatus = "authenticated" | "psk-mismatch" | "rejected" | "error";

/**
 * Why the identity exchange ended as it did, as a stable code (the report's identity.cause):
 * a PSK the gateway could not use shows as payload-malformed, undecryptable-reply or
 * silence-after-mm5; a PSK that worked for the keys but not for the peer entry as
 * authentication-failed or invalid-id.
 */
export type IdentityCause =
  | "ok"
  | "invalid-id"
  | "authentication-failed"
  | "payload-malformed"
  | "undecryptable-reply"
  | "silence-after-mm3"
  | "silence-after-mm5"
  | "mm4-resent"
  | "hash-r-mismatch"
  | "key-exchange-refused"
  | "aggressive-refused"
  | "malformed-reply"
  | "refused"
  | "error";

export interface IdentityResult {
  status: IdentityStatus;
  cause: IdentityCause;
  detail: string;
  evidence: string;
  notify?: NotifyInfo;
  remoteId?: { type: string; value: string };
}

/** What one received datagram or timer leads to. */
export type Step =
  /** `seen`: the gateway's, but not an answer to go on with (it re-sent its previous message). */
  | { kind: "ignore"; reason: string; seen?: boolean }
  | { kind: "send"; message: Buffer; float: boolean }
  /** Send this last message; no answer is expected (Aggressive Mode message 3). */
  | { kind: "final"; message: Buffer; float: boolean }
  | { kind: "done" };

export interface MainModeResult {
  offer: "accepted" | "rejected" | "no-response" | "malformed";
  notify?: NotifyInfo;
  selected?: SelectedTransform;
  responderCookie?: Buffer;
  vendorIds: Buffer[];
  natT?: NatTResult;
  identity?: IdentityResult;
  keys?: Phase1Keys;
  /** Aggressive Mode: the gateway's HASH_R and its inputs. */
  aggressive?: AggressiveCapture;
  warnings: string[];
  /** Why the offer is "malformed", or a local error that stopped the exchange. */
  error?: { code: string; message: string };
  /** The gateway re-sent its previous message instead of answering ours (message 2 or 4), this often. */
  gatewayResent: number;
  stoppedAt?: MainModeStage;
}

export function transformAttributes(t: Phase1Transform): Attribute[] {
  const attrs: Attribute[] = [{ type: Phase1Attr.ENCRYPTION_ALGORITHM, value: t.encryption }];
  if (t.keyBits !== undefined) attrs.push({ type: Phase1Attr.KEY_LENGTH, value: t.keyBits });
  attrs.push(
    { type: Phase1Attr.HASH_ALGORITHM, value: t.hash },
    { type: Phase1Attr.AUTHENTICATION_METHOD, value: t.auth },
    { type: Phase1Attr.GROUP_DESCRIPTION, value: t.group },
    { type: Phase1Attr.LIFE_TYPE, value: LifeType.SECONDS },
    { type: Phase1Attr.LIFE_DURATION, value: t.lifetimeSeconds },
  );
  return attrs;
}

export function phase1Sa(transforms: readonly Phase1Transform[]): SecurityAssociation {
  return ipsecSa([
    {
      number: 1,
      protocolId: ProtocolId.ISAKMP,
      spi: Buffer.alloc(0),
      transforms: transforms.map((t, i): Transform => ({ number: i + 1, id: KEY_IKE, attributes: transformAttributes(t) })),
    },
  ]);
}

function notifyInfo(n: Notification, isProtected: boolean): NotifyInfo {
  const info: NotifyInfo = { type: n.notifyType, name: notifyName(n.notifyType), protected: isProtected };
  if (n.data.length > 0) info.dataHex = n.data.toString("hex");
  return info;
}

/** Reads the transform the gateway chose and compares it with what we offered. */
export function readSelectedTransform(
  sa: SecurityAssociation,
  offered: readonly Phase1Transform[],
): { selected: SelectedTransform; offeredIndex: number; authSubstituted?: { offered: number; answered: number } } {
  if (sa.proposals.length !== 1 || sa.proposals[0]?.transforms.length !== 1) {
    throw new IkeprobeError("bad-sa", `the gateway's SA has ${sa.proposals.length} proposals; exactly one with one transform was expected`);
  }
  const t = sa.proposals[0].transforms[0]!;
  const a = t.attributes;
  const enc = attrNumber(a, Phase1Attr.ENCRYPTION_ALGORITHM);
  const hash = attrNumber(a, Phase1Attr.HASH_ALGORITHM);
  const auth = attrNumber(a, Phase1Attr.AUTHENTICATION_METHOD);
  const group = attrNumber(a, Phase1Attr.GROUP_DESCRIPTION);
  if (enc === undefined || hash === undefined || auth === undefined || group === undefined) {
    throw new IkeprobeError("bad-sa", "the gateway's transform lacks encryption, hash, auth method or group");
  }
  const keyBits = attrNumber(a, Phase1Attr.KEY_LENGTH);
  const life = lifetimes(a, Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION);
  // Key length matters only for variable-length ciphers; AES without it means 128 bits.
  const bits = (e: number, k: number | undefined): number | undefined => (e === 1 || e === 5 ? undefined : (k ?? 128));
  const sameSuite = (o: Phase1Transform): boolean => o.encryption === enc && o.hash === hash && o.group === group && bits(o.encryption, o.keyBits) === bits(enc, keyBits);
  let idx = offered.findIndex((o) => sameSuite(o) && o.auth === auth);
  const mismatches: string[] = [];
  let authSubstituted: { offered: number; answered: number } | undefined;
  if (idx < 0) {
    // Matched by its transform number, with another auth method: strongSwan answers with its own
    // configured method whatever we offered, and checks the method only at message 5.
    const byNumber = offered[t.number - 1];
    if (byNumber !== undefined && sameSuite(byNumber)) {
      idx = t.number - 1;
      authSubstituted = { offered: byNumber.auth, answered: auth };
      mismatches.push(`the gateway answered auth method ${auth} to our offer of ${byNumber.auth}`);
    } else {
      idx = Math.min(Math.max(t.number - 1, 0), offered.length - 1);
      mismatches.push("the chosen transform matches none of our offers");
    }
  }
  const o = offered[idx]!;
  const transform: Phase1Transform = { encryption: enc, hash, auth, group, lifetimeSeconds: life.seconds ?? o.lifetimeSeconds };
  if (keyBits !== undefined) transform.keyBits = keyBits;
  else if (enc === 7) transform.keyBits = 128; // strongSwan assumes 128 for AES without Key Length
  const selected: SelectedTransform = { transform, offeredLifetimeSeconds: o.lifetimeSeconds, mismatches };
  if (life.kilobytes !== undefined) selected.lifetimeKilobytes = life.kilobytes;
  return { selected, offeredIndex: idx, ...(authSubstituted !== undefined ? { authSubstituted } : {}) };
}

export class MainModeInitiator {
  readonly initiatorCookie: Buffer;
  private stage: MainModeStage = "mm1";
  private readonly cfg: MainModeConfig;
  private saiB: Buffer = Buffer.alloc(0);
  private responderCookie: Buffer = Buffer.alloc(8);
  private natVariant: NatTVariant | null = null;
  private hash?: HashAlg;
  private cipher?: CipherSpec;
  private kex?: KeyExchange;
  private ni: Buffer = Buffer.alloc(0);
  private gxr: Buffer = Buffer.alloc(0);
  private iv: Buffer = Buffer.alloc(0);
  private floated = false;
  private mm5Ciphertext: Buffer = Buffer.alloc(0);
  /** The last ciphertext block of MM6: seeds every later exchange's IV (IKEV1.md §3.7). */
  phase1LastBlock: Buffer = Buffer.alloc(0);
  readonly result: MainModeResult = { offer: "no-response", vendorIds: [], warnings: [], gatewayResent: 0 };

  constructor(cfg: MainModeConfig) {
    this.cfg = cfg;
    this.initiatorCookie = cfg.initiatorCookie ?? nonZeroRandom(8);
  }

  get currentStage(): MainModeStage {
    return this.stage;
  }

  /** Message 1. */
  start(): Buffer {
    const sa = phase1Sa([this.cfg.transform]);
    this.saiB = encodeSa(sa);
    const payloads: { type: number; body: Buffer }[] = [{ type: PayloadType.SA, body: this.saiB }];
    if (this.cfg.aggressive === true) {
      this.stage = "am1";
      this.kex = createKeyExchange(this.cfg.transform.group);
      this.ni = randomBytes(this.cfg.nonceLength ?? 32);
      payloads.push({ type: PayloadType.KE, body: this.kex.publicValue }, { type: PayloadType.NONCE, body: this.ni }, { type: PayloadType.ID, body: encodeId(this.cfg.localId) });
    }
    if (this.cfg.natT !== "off") for (const v of NAT_T_VIDS) payloads.push({ type: PayloadType.VENDOR_ID, body: Buffer.from(v.hex, "hex") });
    payloads.push({ type: PayloadType.VENDOR_ID, body: Buffer.from(DPD_VID, "hex") });
    return this.plainMessage(payloads, this.exchangeType, 0);
  }

  private get exchangeType(): number {
    return this.cfg.aggressive === true ? ExchangeType.AGGRESSIVE : ExchangeType.IDENTITY_PROTECTION;
  }

  /** Whether a datagram belongs to this exchange (our cookie). */
  matches(datagram: Buffer): boolean {
    return datagram.length >= 28 && datagram.subarray(0, 8).equals(this.initiatorCookie);
  }

  receive(datagram: Buffer): Step {
    if (this.stage === "done") return { kind: "ignore", reason: "exchange already finished" };
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
    if (h.exchangeType === ExchangeType.INFORMATIONAL) return this.informational(msg);
    if (h.exchangeType !== this.exchangeType) {
      return { kind: "ignore", reason: `exchange type ${h.exchangeType} while in ${this.cfg.aggressive === true ? "Aggressive" : "Main"} Mode` };
    }
    const knownR = this.stage !== "mm1" && this.stage !== "am1";
    if (knownR && !h.responderCookie.equals(this.responderCookie)) return { kind: "ignore", reason: "responder cookie changed" };
    try {
      switch (this.stage) {
        case "mm1":
          return this.onMM2(msg);
        case "am1":
          return this.onAM2(msg);
        case "mm3":
          return this.onMM4(msg);
        case "mm5":
          return this.onMM6(msg);
      }
    } catch (e) {
      if (e instanceof IkeprobeError) return this.fail(e);
      throw e;
    }
  }

  /** No answer after all retransmissions. */
  timeout(): Step {
    switch (this.stage) {
      case "mm1":
      case "am1":
        this.result.offer = "no-response";
        break;
      case "mm3":
        this.identity("error", "silence-after-mm3", "the gateway accepted our offer but did not answer message 3 (key exchange)", "no answer to message 3");
        break;
      case "mm5":
        if (this.result.gatewayResent > 0) {
          // SoftEther does this: message 4 again, as if our message 5 had not arrived.
          this.identity(
            "psk-mismatch", "mm4-resent",
            `the gateway re-sent message 4 (${this.result.gatewayResent} time${this.result.gatewayResent > 1 ? "s" : ""}) instead of answering message 5: it received our message 5 but could not decrypt or verify it, because the PSK it holds for our address differs from ours (in Main Mode the gateway picks the PSK by our source address; our ID is still encrypted)`,
            `message 4 re-sent ${this.result.gatewayResent} time(s) after our message 5; no message 6`,
          );
          break;
        }
        this.identity(
          "psk-mismatch", "silence-after-mm5",
          "the gateway went silent after message 5: it most likely could not decrypt or authenticate it, because the PSK it holds for our address differs from ours (in Main Mode the gateway picks the PSK by our source address; our ID is still encrypted)",
          "no answer to message 5 (identity and HASH_I)",
        );
        break;
      case "done":
        break;
    }
    this.result.stoppedAt = this.stage;
    this.stage = "done";
    return { kind: "done" };
  }

  /** The established ISAKMP SA, for Quick Mode and Informationals (only after authentication). */
  isakmpSa(): IsakmpSa {
    if (this.result.identity?.status !== "authenticated") throw new IkeprobeError("no-sa", "no authenticated ISAKMP SA");
    return this.saView();
  }

  /** The SA as far as it goes (keys once message 4 or AM2 is in), authenticated or not. */
  private saView(): IsakmpSa {
    return {
      hash: this.hash!,
      cipher: this.cipher!,
      keys: this.result.keys!,
      initiatorCookie: this.initiatorCookie,
      responderCookie: this.responderCookie,
      phase1LastBlock: this.phase1LastBlock,
      natVariant: this.natVariant,
      floated: this.floated,
      local: this.cfg.local,
      remote: this.cfg.remote,
    };
  }


  // --- message 2 ---------------------------------------------------------------------------

  private onMM2(msg: Message): Step {
    const ignored = this.acceptSa(msg);
    if (ignored !== undefined) return ignored;
    if (this.cfg.psk === undefined) return this.finish();
    return this.sendMM3(this.result.selected!.transform);
  }

  /** Message 2 of either mode: the chosen transform, vendor IDs, NAT-T support. */
  private acceptSa(msg: Message): Step | undefined {
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
    this.respondLifetime(msg.payloads);
    const vids = new Set(this.result.vendorIds.map((v) => v.toString("hex")));
    this.natVariant = this.cfg.natT === "off" ? null : (NAT_T_VIDS.find((v) => vids.has(v.hex))?.variant ?? null);
    this.result.natT = {
      supported: this.natVariant !== null,
      variant: this.natVariant,
      detected: null,
      localBehindNat: null,
      gatewayBehindNat: null,
      floated: false,
      forced: this.cfg.natT === "force",
    };
    return undefined;
  }

  /** Our hash and cipher for the chosen transform; a Step when this machine lacks the cipher. */
  private chooseAlgorithms(t: Phase1Transform): Step | undefined {
    this.hash = hashAlg(t.hash);
    this.cipher = cipherSpec(t.encryption, t.keyBits);
    if (!cipherAvailable(this.cipher)) {
      return this.fail(
        new IkeprobeError(
          "unsupported",
          `the gateway accepted ${this.cipher.node}, which is not supported on this machine: OpenSSL ${process.versions.openssl} provides it only with its legacy provider (run with NODE_OPTIONS=--openssl-legacy-provider)`,
        ),
      );
    }
    return undefined;
  }

  // --- Aggressive Mode message 2 ----------------------------------------------------------

  private onAM2(msg: Message): Step {
    const ignored = this.acceptSa(msg);
    if (ignored !== undefined) return ignored;
    const t = this.result.selected!.transform;
    if (t.group !== this.cfg.transform.group) throw new IkeprobeError("bad-sa", `the gateway chose group ${t.group} in Aggressive Mode although our KE is for group ${this.cfg.transform.group}`);
    const find = (type: number): RawPayload => {
      const p = msg.payloads.find((x) => x.type === type);
      if (p === undefined) throw new IkeprobeError("missing-payload", `Aggressive Mode message 2 lacks its ${PAYLOAD_NAMES[type] ?? type} payload`);
      return p;
    };
    const ke = find(PayloadType.KE);
    const nr = decodeNonce(find(PayloadType.NONCE).body).nonceData;
    const idP = find(PayloadType.ID);
    const hashP = find(PayloadType.HASH);
    // The ID decodes before anything is captured: a capture is only ever made of well-formed payloads.
    const remoteId = describeId(decodeId(idP.body));
    this.gxr = ke.body;
    this.result.aggressive = {
      gxr: ke.body,
      gxi: this.kex!.publicValue,
      ckyR: this.responderCookie,
      ckyI: this.initiatorCookie,
      saiB: this.saiB,
      idirB: idP.body,
      niB: this.ni,
      nrB: nr,
      hashR: hashP.body,
      hash: t.hash,
      remoteId,
    };
    // NAT-D needs no keys (a hash of cookies, address and port): evaluated with or without a PSK.
    this.hash = hashAlg(t.hash);
    this.evaluateNatD(msg.payloads);
    if (this.cfg.psk === undefined) return this.finish();
    const stop = this.chooseAlgorithms(t);
    if (stop !== undefined) return stop;
    const h = this.hash!;
    const gxy = this.kex!.computeSecret(ke.body);
    const skeyid = skeyidPsk(h, this.cfg.psk, this.ni, nr);
    const keys = derivePhase1Keys(h, skeyid, gxy, this.initiatorCookie, this.responderCookie, this.cipher!.keyLength);
    this.result.keys = keys;
    this.iv = phase1Iv(h, this.kex!.publicValue, this.gxr, this.cipher!.blockSize);
    const expected = hashR(h, skeyid, this.kex!.publicValue, this.gxr, this.initiatorCookie, this.responderCookie, this.saiB, idP.body);
    if (hashP.body.length !== expected.length || !timingSafeEqual(hashP.body, expected)) {
      const id = describeId(this.cfg.localId);
      return this.identity(
        "psk-mismatch", "hash-r-mismatch",
        `the gateway's HASH_R does not verify with our PSK: the PSK it holds for our identity (${id.type} ${id.value}) differs from ours (in Aggressive Mode the gateway picks the PSK by the ID we send)`,
        `HASH_R received ${hashP.body.toString("hex")}, computed ${expected.toString("hex")}`,
        undefined,
        remoteId,
      );
    }
    const idiiB = encodeId(this.cfg.localId);
    const hi = hashI(h, keys.skeyid, this.kex!.publicValue, this.gxr, this.initiatorCookie, this.responderCookie, this.saiB, idiiB);
    const payloads: { type: number; body: Buffer }[] = [{ type: PayloadType.HASH, body: hi }, ...this.natDPayloads()];
    const chain = encodeChain(payloads);
    let message: Buffer;
    if (this.cfg.am3Clear === true) {
      message = encodeMessage(this.header(chain.firstType, ExchangeType.AGGRESSIVE, 0, 0), chain.bytes);
      this.phase1LastBlock = this.iv; // nothing was encrypted: the chain stays at IV0
    } else {
      const ct = encrypt(this.cipher!, keys.encryptionKey, this.iv, chain.bytes);
      this.phase1LastBlock = lastBlock(ct, this.cipher!.blockSize);
      message = encodeMessage(this.header(chain.firstType, ExchangeType.AGGRESSIVE, Flags.ENCRYPTION, 0), ct);
    }
    this.identity(
      "authenticated", "ok",
      `authenticated: the gateway (${remoteId.type} ${remoteId.value}) proved knowledge of the same PSK for our identity (HASH_R verified); our HASH_I went out in message 3${this.cfg.am3Clear === true ? " (unencrypted)" : ""}`,
      "HASH_R verified",
      undefined,
      remoteId,
    );
    return { kind: "final", message, float: this.floated };
  }

  private respondLifetime(payloads: RawPayload[]): void {
    for (const p of payloads.filter((x) => x.type === PayloadType.NOTIFICATION)) {
      const n = decodeNotification(p.body);
      if (n.notifyType !== NotifyType.RESPONDER_LIFETIME || this.result.selected === undefined) continue;
      const attrs = decodeChainAttrs(n.data);
      const life = lifetimes(attrs, Phase1Attr.LIFE_TYPE, Phase1Attr.LIFE_DURATION);
      if (life.seconds !== undefined) this.result.selected.transform.lifetimeSeconds = life.seconds;
      if (life.kilobytes !== undefined) this.result.selected.lifetimeKilobytes = life.kilobytes;
    }
  }

  private sendMM3(t: Phase1Transform): Step {
    const stop = this.chooseAlgorithms(t);
    if (stop !== undefined) return stop;
    this.kex = createKeyExchange(t.group);
    this.ni = randomBytes(this.cfg.nonceLength ?? 32);
    const payloads: { type: number; body: Buffer }[] = [
      { type: PayloadType.KE, body: this.kex.publicValue },
      { type: PayloadType.NONCE, body: this.ni },
      ...this.natDPayloads(),
    ];
    this.stage = "mm3";
    return { kind: "send", message: this.plainMessage(payloads, ExchangeType.IDENTITY_PROTECTION, 0), float: false };
  }

  /** Our NAT-D pair when NAT-T is on: the peer's address first, then ours (RFC 3947 §3.2). Forcing: a random "own" hash claims a NAT. */
  private natDPayloads(): { type: number; body: Buffer }[] {
    if (this.natVariant === null && this.cfg.natT !== "force") return [];
    const h = this.hash!;
    const type = this.natDType();
    return [
      { type, body: natD(h, this.initiatorCookie, this.responderCookie, ipToBytes(this.cfg.remote.address), this.cfg.remote.port) },
      { type, body: this.cfg.natT === "force" ? randomBytes(h.length) : natD(h, this.initiatorCookie, this.responderCookie, ipToBytes(this.cfg.local.address), this.cfg.local.port) },
    ];
  }

  private natDType(): number {
    return this.natVariant === "rfc3947" || this.natVariant === null ? PayloadType.NAT_D : PayloadType.NAT_D_DRAFT;
  }

  // --- message 4 ---------------------------------------------------------------------------

  private onMM4(msg: Message): Step {
    const ke = msg.payloads.find((p) => p.type === PayloadType.KE);
    const nonce = msg.payloads.find((p) => p.type === PayloadType.NONCE);
    if (ke === undefined || nonce === undefined) {
      if (msg.payloads.some((p) => p.type === PayloadType.SA)) return this.resent("message 2");
      throw new IkeprobeError("missing-payload", "message 4 lacks its KE or nonce payload");
    }
    const h = this.hash!;
    this.gxr = ke.body;
    const gxy = this.kex!.computeSecret(ke.body);
    const nr = decodeNonce(nonce.body).nonceData;
    const skeyid = skeyidPsk(h, this.cfg.psk!, this.ni, nr);
    const keys = derivePhase1Keys(h, skeyid, gxy, this.initiatorCookie, this.responderCookie, this.cipher!.keyLength);
    this.result.keys = keys;
    this.iv = phase1Iv(h, this.kex!.publicValue, this.gxr, this.cipher!.blockSize);
    this.evaluateNatD(msg.payloads);
    return this.sendMM5();
  }

  private evaluateNatD(payloads: RawPayload[]): void {
    const nat = this.result.natT!;
    const natds = payloads.filter((p) => p.type === PayloadType.NAT_D || p.type === PayloadType.NAT_D_DRAFT);
    const h = this.hash!;
    if (natds.length >= 2) {
      const ours = natD(h, this.initiatorCookie, this.responderCookie, ipToBytes(this.cfg.local.address), this.cfg.local.port);
      const theirs = natD(h, this.initiatorCookie, this.responderCookie, ipToBytes(this.cfg.remote.address), this.cfg.remote.port);
      nat.localBehindNat = !natds[0]!.body.equals(ours);
      nat.gatewayBehindNat = !natds.slice(1).some((p) => p.body.equals(theirs));
      nat.detected = nat.localBehindNat || nat.gatewayBehindNat;
    } else if (natds.length === 1) {
      this.result.warnings.push("the gateway sent a single NAT-D payload; NAT detection needs two");
    }
    this.floated = (nat.detected === true && nat.supported) || this.cfg.natT === "force";
    nat.floated = this.floated;
  }

  // --- message 5 ---------------------------------------------------------------------------

  private sendMM5(): Step {
    const h = this.hash!;
    const k = this.result.keys!;
    const idiiB = encodeId(this.cfg.localId);
    const hi = hashI(h, k.skeyid, this.kex!.publicValue, this.gxr, this.initiatorCookie, this.responderCookie, this.saiB, idiiB);
    const chain = encodeChain([
      { type: PayloadType.ID, body: idiiB },
      { type: PayloadType.HASH, body: hi },
    ]);
    this.mm5Ciphertext = encrypt(this.cipher!, k.encryptionKey, this.iv, chain.bytes);
    this.iv = lastBlock(this.mm5Ciphertext, this.cipher!.blockSize);
    this.stage = "mm5";
    return {
      kind: "send",
      message: encodeMessage(this.header(chain.firstType, ExchangeType.IDENTITY_PROTECTION, Flags.ENCRYPTION, 0), this.mm5Ciphertext),
      float: this.floated,
    };
  }

  // --- message 6 ---------------------------------------------------------------------------

  private onMM6(msg: Message): Step {
    const h = this.hash!;
    const k = this.result.keys!;
    let payloads: RawPayload[];
    if (msg.ciphertext === undefined) {
      if (msg.payloads.some((p) => p.type === PayloadType.KE)) return this.resent("message 4");
      this.result.warnings.push("the gateway sent message 6 unencrypted: its identity and HASH_R are exposed on the wire");
      payloads = msg.payloads;
    } else {
      let plain: Buffer;
      try {
        plain = decrypt(this.cipher!, k.encryptionKey, this.iv, msg.ciphertext);
        payloads = decodeChain(plain, msg.header.nextPayload).payloads;
      } catch (e) {
        if (!(e instanceof IkeprobeError)) throw e;
        return this.identity(
          "psk-mismatch", "undecryptable-reply",
          "message 6 did not decrypt to valid payloads with our keys: the gateway derived different keys, so the PSK it holds for our address differs from ours",
          `message 6 decryption: ${e.message}`,
        );
      }
      this.phase1LastBlock = lastBlock(msg.ciphertext, this.cipher!.blockSize);
    }
    const idP = payloads.find((p) => p.type === PayloadType.ID);
    const hashP = payloads.find((p) => p.type === PayloadType.HASH);
    if (idP === undefined || hashP === undefined) {
      return this.identity("error", "malformed-reply", "message 6 lacks the gateway's ID or HASH_R payload", `payloads: ${payloads.map((p) => p.type).join(",")}`);
    }
    const remoteId = describeId(decodeId(idP.body));
    const expected = hashR(h, k.skeyid, this.kex!.publicValue, this.gxr, this.initiatorCookie, this.responderCookie, this.saiB, idP.body);
    if (hashP.body.length !== expected.length || !timingSafeEqual(hashP.body, expected)) {
      return this.identity(
        "psk-mismatch", "hash-r-mismatch",
        "the gateway's HASH_R does not verify with our PSK: the gateway holds a different PSK for us (it decrypted our message 5, so the mismatch is in the secret, not the keys' transport)",
        `HASH_R received ${hashP.body.toString("hex")}, computed ${expected.toString("hex")}`,
        undefined,
        remoteId,
      );
    }
    return this.identity("authenticated", "ok", `authenticated: the gateway (${remoteId.type} ${remoteId.value}) proved knowledge of the same PSK (HASH_R verified)`, "HASH_R verified", undefined, remoteId);
  }

  // --- informational replies --------------------------------------------------------------

  private informational(msg: Message): Step {
    let notifies: NotifyInfo[];
    if (msg.ciphertext === undefined) {
      notifies = msg.payloads.filter((p) => p.type === PayloadType.NOTIFICATION).map((p) => notifyInfo(decodeNotification(p.body), false));
    } else {
      if (this.result.keys === undefined || this.stage !== "mm5") {
        return { kind: "ignore", reason: "encrypted Informational before we have keys" };
      }
      const dec = this.decryptInformational(msg);
      if (dec === undefined) {
        return this.identity(
          "psk-mismatch", "undecryptable-reply",
          "the gateway answered message 5 with an encrypted notification that does not decrypt with our keys: it derived different keys, because the PSK it holds for our address differs from ours",
          `encrypted Informational (message ID 0x${msg.header.messageId.toString(16).padStart(8, "0")}, ${msg.raw.length} bytes) in reply to message 5 that neither decrypts nor verifies with our keys`,
        );
      }
      notifies = dec;
    }
    const err = notifies.find((n) => n.type < 16384) ?? notifies[0];
    if (err === undefined) return { kind: "ignore", reason: "Informational without a notification" };
    if (this.stage === "mm1" || this.stage === "am1") {
      this.result.offer = "rejected";
      this.result.notify = err;
      return this.finish();
    }
    if (this.stage === "mm3") {
      return this.identity("error", "key-exchange-refused", `the gateway refused our key exchange (message 3) with ${err.name}`, `${err.name} after message 3`, err);
    }
    return this.classifyMM5Notify(err);
  }

  private decryptInformational(msg: Message): NotifyInfo[] | undefined {
    // A Phase 1 error after MM5 is keyed from the last Phase 1 block both sides saw: MM5's.
    const info = readInformational(this.saView(), msg, lastBlock(this.mm5Ciphertext, this.cipher!.blockSize));
    if (info === undefined) return undefined;
    return info.notifies.map((n) => {
      const out: NotifyInfo = { type: n.type, name: n.name, protected: true };
      if (n.data !== "") out.dataHex = n.data;
      return out;
    });
  }

  private classifyMM5Notify(n: NotifyInfo): Step {
    switch (n.type) {
      case NotifyType.INVALID_ID_INFORMATION:
        return this.identity("rejected", "invalid-id", `the gateway refuses our identity (${n.name}): no connection on the gateway accepts it; check --id`, `${n.name} in reply to message 5`, n);
      case NotifyType.PAYLOAD_MALFORMED:
        return this.identity(
          "psk-mismatch", "payload-malformed",
          "the gateway could not decrypt message 5 (PAYLOAD-MALFORMED): the PSK it holds for our address differs from ours (in Main Mode the gateway picks the PSK by our source address, because our ID is still encrypted)",
          `${n.name} in reply to message 5`,
          n,
        );
      case NotifyType.INVALID_HASH_INFORMATION:
      case NotifyType.AUTHENTICATION_FAILED: {
        const id = describeId(this.cfg.localId);
        return this.identity(
          "psk-mismatch", "authentication-failed",
          `the gateway decrypted message 5 but refused our authentication (${n.name}): the PSK it holds for our identity (${id.type} ${id.value}) differs from ours, or none of its connections accepts that identity (check --id against the peer ID the gateway expects)`,
          `${n.name}${n.protected ? " (encrypted, HASH verified)" : ""} in reply to message 5`,
          n,
        );
      }
      default:
        return this.identity("error", "refused", `the gateway answered message 5 with ${n.name}`, `${n.name} in reply to message 5`, n);
    }
  }

  // --- helpers ------------------------------------------------------------------------------

  /** The gateway sent its previous message again: it has not taken ours (or lost it). */
  private resent(what: string): Step {
    this.result.gatewayResent++;
    return { kind: "ignore", reason: `the gateway re-sent ${what}`, seen: true };
  }

  private identity(status: IdentityStatus, cause: IdentityCause, detail: string, evidence: string, notify?: NotifyInfo, remoteId?: { type: string; value: string }): Step {
    const r: IdentityResult = { status, cause, detail, evidence };
    if (notify !== undefined) r.notify = notify;
    if (remoteId !== undefined) r.remoteId = remoteId;
    this.result.identity = r;
    return this.finish();
  }

  private malformed(e: DecodeError): Step {
    if (this.result.offer !== "accepted") {
      this.result.offer = "malformed";
      this.result.error = { code: e.code, message: `message 2 is malformed: ${e.message}` };
    } else {
      this.identity("error", "malformed-reply", `the gateway's reply at ${this.stage} is malformed: ${e.message}`, e.message);
    }
    return this.finish();
  }

  private fail(e: IkeprobeError): Step {
    // Aggressive Mode message 2 is one answer: a payload of it we cannot read (after its SA was
    // taken) makes the whole answer malformed, not an accepted offer; a local lack is not its fault.
    const unreadableAm2 = this.stage === "am1" && this.result.offer === "accepted" && e.code !== "unsupported";
    if (this.result.offer !== "accepted" || unreadableAm2) {
      this.result.offer = "malformed";
      this.result.error = { code: e.code, message: unreadableAm2 ? `message 2 is malformed: ${e.message}` : e.message };
    } else {
      this.result.error = { code: e.code, message: e.message };
      this.identity("error", "error", e.message, `local error at ${this.stage}: ${e.code}`);
    }
    return this.finish();
  }

  private finish(): Step {
    this.result.stoppedAt = this.stage;
    this.stage = "done";
    return { kind: "done" };
  }

  private header(nextPayload: number, exchangeType: number, flags: number, messageId: number) {
    return header({ initiatorCookie: this.initiatorCookie, responderCookie: this.responderCookie }, nextPayload, exchangeType, flags, messageId);
  }

  private plainMessage(payloads: { type: number; body: Buffer }[], exchangeType: number, messageId: number): Buffer {
    const chain = encodeChain(payloads);
    return encodeMessage(this.header(chain.firstType, exchangeType, 0, messageId), chain.bytes);
  }
}

/** RESPONDER-LIFETIME data is a list of SA attributes; an undecodable list is ignored. */
function decodeChainAttrs(data: Buffer): Attribute[] {
  try {
    return decodeAttributes(new Reader(data));
  } catch (e) {
    if (e instanceof DecodeError) return [];
    throw e;
  }
}


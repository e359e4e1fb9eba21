/**
 * Quick Mode initiator (RFC 2409 §5.5) under an established ISAKMP SA, with PFS and NAT-T
 * encapsulation modes (RFC 3947 §5.2, drafts). No sockets; same step interface as Main Mode.
 *
 *   QM1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr]     ->
 *   QM2                                                   <-  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, N(RESPONDER-LIFETIME)]
 *   QM3  HDR*, HASH(3)                                    ->
 *
 *   HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
 *   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 *   KEYMAT  = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b), expanded K1 | K2 | ...
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { lastBlock } from "../../crypto/cipher.js";
import { type KeyExchange, createKeyExchange } from "../../crypto/dh.js";
import { hashMessageId, messageIdIv } from "../../crypto/v1/keys.js";
import type { HashAlg } from "../../crypto/prf.js";
import type { Phase2Proposal } from "./phase2.js";
import { keymatLengths } from "../../data/algorithms.js";
import { type TrafficSelector, describeSelector, selectorId } from "./selector.js";
import { DecodeError, IkeprobeError } from "../../errors.js";
import { type Attribute, EncapsulationMode, IpsecAttr, attrNumber, decodeAttributes, lifetimes } from "../../wire/v1/attributes.js";
import { ExchangeType, Flags, NotifyType, PayloadType, ProtocolId } from "../../wire/v1/constants.js";
import { type Message, decodeMessage, encodeChain } from "../../wire/v1/message.js";
import { decodeId, encodeId } from "../../wire/v1/payloads/identification.js";
import { ipToBytes } from "../../wire/ip.js";
import { decodeNotification } from "../../wire/v1/payloads/notification.js";
import { type SecurityAssociation, decodeSa, encodeSa, ipsecSa } from "../../wire/v1/payloads/sa.js";
import { decodeNonce } from "../../wire/v1/payloads/nonce.js";
import { Reader } from "../../wire/reader.js";
import type { Step } from "../drive.js";
import { type InformationalContent, type IsakmpSa, nonZeroRandom, openProtected, readInformational, sealProtected } from "./isakmp-sa.js";

export { EncapsulationMode, IpsecAttr } from "../../wire/v1/attributes.js";

export function encapsulationToken(mode: number): string {
  switch (mode) {
    case 1:
      return "tunnel";
    case 2:
      return "transport";
    case 3:
    case 61443:
      return "udp-tunnel";
    case 4:
    case 61444:
      return "udp-transport";
    default:
      return `mode-${mode}`;
  }
}

export interface QuickModeConfig {
  proposal: Phase2Proposal;
  localTs?: TrafficSelector;
  remoteTs?: TrafficSelector;
  /** Our inbound SPI; random (>= 256) when absent. */
  spi?: Buffer;
  messageId?: number;
}

export interface DirectionKeys {
  spi: string;
  encryptionKey: string;
  integrityKey: string;
}

export interface ChildSa {
  protocol: "esp" | "ah";
  transformId: number;
  keyBits?: number;
  authAlg?: number;
  pfsGroup: number | null;
  encapsulation: number;
  spiIn: Buffer;
  spiOut: Buffer;
  lifetimeSeconds: number;
  lifetimeKilobytes: number | null;
  localTs: string;
  remoteTs: string;
  /** Our inbound and outbound keys (KEYMAT split: encryption key, then integrity key); with PFS, g(qm)^xy. */
  keys: { in: DirectionKeys; out: DirectionKeys; pfsSharedSecret?: string };
  commitBit: boolean;
  mismatches: string[];
}

export type QuickModeStatus = "accepted" | "rejected" | "no-response" | "malformed" | "error";

export interface QuickModeResult {
  status: QuickModeStatus;
  notify?: { type: number; name: string };
  detail?: string;
  sa?: ChildSa;
  /** Protected Informationals the gateway sent while we waited (DELETE, notifies). */
  informational: InformationalContent[];
  warnings: string[];
}

export type QuickModeStep = Step;

function buf32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** KEYMAT for one direction (RFC 2409 §5.5), expanded to `length` bytes. */
export function quickModeKeymat(h: HashAlg, skeyidD: Buffer, gxy: Buffer | undefined, protocol: number, spi: Buffer, niB: Buffer, nrB: Buffer, length: number): Buffer {
  const seed = [...(gxy !== undefined ? [gxy] : []), Buffer.from([protocol]), spi, niB, nrB];
  const blocks: Buffer[] = [];
  let k = h.prf(skeyidD, ...seed);
  blocks.push(k);
  let have = k.length;
  while (have < length) {
    k = h.prf(skeyidD, k, ...seed);
    blocks.push(k);
    have += k.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

export function qmHash2(h: HashAlg, skeyidA: Buffer, mid: number, niB: Buffer, after: Buffer[]): Buffer {
  return h.prf(skeyidA, buf32(mid), niB, ...after);
}

export function qmHash3(h: HashAlg, skeyidA: Buffer, mid: number, niB: Buffer, nrB: Buffer): Buffer {
  return h.prf(skeyidA, Buffer.from([0]), buf32(mid), niB, nrB);
}

export class QuickModeInitiator {
  readonly messageId: number;
  readonly spiIn: Buffer;
  private readonly sa: IsakmpSa;
  private readonly cfg: QuickModeConfig;
  private readonly ni = randomBytes(32);
  private kex?: KeyExchange;
  private qm1Ciphertext: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly encapsulation: number;
  readonly result: QuickModeResult = { status: "no-response", informational: [], warnings: [] };

  constructor(sa: IsakmpSa, cfg: QuickModeConfig) {
    this.sa = sa;
    this.cfg = cfg;
    this.messageId = cfg.messageId ?? nonZeroRandom(4).readUInt32BE();
    this.spiIn = cfg.spi ?? spiRandom();
    const tunnel = cfg.proposal.mode === "tunnel";
    if (!sa.floated) this.encapsulation = tunnel ? EncapsulationMode.TUNNEL : EncapsulationMode.TRANSPORT;
    else if (sa.natVariant === "rfc3947" || sa.natVariant === null) this.encapsulation = tunnel ? EncapsulationMode.UDP_TUNNEL : EncapsulationMode.UDP_TRANSPORT;
    else this.encapsulation = tunnel ? EncapsulationMode.UDP_TUNNEL_DRAFT : EncapsulationMode.UDP_TRANSPORT_DRAFT;
  }

  private attributes(): Attribute[] {
    const p = this.cfg.proposal;
    const a: Attribute[] = [
      { type: IpsecAttr.SA_LIFE_TYPE, value: 1 },
      { type: IpsecAttr.SA_LIFE_DURATION, value: p.lifetimeSeconds },
    ];
    if (p.lifetimeKilobytes !== undefined) a.push({ type: IpsecAttr.SA_LIFE_TYPE, value: 2 }, { type: IpsecAttr.SA_LIFE_DURATION, value: p.lifetimeKilobytes });
    if (p.pfsGroup !== undefined) a.push({ type: IpsecAttr.GROUP_DESCRIPTION, value: p.pfsGroup });
    a.push({ type: IpsecAttr.ENCAPSULATION_MODE, value: this.encapsulation });
    if (p.authAlg !== undefined) a.push({ type: IpsecAttr.AUTH_ALGORITHM, value: p.authAlg });
    if (p.keyBits !== undefined) a.push({ type: IpsecAttr.KEY_LENGTH, value: p.keyBits });
    if (p.esn) a.push({ type: IpsecAttr.EXTENDED_SEQUENCE_NUMBER, value: 1 });
    return a;
  }

  private protocolId(): number {
    return this.cfg.proposal.protocol === "esp" ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH;
  }

  /** Message 1. */
  start(): Buffer {
    const p = this.cfg.proposal;
    const saBody = encodeSa(ipsecSa([{ number: 1, protocolId: this.protocolId(), spi: this.spiIn, transforms: [{ number: 1, id: p.transformId, attributes: this.attributes() }] }]));
    const payloads: { type: number; body: Buffer }[] = [
      { type: PayloadType.SA, body: saBody },
      { type: PayloadType.NONCE, body: this.ni },
    ];
    if (p.pfsGroup !== undefined) {
      this.kex = createKeyExchange(p.pfsGroup);
      payloads.push({ type: PayloadType.KE, body: this.kex.publicValue });
    }
    if (this.cfg.localTs !== undefined && this.cfg.remoteTs !== undefined) {
      payloads.push({ type: PayloadType.ID, body: encodeId(selectorId(this.cfg.localTs)) }, { type: PayloadType.ID, body: encodeId(selectorId(this.cfg.remoteTs)) });
    }
    if (this.sa.floated && p.mode === "transport") {
      // NAT-OA: our original addresses, as strongSwan sends them in transport mode behind NAT (RFC 3947 §5.1).
      const type = this.sa.natVariant === "rfc3947" || this.sa.natVariant === null ? PayloadType.NAT_OA : PayloadType.NAT_OA_DRAFT;
      for (const addr of [this.sa.local.address, this.sa.remote.address]) {
        const ip = ipToBytes(addr);
        payloads.push({ type, body: Buffer.concat([Buffer.from([ip.length === 4 ? 1 : 5, 0, 0, 0]), ip]) });
      }
    }
    const hash1 = hashMessageId(this.sa.hash, this.sa.keys.skeyidA, this.messageId, encodeChain(payloads).bytes);
    const iv = messageIdIv(this.sa.hash, this.sa.phase1LastBlock, this.messageId, this.sa.cipher.blockSize);
    const sealed = sealProtected(this.sa, ExchangeType.QUICK_MODE, this.messageId, iv, hash1, payloads);
    this.qm1Ciphertext = sealed.ciphertext;
    return sealed.message;
  }

  /** For the timings: Quick Mode sends one message that wants an answer. */
  readonly currentStage = "qm1";

  matches(datagram: Buffer): boolean {
    return datagram.length >= 28 && datagram.subarray(0, 8).equals(this.sa.initiatorCookie) && datagram.subarray(8, 16).equals(this.sa.responderCookie);
  }

  receive(datagram: Buffer): QuickModeStep {
    if (this.done) return { kind: "ignore", reason: "Quick Mode already finished" };
    let msg: Message;
    try {
      msg = decodeMessage(datagram);
    } catch (e) {
      if (e instanceof DecodeError) return { kind: "ignore", reason: `undecodable datagram: ${e.message}` };
      throw e;
    }
    if (msg.header.exchangeType === ExchangeType.INFORMATIONAL) return this.informational(msg);
    if (msg.header.exchangeType !== ExchangeType.QUICK_MODE || msg.header.messageId !== this.messageId) {
      return { kind: "ignore", reason: `exchange ${msg.header.exchangeType} message ID ${msg.header.messageId} is not ours` };
    }
    try {
      return this.onQM2(msg);
    } catch (e) {
      if (e instanceof IkeprobeError) return this.finish("malformed", `the gateway's Quick Mode answer could not be used: ${e.message}`);
      throw e;
    }
  }

  timeout(): QuickModeStep {
    if (this.done) return { kind: "done" };
    const withTs = this.cfg.localTs !== undefined;
    return this.finish(
      "no-response",
      withTs
        ? `no answer to Quick Mode: the gateway dropped it silently, which is what a proxy ID (traffic selector) mismatch looks like from outside: it may have no policy for ${this.cfg.localTs!.text} <-> ${this.cfg.remoteTs!.text}`
        : "no answer to Quick Mode (the gateway dropped it silently)",
    );
  }

  private informational(msg: Message): QuickModeStep {
    const info = readInformational(this.sa, msg);
    if (info === undefined) {
      this.result.warnings.push(`an Informational (message ID ${msg.header.messageId}) that does not verify under our ISAKMP SA was ignored`);
      return { kind: "ignore", reason: "unverifiable Informational" };
    }
    const err = info.notifies.find((n) => n.type < 16384);
    // Anything else (a DELETE, a status notify) is not an answer to us; the driver keeps it.
    if (err === undefined) return { kind: "ignore", reason: "Informational without an error" };
    this.result.informational.push(info);
    this.result.notify = { type: err.type, name: err.name };
    if (err.type === NotifyType.INVALID_ID_INFORMATION) {
      const mode = this.cfg.proposal.mode === "transport" ? " in transport mode" : "";
      return this.finish(
        "rejected",
        this.cfg.localTs !== undefined
          ? `proxy ID mismatch: the gateway has no policy for ${this.cfg.localTs.text} <-> ${this.cfg.remoteTs!.text}${mode} (${err.name})`
          : `proxy ID mismatch: we sent no selectors, so the gateway looked for a policy between the peer addresses${mode} and has none (${err.name}); give the networks with --local-ts and --remote-ts`,
      );
    }
    if (err.type === NotifyType.NO_PROPOSAL_CHOSEN) {
      return this.finish("rejected", `the gateway accepts none of this proposal's transforms (${err.name})${this.cfg.proposal.pfsGroup === undefined ? "; if it demands PFS, add a DH group" : "; check the PFS group as well as the algorithms"}`);
    }
    return this.finish("rejected", `the gateway refused Quick Mode with ${err.name}`);
  }

  private onQM2(msg: Message): QuickModeStep {
    const h = this.sa.hash;
    const k = this.sa.keys;
    const payloads = openProtected(this.sa, msg, lastBlock(this.qm1Ciphertext, this.sa.cipher.blockSize));
    const [hashP, ...rest] = payloads;
    if (hashP?.type !== PayloadType.HASH) throw new IkeprobeError("missing-payload", "Quick Mode message 2 does not start with a HASH payload");
    const saP = rest.find((p) => p.type === PayloadType.SA);
    const nonceP = rest.find((p) => p.type === PayloadType.NONCE);
    if (saP === undefined || nonceP === undefined) throw new IkeprobeError("missing-payload", "Quick Mode message 2 lacks its SA or nonce");
    const expected = qmHash2(h, k.skeyidA, this.messageId, this.ni, rest.map((p) => p.raw));
    if (hashP.body.length !== expected.length || !timingSafeEqual(hashP.body, expected)) {
      throw new IkeprobeError("bad-hash", "HASH(2) does not verify: Quick Mode message 2 was not made with our SKEYID_a");
    }
    const nr = decodeNonce(nonceP.body).nonceData;
    const chosen = this.readChosen(decodeSa(saP.body));
    let gxy: Buffer | undefined;
    if (this.kex !== undefined) {
      const ke = rest.find((p) => p.type === PayloadType.KE);
      if (ke === undefined) throw new IkeprobeError("missing-payload", "we asked for PFS but Quick Mode message 2 has no KE payload");
      gxy = this.kex.computeSecret(ke.body);
    }
    const ids = rest.filter((p) => p.type === PayloadType.ID).map((p) => describeSelector(decodeId(p.body)));
    const localTs = ids[0] ?? this.cfg.localTs?.text ?? `${this.sa.local.address}/${this.sa.local.address.includes(":") ? 128 : 32}`;
    const remoteTs = ids[1] ?? this.cfg.remoteTs?.text ?? `${this.sa.remote.address}/${this.sa.remote.address.includes(":") ? 128 : 32}`;
    const mismatches = [...chosen.mismatches];
    if (this.cfg.localTs && ids[0] !== undefined && ids[0] !== this.cfg.localTs.text) mismatches.push(`the gateway narrowed our local selector ${this.cfg.localTs.text} to ${ids[0]}`);
    if (this.cfg.remoteTs && ids[1] !== undefined && ids[1] !== this.cfg.remoteTs.text) mismatches.push(`the gateway narrowed our remote selector ${this.cfg.remoteTs.text} to ${ids[1]}`);

    // RESPONDER-LIFETIME (RFC 2407 §4.6.3.1) shortens the lifetimes the transform carries.
    let { seconds, kilobytes } = chosen.life;
    for (const n of rest.filter((p) => p.type === PayloadType.NOTIFICATION).map((p) => decodeNotification(p.body))) {
      if (n.notifyType !== NotifyType.RESPONDER_LIFETIME) continue;
      let attrs: Attribute[] = [];
      try {
        attrs = decodeAttributes(new Reader(n.data), "ipsec");
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        this.result.warnings.push("a RESPONDER-LIFETIME notify with undecodable attributes was ignored");
      }
      const life = lifetimes(attrs, IpsecAttr.SA_LIFE_TYPE, IpsecAttr.SA_LIFE_DURATION);
      if (life.seconds !== undefined) seconds = Math.min(seconds ?? Infinity, life.seconds);
      if (life.kilobytes !== undefined) kilobytes = Math.min(kilobytes ?? Infinity, life.kilobytes);
    }

    const p = this.cfg.proposal;
    const lens = keymatLengths({ protocol: p.protocol, transformId: chosen.transformId, ...(chosen.keyBits !== undefined ? { keyBits: chosen.keyBits } : {}), ...(chosen.authAlg !== undefined ? { authAlg: chosen.authAlg } : {}) });
    const proto = this.protocolId();
    const split = (spi: Buffer): DirectionKeys => {
      const km = quickModeKeymat(h, k.skeyidD, gxy, proto, spi, this.ni, nr, lens.enc + lens.integ);
      return { spi: spi.toString("hex"), encryptionKey: km.subarray(0, lens.enc).toString("hex"), integrityKey: km.subarray(lens.enc).toString("hex") };
    };
    const child: ChildSa = {
      protocol: p.protocol,
      transformId: chosen.transformId,
      pfsGroup: chosen.pfsGroup ?? null,
      encapsulation: chosen.encapsulation ?? this.encapsulation,
      spiIn: this.spiIn,
      spiOut: chosen.spi,
      lifetimeSeconds: seconds ?? 28800,
      lifetimeKilobytes: kilobytes ?? null,
      localTs,
      remoteTs,
      // Inbound traffic is keyed with the SPI we chose; outbound with the gateway's (RFC 2409 §5.5).
      keys: { in: split(this.spiIn), out: split(chosen.spi), ...(gxy !== undefined ? { pfsSharedSecret: gxy.toString("hex") } : {}) },
      commitBit: (msg.header.flags & Flags.COMMIT) !== 0,
      mismatches,
    };
    if (chosen.keyBits !== undefined) child.keyBits = chosen.keyBits;
    if (chosen.authAlg !== undefined) child.authAlg = chosen.authAlg;
    this.result.sa = child;
    const hash3 = qmHash3(h, k.skeyidA, this.messageId, this.ni, nr);
    const qm2Ct = msg.ciphertext!;
    const sealed = sealProtected(this.sa, ExchangeType.QUICK_MODE, this.messageId, lastBlock(qm2Ct, this.sa.cipher.blockSize), hash3, []);
    this.finish("accepted");
    return { kind: "final", message: sealed.message, float: false };
  }

  private readChosen(sa: SecurityAssociation) {
    const prop = sa.proposals[0];
    if (sa.proposals.length !== 1 || prop === undefined || prop.transforms.length !== 1) {
      throw new IkeprobeError("bad-sa", `the gateway's Quick Mode SA has ${sa.proposals.length} proposal(s); one with one transform was expected`);
    }
    if (prop.protocolId !== this.protocolId()) throw new IkeprobeError("bad-sa", `the gateway answered protocol ${prop.protocolId} to our ${this.cfg.proposal.protocol.toUpperCase()} proposal`);
    if (prop.spi.length !== 4) throw new IkeprobeError("bad-sa", `the gateway's SPI has ${prop.spi.length} bytes, not 4`);
    const t = prop.transforms[0]!;
    const a = t.attributes;
    const p = this.cfg.proposal;
    const mismatches: string[] = [];
    const keyBits = attrNumber(a, IpsecAttr.KEY_LENGTH);
    const authAlg = attrNumber(a, IpsecAttr.AUTH_ALGORITHM);
    const pfsGroup = attrNumber(a, IpsecAttr.GROUP_DESCRIPTION);
    const encapsulation = attrNumber(a, IpsecAttr.ENCAPSULATION_MODE);
    if (t.id !== p.transformId) mismatches.push(`transform ${t.id} answered, ${p.transformId} offered`);
    if (keyBits !== p.keyBits) mismatches.push(`key length ${keyBits ?? "none"} answered, ${p.keyBits ?? "none"} offered`);
    if (authAlg !== p.authAlg) mismatches.push(`integrity ${authAlg ?? "none"} answered, ${p.authAlg ?? "none"} offered`);
    if (pfsGroup !== p.pfsGroup) mismatches.push(`PFS group ${pfsGroup ?? "none"} answered, ${p.pfsGroup ?? "none"} offered`);
    if (encapsulation !== undefined && encapsulation !== this.encapsulation) mismatches.push(`encapsulation mode ${encapsulation} answered, ${this.encapsulation} offered`);
    return { transformId: t.id, keyBits, authAlg, pfsGroup, encapsulation, spi: Buffer.from(prop.spi), life: lifetimes(a, IpsecAttr.SA_LIFE_TYPE, IpsecAttr.SA_LIFE_DURATION), mismatches };
  }

  private finish(status: QuickModeStatus, detail?: string): QuickModeStep {
    this.result.status = status;
    if (detail !== undefined) this.result.detail = detail;
    this.done = true;
    return { kind: "done" };
  }
}

/** A random SPI outside the reserved 0..255 (RFC 4303 §2.1). */
export function spiRandom(): Buffer {
  for (;;) {
    const b = randomBytes(4);
    if (b.readUInt32BE() >= 256) return b;
  }
}



/**
 * The IKEv2 audit of one gateway: the exact set of IKE_SA_INIT combinations it accepts (the search of
 * ikev2-search.ts over real exchanges), its group preference, and the extensions it announces.
 *
 * Each question is one IKE_SA_INIT (its own SPI) whose KE is for a group outside the offer (the
 * "carrier"), so that a yes is INVALID_KE_PAYLOAD and the gateway keeps nothing. A COOKIE is echoed
 * as the first payload with the same SPI and message ID 0 (RFC 7296 §2.6). A gateway that refuses a
 * KE outside the offer (INVALID_SYNTAX, say) is asked with the KE inside it instead, which can cost
 * half-open SAs; the report says so. At the end, one IKE_SA_INIT with a real KE for the gateway's
 * first group and every extension notify an initiator sends is answered with an SA: its notifies and
 * vendor IDs are the extensions reported (that one exchange stays half-open until the gateway drops it).
 */
import { randomBytes } from "node:crypto";
import type { V2Cipher, V2Combo } from "../config/ikev2.js";
import { createKeyExchange, groupInfo } from "../crypto/dh.js";
import type { DriveStats } from "../exchanges/drive.js";
import { RequestMachine, request } from "../exchanges/request.js";
import { type SaInitAnswer, encodeSaInit, natDetectionNotifies, newSpi, readSaInitAnswer, signatureHashes } from "../exchanges/v2/ike-sa-init.js";
import type { IkeTransport } from "../transport/udp.js";
import { Ikev2Notify, ProtocolId, TransformType } from "../wire/v2/constants.js";
import type { NotifyPayload } from "../wire/v2/payloads/notify.js";
import { ikeNotify } from "../wire/v2/payloads/notify.js";
import type { Ikev2Proposal, Ikev2Transform } from "../wire/v2/payloads/sa.js";
import type { V2Query, V2Verdict } from "./ikev2-search.js";

/** The proposals of a question: the non-AEAD side (with integrity) and the AEAD side (without), as separate proposals (RFC 7296 §3.3). */
export function queryProposals(q: V2Query): Ikev2Proposal[] {
  const cipherTransforms = (cs: V2Cipher[]): Ikev2Transform[] => cs.map((c) => (c.keyLength !== undefined ? { type: TransformType.ENCR, id: c.id, keyLength: c.keyLength } : { type: TransformType.ENCR, id: c.id }));
  const common: Ikev2Transform[] = [...q.prfs.map((id) => ({ type: TransformType.PRF, id })), ...q.groups.map((id) => ({ type: TransformType.KE, id }))];
  const plain = q.ciphers.filter((c) => !c.aead);
  const integs = q.integs.filter((i): i is number => i !== null);
  const out: Ikev2Proposal[] = [];
  if (plain.length > 0 && integs.length > 0) out.push({ number: 0, protocolId: ProtocolId.IKE, spi: Buffer.alloc(0), transforms: [...cipherTransforms(plain), ...common, ...integs.map((id) => ({ type: TransformType.INTEG, id }))] });
  const aead = q.ciphers.filter((c) => c.aead);
  if (aead.length > 0 && q.integs.includes(null)) out.push({ number: 0, protocolId: ProtocolId.IKE, spi: Buffer.alloc(0), transforms: [...cipherTransforms(aead), ...common] });
  return out.map((p, i) => ({ ...p, number: i + 1 }));
}

/** Groups whose KE we can make, cheapest first: the carriers of a question's KE. */
const CARRIERS = [31, 19, 28, 20, 32, 1, 2, 5, 14, 21, 29, 30, 15, 16];

export interface Ikev2ProberStats extends DriveStats {
  exchanges: number;
  cookies: number;
  halfOpen: number;
}

export interface Ikev2ProberOptions {
  /** The largest IKE message to send (RFC 7296 §2: every responder takes 1280 bytes). */
  maxMessage: number;
  timeoutMs: () => number;
  /** Before every message: the rate limit and the pacing of half-open SAs. */
  beforeSend: () => Promise<void>;
  onHalfOpen: () => void;
  /** Silence while half-open SAs of ours are pending: the gateway's limit (the pacer learns it and waits). */
  onLimit?: () => void;
}

/** Below this many bytes, silence is not put down to the message's size. */
const SMALL_MESSAGE = 600;

/** Sends the search's questions as IKE_SA_INITs and reads the answers. */
export class Ikev2Prober {
  readonly stats: Ikev2ProberStats = { packetsSent: 0, packetsReceived: 0, exchanges: 0, cookies: 0, halfOpen: 0 };
  readonly notes: string[] = [];
  readonly errors = new Map<string, number>();
  /** false once the gateway refused a KE outside the offer: questions then carry it inside. */
  stateless = true;
  /** Whether any answer came (in IKEv2). */
  answered = false;
  /** An answer in IKEv1: the gateway speaks IKEv1 only. */
  ikev1Answer: number | undefined;
  private readonly transport: IkeTransport;
  private readonly opts: Ikev2ProberOptions;
  private readonly keys = new Map<number, Buffer>();
  /** Whether silence to a large question was already put down to its size once. */
  private sizeTried = false;
  /** A silence after half-open SAs was taken for the gateway's limit: the next silence is not. */
  private pendingLimit = false;

  constructor(transport: IkeTransport, opts: Ikev2ProberOptions) {
    this.transport = transport;
    this.opts = opts;
  }

  /** Our public value for a group, made once per scan (the answers never use it). */
  keData(group: number): Buffer {
    let k = this.keys.get(group);
    if (k === undefined) {
      k = createKeyExchange(group).publicValue;
      this.keys.set(group, k);
    }
    return k;
  }

  private carrier(q: V2Query): number {
    const inOffer = (g: number): boolean => q.groups.includes(g);
    const c = this.stateless ? CARRIERS.find((g) => !inOffer(g)) : [...q.groups].reverse().find((g) => CARRIERS.includes(g));
    return c ?? CARRIERS.find((g) => !inOffer(g)) ?? q.groups[0]!;
  }

  /** One IKE_SA_INIT to its answer: COOKIEs echoed (twice at most), silence as undefined. */
  async exchange(proposals: Ikev2Proposal[], group: number, keData: Buffer, notifies: NotifyPayload[] = [], spiI: Buffer = newSpi()): Promise<SaInitAnswer | undefined> {
    const nonce = randomBytes(32);
    let cookie: Buffer | undefined;
    for (let round = 0; round < 3; round++) {
      const message = encodeSaInit({ spiI, proposals, ke: { group, data: keData }, nonce, notifies, ...(cookie !== undefined ? { cookie } : {}) });
      await this.opts.beforeSend();
      this.stats.exchanges++;
      const machine = new RequestMachine(message, spiI, (d) => readSaInitAnswer(d), "ike-sa-init");
      const { answer } = await request(this.transport, machine, this.stats, this.opts.timeoutMs());
      if (answer === undefined) return undefined;
      if (answer.kind === "ikev1") this.ikev1Answer = answer.version;
      else this.answered = true;
      if (answer.kind !== "cookie") return answer;
      this.stats.cookies++;
      cookie = answer.cookie;
    }
    return { kind: "malformed", detail: "a COOKIE again after echoing two" };
  }

  /** Message size of a question with its carrier KE (no notifies). */
  size(q: V2Query): number {
    return encodeSaInit({ spiI: Buffer.alloc(8, 1), proposals: queryProposals(q), ke: { group: 0, data: Buffer.alloc(groupInfo(this.carrier(q))?.keLength ?? 0) }, nonce: Buffer.alloc(32) }).length;
  }

  /** The oracle: one question (split into several messages when too large for `maxMessage`). */
  async ask(q: V2Query): Promise<V2Verdict> {
    const splittable = q.ciphers.length > 1 || q.groups.length > 1;
    const size = this.size(q);
    if (size > this.opts.maxMessage && splittable) {
      const [a, b] = q.ciphers.length > 1 ? [{ ...q, ciphers: q.ciphers.slice(0, q.ciphers.length >> 1) }, { ...q, ciphers: q.ciphers.slice(q.ciphers.length >> 1) }] : [{ ...q, groups: q.groups.slice(0, q.groups.length >> 1) }, { ...q, groups: q.groups.slice(q.groups.length >> 1) }];
      const first = await this.ask(a);
      return first.kind === "no" ? this.ask(b) : first;
    }
    for (let attempt = 0; ; attempt++) {
      const group = this.carrier(q);
      const answer = await this.exchange(queryProposals(q), group, this.keData(group));
      if (answer === undefined && size > SMALL_MESSAGE && splittable && !this.sizeTried) {
        // Silence to a large IKE_SA_INIT may be the size (a gateway or a path that drops big UDP
        // datagrams or fragments): ask again in smaller messages, once, and say so if those are answered.
        this.sizeTried = true;
        this.opts.maxMessage = Math.max(SMALL_MESSAGE, size >> 1);
        const v = await this.ask(q);
        if (v.kind !== "unknown") this.notes.push(`the gateway did not answer an IKE_SA_INIT of ${size} bytes but answers smaller ones: questions were kept under ${this.opts.maxMessage} bytes`);
        return v;
      }
      if (answer !== undefined && this.pendingLimit) this.pendingLimit = false;
      if (answer === undefined && this.stats.halfOpen >= 2 && !this.pendingLimit) {
        // Silence with half-open SAs of ours on the gateway: its limit; wait for them to expire and ask once more.
        this.pendingLimit = true;
        this.opts.onLimit?.();
        continue;
      }
      const v = this.verdict(answer, q);
      if (v !== "retry-in-offer") return v;
      if (attempt > 0 || !this.stateless) return { kind: "unknown", reason: "the gateway refused the question with the KE inside the offer too" };
      this.stateless = false;
      this.notes.push(`the gateway answered ${answer?.kind === "error" ? answer.name : "an error"} to a KE for a group outside the offer: questions then carried a KE inside it, and a yes could leave a half-open IKE SA`);
    }
  }

  private verdict(answer: SaInitAnswer | undefined, q: V2Query): V2Verdict | "retry-in-offer" {
    if (answer === undefined) return { kind: "unknown", reason: "no answer to IKE_SA_INIT" };
    switch (answer.kind) {
      case "invalid-ke":
        // The group of a proposal it selected (RFC 7296 §1.3), so one we offered: any other is no answer to the question.
        return q.groups.includes(answer.group) ? { kind: "yes", group: answer.group } : { kind: "unknown", reason: `the gateway asked for group ${answer.group}, which was not offered` };
      case "no-proposal":
        return { kind: "no" };
      case "sa": {
        this.stats.halfOpen++;
        this.opts.onHalfOpen();
        const g = answer.proposal.transforms.find((t) => t.type === TransformType.KE)?.id;
        return g !== undefined && q.groups.includes(g) ? { kind: "yes", group: g } : { kind: "unknown", reason: g === undefined ? "an SA answer without a key exchange transform" : `an SA answer with group ${g}, which was not offered` };
      }
      case "error":
        this.errors.set(answer.name, (this.errors.get(answer.name) ?? 0) + 1);
        // A gateway that will not take a KE outside its offer; a group it cannot parse is the same to us.
        return this.stateless && !q.groups.includes(this.carrier(q)) ? "retry-in-offer" : { kind: "unknown", reason: `the gateway answered ${answer.name}` };
      case "ikev1":
        return { kind: "unknown", reason: `answered in ISAKMP version ${answer.version >> 4}.${answer.version & 15}` };
      case "malformed":
        return { kind: "unknown", reason: `an unreadable answer (${answer.detail})` };
      case "cookie":
        return { kind: "unknown", reason: "COOKIE after COOKIE" };
    }
  }

  /**
   * The extensions: one IKE_SA_INIT with a real KE for `combo`'s group and every notify an initiator
   * sends, answered with an SA. Returns the answer (undefined: none).
   */
  async extensions(combo: V2Combo): Promise<SaInitAnswer | undefined> {
    const notifies = [
      ikeNotify(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED),
      ikeNotify(Ikev2Notify.SIGNATURE_HASH_ALGORITHMS, signatureHashes([2, 3, 4])),
      ikeNotify(Ikev2Notify.REDIRECT_SUPPORTED),
      ikeNotify(Ikev2Notify.CHILDLESS_IKEV2_SUPPORTED),
      ikeNotify(Ikev2Notify.INTERMEDIATE_EXCHANGE_SUPPORTED),
      ikeNotify(Ikev2Notify.USE_PPK),
      ikeNotify(Ikev2Notify.MULTIPLE_AUTH_SUPPORTED),
    ];
    const q: V2Query = { ciphers: [combo.cipher], prfs: [combo.prf], integs: [combo.integ], groups: [combo.group] };
    // NAT detection hashes the SPI, so it is made here.
    const spiProbe = newSpi();
    const nat = natDetectionNotifies(spiProbe, this.transport.local, this.transport.remote);
    const answer = await this.exchange(queryProposals(q), combo.group, this.keData(combo.group), [...nat, ...notifies], spiProbe);
    if (answer?.kind === "sa") {
      this.stats.halfOpen++;
      this.opts.onHalfOpen();
    }
    return answer;
  }
}

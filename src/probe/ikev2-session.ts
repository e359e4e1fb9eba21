/**
 * An IKEv2 SA once IKE_AUTH has made its keys: its protected requests with their message IDs
 * (RFC 7296 §2.2: ours count up from IKE_AUTH's 1), the liveness check (an empty INFORMATIONAL,
 * §1.4) and the DELETE of the IKE SA, which takes its CHILD SAs with it (§1.4.1).
 */
import type { Prf } from "../crypto/v2/prf.js";
import type { SkKeys, SkSuite } from "../crypto/v2/sk.js";
import type { DriveStats } from "../exchanges/drive.js";
import { RequestMachine, request } from "../exchanges/request.js";
import { type Opened, encodeInformational, fragmentStore, openProtected, protectFragments } from "../exchanges/v2/ike-auth.js";
import type { Datagrams } from "../exchanges/drive.js";
import { protect } from "../crypto/v2/sk.js";
import type { OutgoingPayload } from "../wire/chain.js";
import type { IkeTransport } from "../transport/udp.js";
import { IkeprobeError } from "../errors.js";
import { Ikev2Exchange, Ikev2Flags } from "../wire/v2/constants.js";

export interface Asked {
  opened: Opened | undefined;
  transmissions: number;
  rttMs?: number;
  /** The answer came in this many IKE fragments (reassembled); absent for one SK message. */
  fragmentsIn?: number;
}

/** What a session is made of: the transport, the IKE SA's SPIs, SK suite and keys, its PRF and SK_d. */
export interface SessionParts {
  t: IkeTransport;
  spiI: Buffer;
  spiR: Buffer;
  suite: SkSuite;
  /** Our keys (SK_ei, SK_ai). */
  out: SkKeys;
  /** The gateway's keys (SK_er, SK_ar). */
  back: SkKeys;
  prf: Prf;
  skD: Buffer;
  stats: DriveStats;
  timeoutMs: number;
  /** The transport floated to UDP 4500 after IKE_SA_INIT (RFC 7296 §2.23): every request of the SA goes there. */
  floated: boolean;
  /**
   * IKE fragmentation of our requests (RFC 7383): only when both sides announced it; `force`
   * fragments every request sent with askPayloads, `auto` those larger than `size` (the IP
   * datagram's bytes, IP and UDP headers and the non-ESP marker included).
   */
  fragmentation?: { mode: "auto" | "force"; size: number; ipv6: boolean };
}

export class Ikev2Session {
  /** The next request's message ID: IKE_AUTH's is 1 (EAP rounds would take the next ones). */
  private nextId = 1;
  readonly spiI: Buffer;
  readonly spiR: Buffer;
  readonly suite: SkSuite;
  readonly out: SkKeys;
  readonly prf: Prf;
  readonly skD: Buffer;
  private readonly p: SessionParts;

  constructor(p: SessionParts) {
    this.p = p;
    this.spiI = p.spiI;
    this.spiR = p.spiR;
    this.suite = p.suite;
    this.out = p.out;
    this.prf = p.prf;
    this.skD = p.skD;
  }

  /** Sends a request built for the next message ID and waits for its protected answer; never throws for what the gateway sends. */
  async ask(exchangeType: number, build: (messageId: number) => Datagrams): Promise<Asked> {
    const messageId = this.nextId++;
    const expect = { spiI: this.spiI, spiR: this.spiR, exchangeType, messageId };
    // An answer to another message of this SA (a retransmitted earlier answer) is not this one's;
    // IKE fragments are kept until the last is in (RFC 7383), then the answer opens whole.
    const store = fragmentStore();
    let partial: Extract<Opened, { kind: "fragment" }> | undefined;
    const read = (d: Buffer): Opened | undefined => {
      if (d.length < 28 || d[18] !== exchangeType || d.readUInt32BE(20) !== messageId) return undefined;
      const o = openProtected(d, expect, this.suite, this.p.back, store);
      if (o.kind !== "fragment") return o;
      partial = o;
      return undefined;
    };
    const stage = exchangeType === Ikev2Exchange.IKE_AUTH ? "ike-auth" : exchangeType === Ikev2Exchange.CREATE_CHILD_SA ? "create-child-sa" : "informational";
    try {
      const { answer, rt } = await request(this.p.t, new RequestMachine(build(messageId), this.spiI, read, stage), this.p.stats, this.p.timeoutMs, this.p.floated);
      return { opened: answer ?? partial, transmissions: rt.transmissions, ...(rt.answered ? { rttMs: Math.round(rt.rttMs * 100) / 100 } : {}), ...(answer?.kind === "opened" && store.total > 0 ? { fragmentsIn: store.total } : {}) };
    } catch (e) {
      if (e instanceof IkeprobeError) return { opened: { kind: "malformed", detail: e.message }, transmissions: 0 };
      throw e;
    }
  }

  /** A request from its inner payloads: one SK message, or IKE fragments when they are on and it is too big (or forced). */
  askPayloads(exchangeType: number, inner: (messageId: number) => OutgoingPayload[]): Promise<Asked & { fragments: number }> {
    let fragments = 0;
    const f = this.p.fragmentation;
    return this.ask(exchangeType, (messageId) => {
      const h = { spiI: this.spiI, spiR: this.spiR, exchangeType, flags: Ikev2Flags.INITIATOR, messageId };
      const payloads = inner(messageId);
      const whole = protect(h, payloads, this.suite, this.out);
      // The IKE message's room in a datagram of `size`: IP (20 or 40) and UDP (8) headers, the non-ESP marker (4).
      const room = f === undefined ? 0 : f.size - (f.ipv6 ? 40 : 20) - 8 - 4;
      if (f === undefined || (f.mode === "auto" && whole.length <= room)) return whole;
      const parts = protectFragments(h, payloads, this.suite, this.out, room);
      fragments = parts.length;
      return parts;
    }).then((a) => ({ ...a, fragments }));
  }

  /** An empty INFORMATIONAL: the IKEv2 liveness check (RFC 7296 §1.4, the DPD of IKEv1). */
  liveness(): Promise<Asked> {
    return this.ask(Ikev2Exchange.INFORMATIONAL, (messageId) => encodeInformational({ spiI: this.spiI, spiR: this.spiR, messageId }, this.suite, this.out));
  }

  /** DELETE of the IKE SA; true when the gateway answered it. */
  async deleteIkeSa(): Promise<boolean> {
    const d = await this.ask(Ikev2Exchange.INFORMATIONAL, (messageId) => encodeInformational({ spiI: this.spiI, spiR: this.spiR, messageId }, this.suite, this.out, { deleteIkeSa: true }));
    return d.opened?.kind === "opened";
  }
}

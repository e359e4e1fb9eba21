/**
 * What happens under an authenticated ISAKMP SA besides Quick Mode: the gateway's Informationals
 * (kept, and its R-U-THEREs answered), and the XAUTH, Mode-Config and DPD machines, each run by the
 * driver. Never prints; the report parts come from report/build/session.ts.
 */
import { hashMessageId, messageIdIv } from "../crypto/v1/keys.js";
import { IkeprobeError } from "../errors.js";
import { DpdMachine } from "../exchanges/v1/dpd.js";
import { drive } from "../exchanges/drive.js";
import { type IsakmpSa, buildInformational, messageFor, openProtected, readInformational } from "../exchanges/v1/isakmp-sa.js";
import { ModeConfigMachine } from "../exchanges/v1/mode-config.js";
import type { SessionPort } from "../exchanges/v1/session-port.js";
import { type TransactionIn, TransactionCodec } from "../exchanges/v1/transaction.js";
import { type XauthCredentials, XauthMachine } from "../exchanges/v1/xauth.js";
import type { DpdReport, InformationalReport, ModeConfigReport, UnsolicitedReport, XauthReport } from "../report/model/probe.js";
import { dpdReport, modeConfigNoResponse, modeConfigReport, unsolicitedReport, xauthReport } from "../report/build/session.js";
import type { IkeTransport } from "../transport/udp.js";
import { CfgAttr } from "../wire/v1/attributes.js";
import { DOI_IPSEC, ExchangeType, NotifyType, PayloadType, ProtocolId, exchangeName } from "../wire/v1/constants.js";
import { type Message, encodeChain } from "../wire/v1/message.js";
import { encodeNotification } from "../wire/v1/payloads/notification.js";
import { now } from "../util/clock.js";

export type { XauthCredentials } from "../exchanges/v1/xauth.js";

/** The attributes a pull-mode client asks for (address, DNS, domain, banner, split networks...). */
const MODE_CONFIG_ASK = [
  CfgAttr.INTERNAL_IP4_ADDRESS,
  CfgAttr.INTERNAL_IP4_NETMASK,
  CfgAttr.INTERNAL_IP4_DNS,
  CfgAttr.INTERNAL_IP4_NBNS,
  CfgAttr.INTERNAL_IP6_ADDRESS,
  CfgAttr.INTERNAL_IP6_DNS,
  CfgAttr.INTERNAL_IP4_SUBNET,
  CfgAttr.APPLICATION_VERSION,
  CfgAttr.UNITY_BANNER,
  CfgAttr.UNITY_DEF_DOMAIN,
  CfgAttr.UNITY_SPLIT_DOMAIN,
  CfgAttr.UNITY_SPLIT_INCLUDE,
  CfgAttr.UNITY_SPLIT_EXCLUDE,
  CfgAttr.UNITY_PFS,
  CfgAttr.UNITY_SAVE_PASSWD,
];

export interface SessionStats {
  packetsSent: number;
  packetsReceived: number;
}

export class IsakmpSession implements SessionPort {
  readonly codec: TransactionCodec;
  private readonly sa: IsakmpSa;
  private readonly transport: IkeTransport;
  private readonly floated: boolean;
  private readonly stats: SessionStats;
  private readonly informational: InformationalReport[];
  private readonly queue: TransactionIn[] = [];
  /** R-U-THEREs the gateway sent us and we answered. */
  dpdAnswered = 0;
  /** Messages for our SA outside any exchange we run (the gateway's own Quick Mode, late re-sends). */
  private readonly unsolicited: UnsolicitedReport[];

  constructor(sa: IsakmpSa, transport: IkeTransport, floated: boolean, stats: SessionStats, informational: InformationalReport[], unsolicited: UnsolicitedReport[] = []) {
    this.sa = sa;
    this.unsolicited = unsolicited;
    this.transport = transport;
    this.floated = floated;
    this.stats = stats;
    this.informational = informational;
    this.codec = new TransactionCodec(sa);
    // From here on the gateway may send protected messages at any time; keep them.
    transport.unsolicited = (d) => this.take(d);
  }

  /** A datagram for our ISAKMP SA: an Informational, a Transaction (queued), or something unsolicited. */
  take(datagram: Buffer): boolean {
    const msg = messageFor(this.sa, datagram);
    if (msg === undefined) return false;
    if (msg.header.exchangeType === ExchangeType.INFORMATIONAL) {
      const info = readInformational(this.sa, msg);
      if (info === undefined) return false;
      this.informational.push(info);
      this.stats.packetsReceived++;
      for (const n of info.notifies.filter((x) => x.type === NotifyType.R_U_THERE)) {
        // RFC 3706: answer with the same sequence number, so the gateway keeps us alive.
        void this.send(this.dpdMessage(NotifyType.R_U_THERE_ACK, Buffer.from(n.data, "hex")));
        this.dpdAnswered++;
      }
      return true;
    }
    if (msg.header.exchangeType === ExchangeType.TRANSACTION) {
      const t = this.codec.open(msg);
      if (t !== undefined) {
        this.stats.packetsReceived++;
        this.queue.push(t);
        return true;
      }
    }
    this.stats.packetsReceived++;
    this.unsolicited.push(unsolicitedReport(exchangeName(msg.header.exchangeType), msg.header.exchangeType, msg.header.messageId, msg.ciphertext !== undefined, verifyUnsolicited(this.sa, msg)));
    return true;
  }

  nextQueued(): TransactionIn | undefined {
    return this.queue.shift();
  }

  requeue(t: TransactionIn): void {
    this.queue.unshift(t);
  }

  private async send(message: Buffer): Promise<void> {
    await this.transport.send(message, this.floated);
    this.stats.packetsSent++;
  }

  private run(machine: Parameters<typeof drive>[0]): ReturnType<typeof drive> {
    return drive(machine, this.transport, { floated: this.floated, stats: this.stats, countAnswers: false });
  }

  /**
   * XAUTH as the client: waits up to `waitMs` for the gateway's request, answers it, takes the
   * status (up to `timeoutMs`). Without credentials, only reports what the gateway demands.
   */
  async xauth(creds: XauthCredentials | undefined, waitMs: number, timeoutMs: number, required: boolean): Promise<XauthReport> {
    const t0 = now();
    const m = new XauthMachine(this, creds, waitMs, timeoutMs);
    await this.run(m);
    return xauthReport(m.outcome, { user: creds?.user, waitMs, timeoutMs, required, rttMs: Math.round((now() - t0) * 100) / 100 });
  }

  /** Mode-Config: a pushed CFG_SET within `pushWaitMs` (acknowledged), else our CFG_REQUEST and its reply. */
  async modeConfig(pushWaitMs: number): Promise<ModeConfigReport> {
    const m = new ModeConfigMachine(this, MODE_CONFIG_ASK, pushWaitMs);
    const driven = await this.run(m);
    const request = driven.exchanged.at(-1);
    switch (m.outcome.kind) {
      case "push":
        return modeConfigReport("push", m.outcome.cfg, null);
      case "reply":
        return modeConfigReport("pull", m.outcome.cfg, Math.round((request?.rttMs ?? 0) * 100) / 100);
      case "no-response":
        return modeConfigNoResponse(request?.transmissions ?? 0);
    }
  }

  /** RFC 3706: R-U-THERE with a random sequence number; the gateway's R-U-THERE-ACK must echo it. */
  async dpd(announced: boolean): Promise<DpdReport> {
    const m = new DpdMachine(this, this.informational, (type, seq) => this.dpdMessage(type, seq));
    const driven = await this.run(m);
    const rt = driven.exchanged[0] ?? { transmissions: 0, rttMs: 0 };
    return dpdReport(announced, m.acked, m.sequence.readUInt32BE(), rt.transmissions, rt.rttMs);
  }

  private dpdMessage(type: number, seq: Buffer): Buffer {
    const spi = Buffer.concat([this.sa.initiatorCookie, this.sa.responderCookie]);
    return buildInformational(this.sa, [{ type: PayloadType.NOTIFICATION, body: encodeNotification({ doi: DOI_IPSEC, protocolId: ProtocolId.ISAKMP, notifyType: type, spi, data: seq }) }]);
  }
}

/**
 * Whether a protected message for our SA under a message ID verifies (its HASH(1)): the gateway's
 * own exchange. null: not protected under a message ID (a late Phase 1 re-send).
 */
function verifyUnsolicited(sa: IsakmpSa, msg: Message): boolean | null {
  const mid = msg.header.messageId;
  if (mid === 0 || msg.ciphertext === undefined) return null;
  try {
    const [hash, ...rest] = openProtected(sa, msg, messageIdIv(sa.hash, sa.phase1LastBlock, mid, sa.cipher.blockSize));
    return hash?.type === PayloadType.HASH && hash.body.equals(hashMessageId(sa.hash, sa.keys.skeyidA, mid, encodeChain(rest).bytes));
  } catch (e) {
    if (!(e instanceof IkeprobeError)) throw e;
    return false;
  }
}

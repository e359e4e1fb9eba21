/**
 * What happens under an authenticated ISAKMP SA besides Quick Mode: the gateway's Informationals
 * (kept, and its R-U-THEREs answered), XAUTH and Mode-Config transactions, and our DPD probe.
 * Never prints; the caller turns the results into the report.
 */
import { type IsakmpSa, buildInformational, messageFor, openProtected, readInformational } from "./exchanges/isakmp-sa.js";
import { attrBytes } from "./wire/attributes.js";
import { CFG_TYPE_NAMES, CfgAttr, type CfgAttribute, type CfgPayload, CfgType, type TransactionIn, TransactionCodec, attrInt, cfgAttrName, tlvAttr, tvAttr } from "./exchanges/transaction.js";
import type { DpdReport, InformationalReport, ModeConfigReport, UnsolicitedReport, XauthReport } from "./report/model.js";
import { hashMessageId, messageIdIv } from "./crypto/keys.js";
import type { Message } from "./wire/message.js";
import { encodeChain } from "./wire/message.js";
import type { IkeTransport } from "./transport/udp.js";
import { DOI_IPSEC, ExchangeType, NotifyType, PayloadType, ProtocolId, exchangeName } from "./wire/constants.js";
import { bytesToIp } from "./wire/payloads/identification.js";
import { encodeNotification } from "./wire/payloads/notification.js";
import { randomBytes } from "node:crypto";
import { IkeprobeError } from "./errors.js";

export interface XauthCredentials {
  user: string;
  /** Never copied into the report. */
  password: Buffer;
}

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

const XAUTH_ANSWERABLE = new Set<number>([CfgAttr.XAUTH_TYPE, CfgAttr.XAUTH_USER_NAME, CfgAttr.XAUTH_USER_PASSWORD, CfgAttr.XAUTH_MESSAGE, CfgAttr.XAUTH_DOMAIN]);

export interface SessionStats {
  packetsSent: number;
  packetsReceived: number;
}

export class IsakmpSession {
  private readonly sa: IsakmpSa;
  private readonly transport: IkeTransport;
  private readonly floated: boolean;
  private readonly stats: SessionStats;
  private readonly informational: InformationalReport[];
  private readonly codec: TransactionCodec;
  private readonly queue: TransactionIn[] = [];
  private wake: (() => void) | undefined;
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

  /** A datagram for our ISAKMP SA that nothing waited for: an Informational or a Transaction. */
  private take(datagram: Buffer): boolean {
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
        this.wake?.();
        return true;
      }
    }
    this.stats.packetsReceived++;
    this.unsolicited.push(describeUnsolicited(this.sa, msg));
    return true;
  }

  private async send(message: Buffer): Promise<void> {
    await this.transport.send(message, this.floated);
    this.stats.packetsSent++;
  }

  /** The next Transaction message from the gateway, waiting up to `ms` (0: only what has arrived, no timer). */
  async nextTransaction(ms: number): Promise<TransactionIn | undefined> {
    if (this.queue.length === 0 && ms > 0) {
      await new Promise<void>((res) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          res();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
    return this.queue.shift();
  }

  /** Puts a transaction back (e.g. a Mode-Config push seen while waiting for XAUTH). */
  unshift(t: TransactionIn): void {
    this.queue.unshift(t);
  }

  /**
   * XAUTH as the client (IKEV1.md §4.4): the gateway's CFG_REQUEST, our CFG_REPLY, its CFG_SET with
   * the status, our CFG_ACK. Without credentials, only reports what the gateway demands.
   */
  async xauth(creds: XauthCredentials | undefined, waitMs: number, timeoutMs: number, required: boolean): Promise<XauthReport> {
    const t0 = performance.now();
    const req = await this.nextTransaction(waitMs);
    if (req === undefined) {
      return {
        status: "not-requested",
        requested: [],
        detail: required
          ? `the gateway chose an XAUTH authentication method but started no XAUTH exchange within ${(waitMs / 1000).toFixed(1)} s`
          : "the gateway did not ask for XAUTH",
        message: null,
        rttMs: null,
      };
    }
    const xauthAttrs = req.cfg.attributes.filter((a) => a.type >= CfgAttr.XAUTH_TYPE && a.type <= CfgAttr.XAUTH_ANSWER);
    if (req.cfg.cfgType !== CfgType.REQUEST || xauthAttrs.length === 0) {
      // Not XAUTH (a Mode-Config push, say): leave it for modeConfig().
      this.unshift(req);
      return { status: "not-requested", requested: [], detail: "the gateway did not ask for XAUTH", message: null, rttMs: null };
    }
    const requested = req.cfg.attributes.map((a) => cfgAttrName(a.type));
    const message = textAttr(req.cfg.attributes, CfgAttr.XAUTH_MESSAGE);
    const typeAttr = req.cfg.attributes.find((a) => a.type === CfgAttr.XAUTH_TYPE);
    const xauthType = typeAttr !== undefined ? attrInt(typeAttr) : 0;
    const demand = `the gateway demands XAUTH (user name and password)${xauthType !== 0 ? `, XAUTH type ${xauthType}` : ""}${message !== null ? `; its message: "${message}"` : ""}`;
    if (creds === undefined) {
      return { status: "required", requested, detail: `${demand}: give --xauth-user and --xauth-password-file to complete it`, message, rttMs: null };
    }
    const unanswerable = req.cfg.attributes.filter((a) => !XAUTH_ANSWERABLE.has(a.type)).map((a) => cfgAttrName(a.type));
    if (unanswerable.length > 0 || xauthType !== 0) {
      return { status: "error", requested, detail: `${demand}; it asks for ${unanswerable.join(", ") || `XAUTH type ${xauthType}`}, which ikeprobe cannot answer (only generic user name and password)`, message, rttMs: null };
    }
    const reply: CfgAttribute[] = [];
    for (const a of req.cfg.attributes) {
      if (a.type === CfgAttr.XAUTH_TYPE) reply.push(tvAttr(CfgAttr.XAUTH_TYPE, 0));
      else if (a.type === CfgAttr.XAUTH_USER_NAME) reply.push(tlvAttr(a.type, creds.user));
      else if (a.type === CfgAttr.XAUTH_USER_PASSWORD) reply.push(tlvAttr(a.type, creds.password));
    }
    await this.send(this.codec.seal({ cfgType: CfgType.REPLY, identifier: req.cfg.identifier, attributes: reply }, req.messageId).message);
    const set = await this.nextTransaction(timeoutMs);
    const rttMs = Math.round((performance.now() - t0) * 100) / 100;
    if (set === undefined) {
      return { status: "error", requested, detail: `${demand}; we answered, but the gateway sent no XAUTH status within ${timeoutMs / 1000} s`, message, rttMs: null };
    }
    const statusAttr = set.cfg.attributes.find((a) => a.type === CfgAttr.XAUTH_STATUS);
    if (set.cfg.cfgType !== CfgType.SET || statusAttr === undefined) {
      return { status: "error", requested, detail: `${demand}; after our answer the gateway sent ${CFG_TYPE_NAMES[set.cfg.cfgType] ?? set.cfg.cfgType} without an XAUTH status`, message, rttMs };
    }
    const ok = attrInt(statusAttr) === 1;
    await this.send(this.codec.seal({ cfgType: CfgType.ACK, identifier: set.cfg.identifier, attributes: [tvAttr(CfgAttr.XAUTH_STATUS, attrInt(statusAttr))] }, set.messageId).message);
    const setMessage = textAttr(set.cfg.attributes, CfgAttr.XAUTH_MESSAGE);
    return ok
      ? { status: "authenticated", requested, detail: `XAUTH completed: the gateway accepted user "${creds.user}" (XAUTH_STATUS OK)`, message: setMessage ?? message, rttMs }
      : {
          status: "failed",
          requested,
          detail: `XAUTH failed: the gateway refused user "${creds.user}" or its password (XAUTH_STATUS FAIL); check --xauth-user and the password file`,
          message: setMessage ?? message,
          rttMs,
        };
  }

  /**
   * Mode-Config: takes a pushed CFG_SET (answering CFG_ACK) if one came within `pushWaitMs`, or asks
   * for the attributes (pull: CFG_REQUEST, the gateway's CFG_REPLY).
   */
  async modeConfig(pushWaitMs: number): Promise<ModeConfigReport> {
    const acceptPush = async (pushed: TransactionIn): Promise<ModeConfigReport> => {
      const ack = pushed.cfg.attributes.map((a) => ({ type: a.type, value: Buffer.alloc(0), tv: false }));
      await this.send(this.codec.seal({ cfgType: CfgType.ACK, identifier: pushed.cfg.identifier, attributes: ack }, pushed.messageId).message);
      return modeConfigReport("push", pushed.cfg, null);
    };
    const pushed = await this.nextTransaction(pushWaitMs);
    if (pushed !== undefined && pushed.cfg.cfgType === CfgType.SET) return acceptPush(pushed);
    const identifier = randomBytes(2).readUInt16BE();
    const { message, messageId } = this.codec.seal({ cfgType: CfgType.REQUEST, identifier, attributes: MODE_CONFIG_ASK.map((t) => tlvAttr(t)) });
    let reply: TransactionIn | undefined;
    const rt = await this.transport.roundTrip(message, this.floated, (d) => {
      if (!this.take(d)) return false;
      // Our reply, or a push that was only late (a push-mode gateway may ignore our request).
      const i = this.queue.findIndex((q) => q.messageId === messageId || q.cfg.cfgType === CfgType.SET);
      if (i < 0) return false;
      reply = this.queue.splice(i, 1)[0];
      return true;
    });
    this.stats.packetsSent += rt.transmissions;
    if (reply !== undefined && reply.messageId !== messageId) return acceptPush(reply);
    if (reply === undefined) {
      return { status: "no-response", mode: "pull", detail: `the gateway did not answer our Mode-Config request (${rt.transmissions} sent)`, attributes: [], address: null, netmask: null, dns: [], domain: null, banner: null, splitNetworks: [], rttMs: null };
    }
    return modeConfigReport("pull", reply.cfg, Math.round(rt.rttMs * 100) / 100);
  }

  /** RFC 3706: R-U-THERE with a random sequence number; the gateway's R-U-THERE-ACK must echo it. */
  async dpd(announced: boolean): Promise<DpdReport> {
    const seq = randomBytes(4);
    let acked = false;
    const rt = await this.transport.roundTrip(this.dpdMessage(NotifyType.R_U_THERE, seq), this.floated, (d) => {
      if (!this.take(d)) return false;
      const last = this.informational.at(-1);
      acked = last?.notifies.some((n) => n.type === NotifyType.R_U_THERE_ACK && n.data === seq.toString("hex")) ?? false;
      return acked;
    });
    this.stats.packetsSent += rt.transmissions;
    const sequence = seq.readUInt32BE();
    if (!acked) {
      return {
        announced,
        answered: false,
        rttMs: null,
        sequence,
        transmissions: rt.transmissions,
        detail: `no R-U-THERE-ACK after ${rt.transmissions} R-U-THERE(s)${announced ? "" : "; the gateway did not announce DPD (no DPD vendor ID), so it may not support it"}`,
      };
    }
    const rttMs = Math.round(rt.rttMs * 100) / 100;
    return { announced, answered: true, rttMs, sequence, transmissions: rt.transmissions, detail: `the gateway answered R-U-THERE (sequence ${sequence}) with R-U-THERE-ACK in ${rttMs.toFixed(1)} ms` };
  }

  private dpdMessage(type: number, seq: Buffer): Buffer {
    const spi = Buffer.concat([this.sa.initiatorCookie, this.sa.responderCookie]);
    return buildInformational(this.sa, [{ type: PayloadType.NOTIFICATION, body: encodeNotification({ doi: DOI_IPSEC, protocolId: ProtocolId.ISAKMP, notifyType: type, spi, data: seq }) }]);
  }
}

function textAttr(attrs: CfgAttribute[], type: number): string | null {
  const a = attrs.find((x) => x.type === type && x.format !== "tv" && attrBytes(x).length > 0);
  return a === undefined ? null : printable(attrBytes(a).toString("utf8"));
}

/** Gateway-supplied text, shown in a terminal: control characters escaped. */
function printable(s: string): string {
  let out = "";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    out += (code < 0x20 && ch !== "\t" && ch !== "\n") || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

/** An address attribute: 4 bytes IPv4, 16 IPv6 (INTERNAL_IP6_ADDRESS adds a prefix-length byte). */
function ip(b: Buffer): string | null {
  if (b.length === 4) return bytesToIp(b);
  if (b.length >= 16) return bytesToIp(b.subarray(0, 16));
  return null;
}

/** Address and mask pairs (INTERNAL_IP4_SUBNET, UNITY_SPLIT_INCLUDE: 4+4 bytes, Unity adds 6 more per entry). */
function ip4Subnets(b: Buffer, stride: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= b.length; i += stride) {
    const bits = maskBits(b.readUInt32BE(i + 4));
    out.push(`${[...b.subarray(i, i + 4)].join(".")}/${bits ?? [...b.subarray(i + 4, i + 8)].join(".")}`);
  }
  return out;
}

function maskBits(mask: number): number | null {
  for (let n = 0; n <= 32; n++) if ((n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0) === mask >>> 0) return n;
  return null;
}

function attrValueText(a: CfgAttribute): string {
  const value = attrBytes(a);
  switch (a.type) {
    case CfgAttr.INTERNAL_IP4_ADDRESS:
    case CfgAttr.INTERNAL_IP4_NETMASK:
    case CfgAttr.INTERNAL_IP4_DNS:
    case CfgAttr.INTERNAL_IP4_NBNS:
    case CfgAttr.INTERNAL_IP4_DHCP:
    case CfgAttr.INTERNAL_IP6_ADDRESS:
    case CfgAttr.INTERNAL_IP6_DNS:
    case CfgAttr.INTERNAL_IP6_NBNS:
      return ip(value) ?? value.toString("hex");
    case CfgAttr.INTERNAL_IP4_SUBNET:
      return ip4Subnets(value, 8).join(", ");
    case CfgAttr.UNITY_SPLIT_INCLUDE:
    case CfgAttr.UNITY_SPLIT_EXCLUDE:
      return ip4Subnets(value, 14).join(", ");
    case CfgAttr.APPLICATION_VERSION:
    case CfgAttr.UNITY_BANNER:
    case CfgAttr.UNITY_DEF_DOMAIN:
    case CfgAttr.UNITY_SPLIT_DOMAIN:
      return printable(value.toString("utf8"));
    default:
      return a.format === "tv" || value.length <= 4 ? String(attrInt(a)) : value.toString("hex");
  }
}

export function modeConfigReport(mode: "pull" | "push", cfg: CfgPayload, rttMs: number | null): ModeConfigReport {
  const attributes = cfg.attributes.filter((a) => attrBytes(a).length > 0).map((a) => ({ type: a.type, name: cfgAttrName(a.type), value: attrValueText(a) }));
  const first = (t: number): string | null => attributes.find((a) => a.type === t)?.value ?? null;
  const all = (...ts: number[]): string[] => attributes.filter((a) => ts.includes(a.type)).flatMap((a) => a.value.split(", ").filter((v) => v !== ""));
  const address = first(CfgAttr.INTERNAL_IP4_ADDRESS) ?? first(CfgAttr.INTERNAL_IP6_ADDRESS);
  return {
    status: attributes.length > 0 ? "received" : "empty",
    mode,
    detail: attributes.length > 0 ? `the gateway ${mode === "push" ? "pushed" : "returned"} ${attributes.length} Mode-Config attribute(s)` : "the gateway answered Mode-Config without any attribute",
    attributes,
    address,
    netmask: first(CfgAttr.INTERNAL_IP4_NETMASK),
    dns: all(CfgAttr.INTERNAL_IP4_DNS, CfgAttr.INTERNAL_IP6_DNS),
    domain: first(CfgAttr.UNITY_DEF_DOMAIN),
    banner: first(CfgAttr.UNITY_BANNER),
    splitNetworks: all(CfgAttr.INTERNAL_IP4_SUBNET, CfgAttr.UNITY_SPLIT_INCLUDE),
    rttMs,
  };
}

/**
 * What a message for our SA outside our exchanges is: a protected exchange with a message ID whose
 * HASH(1) verifies is the gateway's own (a Quick Mode it starts: ikeprobe only initiates, so it goes
 * unanswered); one that does not verify, or a Phase 1 message, is a late re-send or not for us.
 */
function describeUnsolicited(sa: IsakmpSa, msg: Message): UnsolicitedReport {
  const type = msg.header.exchangeType;
  const mid = msg.header.messageId;
  const name = exchangeName(type);
  const base = { exchange: name, exchangeType: type, messageId: mid };
  const midHex = `0x${mid.toString(16).padStart(8, "0")}`;
  if (mid === 0 || msg.ciphertext === undefined) {
    return { ...base, verified: null, detail: `a ${name} message (message ID ${midHex}${msg.ciphertext === undefined ? ", in clear" : ""}) outside any exchange we run: a late re-send of Phase 1` };
  }
  let verified = false;
  try {
    const payloads = openProtected(sa, msg, messageIdIv(sa.hash, sa.phase1LastBlock, mid, sa.cipher.blockSize));
    const [hash, ...rest] = payloads;
    verified = hash?.type === PayloadType.HASH && hash.body.equals(hashMessageId(sa.hash, sa.keys.skeyidA, mid, encodeChain(rest).bytes));
  } catch (e) {
    if (!(e instanceof IkeprobeError)) throw e;
  }
  return {
    ...base,
    verified,
    detail: verified
      ? `the gateway started a ${name} of its own (message ID ${midHex}, HASH(1) verified): not answered, ikeprobe only initiates`
      : `a ${name} message (message ID ${midHex}) for our SA that does not verify under our keys: not answered`,
  };
}

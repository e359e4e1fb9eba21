/**
 * The network side of the IKEv1 scan: Main Mode and Aggressive Mode message 1 with many transforms.
 * Each offer is its own exchange (fresh cookie) on one socket.
 */
import { randomBytes } from "node:crypto";
import { createKeyExchange } from "../crypto/dh.js";
import { DPD_VID, NAT_T_VIDS } from "../data/vendor-ids.js";
import { DecodeError, IkeprobeError } from "../errors.js";
import { phase1Sa, readSelectedTransform } from "../exchanges/v1/phase1/index.js";
import { remoteIdOf } from "../exchanges/v1/phase1/initiator.js";
import { Reassembler } from "../exchanges/v1/phase1/fragments.js";
import { isFragmentMessage } from "../wire/v1/payloads/fragment.js";
import { CertEncoding } from "../wire/v1/payloads/certificate.js";
import { encodeCertificateRequest } from "../wire/v1/payloads/certificate-request.js";
import { nonZeroRandom } from "../exchanges/v1/isakmp-sa.js";
import { type Phase1Transform, authToken } from "../config/ike.js";
import type { IkeTransport } from "../transport/udp.js";
import { ExchangeType, HEADER_LENGTH, ISAKMP_VERSION, PayloadType } from "../wire/v1/constants.js";
import { isIkev1 } from "../wire/header.js";
import { decodeMessage, encodeChain, encodeMessage } from "../wire/v1/message.js";
import { type Identification, encodeId } from "../wire/v1/payloads/identification.js";
import { decodeNotification } from "../wire/v1/payloads/notification.js";
import { decodeSa, encodeSa } from "../wire/v1/payloads/sa.js";
import { notifyName } from "../wire/v1/constants.js";
import type { OfferAnswer, ScanPeer } from "./eliminate.js";
import { RequestMachine, request } from "../exchanges/request.js";
import { type Machine, type Step, drive } from "../exchanges/drive.js";
import { now } from "../util/clock.js";

/** Vendor IDs we announce so the gateway answers with its own capabilities. */
const SCAN_VIDS = [
  ...NAT_T_VIDS.map((v) => v.hex),
  DPD_VID,
  "4048b7d56ebce88525e7de7f00d6c2d3", // FRAGMENTATION
  "09002689dfd6b712", // XAUTH
  "12f5f28c457168a9702d9fe274cc0100", // Cisco Unity 1.0
].map((h) => ({ type: PayloadType.VENDOR_ID, body: Buffer.from(h, "hex") }));

/**
 * A message 1 of the scan (Main or Aggressive Mode, and the discovery's Main Mode probe): its
 * payloads, then our vendor IDs, which ask the gateway for its own; some gateways answer nothing
 * without them (SoftEther drops a message 1 without a NAT-T vendor ID).
 */
export function scanMessage1(exchangeType: number, payloads: readonly { type: number; body: Buffer }[], cookie: Buffer): Buffer {
  const chain = encodeChain([...payloads, ...SCAN_VIDS]);
  return encodeMessage({ initiatorCookie: cookie, responderCookie: Buffer.alloc(8), nextPayload: chain.firstType, version: ISAKMP_VERSION, exchangeType, flags: 0, messageId: 0 }, chain.bytes);
}

/** Releases sent before concluding that a gateway which confirmed none ignores them. */
const RELEASE_TRIES = 2;

export interface PeerStats {
  packetsSent: number;
  packetsReceived: number;
}

/** Shared by Main and Aggressive Mode: send message 1, read the SA or the notify. */
abstract class Phase1ScanPeer implements ScanPeer {
  readonly vendorIds = new Map<string, Buffer>();
  /** The CERT payload bodies of the gateway's answers (Aggressive Mode with a signature method), once each. */
  readonly certificates: Buffer[] = [];
  /** The gateway's ID from an Aggressive Mode answer. */
  remoteId: { type: string; value: string } | undefined;
  readonly stats: PeerStats = { packetsSent: 0, packetsReceived: 0 };
  protected readonly transport: IkeTransport;
  protected abstract readonly exchangeType: number;

  constructor(transport: IkeTransport) {
    this.transport = transport;
  }

  protected abstract payloads(transforms: readonly Phase1Transform[]): { type: number; body: Buffer }[];

  /** The whole message 1 for these transforms (for the packet-size check). */
  message(transforms: readonly Phase1Transform[], cookie: Buffer = Buffer.alloc(8, 1)): Buffer {
    return scanMessage1(this.exchangeType, this.payloads(transforms), cookie);
  }

  async offer(transforms: readonly Phase1Transform[], timeoutMs?: number): Promise<OfferAnswer> {
    const cookie = nonZeroRandom(8);
    let responderCookie = Buffer.alloc(8);
    // A message 2 with a certificate may come as IKE fragments (we announce fragmentation): whole first.
    const fragments = new Reassembler();
    const machine = new RequestMachine(this.message(transforms, cookie), cookie, (datagram) => {
      let d: Buffer | undefined = datagram;
      if (isFragmentMessage(datagram)) {
        try {
          d = fragments.add(datagram);
        } catch (e) {
          if (e instanceof DecodeError) return { kind: "malformed" as const, error: `a malformed IKE fragment: ${e.message}` };
          throw e;
        }
        if (d === undefined) return undefined;
      }
      const a = this.read(d, transforms);
      if (a !== undefined) responderCookie = Buffer.from(d.subarray(8, 16));
      return a;
    });
    const { answer, rt } = await request(this.transport, machine, this.stats, timeoutMs);
    if (answer === undefined) return { kind: "no-response" };
    if (answer.kind !== "no-response") answer.rttMs = rt.rttMs;
    if (answer.kind === "accepted") answer.released = await this.release(cookie, responderCookie, timeoutMs);
    return answer;
  }

  /**
   * An accepted message 1 leaves a half-open SA on the gateway. Where the mode allows, end it at once
   * with a message the gateway must refuse; true when the gateway confirmed with a notify.
   */
  protected async release(_cookie: Buffer, _responderCookie: Buffer, _timeoutMs: number | undefined): Promise<boolean> {
    return false;
  }

  private read(d: Buffer, transforms: readonly Phase1Transform[]): OfferAnswer | undefined {
    try {
      const m = decodeMessage(d, { lenient: true });
      if (!isIkev1(m.header)) return { kind: "malformed", error: `answer in ISAKMP version ${m.header.version >> 4}.${m.header.version & 15}` };
      if (m.header.exchangeType === ExchangeType.INFORMATIONAL && m.ciphertext === undefined) {
        const n = m.payloads.find((p) => p.type === PayloadType.NOTIFICATION);
        if (n === undefined) return undefined;
        return { kind: "rejected", notify: notifyName(decodeNotification(n.body).notifyType) };
      }
      if (m.header.exchangeType !== this.exchangeType) return undefined;
      for (const p of m.payloads) {
        if (p.type === PayloadType.VENDOR_ID) this.vendorIds.set(p.body.toString("hex"), p.body);
        else if (p.type === PayloadType.CERT && !this.certificates.some((c) => c.equals(p.body))) this.certificates.push(p.body);
        else if (p.type === PayloadType.ID && this.exchangeType === ExchangeType.AGGRESSIVE) this.remoteId = remoteIdOf(p.body);
      }
      const sa = m.payloads.find((p) => p.type === PayloadType.SA);
      if (sa === undefined) return { kind: "malformed", error: "message 2 without an SA payload" };
      const { selected, offeredIndex, authSubstituted } = readSelectedTransform(decodeSa(sa.body), transforms);
      if (authSubstituted !== undefined) {
        return { kind: "accepted", index: offeredIndex, note: `answers with auth method ${authToken(authSubstituted.answered)} to offers of ${authToken(authSubstituted.offered)} (it checks the method only later, at message 5)` };
      }
      if (selected.mismatches.length > 0) return { kind: "malformed", error: `the gateway chose a transform we did not offer (${selected.mismatches.join("; ")})` };
      return { kind: "accepted", index: offeredIndex };
    } catch (e) {
      if (e instanceof DecodeError || e instanceof IkeprobeError) return { kind: "malformed", error: e.message };
      throw e;
    }
  }
}

export class MainModeScanPeer extends Phase1ScanPeer {
  protected readonly exchangeType = ExchangeType.IDENTITY_PROTECTION;
  releases = { sent: 0, confirmed: 0 };
  protected payloads(transforms: readonly Phase1Transform[]) {
    return [{ type: PayloadType.SA, body: encodeSa(phase1Sa(transforms)) }];
  }

  /**
   * Message 3 with a KE of 8 zero bytes: no group's public value is that short (Curve25519's is 32),
   * so the gateway must refuse it and drop the exchange — strongSwan answers INVALID-PAYLOAD-TYPE and
   * libreswan INVALID-KEY-INFORMATION, and both forget the half-open SA. Without such a notify we
   * assume the SA is still there and pace for it.
   */
  /** Whether to end accepted exchanges at once (--no-release leaves them half-open, paced for). */
  releaseEnabled = true;

  protected override async release(cookie: Buffer, responderCookie: Buffer, timeoutMs: number | undefined): Promise<boolean> {
    if (!this.releaseEnabled) return false;
    // A gateway that confirmed none of the first releases drops them silently (SoftEther): each
    // would only cost a wait, so stop sending them and let the pacing count its half-open SAs.
    if (this.releases.sent >= RELEASE_TRIES && this.releases.confirmed === 0) return false;
    const chain = encodeChain([
      { type: PayloadType.KE, body: Buffer.alloc(8) },
      { type: PayloadType.NONCE, body: randomBytes(16) },
    ]);
    const mm3 = encodeMessage({ initiatorCookie: cookie, responderCookie, nextPayload: chain.firstType, version: ISAKMP_VERSION, exchangeType: this.exchangeType, flags: 0, messageId: 0 }, chain.bytes);
    this.releases.sent++;
    const machine = new RequestMachine(mm3, cookie, (d) => {
      try {
        const m = decodeMessage(d, { lenient: true });
        return m.header.exchangeType === ExchangeType.INFORMATIONAL && m.ciphertext === undefined && m.payloads.some((p) => p.type === PayloadType.NOTIFICATION);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        return false;
      }
    }, "release");
    const confirmed = (await request(this.transport, machine, this.stats, timeoutMs)).answer === true;
    if (confirmed) this.releases.confirmed++;
    return confirmed;
  }
}

export interface BackoffObservation {
  /** Seconds between successive packets of the gateway's answer (message 2 and its re-sends). */
  gaps: number[];
  packets: number;
  listenedSeconds: number;
  /** We stopped because the gateway was quiet long enough, not because the bound ran out. */
  quietAtEnd: boolean;
}

/** After the last packet, listening ends once the gateway has been quiet this long (and at least QUIET_MIN_MS). */
const QUIET_FACTOR = 3;
const QUIET_MIN_MS = 20_000;

/**
 * Back-off fingerprinting: message 1 with one transform the gateway accepts, and no message 3: the
 * gateway's re-sends of message 2 are recorded (cookie matched) until it has been quiet for three
 * times the longest gap seen (at least 20 s) or `maxMs` pass. The exchange is left to expire on the
 * gateway (one half-open SA), which is the point.
 */
export async function observeBackoff(transport: IkeTransport, message1: (cookie: Buffer) => Buffer, maxMs: number, stats: PeerStats, signal?: AbortSignal): Promise<BackoffObservation> {
  const m = new BackoffMachine(message1, maxMs, signal);
  await drive(m, transport, { floated: false, stats });
  return m.observation;
}

/** Listens (in short waits, so that Ctrl-C is noticed) and times each packet of the gateway's for our cookie. */
class BackoffMachine implements Machine {
  observation: BackoffObservation = { gaps: [], packets: 0, listenedSeconds: 0, quietAtEnd: false };
  private readonly cookie = nonZeroRandom(8);
  private readonly times: number[] = [];
  private readonly message: Buffer;
  private readonly maxMs: number;
  private readonly signal: AbortSignal | undefined;
  private t0 = 0;

  constructor(message1: (cookie: Buffer) => Buffer, maxMs: number, signal: AbortSignal | undefined) {
    this.message = message1(this.cookie);
    this.maxMs = maxMs;
    this.signal = signal;
  }

  start(): Step {
    this.t0 = now();
    const next = this.next();
    return next.kind === "listen" ? { ...next, message: this.message } : next;
  }

  matches(d: Buffer): boolean {
    return d.length >= HEADER_LENGTH && d.subarray(0, 8).equals(this.cookie) && !d.subarray(8, 16).equals(Buffer.alloc(8));
  }

  receive(): Step {
    this.times.push(now() - this.t0);
    return this.next();
  }

  timeout(): Step {
    return this.next();
  }

  private next(): Step {
    const times = this.times;
    const elapsed = now() - this.t0;
    const last = times.at(-1);
    const longestGap = Math.max(0, ...times.slice(1).map((t, i) => t - times[i]!));
    const quietEnd = last === undefined ? QUIET_MIN_MS : last + Math.max(QUIET_MIN_MS, QUIET_FACTOR * longestGap);
    if (elapsed >= Math.min(this.maxMs, quietEnd) || this.signal?.aborted === true) {
      this.observation = { gaps: gapsOf(times), packets: times.length, listenedSeconds: round1(elapsed / 1000), quietAtEnd: quietEnd <= this.maxMs && this.signal?.aborted !== true };
      return { kind: "done" };
    }
    return { kind: "listen", ms: Math.min(Math.min(this.maxMs, quietEnd) - elapsed, 500) };
  }
}

function gapsOf(times: number[]): number[] {
  return times.slice(1).map((t, i) => round1((t - times[i]!) / 1000));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Aggressive Mode message 1: SA, KE (for the one group offered), nonce, our ID; for signature
 * methods also a CERTREQ (any X.509 authority), without which most gateways keep their certificate
 * to themselves.
 */
export class AggressiveScanPeer extends Phase1ScanPeer {
  protected readonly exchangeType = ExchangeType.AGGRESSIVE;
  private readonly ke: Buffer;
  private readonly id: Identification;
  private readonly certificateRequest: boolean;
  constructor(transport: IkeTransport, group: number, id: Identification, certificateRequest = false) {
    super(transport);
    // The KE must match the offered group: the mistake that makes other tools miss modern groups.
    this.ke = createKeyExchange(group).publicValue;
    this.id = id;
    this.certificateRequest = certificateRequest;
  }
  protected payloads(transforms: readonly Phase1Transform[]) {
    return [
      { type: PayloadType.SA, body: encodeSa(phase1Sa(transforms)) },
      { type: PayloadType.KE, body: this.ke },
      { type: PayloadType.NONCE, body: randomBytes(20) },
      { type: PayloadType.ID, body: encodeId(this.id) },
      ...(this.certificateRequest ? [{ type: PayloadType.CR, body: encodeCertificateRequest({ certType: CertEncoding.X509_SIGNATURE, authority: Buffer.alloc(0) }) }] : []),
    ];
  }
}

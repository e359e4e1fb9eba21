/**
 * Discovery: which addresses of a range answer IKE at all, as fast as `--rate` allows. One probe
 * per address (an IKEv1 Main Mode message 1 with the scan's vendor IDs, and unless --no-ikev2 an
 * IKE_SA_INIT), sent over a few sockets in the address space's pseudo-random order under one token
 * bucket; after the pass, the silent ones once more; then one --timeout of listening. Any answer
 * (message 2, a notify, INVALID_KE, COOKIE) from any port makes its address a responder.
 *
 * Answers are matched without a table: each probe's initiator SPI is the address sealed with a
 * per-run key (a keyed permutation of its 32 bits, then a 32-bit MAC), so an answer names the
 * address it answers even when it comes from another port or source address.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createKeyExchange } from "../crypto/dh.js";
import { encodeSaInit } from "../exchanges/v2/ike-sa-init.js";
import { phase1Sa } from "../exchanges/v1/phase1/proposal.js";
import { parseIkeProposal } from "../config/ike.js";
import { type RawSocket, openRawSocket } from "../transport/udp.js";
import { ExchangeType, PayloadType } from "../wire/v1/constants.js";
import { encodeSa } from "../wire/v1/payloads/sa.js";
import { ProtocolId, TransformType } from "../wire/v2/constants.js";
import { AddressSpace, Permutation, type Range, numberToIpv4, parseIpv4Network } from "./addresses.js";
import type { DiscoveryReport } from "../report/model/scan.js";
import { type Clock, realClock } from "./eliminate.js";
import { TokenBucket } from "./rate.js";
import { scanMessage1 } from "./peers.js";


export interface DiscoveryOptions {
  space: AddressSpace;
  port: number;
  /** Packets a second over all sockets. */
  rate: number;
  /** Sends per address: the pass, and re-sends to the silent ones. */
  sends: number;
  ikev1: boolean;
  ikev2: boolean;
  /** Listening after the last send. */
  timeoutMs: number;
  sockets?: number;
  signal?: AbortSignal;
  clock?: Clock;
  onProgress?: (p: { sent: number; total: number; answered: number; rate: number }) => void;
  /** Each responder as soon as its first answer arrives. */
  onResponder?: (address: string) => void;
}

export interface DiscoveryResult {
  responders: string[];
  /** Responders whose first answer came from another address or port than the one probed. */
  answeredFrom: { address: string; from: string }[];
  sent: number;
  /** Answers received (a responder may answer several probes). */
  answered: number;
  excluded: number;
  wallMs: number;
}

/** The sealed SPI of an address and the key that opens it: a keyed permutation of its 32 bits, then a 32-bit MAC. */
class Sealer {
  private readonly key = randomBytes(32);
  private readonly perm = new Permutation(2 ** 32, this.key.toString("hex"));
  private mac(x: number): Buffer {
    return createHmac("sha256", this.key).update(Buffer.from([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])).digest().subarray(0, 4);
  }
  seal(address: number): Buffer {
    const x = this.perm.at(address);
    const b = Buffer.alloc(8);
    b.writeUInt32BE(x, 0);
    this.mac(x).copy(b, 4);
    return b;
  }
  /** The address an SPI was sealed for; undefined for one that is not ours. */
  open(spi: Buffer): number | undefined {
    if (spi.length < 8) return undefined;
    const x = spi.readUInt32BE(0);
    return this.mac(x).equals(spi.subarray(4, 8)) ? this.perm.indexOf(x) : undefined;
  }
}

/** The two probes for an address: Main Mode message 1 (with the scan's vendor IDs) and IKE_SA_INIT. */
function probes(opts: DiscoveryOptions): (spi: Buffer) => Buffer[] {
  const v1Transforms = ["aes256-sha256-modp2048", "aes128-sha1-modp2048", "aes256-sha1-modp1024", "3des-sha1-modp1024"].flatMap((p) => parseIkeProposal(p, 1, 28800));
  const v1Sa = [{ type: PayloadType.SA, body: encodeSa(phase1Sa(v1Transforms)) }];
  const ke = createKeyExchange(19);
  const nonce = randomBytes(32);
  const v2Proposal = {
    number: 1,
    protocolId: ProtocolId.IKE,
    spi: Buffer.alloc(0),
    transforms: [
      { type: TransformType.ENCR, id: 20, keyLength: 256 },
      { type: TransformType.ENCR, id: 20, keyLength: 128 },
      { type: TransformType.ENCR, id: 12, keyLength: 256 },
      { type: TransformType.ENCR, id: 12, keyLength: 128 },
      { type: TransformType.PRF, id: 5 },
      { type: TransformType.PRF, id: 7 },
      { type: TransformType.PRF, id: 2 },
      { type: TransformType.INTEG, id: 12 },
      { type: TransformType.INTEG, id: 14 },
      { type: TransformType.INTEG, id: 2 },
      { type: TransformType.KE, id: 19 },
      { type: TransformType.KE, id: 14 },
      { type: TransformType.KE, id: 31 },
    ],
  };
  return (spi) => [
    ...(opts.ikev1 ? [scanMessage1(ExchangeType.IDENTITY_PROTECTION, v1Sa, spi)] : []),
    ...(opts.ikev2 ? [encodeSaInit({ spiI: spi, proposals: [v2Proposal], ke: { group: 19, data: ke.publicValue }, nonce })] : []),
  ];
}

/** Exported for the tests: the SPI sealing (seal, then open, gives the address back). */
export { Sealer };

export async function runDiscovery(opts: DiscoveryOptions): Promise<DiscoveryResult> {
  const clock = opts.clock ?? realClock;
  const t0 = clock.now();
  const sealer = new Sealer();
  const responders = new Set<number>();
  const order: string[] = [];
  const answeredFrom: { address: string; from: string }[] = [];
  let answered = 0;
  const onMessage = (msg: Buffer, from: { address: string; port: number }): void => {
    // An IKE answer starts with our SPI; on port 4500 a non-ESP marker comes first.
    const d = msg.length >= 32 && msg.readUInt32BE(0) === 0 ? msg.subarray(4) : msg;
    const a = sealer.open(d.subarray(0, 8));
    if (a === undefined) return;
    answered++;
    if (responders.has(a)) return;
    responders.add(a);
    const text = numberToIpv4(a);
    order.push(text);
    if (from.address !== text || from.port !== opts.port) answeredFrom.push({ address: text, from: `${from.address}:${from.port}` });
    opts.onResponder?.(text);
  };
  const sockets: RawSocket[] = [];
  for (let i = 0; i < (opts.sockets ?? 4); i++) sockets.push(await openRawSocket("udp4", 0, onMessage));
  const make = probes(opts);
  const bucket = new TokenBucket(opts.rate, clock);
  let sent = 0;
  const perAddress = (opts.ikev1 ? 1 : 0) + (opts.ikev2 ? 1 : 0);
  const total = opts.space.shardTotal * perAddress * opts.sends;
  let lastProgress = 0;
  const aborted = (): boolean => opts.signal?.aborted === true;
  try {
    for (let pass = 0; pass < opts.sends && !aborted(); pass++) {
      for (const a of opts.space.walk()) {
        if (aborted()) break;
        if (pass > 0 && responders.has(a)) continue;
        const address = numberToIpv4(a);
        for (const m of make(sealer.seal(a))) {
          await bucket.take(opts.signal);
          sockets[sent % sockets.length]!.send(m, address, opts.port);
          sent++;
        }
        const now = clock.now();
        if (opts.onProgress !== undefined && now - lastProgress >= 250) {
          lastProgress = now;
          opts.onProgress({ sent, total, answered: responders.size, rate: (sent * 1000) / Math.max(1, now - t0) });
        }
      }
    }
    // The last answers: one timeout after the last send.
    if (!aborted()) await clock.sleep(opts.timeoutMs, opts.signal);
  } finally {
    for (const s of sockets) s.close();
  }
  return { responders: order, answeredFrom, sent, answered, excluded: opts.space.countExcluded(), wallMs: Math.round(clock.now() - t0) };
}

/**
 * The scan's targets after a discovery: the targets that are not IPv4 addresses or networks (names,
 * IPv6) as given, then the responders. A gateway that answers from another address than the one
 * probed (SoftEther answers from its primary address) is enumerated where it answers from;
 * `foundAt` keeps where it was found, for a warning.
 */
export async function discoverTargets(
  opts: { targets: string[]; port: number; ikev1: boolean; ikev2: boolean; timeoutMs: number; signal?: AbortSignal; clock?: Clock; onDiscovery?: DiscoveryOptions["onProgress"] },
  d: { networks: Range[]; exclude: Range[]; shard: { index: number; count: number }; seed: string; rate: number; sends: number },
): Promise<{ hosts: string[]; discovery: DiscoveryReport; foundAt: Map<string, string[]> }> {
  const space = new AddressSpace({ networks: d.networks, exclude: d.exclude, shard: d.shard, seed: d.seed });
  const found = await runDiscovery({ space, port: opts.port, rate: d.rate, sends: d.sends, ikev1: opts.ikev1, ikev2: opts.ikev2, timeoutMs: opts.timeoutMs, ...(opts.signal !== undefined ? { signal: opts.signal } : {}), ...(opts.clock !== undefined ? { clock: opts.clock } : {}), ...(opts.onDiscovery !== undefined ? { onProgress: opts.onDiscovery } : {}) });
  const discovery = { addresses: space.shardTotal, excluded: found.excluded, sent: found.sent, answered: found.answered, responders: found.responders.length, rate: d.rate, wallMs: found.wallMs, shard: `${d.shard.index}/${d.shard.count}` };
  const others = opts.targets.filter((t) => parseIpv4Network(t, "target") === undefined);
  const from = new Map(found.answeredFrom.map((x) => [x.address, x.from.slice(0, x.from.lastIndexOf(":"))]));
  const foundAt = new Map<string, string[]>();
  const responders = found.responders.map((a) => {
    const f = from.get(a);
    if (f === undefined || f === a) return a;
    foundAt.set(f, [...(foundAt.get(f) ?? []), a]);
    return f;
  });
  return { hosts: [...new Set([...others, ...responders])], discovery, foundAt };
}

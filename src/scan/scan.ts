/**
 * `ikeprobe scan`: for each target, every Phase 1 transform of the catalogue the gateway accepts
 * (Main Mode, and Aggressive Mode per DH group with --aggressive), in a handful of exchanges; IKEv2
 * detection; vendor IDs, capabilities and a fingerprint; ratings. Targets run concurrently under one
 * global rate limit.
 */
import { ipFamily } from "../wire/ip.js";
import { authToken, encryptionToken, groupToken, hashToken } from "../config/ike.js";
import { addressIdentity } from "../config/identity.js";
import { AGGRESSIVE_PSK, type Severity, ratePhase1, worst } from "../data/ratings.js";
import { isProductName, nameVendorId } from "../data/vendor-ids.js";
import { IkeprobeError } from "../errors.js";
import { IkeTransport } from "../transport/udp.js";
import { type AddressFamily, type Lookup, multipleAddressesNote, resolveHost } from "../transport/resolve.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import { type CatalogueEntry, commonCatalogue } from "./catalogue.js";
import { type Range, expandTargets } from "./addresses.js";
import { discoverTargets } from "./discovery.js";
import { TokenBucket } from "./rate.js";
import { type Clock, type EliminationResult, Pacer, type PacingOptions, type ScanPeer, chunk, eliminate, realClock } from "./eliminate.js";
import { AggressiveScanPeer, MainModeScanPeer, observeBackoff } from "./peers.js";
import { auditIkev2 } from "./ikev2-audit.js";
import type { V2Space } from "./ikev2-search.js";
import { groupTokenV2 } from "../config/ikev2.js";
import { matchBackoff } from "../data/backoff.js";
import { type CertificateAuditInput, IKEV2_CHECK_IDS, SCAN_CHECKS, runChecks } from "../checks/index.js";
import { signatureMethod } from "../crypto/signature.js";
import { certificateView } from "../report/build/certificates.js";
import type { RatedTransform, ModeResult, TargetScan, ScanReport } from "../report/model/scan.js";
export type { RatedTransform, ModeResult, TargetScan, ScanReport } from "../report/model/scan.js";

export interface ScanOptions {
  targets: string[];
  port: number;
  catalogue: CatalogueEntry[];
  catalogueName: string;
  aggressive: boolean;
  /** Main Mode (and, with `aggressive`, Aggressive Mode); false: IKEv2 only (--no-ikev1). */
  ikev1: boolean;
  ikev2: boolean;
  /** What the IKEv2 audit asks about (ikev2-catalogue.ts). */
  ikev2Space: V2Space;
  /** The largest IKE_SA_INIT sent (RFC 7296 §2: every responder takes 1280 bytes). */
  ikev2MaxMessage: number;
  /** End each accepted Main Mode exchange at once with a message 3 the gateway must refuse. */
  release: boolean;
  /** IP packet size limit; message 1 stays below it (no fragmentation). */
  maxPacket: number;
  pacing: Omit<PacingOptions, "onWait">;
  /** Messages per second over all targets; 0 for no limit. */
  rate: number;
  concurrency: number;
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  id?: Identification;
  /** Ctrl-C: what is known is reported, the rest unknown. */
  signal?: AbortSignal;
  /** certificate-expiring within this many days (the Aggressive Mode step's certificate). */
  certWarnDays?: number;
  /** Back-off fingerprinting: listen this long (at most) for re-sent messages 2 of one unanswered exchange. */
  backoffMs?: number;
  /** Only addresses of this family, for names that have both. */
  family?: AddressFamily;
  lookup?: Lookup;
  onProgress?: (text: string) => void;
  onTarget?: (t: TargetScan) => void;
  clock?: Clock;
  /**
   * Discovery first (networks, long lists): which addresses of `networks` answer IKE at all, at
   * `rate` packets a second; only they are enumerated. The targets that are not IPv4 addresses or
   * networks (names, IPv6) are enumerated as they are.
   */
  discovery?: { networks: Range[]; exclude: Range[]; shard: { index: number; count: number }; seed: string; rate: number; sends: number };
  onDiscovery?: (p: { sent: number; total: number; answered: number; rate: number }) => void;
}

function rate(e: CatalogueEntry): RatedTransform {
  const t = e.transform;
  const tokens = { encryption: encryptionToken(t.encryption, t.keyBits), hash: hashToken(t.hash), group: groupToken(t.group), auth: authToken(t.auth) };
  return { proposal: e.proposal, ...tokens, ...ratePhase1(tokens) };
}

function emptyMode(): ModeResult {
  return { accepted: [], unknown: [], dropped: [], rejectedCount: 0, notifies: {}, malformed: [], notes: [] };
}

/**
 * The catalogue with its commonly configured transforms first, so that the first message 1 most
 * likely holds one the gateway accepts: a known-accepted transform is what tells a gateway that drops
 * what it refuses from one that has stopped answering. Reports keep the catalogue's own order.
 */
function seedOrder(catalogue: CatalogueEntry[]): CatalogueEntry[] {
  const common = new Set(commonCatalogue().map((e) => `${e.proposal}/${e.auth}`));
  const first = catalogue.filter((e) => common.has(`${e.proposal}/${e.auth}`));
  return first.length === 0 || first.length === catalogue.length ? catalogue : [...first, ...catalogue.filter((e) => !common.has(`${e.proposal}/${e.auth}`))];
}

/** One mode's result for the report, in the catalogue's order. */
function modeResult(r: EliminationResult, catalogue: CatalogueEntry[]): ModeResult {
  const order = new Map(catalogue.map((e, i) => [e, i]));
  const sorted = (list: CatalogueEntry[]): CatalogueEntry[] => [...list].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const brief = (e: CatalogueEntry): { proposal: string; auth: string } => ({ proposal: e.proposal, auth: e.auth });
  return {
    accepted: sorted(r.accepted).map(rate),
    unknown: sorted(r.unknown).map(brief),
    dropped: sorted(r.dropped).map(brief),
    rejectedCount: r.rejected.length,
    notifies: r.notifies,
    malformed: r.malformed,
    notes: r.notes,
  };
}


export async function scanTarget(host: string, opts: ScanOptions, limiter: TokenBucket): Promise<TargetScan> {
  const t0 = Date.now();
  const result: TargetScan = {
    target: { host, port: opts.port, address: null, addresses: [] },
    status: "scanned",
    mainMode: opts.ikev1 ? emptyMode() : null,
    aggressiveMode: null,
    vendorIds: [],
    fingerprint: { implementation: null, evidence: [], basis: [] },
    capabilities: { natT: null, dpd: false, xauth: false, fragmentation: false, ciscoUnity: false },
    certificates: [],
    ikev2: null,
    backoff: null,
    severity: "OK",
    findings: [],
    warnings: [],
    stats: { exchanges: 0, packetsSent: 0, packetsReceived: 0, seconds: 0, waitedSeconds: 0, halfOpenReleased: 0, livenessChecks: 0 },
  };
  let transport: IkeTransport | undefined;
  try {
    const resolved = await resolveHost(host, opts.family, opts.lookup);
    const address = resolved.address;
    result.target.address = address;
    result.target.addresses = resolved.addresses;
    const multiple = multipleAddressesNote(host, resolved);
    if (multiple !== undefined) result.warnings.push(multiple);
    transport = await IkeTransport.open({ address, port: opts.port }, { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries });
    const clock = opts.clock ?? realClock;
    const pacer = new Pacer({ ...opts.pacing, ...(opts.signal !== undefined ? { signal: opts.signal } : {}), onWait: (ms, why) => opts.onProgress?.(`${host}: waiting ${(ms / 1000).toFixed(0)} s (${why})`) }, clock);
    const limited = (peer: ScanPeer): ScanPeer => ({ offer: async (ts, timeoutMs) => (await limiter.take(), peer.offer(ts, timeoutMs)) });
    const udpLimit = opts.maxPacket - (ipFamily(address) === 6 ? 40 : 20) - 8;
    const signal = opts.signal;
    const common = seedOrder(opts.catalogue);

    const mm = new MainModeScanPeer(transport);
    mm.releaseEnabled = opts.release;
    const mmPeer = limited(mm);
    const vids = new Map<string, Buffer>();
    const stats: { packetsSent: number; packetsReceived: number }[] = [];
    const c: TargetContext = { host, opts, transport, pacer, limiter, limited, udpLimit, common, mm, mmPeer, mmKnown: undefined, result, vids, stats };
    let interrupted = false;
    let mmAccepted: CatalogueEntry[] = [];
    if (opts.ikev1) {
      const chunks = chunk(common, (ts) => mm.message(ts).length, udpLimit);
      const mmResult = await eliminate(chunks, mmPeer, pacer, {
        timeoutMs: opts.timeoutMs,
        onProgress: (done, total) => opts.onProgress?.(`${host}: Main Mode ${done}/${total} transforms`),
        ...(signal !== undefined ? { signal } : {}),
      });
      result.mainMode = modeResult(mmResult, opts.catalogue);
      result.stats.exchanges += mmResult.exchanges + mm.releases.sent;
      result.stats.halfOpenReleased = mm.releases.confirmed;
      result.stats.livenessChecks += mmResult.livenessChecks;
      interrupted = mmResult.interrupted;
      for (const [k, v] of mm.vendorIds) vids.set(k, v);
      stats.push(mm.stats);
      // A transform Main Mode accepted tells whether the gateway still answers, in any mode.
      c.mmKnown = mmResult.accepted.at(-1);
      mmAccepted = mmResult.accepted;
      await scanBackoff(c);
    } else {
      result.mainMode = null;
    }
    await scanIkev2(c);
    if (opts.ikev1 && opts.aggressive) interrupted = (await scanAggressive(c)) || interrupted;
    if (opts.ikev1 && opts.aggressive && !interrupted && signal?.aborted !== true) await scanCertificate(c, mmAccepted);
    if (interrupted || signal?.aborted === true) result.warnings.push("interrupted (Ctrl-C): what was not asked yet is reported unknown");

    summarize(c);
  } catch (e) {
    if (!(e instanceof IkeprobeError)) throw e;
    result.status = "error";
    result.error = e.message;
  } finally {
    transport?.close();
    result.stats.seconds = Math.round((Date.now() - t0) / 100) / 10;
  }
  return result;
}

/** What the steps of one target's scan share. */
interface TargetContext {
  host: string;
  opts: ScanOptions;
  transport: IkeTransport;
  pacer: Pacer;
  limiter: TokenBucket;
  limited: (peer: ScanPeer) => ScanPeer;
  udpLimit: number;
  common: CatalogueEntry[];
  mm: MainModeScanPeer;
  mmPeer: ScanPeer;
  /** A transform Main Mode accepted: tells whether the gateway still answers, in any mode. */
  mmKnown: EliminationResult["accepted"][number] | undefined;
  result: TargetScan;
  vids: Map<string, Buffer>;
  stats: { packetsSent: number; packetsReceived: number }[];
  /** What the certificate step found, for the audit checks. */
  certificates?: CertificateAuditInput;
}

/** --backoff: one accepted exchange left unanswered, the gateway's re-sent messages 2 timed. */
async function scanBackoff(c: TargetContext): Promise<void> {
  const { host, opts, transport, pacer, limiter, mm, mmKnown, result, stats } = c;
  const signal = opts.signal;
  if (opts.backoffMs !== undefined && signal?.aborted !== true) {
    if (mmKnown === undefined) {
      result.backoff = { intervals: [], packets: 0, listenedSeconds: 0, complete: false, match: null, note: "not measured: the gateway accepted no Main Mode transform to leave unanswered" };
    } else {
      opts.onProgress?.(`${host}: back-off: listening up to ${Math.round(opts.backoffMs / 1000)} s for re-sent messages 2`);
      await pacer.beforeSend();
      await limiter.take();
      const bstats = { packetsSent: 0, packetsReceived: 0 };
      const b = await observeBackoff(transport, (cookie) => mm.message([mmKnown.transform], cookie), opts.backoffMs, bstats, signal);
      stats.push(bstats);
      result.stats.exchanges++;
      pacer.onHalfOpen();
      result.backoff = { intervals: b.gaps, packets: b.packets, listenedSeconds: b.listenedSeconds, complete: b.quietAtEnd, match: b.packets > 0 ? matchBackoff(b.gaps, b.quietAtEnd) : null };
      if (b.packets === 0) result.backoff.note = "no answer to the back-off exchange";
    }
  }
}

/** The IKEv2 audit: the exact set of IKE_SA_INIT combinations accepted, the group order, the extensions. */
async function scanIkev2(c: TargetContext): Promise<void> {
  const { host, opts, transport, pacer, limiter, result, stats } = c;
  if (!opts.ikev2 || opts.signal?.aborted === true) return;
  const v2 = await auditIkev2(transport, {
    space: opts.ikev2Space,
    maxMessage: opts.ikev2MaxMessage,
    timeoutMs: () => pacer.answerTimeoutMs(opts.timeoutMs),
    beforeSend: async () => {
      await pacer.beforeSend();
      await limiter.take();
    },
    onHalfOpen: () => pacer.onHalfOpen(),
    onLimit: () => pacer.onLimit(),
    onProgress: (what) => opts.onProgress?.(`${host}: ${what}`),
    ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
  });
  stats.push(v2.stats);
  result.stats.exchanges += v2.report.stats.exchanges;
  result.ikev2 = v2.report;
  // Its vendor IDs name the implementation as IKEv1's do.
  for (const v of v2.report.vendorIds) if (!c.vids.has(v.hex)) c.vids.set(v.hex, Buffer.from(v.hex, "hex"));
}

/** Aggressive Mode, one DH group per exchange (the KE must match it); true when interrupted. */
async function scanAggressive(c: TargetContext): Promise<boolean> {
  const { host, opts, transport, pacer, limited, udpLimit, common, mmPeer, mmKnown, result, vids, stats } = c;
  const signal = opts.signal;
  let interrupted = false;
  const psk = common.filter((e) => e.transform.auth === 1 || e.transform.auth === 65001);
  const groups = [...new Set(psk.map((e) => e.transform.group))];
  const agg: ModeResult & { groupsAnswered: string[] } = { ...emptyMode(), groupsAnswered: [] };
  const id = opts.id ?? addressIdentity(transport.local.address);
  for (const g of groups) {
    const peer = new AggressiveScanPeer(transport, g, id);
    const amPeer = limited(peer);
    const entries = psk.filter((e) => e.transform.group === g);
    const r = await eliminate(chunk(entries, (ts) => peer.message(ts).length, udpLimit), amPeer, pacer, {
      timeoutMs: opts.timeoutMs,
      onProgress: (done, total) => opts.onProgress?.(`${host}: Aggressive Mode ${groupToken(g)} ${done}/${total}`),
      // What this group's KE got accepted with, else what Main Mode accepted.
      liveness: async (known) =>
        known !== undefined ? amPeer.offer([known.transform], pacer.answerTimeoutMs(opts.timeoutMs)) : mmKnown !== undefined ? mmPeer.offer([mmKnown.transform], pacer.answerTimeoutMs(opts.timeoutMs)) : undefined,
      ...(signal !== undefined ? { signal } : {}),
    });
    const m = modeResult(r, opts.catalogue);
    agg.accepted.push(...m.accepted.map((t) => ({ ...t, severity: worst(t.severity, AGGRESSIVE_PSK.severity), reasons: [AGGRESSIVE_PSK.reason, ...t.reasons] })));
    agg.unknown.push(...m.unknown);
    agg.dropped.push(...m.dropped);
    agg.rejectedCount += m.rejectedCount;
    agg.malformed.push(...m.malformed);
    for (const n of m.notes) if (!agg.notes.includes(n)) agg.notes.push(n);
    for (const [k, v] of Object.entries(m.notifies)) agg.notifies[k] = (agg.notifies[k] ?? 0) + v;
    if (r.accepted.length > 0) agg.groupsAnswered.push(groupToken(g));
    result.stats.exchanges += r.exchanges;
    result.stats.livenessChecks += r.livenessChecks;
    interrupted ||= r.interrupted;
    for (const [k, v] of peer.vendorIds) vids.set(k, v);
    stats.push(peer.stats);
  }
  result.aggressiveMode = agg;
  return interrupted;
}

/**
 * The gateway's certificate, as the Aggressive Mode step meets it: one Aggressive Mode offer of
 * signature-method transforms (those Main Mode accepted, else the catalogue's, one group per
 * exchange, until one is answered) with a CERTREQ; its certificates are reported and audited.
 */
async function scanCertificate(c: TargetContext, mmAccepted: readonly CatalogueEntry[]): Promise<void> {
  const { opts, transport, pacer, limited, udpLimit, result, vids, stats } = c;
  const signed = (e: CatalogueEntry): boolean => signatureMethod(e.transform.auth) !== undefined;
  const known = mmAccepted.filter(signed);
  const candidates = known.length > 0 ? known : c.common.filter(signed);
  const id = opts.id ?? addressIdentity(transport.local.address);
  for (const g of [...new Set(candidates.map((e) => e.transform.group))].slice(0, 4)) {
    const peer = new AggressiveScanPeer(transport, g, id, true);
    const ts = chunk(candidates.filter((e) => e.transform.group === g), (x) => peer.message(x).length, udpLimit)[0]?.map((e) => e.transform) ?? [];
    const answer = await limited(peer).offer(ts, pacer.answerTimeoutMs(opts.timeoutMs));
    result.stats.exchanges++;
    stats.push(peer.stats);
    for (const [k, v] of peer.vendorIds) vids.set(k, v);
    if (answer.kind !== "accepted") continue;
    const view = certificateView({ certificates: peer.certificates, certificateRequests: [] }, { showPem: false, warnDays: opts.certWarnDays ?? 30 }, peer.remoteId ?? null, Date.now());
    result.certificates = view.fields.remoteCertificates;
    c.certificates = view.audit;
    result.warnings.push(...view.unreadable);
    if (peer.certificates.length === 0) result.warnings.push(`Aggressive Mode with ${authToken(ts[0]!.auth)} was answered without a certificate (the gateway sends it only once it knows us)`);
    return;
  }
}

/** Vendor IDs named, capabilities, the fingerprint, the totals and the target's status and severity. */
function summarize(c: TargetContext): void {
  const { opts, pacer, result, vids, stats } = c;
  const signal = opts.signal;
  result.vendorIds = [...vids.values()].map((v) => {
    const name = nameVendorId(v);
    return name !== undefined ? { hex: v.toString("hex"), name } : { hex: v.toString("hex") };
  });
  const names = result.vendorIds.map((v) => v.name ?? "");
  result.capabilities = {
    natT: names.find((n) => /NAT-T|nat-t/.test(n)) ?? null,
    dpd: names.some((n) => n.startsWith("Dead Peer Detection")),
    xauth: names.some((n) => n.startsWith("XAUTH")),
    fragmentation: names.includes("IKE Fragmentation"),
    ciscoUnity: names.includes("Cisco Unity"),
  };
  const products = result.vendorIds.filter((v) => v.name !== undefined && isProductName(v.name));
  result.fingerprint = fingerprint(products.map((p) => p.name!), names, result);
  result.stats.packetsSent = stats.reduce((n, s) => n + s.packetsSent, 0);
  result.stats.packetsReceived = stats.reduce((n, s) => n + s.packetsReceived, 0);
  result.stats.waitedSeconds = Math.round(pacer.waitedMs / 100) / 10;
  const answered = result.stats.packetsReceived > 0;
  const mm = result.mainMode;
  const unknown = (mm?.unknown.length ?? 0) + (result.aggressiveMode?.unknown.length ?? 0);
  const v2 = result.ikev2;
  const v2Incomplete = v2 !== null && v2.answered && !v2.complete;
  result.status = !answered ? "no-answer" : unknown > 0 || (mm?.malformed.length ?? 0) > 0 || v2Incomplete || signal?.aborted === true ? "incomplete" : "scanned";
  result.severity = [...(mm?.accepted ?? []), ...(result.aggressiveMode?.accepted ?? []), ...(v2?.accepted ?? [])].reduce<Severity>((s, t) => worst(s, t.severity), "OK");
  const accepted = [
    ...(mm?.accepted ?? []).map((t) => ({ ...t, mode: "main" as const })),
    ...(result.aggressiveMode?.accepted ?? []).map((t) => ({ ...t, mode: "aggressive" as const })),
  ];
  const ikev2 = v2 === null ? null : { answered: v2.answered, accepted: v2.accepted, groupNumbers: opts.ikev2Space.groups.filter((g) => v2.groups.includes(groupTokenV2(g))), fragmentation: v2.notifies?.fragmentation ?? null };
  const ikev1Accepted = mm === null ? null : mm.accepted.length + (result.aggressiveMode?.accepted.length ?? 0);
  result.findings = runChecks(SCAN_CHECKS, { accepted, ...(c.certificates ?? { certificates: [], chain: null, remoteId: null, warnDays: 30 }), ikev2, ikev1Accepted });
  if (v2 !== null) v2.findings = result.findings.filter((f) => IKEV2_CHECK_IDS.has(f.id));
}

/** A best guess at the implementation from its vendor IDs, with the evidence. */
function fingerprint(products: string[], names: string[], r: TargetScan): TargetScan["fingerprint"] {
  const b = r.backoff?.match ?? null;
  const backoffEvidence = b !== null ? [`back-off pattern ${r.backoff!.intervals.length > 0 ? r.backoff!.intervals.map((g) => `${g} s`).join(", ") : "of no re-send"}: ${b.implementation}${b.strength === "weak" ? " (weak: many implementations never re-send)" : ""}`] : [];
  if (products.length > 0) {
    const agrees = b !== null && b.strength === "strong" && b.implementation.split(" ")[0] === products[0]!.split(" ")[0];
    return { implementation: products[0]!, evidence: [...products.map((p) => `vendor ID "${p}"`), ...backoffEvidence], basis: agrees ? ["vendor-id", "backoff"] : ["vendor-id"] };
  }
  // strongSwan without send_vendor_id: XAUTH and DPD always, NAT-T only if offered, nothing else.
  const set = new Set(names.filter((n) => n !== ""));
  const unknownVids = r.vendorIds.filter((v) => v.name === undefined).length;
  if (set.has("XAUTH") && set.has("Dead Peer Detection v1.0") && unknownVids === 0 && [...set].every((n) => n === "XAUTH" || n.startsWith("Dead Peer") || /NAT-T|nat-t/.test(n) || n === "IKE Fragmentation")) {
    const agrees = b !== null && b.implementation.startsWith("strongSwan");
    return { implementation: "strongSwan (probable)", evidence: ["answers with the XAUTH and DPD vendor IDs and no product vendor ID, as charon does by default", ...backoffEvidence], basis: agrees ? ["vendor-id", "backoff"] : ["vendor-id"] };
  }
  // strongSwan in IKEv2 without send_vendor_id: MULTIPLE_AUTH_SUPPORTED and CHILDLESS_IKEV2_SUPPORTED in every SA answer, no vendor ID.
  const n = r.ikev2?.notifies;
  if (r.vendorIds.length === 0 && n !== null && n !== undefined && n.multipleAuth && n.childless) {
    return { implementation: "strongSwan (probable)", evidence: ["answers IKE_SA_INIT with MULTIPLE_AUTH_SUPPORTED and CHILDLESS_IKEV2_SUPPORTED and no vendor ID, as charon does by default", ...backoffEvidence], basis: ["vendor-id"] };
  }
  if (b !== null && b.strength === "strong") return { implementation: `${b.implementation} (by back-off)`, evidence: [...backoffEvidence, ...(names.length > 0 ? [`vendor IDs: ${names.filter((n) => n !== "").join(", ") || "unknown ones only"}`] : [])], basis: ["backoff"] };
  return { implementation: null, evidence: [...(names.length > 0 ? [`vendor IDs: ${names.filter((n) => n !== "").join(", ") || "unknown ones only"}`] : []), ...backoffEvidence], basis: [] };
}

export async function runScan(opts: ScanOptions, version: string): Promise<ScanReport> {
  const startedAt = new Date().toISOString();
  const { hosts, discovery, foundAt } = opts.discovery !== undefined ? await discoverTargets(opts, opts.discovery) : { hosts: expandTargets(opts.targets), discovery: undefined, foundAt: new Map<string, string[]>() };
  const limiter = new TokenBucket(opts.rate, opts.clock);
  const results: TargetScan[] = new Array(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const i = next++;
      results[i] = await scanTarget(hosts[i]!, opts, limiter);
      const probed = foundAt.get(hosts[i]!);
      if (probed !== undefined) results[i]!.warnings.push(`discovered at ${probed.join(", ")}, which it answers from ${hosts[i]}: enumerated there`);
      opts.onTarget?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, hosts.length)) }, worker));
  const report: ScanReport = { tool: { name: "ikeprobe", version }, startedAt, catalogue: { name: opts.catalogueName, transforms: opts.catalogue.length }, ...(discovery !== undefined ? { discovery } : {}), targets: results, exitCode: 0 };
  // 0: every target scanned completely; 3: no target answered at all; 1: anything between.
  // A discovery that found no responder has nothing to scan: no answer (3).
  report.exitCode = results.length === 0 ? (discovery !== undefined ? 3 : 0) : results.every((r) => r.status === "scanned") ? 0 : results.every((r) => r.status === "no-answer" || r.status === "error") ? 3 : 1;
  return report;
}

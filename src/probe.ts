/**
 * The programmatic API under the CLI: offers each Phase 1 transform set in its own Main Mode,
 * completes the identity exchange with the first accepted one when a PSK is given, deletes the
 * ISAKMP SA, and returns the report. Never prints; progress goes to `onProgress`.
 */
import { writeFileSync } from "node:fs";
import { authToken, encryptionToken, groupToken, hashToken, proposalToken, type Phase1Transform } from "./config/ike.js";
import { addressIdentity } from "./config/identity.js";
import { nameVendorId } from "./data/vendor-ids.js";
import { type Phase2Proposal, espEncryptionToken, integrityToken, phase2Token } from "./config/esp.js";
import { type TrafficSelector, parseTrafficSelector } from "./config/traffic-selector.js";
import { type IsakmpSa, buildInformational, isakmpDelete, readInformationalDatagram } from "./exchanges/isakmp-sa.js";
import { QuickModeInitiator, encapsulationToken } from "./exchanges/quick-mode.js";
import { DOI_IPSEC, NotifyType, PayloadType, ProtocolId } from "./wire/constants.js";
import { encodeDelete } from "./wire/payloads/delete.js";
import { type Phase1Initiator, PSK_METHODS, type Phase1Result as MainModeResult, type Step, phase1Initiator } from "./exchanges/phase1/index.js";
import { type ChildSaReport, ExitCode, type IdentityReport, type InformationalReport, type OfferReport, type Phase2ProposalReport, type Report, type SelectedReport, type TimingReport, type UnsolicitedReport } from "./report/model.js";
import { PcapWriter } from "./transport/pcap.js";
import { sleep } from "./sleep.js";
import { type XauthCredentials, IsakmpSession } from "./session.js";
import { crackersFor, formatPskCrackLine, hashcatFit } from "./crack/hash-file.js";
import { espSaTable, ikev1DecryptionTable } from "./report/wireshark.js";
import type { AggressiveCapture } from "./exchanges/phase1/index.js";
import { DPD_VID } from "./data/vendor-ids.js";
import { IkeTransport, type RoundTrip } from "./transport/udp.js";
import { type AddressFamily, type Lookup, multipleAddressesNote, resolveHost } from "./transport/resolve.js";
import { type Identification, describeId } from "./wire/payloads/identification.js";

export const VERSION = "0.1.0";

/** Auth methods after which the gateway (as XAUTH server) starts XAUTH: XAUTHInitPreShared and its kin (IKEV1.md §4.4). */
const XAUTH_METHODS = new Set([65001, 65002, 65003, 65004, 65005, 65006, 65007, 65008, 65009, 65010]);

/** Our nonce when the point of the exchange is the gateway's hash (hashcat-friendly, see crack/hash-file.ts). */
const CAPTURE_NONCE_LENGTH = 20;

/** The least time we listen after the last Quick Mode for the gateway's reaction (e.g. a DELETE). */
const SETTLE_MIN_MS = 50;

/** How long to listen for a gateway's reaction that would come about a round trip later: 3 round trips, at least SETTLE_MIN_MS, at most the timeout. */
function settleMs(rttMs: number, timeoutMs: number): number {
  return Math.min(Math.max(SETTLE_MIN_MS, 3 * rttMs), timeoutMs);
}

export interface ProbeOptions {
  host: string;
  port: number;
  /** Only addresses of this family, for a name that has both. */
  family?: AddressFamily;
  /** The resolver (tests replace it); the system's by default. */
  lookup?: Lookup;
  transforms: Phase1Transform[];
  /** The PSK as bytes; never copied into the report. */
  psk?: Buffer;
  localId?: Identification;
  natT: "auto" | "force" | "off";
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  showKeys: boolean;
  /** Wireshark's ikev1_decryption_table for the ISAKMP SA. */
  keysFile?: string;
  /** Wireshark's esp_sa table for the ESP SAs set up. */
  espKeysFile?: string;
  pcapFile?: string;
  /** Quick Mode proposals to try after an authenticated Phase 1 (each in its own Quick Mode). */
  phase2?: { proposals: Phase2Proposal[]; localTs?: TrafficSelector; remoteTs?: TrafficSelector };
  /** Keep the authenticated ISAKMP SA up this long before deleting it (to look at the gateway's side). */
  holdSeconds?: number;
  /** Aggressive Mode instead of Main Mode (one group per exchange). */
  aggressive?: boolean;
  /** Aggressive Mode: send message 3 (HASH_I) unencrypted. */
  am3Clear?: boolean;
  /** Aggressive Mode: write the gateway's HASH_R and its inputs here (psk-crack format). */
  saveHashFile?: string;
  /** Answer XAUTH with these. */
  xauth?: XauthCredentials;
  /** Ask for Mode-Config attributes even without XAUTH. */
  modeConfig?: boolean;
  /** Send R-U-THERE after Phase 1 and report the answer. */
  dpd?: boolean;
  /** Called with each Aggressive Mode hash the gateway hands out (for --diagnose's offline test). */
  onCapture?: (c: AggressiveCapture) => void;
  /** Aborting ends a hold early; the DELETE is still sent. */
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

function selectedReport(r: MainModeResult): SelectedReport | null {
  const s = r.selected;
  if (s === undefined) return null;
  const t = s.transform;
  const out: SelectedReport = {
    proposal: proposalToken(t),
    encryption: encryptionToken(t.encryption, t.keyBits),
    keyLength: t.keyBits ?? null,
    hash: hashToken(t.hash),
    auth: authToken(t.auth),
    group: groupToken(t.group),
    lifetimeSeconds: t.lifetimeSeconds,
    offeredLifetimeSeconds: s.offeredLifetimeSeconds,
    lifetimeChanged: t.lifetimeSeconds !== s.offeredLifetimeSeconds,
    mismatches: s.mismatches,
  };
  if (s.lifetimeKilobytes !== undefined) out.lifetimeKilobytes = s.lifetimeKilobytes;
  return out;
}

export async function runProbe(opts: ProbeOptions): Promise<Report> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const resolved = await resolveHost(opts.host, opts.family, opts.lookup);
  const address = resolved.address;
  const pcap = opts.pcapFile !== undefined ? new PcapWriter(opts.pcapFile) : undefined;
  const transportOpts = { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries, ...(pcap ? { pcap } : {}) };
  const stats = { exchanges: 0, packetsSent: 0, packetsReceived: 0, ignored: 0 };
  const steps: TimingReport[] = [];
  const offers: OfferReport[] = [];
  const warnings: string[] = [];
  const multiple = multipleAddressesNote(opts.host, resolved);
  if (multiple !== undefined) warnings.push(multiple);
  let identityMm: Phase1Initiator | undefined;
  let firstAccepted: MainModeResult | undefined;
  let deleted = false;
  let cleanupDetail = "nothing to delete: no ISAKMP SA was established";
  let transport: IkeTransport | undefined;
  let localId: Identification | undefined = opts.localId;
  let phase2: Report["phase2"] = null;
  let childSasDeleted: string[] = [];
  const informational: InformationalReport[] = [];
  const unsolicited: UnsolicitedReport[] = [];
  /** Key material of every IPsec SA set up, for --keys even without --show-keys. */
  const childKeys: ChildKeys[] = [];
  const captures: AggressiveCapture[] = [];
  let xauth: Report["xauth"] = null;
  let modeConfig: Report["modeConfig"] = null;
  let dpd: Report["dpd"] = null;
  const modeName = opts.aggressive === true ? "am1" : "mm1";
  let am3Sent = false;

  try {
    for (const [i, transform] of opts.transforms.entries()) {
      if (opts.signal?.aborted) {
        warnings.push(`interrupted: ${opts.transforms.length - i} offer(s) not tried`);
        break;
      }
      // A fresh socket per offer: each offer is its own exchange with its own cookie.
      if (transport !== undefined) {
        stats.ignored += transport.ignored;
        transport.close();
      }
      transport = await IkeTransport.open({ address, port: opts.port }, transportOpts);
      localId ??= addressIdentity(transport.local.address);
      // The identity exchange needs a pre-shared-key method; signature offers only go to message 2.
      const attemptIdentity = opts.psk !== undefined && identityMm === undefined && PSK_METHODS.has(transform.auth);
      const mm = phase1Initiator({
        transform,
        // A hash for offline tests (no PSK, or --save-hash): a 20-byte nonce (ike-scan's), so that
        // with the gateway's (commonly 32) the nonces stay under hashcat's 64-byte limit.
        ...(opts.aggressive === true && (!attemptIdentity || opts.saveHashFile !== undefined) ? { nonceLength: CAPTURE_NONCE_LENGTH } : {}),
        ...(attemptIdentity ? { psk: opts.psk! } : {}),
        localId,
        natT: opts.natT,
        local: transport.local,
        remote: transport.remote,
        ...(opts.aggressive === true ? { aggressive: true, am3Clear: opts.am3Clear === true } : {}),
      });
      const token = proposalToken(transform);
      opts.onProgress?.(`offer ${i + 1}/${opts.transforms.length}: ${token} (${authToken(transform.auth)})`);
      stats.exchanges++;
      let message = mm.start();
      let floated = false;
      let step: Step = { kind: "done" };
      let stepName: string = modeName;
      let firstRttMs = 0;
      for (;;) {
        const { rt, step: pending } = await ask(transport, message, floated, mm, stats);
        steps.push({ proposal: token, step: stepName, answered: rt.answered, rttMs: round(rt.rttMs), transmissions: rt.transmissions });
        if (stepName === modeName) firstRttMs = rt.rttMs;
        if (stepName === modeName) offers.push({ proposal: token, auth: authToken(transform.auth), status: "no-response", transmissions: rt.transmissions, ...(rt.answered ? { rttMs: round(rt.rttMs) } : {}) });
        step = rt.answered && pending !== undefined ? pending : mm.timeout();
        if (step.kind === "final") {
          // Aggressive Mode message 3: nothing answers it.
          if (step.float && !floated) {
            await transport.float();
            floated = true;
          }
          await transport.send(step.message, floated);
          stats.packetsSent++;
          am3Sent = true;
          break;
        }
        if (step.kind !== "send") break;
        if (step.float && !floated) {
          await transport.float();
          floated = true;
        }
        message = step.message;
        stepName = mm.currentStage;
        if (stepName === "mm5") opts.onProgress?.(`identity exchange with ${token}`);
      }
      const r = mm.result;
      const offer = offers[offers.length - 1]!;
      offer.status = r.offer;
      if (r.notify !== undefined) {
        offer.notify = r.notify.name;
        offer.notifyCode = r.notify.type;
      }
      if (r.error !== undefined && r.offer === "malformed") offer.error = r.error.message;
      warnings.push(...r.warnings.map((w) => `${token}: ${w}`));
      if (r.offer === "accepted" && firstAccepted === undefined) firstAccepted = r;
      if (r.aggressive !== undefined) {
        captures.push(r.aggressive);
        opts.onCapture?.(r.aggressive);
      }
      if (attemptIdentity && r.offer === "accepted") {
        identityMm = mm;
        firstAccepted = r;
        if (r.identity?.status === "authenticated") {
          const sa = mm.isakmpSa();
          // From here on the gateway may send protected messages at any time: the session keeps them.
          const session = new IsakmpSession(sa, transport, floated, stats, informational, unsolicited);
          const settle = settleMs(firstRttMs, opts.timeoutMs);
          let refused = false;
          if (opts.aggressive === true) {
            // Nothing answers message 3; a gateway that refuses our HASH_I says so about a round trip later.
            await sleep(settle, opts.signal);
            refused = refusedAm3(r, informational);
          }
          if (refused && opts.phase2 !== undefined) phase2 = notAttempted(opts.phase2, "the gateway refused Aggressive Mode message 3");
          const xauthRequired = XAUTH_METHODS.has(r.selected?.transform.auth ?? 0);
          if (xauthRequired) opts.onProgress?.("waiting for the gateway's XAUTH request");
          if (!refused) xauth = await session.xauth(opts.xauth, xauthRequired ? opts.timeoutMs : 0, opts.timeoutMs, xauthRequired);
          const xauthBlocks = xauth !== null && (xauth.status === "required" || xauth.status === "failed" || xauth.status === "error");
          if (xauth !== null && !xauthBlocks && (xauth.status === "authenticated" || opts.modeConfig === true)) {
            opts.onProgress?.("Mode-Config");
            modeConfig = await session.modeConfig(settle);
          }
          if (opts.dpd === true && !refused && xauth?.status !== "failed") {
            opts.onProgress?.("Dead Peer Detection: R-U-THERE");
            dpd = await session.dpd(r.vendorIds.some((v) => v.toString("hex") === DPD_VID));
          }
          if (opts.phase2 !== undefined && xauthBlocks) {
            phase2 = notAttempted(opts.phase2, `XAUTH not completed (${xauth!.status})`);
          } else if (opts.phase2 !== undefined && !refused) {
            // A Mode-Config address is our inner address: the gateway expects it as our selector.
            const p2 = modeConfig?.address != null && opts.phase2.localTs === undefined ? { ...opts.phase2, localTs: parseTrafficSelector(modeConfig.address, "Mode-Config address") } : opts.phase2;
            phase2 = await runQuickModes(sa, transport, floated, { ...opts, phase2: p2 }, stats, steps, informational, warnings, childKeys);
          }
          if (refused) {
            // The gateway dropped the exchange when it refused our HASH_I: there is no SA to delete.
            cleanupDetail = "nothing to delete: the gateway refused Aggressive Mode message 3 and dropped the exchange";
            continue;
          }
          if ((opts.holdSeconds ?? 0) > 0 && !opts.signal?.aborted) {
            opts.onProgress?.(`holding the SAs for ${opts.holdSeconds} s (Ctrl-C ends the hold and cleans up)`);
            await sleep(opts.holdSeconds! * 1000, opts.signal);
          } else if (phase2?.proposals.some((q) => q.status === "accepted")) {
            // A gateway that cannot install an SA says so right after Quick Mode message 3 (a DELETE),
            // about one round trip later: listen that long (3x the slowest Quick Mode round trip, at
            // least SETTLE_MIN_MS) so the report does not call such an SA established.
            const rtt = Math.max(0, ...phase2.proposals.map((q) => q.rttMs ?? 0));
            await sleep(settleMs(rtt, opts.timeoutMs), opts.signal);
          }
          const children = (phase2?.proposals ?? []).flatMap((q) => (q.sa !== undefined ? [q.sa] : []));
          markDeletedByGateway(children, informational, warnings);
          if (children.length > 0) {
            // Both SPIs of every IPsec SA we set up; the gateway deletes the one it knows as outbound (ours in).
            const dels = (["esp", "ah"] as const).flatMap((proto) => {
              const spis = children.filter((c) => c.protocol === proto).flatMap((c) => [Buffer.from(c.spiIn, "hex"), Buffer.from(c.spiOut, "hex")]);
              const protocolId = proto === "esp" ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH;
              return spis.length > 0 ? [{ type: PayloadType.DELETE, body: encodeDelete({ doi: DOI_IPSEC, protocolId, spiSize: 4, spis }) }] : [];
            });
            await transport.send(buildInformational(sa, dels), floated);
            stats.packetsSent++;
            childSasDeleted = children.flatMap((c) => [c.spiIn, c.spiOut]);
          }
          await transport.send(isakmpDelete(sa), floated);
          stats.packetsSent++;
          deleted = true;
          cleanupDetail =
            children.length > 0
              ? `sent encrypted DELETEs for ${children.length} IPsec SA(s) (SPIs ${childSasDeleted.join(", ")}) and then for the ISAKMP SA`
              : "sent an encrypted Informational DELETE for the ISAKMP SA";
          // Informationals that arrive in the last moments are still read before the socket closes.
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    }
  } finally {
    if (transport !== undefined) stats.ignored += transport.ignored;
    transport?.close();
    pcap?.close();
  }

  const chosen = identityMm?.result ?? firstAccepted;
  const anyPskAccepted = offers.some((o, i) => o.status === "accepted" && PSK_METHODS.has(opts.transforms[i]!.auth));
  const identity = identityReport(opts, localId!, identityMm?.result ?? firstAccepted, firstAccepted !== undefined, anyPskAccepted, offers);
  let savedTo: string | null = null;
  if (opts.saveHashFile !== undefined) {
    if (captures.length > 0) {
      if (writeSecretFile("--save-hash", opts.saveHashFile, `${captures.map(formatPskCrackLine).join("\n")}\n`, warnings)) savedTo = opts.saveHashFile;
    } else {
      warnings.push(`--save-hash ${opts.saveHashFile}: nothing written, the gateway sent no Aggressive Mode hash`);
    }
  }
  const findings: Report["findings"] = [];
  if (captures.length > 0) {
    const c = captures[0]!;
    const remote = c.remoteId;
    findings.push({
      id: "aggressive-mode-psk-hash",
      severity: "high",
      detail:
        `the gateway answers Aggressive Mode with PSK for ${describeId(localId!).type} ${describeId(localId!).value}: it handed an unauthenticated peer HASH_R (${hashToken(c.hash)}), computed from its PSK, ` +
        `which can be tested offline against any number of candidate keys (${crackersFor(c)}); disable Aggressive Mode with PSK, or use certificates` +
        (savedTo !== null ? `; saved to ${savedTo}` : "; --save-hash FILE keeps it") +
        ` (gateway ID ${remote.type} ${remote.value})`,
    });
  }
  const report: Report = {
    tool: { name: "ikeprobe", version: VERSION },
    startedAt,
    target: { host: opts.host, address, port: opts.port, addresses: resolved.addresses },
    source: transport !== undefined ? { ...transport.local } : { address: "", port: 0 },
    phase1: {
      mode: opts.aggressive === true ? "aggressive" : "main",
      offers,
      selected: chosen !== undefined ? selectedReport(chosen) : null,
      vendorIds: (chosen?.vendorIds ?? []).map((v) => {
        const name = nameVendorId(v);
        return name !== undefined ? { hex: v.toString("hex"), name } : { hex: v.toString("hex") };
      }),
      natT: chosen?.natT !== undefined ? { ...chosen.natT, mode: opts.natT } : null,
      cookies:
        identityMm !== undefined
          ? { initiator: identityMm.initiatorCookie.toString("hex"), responder: identityMm.result.responderCookie?.toString("hex") ?? null }
          : null,
      aggressive:
        opts.aggressive === true
          ? {
              hashExposed: captures.length > 0,
              hashAlgorithm: captures[0] !== undefined ? hashToken(captures[0].hash) : null,
              remote: captures[0]?.remoteId ?? null,
              savedTo,
              savedHashes: savedTo !== null ? captures.length : 0,
              hashcat: captures[0] !== undefined ? hashcatFit(captures[0]) : null,
              message3: am3Sent ? (opts.am3Clear === true ? "clear" : "encrypted") : null,
            }
          : null,
    },
    identity,
    xauth,
    modeConfig,
    dpd,
    findings,
    phase2: phase2 ?? (opts.phase2 !== undefined ? notAttempted(opts.phase2, "Phase 1 did not authenticate") : null),
    informational,
    unsolicited,
    cleanup: { ...cleanupReport(deleted, cleanupDetail, offers.filter((o) => o.status === "accepted").length - (deleted ? 1 : 0)), childSasDeleted },
    timings: { totalMs: round(performance.now() - t0), steps },
    stats,
    warnings,
    exitCode: 0,
  };
  const keys = identityMm?.result.keys;
  if (keys !== undefined) {
    const k = {
      skeyid: keys.skeyid.toString("hex"),
      skeyidD: keys.skeyidD.toString("hex"),
      skeyidA: keys.skeyidA.toString("hex"),
      skeyidE: keys.skeyidE.toString("hex"),
      encryptionKey: keys.encryptionKey.toString("hex"),
    };
    if (opts.showKeys) report.phase1.keys = k;
    if (opts.keysFile !== undefined) {
      writeSecretFile("--keys", opts.keysFile, ikev1DecryptionTable([{ initiatorCookie: identityMm!.initiatorCookie.toString("hex"), encryptionKey: k.encryptionKey }]), warnings);
    }
  } else if (opts.keysFile !== undefined) {
    warnings.push(`--keys ${opts.keysFile}: nothing written, no ISAKMP SA got keys (the exchange stopped before message 4)`);
  }
  if (opts.espKeysFile !== undefined) {
    const esp = childKeys.filter((c) => c.protocol === "esp").map((c) => ({ local: report.source.address, remote: address, encryption: c.encryption, integrity: c.integrity, keys: c.keys }));
    if (esp.length > 0) writeSecretFile("--esp-keys", opts.espKeysFile, espSaTable(esp), warnings);
    else warnings.push(`--esp-keys ${opts.espKeysFile}: nothing written, no ESP SA was set up`);
  }
  report.exitCode = exitCodeFor(report, opts.psk !== undefined);
  if (offers.length > 0 && offers.every((o) => o.status === "no-response")) {
    warnings.push(
      `${opts.host} port ${opts.port} never answered: check the address, that UDP ${opts.port} reaches it (firewalls often drop it), and whether it answers only to source port 500 (--source-port 500, as root)`,
    );
  }
  return report;
}

/** Writes a file only its owner may read; a failure is a warning in the report, never the end of it. */
function writeSecretFile(option: string, path: string, data: string, warnings: string[]): boolean {
  try {
    writeFileSync(path, data, { mode: 0o600 });
    return true;
  } catch (e) {
    warnings.push(`${option} ${path}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing saved`);
    return false;
  }
}

function identityReport(opts: ProbeOptions, localId: Identification, r: MainModeResult | undefined, anyAccepted: boolean, anyPskAccepted: boolean, offers: OfferReport[]): IdentityReport {
  const local = describeId(localId);
  const idText = `${local.type} ${local.value}`;
  // Aggressive Mode carries our ID in message 1: a refusal of it is about the identity.
  const amRefusal = opts.aggressive === true && !anyAccepted ? offers.find((o) => o.notifyCode === NotifyType.AUTHENTICATION_FAILED || o.notifyCode === NotifyType.INVALID_ID_INFORMATION) : undefined;
  if (amRefusal !== undefined) {
    return {
      status: "rejected",
      cause: amRefusal.notifyCode === NotifyType.INVALID_ID_INFORMATION ? "invalid-id" : "aggressive-refused",
      local,
      remote: null,
      detail:
        amRefusal.notifyCode === NotifyType.INVALID_ID_INFORMATION
          ? `the gateway refuses Aggressive Mode for our identity (${idText}) with INVALID-ID-INFORMATION: it has no peer entry for this ID; check --id`
          : `the gateway refuses Aggressive Mode for our identity (${idText}) with AUTHENTICATION-FAILED in reply to message 1, before any PSK is used: Aggressive Mode with PSK is disabled there (strongSwan's default) or no connection for this ID allows it`,
      evidence: `${amRefusal.notify} in reply to Aggressive Mode message 1 (${amRefusal.proposal})`,
      notify: amRefusal.notify!,
    };
  }
  if (opts.psk === undefined) {
    const am = opts.aggressive === true && r?.aggressive !== undefined;
    return {
      status: "not-attempted",
      cause: null,
      local,
      remote: am ? r.aggressive!.remoteId : null,
      detail: am
        ? "no PSK given (--psk-file, IKEPROBE_PSK or --psk): Aggressive Mode stopped after message 2, whose HASH_R was captured (see findings)"
        : "no PSK given (--psk-file, IKEPROBE_PSK or --psk): stopped after message 2",
      evidence: null,
    };
  }
  if (r === undefined || r.identity === undefined) {
    return {
      status: "not-attempted",
      cause: null,
      local,
      remote: null,
      detail: !anyAccepted
        ? "the gateway accepted none of our offers, so there was nothing to authenticate with"
        : !anyPskAccepted
          ? "the gateway accepted only offers with a non-PSK authentication method (e.g. rsa); ikeprobe runs the identity exchange with pre-shared keys only"
          : "no identity exchange was run (interrupted)",
      evidence: null,
    };
  }
  const out: IdentityReport = { status: r.identity.status, cause: r.identity.cause, local, remote: r.identity.remoteId ?? null, detail: r.identity.detail, evidence: r.identity.evidence };
  if (r.identity.notify !== undefined) out.notify = r.identity.notify.name;
  return out;
}

function cleanupReport(deleted: boolean, detail: string, halfOpen: number): Omit<Report["cleanup"], "childSasDeleted"> {
  const note =
    halfOpen > 0
      ? `; ${halfOpen} accepted offer(s) stopped before authentication: the gateway keeps each as a half-open SA until it expires (strongSwan: 30 s), as none can be deleted without shared keys`
      : "";
  return { deleted, detail: `${detail}${note}`, halfOpenLeft: halfOpen };
}

export function exitCodeFor(r: Report, pskGiven: boolean): number {
  const answered = r.phase1.offers.some((o) => o.status !== "no-response");
  if (!answered) return ExitCode.NO_ANSWER;
  if (!r.phase1.offers.some((o) => o.status === "accepted")) return ExitCode.STEP_FAILED;
  if (r.identity.status !== "authenticated" && r.identity.status !== "not-attempted") return ExitCode.STEP_FAILED;
  // A PSK was given, so the identity exchange was asked for; it could not run (e.g. only rsa offers accepted).
  if (r.identity.status === "not-attempted" && pskGiven) return ExitCode.STEP_FAILED;
  if (r.phase2 !== null && r.phase2.proposals.some((p) => p.status !== "accepted")) return ExitCode.STEP_FAILED;
  if (r.xauth !== null && (r.xauth.status === "failed" || r.xauth.status === "error")) return ExitCode.STEP_FAILED;
  if (r.modeConfig !== null && r.modeConfig.status === "no-response") return ExitCode.STEP_FAILED;
  if (r.dpd !== null && !r.dpd.answered) return ExitCode.STEP_FAILED;
  return ExitCode.OK;
}

/**
 * Sends `message` (retransmitting) until `machine` takes an answer, counting packets. A bug inside
 * `receive` is rethrown here rather than in the socket callback.
 */
async function ask<S extends { kind: string }>(
  transport: IkeTransport,
  message: Buffer,
  floated: boolean,
  machine: { matches(d: Buffer): boolean; receive(d: Buffer): S },
  stats: Report["stats"],
): Promise<{ rt: RoundTrip; step: S | undefined }> {
  let step: S | undefined;
  let failure: unknown;
  const rt = await transport.roundTrip(message, floated, (d) => {
    if (!machine.matches(d)) return false;
    try {
      const s = machine.receive(d);
      if (s.kind === "ignore") {
        // The gateway re-sending its previous message is its answer to ours, in its way: counted.
        if ("seen" in s && s.seen === true) {
          stats.packetsReceived++;
          return "seen";
        }
        return false;
      }
      step = s;
    } catch (e) {
      failure = e;
    }
    return true;
  });
  if (failure !== undefined) throw failure;
  stats.packetsSent += rt.transmissions;
  if (rt.answered) stats.packetsReceived++;
  return { rt, step };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Phase 2 proposals that never ran, and why. */
function notAttempted(p2: NonNullable<ProbeOptions["phase2"]>, why: string): NonNullable<Report["phase2"]> {
  return {
    mode: p2.proposals[0]?.mode ?? "tunnel",
    localTs: p2.localTs?.text ?? null,
    remoteTs: p2.remoteTs?.text ?? null,
    proposals: p2.proposals.map((p) => ({ proposal: phase2Token(p), protocol: p.protocol, status: "not-attempted", detail: why, transmissions: 0 })),
  };
}

/**
 * Aggressive Mode: an error notify under the new SA right after our message 3 means the gateway
 * refused our HASH_I (or the way we sent it); the identity is then not authenticated after all.
 */
function refusedAm3(r: MainModeResult, informational: InformationalReport[]): boolean {
  const err = informational.flatMap((i) => i.notifies).find((n) => n.type < 16384);
  if (err === undefined || r.identity === undefined) return false;
  r.identity = {
    status: err.type === NotifyType.INVALID_ID_INFORMATION ? "rejected" : "psk-mismatch",
    cause: err.type === NotifyType.INVALID_ID_INFORMATION ? "invalid-id" : err.type === NotifyType.AUTHENTICATION_FAILED || err.type === NotifyType.INVALID_HASH_INFORMATION ? "authentication-failed" : "refused",
    detail: `the gateway proved the same PSK (HASH_R verified) but refused our message 3 with ${err.name}: it did not accept our HASH_I${
      err.type === NotifyType.INVALID_FLAGS || err.type === NotifyType.PAYLOAD_MALFORMED ? "; it may expect message 3 unencrypted (try --am3-clear)" : ""
    }`,
    evidence: `${err.name} (encrypted, HASH verified) after Aggressive Mode message 3`,
    notify: { type: err.type, name: err.name, protected: true },
    ...(r.identity.remoteId !== undefined ? { remoteId: r.identity.remoteId } : {}),
  };
  return true;
}

async function runQuickModes(
  sa: IsakmpSa,
  transport: IkeTransport,
  floated: boolean,
  opts: ProbeOptions,
  stats: Report["stats"],
  steps: TimingReport[],
  informational: InformationalReport[],
  warnings: string[],
  childKeys: ChildKeys[],
): Promise<NonNullable<Report["phase2"]>> {
  const given = opts.phase2!;
  // IDci and IDcr go together (RFC 2409 §5.5): a missing one is the peer's own address.
  const p2 = { ...given };
  if (given.localTs !== undefined && given.remoteTs === undefined) p2.remoteTs = parseTrafficSelector(sa.remote.address, "--remote-ts");
  if (given.remoteTs !== undefined && given.localTs === undefined) p2.localTs = parseTrafficSelector(sa.local.address, "--local-ts");
  const out: NonNullable<Report["phase2"]> = {
    mode: p2.proposals[0]?.mode ?? "tunnel",
    localTs: p2.localTs?.text ?? null,
    remoteTs: p2.remoteTs?.text ?? null,
    proposals: [],
  };
  for (const [i, proposal] of p2.proposals.entries()) {
    const token = phase2Token(proposal);
    if (opts.signal?.aborted) {
      out.proposals.push({ proposal: token, protocol: proposal.protocol, status: "not-attempted", detail: "interrupted", transmissions: 0 });
      continue;
    }
    opts.onProgress?.(`Quick Mode ${i + 1}/${p2.proposals.length}: ${proposal.protocol} ${token}`);
    const qm = new QuickModeInitiator(sa, { proposal, ...(p2.localTs ? { localTs: p2.localTs } : {}), ...(p2.remoteTs ? { remoteTs: p2.remoteTs } : {}) });
    stats.exchanges++;
    const { rt, step } = await ask(transport, qm.start(), floated, qm, stats);
    const final = step?.kind === "final" ? step.message : undefined;
    steps.push({ proposal: `${proposal.protocol} ${token}`, step: "qm1", answered: rt.answered, rttMs: round(rt.rttMs), transmissions: rt.transmissions });
    if (!rt.answered) qm.timeout();
    if (final !== undefined) {
      await transport.send(final, floated);
      stats.packetsSent++;
    }
    const r = qm.result;
    informational.push(...r.informational);
    warnings.push(...r.warnings.map((w) => `${token}: ${w}`));
    const rep: Phase2ProposalReport = { proposal: token, protocol: proposal.protocol, status: r.status, transmissions: rt.transmissions };
    if (rt.answered) rep.rttMs = round(rt.rttMs);
    if (r.notify !== undefined) rep.notify = r.notify.name;
    if (r.detail !== undefined) rep.detail = r.detail;
    if (r.sa !== undefined) {
      const c = r.sa;
      const enc = c.encapsulation;
      const child: ChildSaReport = {
        protocol: c.protocol,
        encryption: c.protocol === "esp" ? espEncryptionToken(c.transformId, c.keyBits) : null,
        keyLength: c.keyBits ?? null,
        integrity: integrityToken(c.authAlg),
        pfsGroup: c.pfsGroup !== null ? groupToken(c.pfsGroup) : null,
        mode: enc === 2 || enc === 4 || enc === 61444 ? "transport" : "tunnel",
        encapsulation: encapsulationToken(enc),
        spiIn: c.spiIn.toString("hex"),
        spiOut: c.spiOut.toString("hex"),
        lifetimeSeconds: c.lifetimeSeconds,
        lifetimeKilobytes: c.lifetimeKilobytes,
        localTs: c.localTs,
        remoteTs: c.remoteTs,
        commitBit: c.commitBit,
        mismatches: c.mismatches,
        deletedByGateway: false,
      };
      if (opts.showKeys) child.keys = c.keys;
      childKeys.push({ protocol: c.protocol, encryption: child.encryption, integrity: child.integrity, keys: c.keys });
      rep.sa = child;
      if (c.commitBit) {
        // Commit bit (RFC 2408 §3.1, RFC 2409 §5.5): the SA is usable only after the gateway's
        // protected CONNECTED notify; wait for it, bounded by --timeout.
        opts.onProgress?.(`waiting for the gateway's CONNECTED notify (commit bit) for ${token}`);
        const got = await transport.waitFor((d) => {
          const info = readInformationalDatagram(sa, d);
          if (info === undefined || !info.notifies.some((n) => n.type === NotifyType.CONNECTED)) return false; // others go to `unsolicited`
          informational.push(info);
          return true;
        }, opts.timeoutMs);
        child.connected = got;
        if (!got) warnings.push(`${token}: the gateway set the commit bit but sent no CONNECTED notify within ${opts.timeoutMs / 1000} s`);
      }
    }
    out.proposals.push(rep);
  }
  return out;
}

interface ChildKeys {
  protocol: "esp" | "ah";
  encryption: string | null;
  integrity: string | null;
  keys: { in: { spi: string; encryptionKey: string; integrityKey: string }; out: { spi: string; encryptionKey: string; integrityKey: string }; pfsSharedSecret?: string };
}

/** A DELETE from the gateway naming one of our SPIs: the SA is gone (strongSwan does this when it cannot install it). */
function markDeletedByGateway(children: ChildSaReport[], informational: InformationalReport[], warnings: string[]): void {
  for (const c of children) {
    const gone = informational.some((i) => i.deletes.some((d) => d.protocolId === (c.protocol === "esp" ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH) && (d.spis.includes(c.spiIn) || d.spis.includes(c.spiOut))));
    if (gone && !c.deletedByGateway) {
      c.deletedByGateway = true;
      warnings.push(`the gateway deleted the IPsec SA with SPIs ${c.spiIn}/${c.spiOut} right after setting it up (it may have failed to install it)`);
    }
  }
}

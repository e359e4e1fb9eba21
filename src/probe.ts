/**
 * The programmatic API under the CLI: offers each Phase 1 transform set in its own Main Mode,
 * completes the identity exchange with the first accepted one when a PSK is given, deletes the
 * ISAKMP SA, and returns the report. Never prints; progress goes to `onProgress`.
 */
import { writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { authToken, encryptionToken, groupToken, hashToken, proposalToken, type Phase1Transform } from "./config/ike.js";
import { addressIdentity } from "./config/identity.js";
import { nameVendorId } from "./data/vendor-ids.js";
import { NetworkError } from "./errors.js";
import { MainModeInitiator, type MainModeResult, type Step } from "./exchanges/main-mode.js";
import { ExitCode, type IdentityReport, type OfferReport, type Report, type SelectedReport, type TimingReport } from "./report/model.js";
import { PcapWriter } from "./transport/pcap.js";
import { IkeTransport } from "./transport/udp.js";
import { type Identification, describeId } from "./wire/payloads/identification.js";

export const VERSION = "0.1.0";

/** Auth methods whose SKEYID is prf(PSK, Ni_b | Nr_b): PSK and the XAUTH PSK variants (RFC 2409 §5, XAUTH draft). */
const PSK_METHODS = new Set([1, 65001, 65002]);

export interface ProbeOptions {
  host: string;
  port: number;
  transforms: Phase1Transform[];
  /** The PSK as bytes; never copied into the report. */
  psk?: Buffer;
  localId?: Identification;
  natT: "auto" | "force" | "off";
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  showKeys: boolean;
  keysFile?: string;
  pcapFile?: string;
  /** Keep the authenticated ISAKMP SA up this long before deleting it (to look at the gateway's side). */
  holdSeconds?: number;
  /** Aborting ends a hold early; the DELETE is still sent. */
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    if (signal?.aborted) return res();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      res();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

async function resolve(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  const { lookup } = await import("node:dns/promises");
  try {
    return (await lookup(host)).address;
  } catch (e) {
    throw new NetworkError(`cannot resolve ${host}: ${(e as Error).message}`, { cause: e });
  }
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
  const address = await resolve(opts.host);
  const pcap = opts.pcapFile !== undefined ? new PcapWriter(opts.pcapFile) : undefined;
  const transportOpts = { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries, ...(pcap ? { pcap } : {}) };
  const stats = { exchanges: 0, packetsSent: 0, packetsReceived: 0, ignored: 0 };
  const steps: TimingReport[] = [];
  const offers: OfferReport[] = [];
  const warnings: string[] = [];
  let identityMm: MainModeInitiator | undefined;
  let firstAccepted: MainModeResult | undefined;
  let deleted = false;
  let cleanupDetail = "nothing to delete: no ISAKMP SA was established";
  let transport: IkeTransport | undefined;
  let localId: Identification | undefined = opts.localId;

  try {
    for (const [i, transform] of opts.transforms.entries()) {
      if (opts.signal?.aborted) {
        warnings.push(`interrupted: ${opts.transforms.length - i} offer(s) not tried`);
        break;
      }
      // A fresh socket per offer: each offer is its own exchange with its own cookie.
      transport?.close();
      transport = await IkeTransport.open({ address, port: opts.port }, transportOpts);
      localId ??= addressIdentity(transport.local.address);
      // The identity exchange needs a pre-shared-key method; signature offers only go to message 2.
      const attemptIdentity = opts.psk !== undefined && identityMm === undefined && PSK_METHODS.has(transform.auth);
      const mm = new MainModeInitiator({
        transform,
        ...(attemptIdentity ? { psk: opts.psk! } : {}),
        localId,
        natT: opts.natT,
        local: transport.local,
        remote: transport.remote,
      });
      const token = proposalToken(transform);
      opts.onProgress?.(`offer ${i + 1}/${opts.transforms.length}: ${token} (${authToken(transform.auth)})`);
      stats.exchanges++;
      let message = mm.start();
      let floated = false;
      let step: Step = { kind: "done" };
      let stepName = "mm1";
      for (;;) {
        let pending: Step | undefined;
        let failure: unknown;
        const rt = await transport.roundTrip(message, floated, (d) => {
          if (!mm.matches(d)) return false;
          try {
            const s = mm.receive(d);
            if (s.kind === "ignore") return false;
            pending = s;
          } catch (e) {
            failure = e;
          }
          return true;
        });
        if (failure !== undefined) throw failure;
        stats.packetsSent += rt.transmissions;
        if (rt.answered) stats.packetsReceived++;
        steps.push({ proposal: token, step: stepName, answered: rt.answered, rttMs: round(rt.rttMs), transmissions: rt.transmissions });
        if (stepName === "mm1") offers.push({ proposal: token, auth: authToken(transform.auth), status: "no-response", transmissions: rt.transmissions, ...(rt.answered ? { rttMs: round(rt.rttMs) } : {}) });
        step = rt.answered && pending !== undefined ? pending : mm.timeout();
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
      if (attemptIdentity && r.offer === "accepted") {
        identityMm = mm;
        firstAccepted = r;
        if (r.identity?.status === "authenticated") {
          if ((opts.holdSeconds ?? 0) > 0) {
            opts.onProgress?.(`holding the ISAKMP SA for ${opts.holdSeconds} s (Ctrl-C ends the hold and cleans up)`);
            await sleep(opts.holdSeconds! * 1000, opts.signal);
          }
          await transport.send(mm.buildDelete(), floated);
          stats.packetsSent++;
          deleted = true;
          cleanupDetail = "sent an encrypted Informational DELETE for the ISAKMP SA";
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
  const identity = identityReport(opts, localId!, identityMm?.result, firstAccepted !== undefined, anyPskAccepted);
  const report: Report = {
    tool: { name: "ikeprobe", version: VERSION },
    startedAt,
    target: { host: opts.host, address, port: opts.port },
    source: transport !== undefined ? { ...transport.local } : { address: "", port: 0 },
    phase1: {
      mode: "main",
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
    },
    identity,
    cleanup: cleanupReport(deleted, cleanupDetail, offers.filter((o) => o.status === "accepted").length - (deleted ? 1 : 0)),
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
      writeFileSync(
        opts.keysFile,
        `# ikeprobe ${VERSION}: Wireshark "IKEv1 Decryption Table" (ikev1_decryption_table): initiator cookie, encryption key\n` +
          `"${identityMm!.initiatorCookie.toString("hex")}","${k.encryptionKey}"\n`,
        { mode: 0o600 },
      );
    }
  }
  report.exitCode = exitCodeFor(report, opts.psk !== undefined);
  if (offers.length > 0 && offers.every((o) => o.status === "no-response")) {
    warnings.push(
      `${opts.host} port ${opts.port} never answered: check the address, that UDP ${opts.port} reaches it (firewalls often drop it), and whether it answers only to source port 500 (--source-port 500, as root)`,
    );
  }
  return report;
}

function identityReport(opts: ProbeOptions, localId: Identification, r: MainModeResult | undefined, anyAccepted: boolean, anyPskAccepted: boolean): IdentityReport {
  const local = describeId(localId);
  if (opts.psk === undefined) {
    return { status: "not-attempted", local, remote: null, detail: "no PSK given (--psk-file, IKEPROBE_PSK or --psk): stopped after message 2", evidence: null };
  }
  if (r === undefined || r.identity === undefined) {
    return {
      status: "not-attempted",
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
  const out: IdentityReport = { status: r.identity.status, local, remote: r.identity.remoteId ?? null, detail: r.identity.detail, evidence: r.identity.evidence };
  if (r.identity.notify !== undefined) out.notify = r.identity.notify.name;
  return out;
}

function cleanupReport(deleted: boolean, detail: string, halfOpen: number): Report["cleanup"] {
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
  return ExitCode.OK;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

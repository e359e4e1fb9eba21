/**
 * The probe's report: built from what the run learned (probe/options.ts ProbeState), with the exit
 * code the CLI returns and the identity result in words.
 */
import { authToken, encryptionToken, groupToken, hashToken, proposalToken } from "../../config/ike.js";
import { phase2Token } from "../../config/esp.js";
import { hashcatFit } from "../../crack/hash-file.js";
import { type CertificateAuditInput, PROBE_CHECKS, runChecks } from "../../checks/index.js";
import { signatureMethod } from "../../crypto/signature.js";
import { type CertificateFields, type CertificateView, certificateView } from "./certificates.js";
import { nameVendorId } from "../../data/vendor-ids.js";
import { PSK_METHODS, type Phase1Result } from "../../exchanges/v1/phase1/index.js";
import type { ProbeOptions, ProbeState } from "../../probe/options.js";
import { round } from "../../probe/options.js";
import { NotifyType } from "../../wire/v1/constants.js";
import type { Identification } from "../../wire/v1/payloads/identification.js";
import { describeIdentity } from "../../x509/identity.js";
import { VERSION } from "../../version.js";
import { ExitCode, type IdentityReport, type OfferReport, type Report, type SelectedReport } from "../model/probe.js";
import { now } from "../../util/clock.js";

export function selectedReport(r: Phase1Result): SelectedReport | null {
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

/** The identity result without its certificate fields (see withCertificates). */
export type IdentityCore = Omit<IdentityReport, keyof CertificateFields>;

export function identityReport(opts: ProbeOptions, localId: Identification, r: Phase1Result | undefined, anyAccepted: boolean, anyPskAccepted: boolean, offers: OfferReport[]): IdentityCore {
  const local = describeIdentity(localId);
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
          : `the gateway refuses Aggressive Mode for our identity (${idText}) with AUTHENTICATION-FAILED in reply to message 1, before any ${opts.certificates !== undefined ? "signature" : "PSK"} is used: Aggressive Mode ${opts.certificates !== undefined ? "" : "with PSK "}is disabled there (strongSwan's default for PSK) or no connection for this ID allows it`,
      evidence: `${amRefusal.notify} in reply to Aggressive Mode message 1 (${amRefusal.proposal})`,
      notify: amRefusal.notify!,
    };
  }
  const sigRun = r !== undefined && r.identity === undefined && opts.certificates !== undefined && r.selected !== undefined && signatureMethod(r.selected.transform.auth) !== undefined;
  if (sigRun) return signatureAudit(opts, local, r);
  if (opts.psk === undefined && opts.certificates === undefined) {
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
        : !anyPskAccepted && opts.certificates === undefined
          ? "the gateway accepted only offers with a signature method (e.g. rsa); run them with --auth rsa (and --cert, --key for the identity exchange)"
          : "no identity exchange was run (no offer of a method we hold credentials for was accepted, or interrupted)",
      evidence: null,
    };
  }
  const out: IdentityCore = { status: r.identity.status, cause: r.identity.cause, local, remote: r.identity.remoteId ?? null, detail: r.identity.detail, evidence: r.identity.evidence };
  if (r.identity.notify !== undefined) out.notify = r.identity.notify.name;
  return out;
}

/** A signature method's exchange that stopped before our proof: no credentials of ours (an audit of the gateway's). */
function signatureAudit(opts: ProbeOptions, local: { type: string; value: string }, r: Phase1Result): IdentityCore {
  const method = r.selected !== undefined ? authToken(r.selected.transform.auth) : "a signature method";
  const pskUnused = opts.psk !== undefined ? `the offer accepted uses ${method}, a signature method, so the PSK given is not used; ` : "";
  const why = `${pskUnused}${opts.certificates?.key === undefined ? "no certificate of ours (--cert and --key)" : "our proof was not sent"}`;
  const asked = r.certificateRequests.length > 0 ? `; the gateway sent ${r.certificateRequests.length} CERTREQ(s) (see certificateRequests)` : "; the gateway sent no CERTREQ";
  if (opts.aggressive === true) {
    const sig = r.signature === undefined ? "no SIG_R was checked" : r.signature.verified ? "its SIG_R verifies with the key of its certificate" : "its SIG_R does not verify";
    return { status: "not-attempted", cause: null, local, remote: r.remoteId ?? null, detail: `${why}: Aggressive Mode stopped after message 2; ${sig}${asked}`, evidence: null };
  }
  return { status: "not-attempted", cause: null, local, remote: null, detail: `${why}: Main Mode stopped after message 4 (key exchange done)${asked}`, evidence: null };
}

/** The identity with its certificate fields; authenticated with a chain that fails --ca is "untrusted". */
export function withCertificates(core: IdentityCore, view: CertificateView): IdentityReport {
  const out: IdentityReport = { ...core, ...view.fields };
  if (core.status === "authenticated" && view.chainResult?.trusted === false && view.fields.remoteCertificates.length > 0) {
    out.status = "untrusted";
    out.cause = "certificate-untrusted";
    out.detail = `the exchange completed and the gateway's signature verifies, but its certificate chain does not verify to --ca: ${view.chainResult.detail}`;
    out.evidence = `${core.evidence ?? ""}; chain: ${view.chainResult.detail}`;
  }
  return out;
}

export function cleanupReport(deleted: boolean, detail: string, halfOpen: number): Omit<Report["cleanup"], "childSasDeleted"> {
  const note =
    halfOpen > 0
      ? `; ${halfOpen} accepted offer(s) stopped before authentication: the gateway keeps each as a half-open SA until it expires (strongSwan: 30 s), as none can be deleted without shared keys`
      : "";
  return { deleted, detail: `${detail}${note}`, halfOpenLeft: halfOpen };
}

/** `pskGiven`: credentials were given (a PSK, or our certificate and key), so the identity exchange was asked for. */
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

/** Phase 2 proposals that never ran, and why. */
export function notAttempted(p2: NonNullable<ProbeOptions["phase2"]>, why: string): NonNullable<Report["phase2"]> {
  return {
    mode: p2.proposals[0]?.mode ?? "tunnel",
    localTs: p2.localTs?.text ?? null,
    remoteTs: p2.remoteTs?.text ?? null,
    proposals: p2.proposals.map((p) => ({ proposal: phase2Token(p), protocol: p.protocol, status: "not-attempted", detail: why, transmissions: 0 })),
  };
}


/**
 * The report of a finished run: `localId` the ID we used (the address default once a socket said
 * which), `t0` when it started (now()), `source` our socket's address.
 */
export function probeReport(s: ProbeState, localId: Identification, target: Report["target"], source: Report["source"], startedAt: string, t0: number): Report {
  const { opts, offers, captures, steps, stats, warnings, informational, unsolicited } = s;
  const identityMm = s.identity;
  const firstAccepted = s.firstAccepted;
  const chosen = identityMm?.result ?? firstAccepted;
  const anyPskAccepted = offers.some((o, i) => o.status === "accepted" && PSK_METHODS.has(opts.transforms[i]!.auth));
  const core = identityReport(opts, localId, chosen, firstAccepted !== undefined, anyPskAccepted, offers);
  const certs = certificateView(chosen, opts.certificates, core.remote, Date.now());
  const identity = withCertificates(core, certs);
  warnings.push(...certs.unreadable);
  const findings: Report["findings"] = [];
  findings.push(...probeFindings(s, localId, certs.audit));
  const report: Report = {
    ikeVersion: 1,
    tool: { name: "ikeprobe", version: VERSION },
    startedAt,
    target,
    source,
    phase1: {
      mode: opts.aggressive === true ? "aggressive" : "main",
      offers,
      selected: chosen !== undefined ? selectedReport(chosen) : null,
      vendorIds: (chosen?.vendorIds ?? []).map((v) => {
        const name = nameVendorId(v);
        return name !== undefined ? { hex: v.toString("hex"), name } : { hex: v.toString("hex") };
      }),
      natT: chosen?.natT !== undefined ? { ...chosen.natT, mode: opts.natT } : null,
      fragmentation: chosen !== undefined && chosen.offer === "accepted" ? { ...chosen.fragmentation, mode: opts.fragmentation?.mode ?? "auto" } : null,
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
              savedTo: null,
              savedHashes: 0,
              hashcat: captures[0] !== undefined ? hashcatFit(captures[0]) : null,
              message3: s.am3Sent ? (opts.am3Clear === true ? "clear" : "encrypted") : null,
            }
          : null,
    },
    identity,
    xauth: s.xauth,
    modeConfig: s.modeConfig,
    dpd: s.dpd,
    findings,
    phase2: s.phase2 ?? (opts.phase2 !== undefined ? notAttempted(opts.phase2, "Phase 1 did not authenticate") : null),
    informational,
    unsolicited,
    cleanup: { ...cleanupReport(s.deleted, s.cleanupDetail, offers.filter((o) => o.status === "accepted").length - (s.deleted ? 1 : 0)), childSasDeleted: s.childSasDeleted },
    timings: { totalMs: round(now() - t0), steps },
    stats,
    warnings,
    exitCode: 0,
  };
  return report;
}

/** The probe's findings from the check registry: the exposed hash, weak transforms among those accepted. */
function probeFindings(s: ProbeState, localId: Identification, certificates: CertificateAuditInput): Report["findings"] {
  const accepted = s.offers.flatMap((o, i) => {
    const t = s.opts.transforms[i];
    return o.status === "accepted" && t !== undefined
      ? [{ proposal: o.proposal, encryption: encryptionToken(t.encryption, t.keyBits), hash: hashToken(t.hash), group: groupToken(t.group), auth: o.auth, mode: s.opts.aggressive === true ? ("aggressive" as const) : ("main" as const) }]
      : [];
  });
  return runChecks(PROBE_CHECKS, { capture: s.captures[0] ?? null, localId, savedTo: null, accepted, ...certificates });
}

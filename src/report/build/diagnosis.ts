/** A diagnosis attempt from a probe's report, and one sentence of fix per identity cause. */
import { authToken } from "../../config/ike.js";
import type { Identification } from "../../wire/v1/payloads/identification.js";
import { describeIdentity } from "../../x509/identity.js";
import type { DiagnosisAttempt, DiagnosisReport } from "../model/diagnosis.js";
import { ExitCode } from "../model/probe.js";
import type { Report } from "../model/probe.js";

/** One sentence of fix per identity cause. */
export const CAUSE_FIXES: Readonly<Record<string, string>> = {
  ok: "nothing to fix: the identity exchange works.",
  "invalid-id": "use the ID the gateway expects for this peer (--id), or add this ID to the gateway's peer entry.",
  "authentication-failed": "the keys match, so the PSK is right for our address: check the peer ID the gateway expects (--id) and whether it wants XAUTH (--auth xauth-psk).",
  "payload-malformed": "the gateway used another PSK for our source address: put the right PSK in --psk-file, or fix the gateway's PSK entry for this address.",
  "undecryptable-reply": "the gateway used another PSK for our source address: put the right PSK in --psk-file, or fix the gateway's PSK entry for this address.",
  "silence-after-mm5": "the gateway dropped message 5, most likely because it used another PSK for our source address: check the PSK entry for this address.",
  "mm4-resent": "the gateway could not use message 5 (it re-sent message 4): it used another PSK for our source address; put the right PSK in --psk-file, or fix the gateway's PSK entry for this address.",
  "hash-r-mismatch": "the gateway's hash does not match our PSK: the PSK it holds for this peer differs from ours.",
  "silence-after-mm3": "the gateway stopped answering at the key exchange: check for filtering of large UDP packets (fragments) and the DH group.",
  "key-exchange-refused": "the gateway refused our key exchange: offer another DH group.",
  "aggressive-refused": "the gateway refuses Aggressive Mode for this ID: use Main Mode, or enable Aggressive Mode for this peer on the gateway.",
  "xauth-required": "the gateway demands XAUTH after Phase 1: give --xauth-user and --xauth-password-file.",
  "xauth-failed": "the gateway refused the XAUTH user or password: check --xauth-user and the password file.",
  "no-proposal": "the gateway accepts none of the offered transforms: run ikeprobe scan to see what it accepts, and offer that with --ike.",
  "no-answer": "the gateway does not answer on UDP 500: check the address, filtering, and whether it needs source port 500.",
  refused: "the gateway refused message 5 with an unusual notify: read its notify and the gateway's log.",
  "malformed-reply": "the gateway's answer could not be parsed: capture it with --pcap and report it.",
  "certificate-refused": "the gateway does not accept our certificate: use one from a CA it asks for (its CERTREQs name them), or have it trust our issuer.",
  "signature-invalid": "the gateway could not verify our signature: check that --key belongs to --cert and that --auth is the method the gateway uses (rsa or ecdsa256/384/521).",
  "gateway-signature-invalid": "the gateway's signature does not verify with the certificate it sent: do not trust this gateway's identity; check its certificate and key.",
  "gateway-certificate-missing": "the gateway sent no certificate: give its certificate with --gateway-cert FILE to check its signature.",
  "certificate-untrusted": "the gateway's chain does not verify to --ca: give the right trust anchor (or the missing intermediate), or fix the gateway's certificate.",
  error: "a local error stopped the exchange: see the detail.",
};

/** Causes that prove the gateway used our PSK for the keys (it decrypted message 5 and answered under our keys). */
export const KEYS_MATCH = new Set(["ok", "invalid-id", "authentication-failed", "hash-r-mismatch", "refused"]);

/** One probe's report as a diagnosis attempt: its cause, with XAUTH told apart. */
export function attemptFrom(r: Report, mode: "main" | "aggressive", id: Identification, pskLine: number | null, auth: number): DiagnosisAttempt {
  const accepted = r.phase1.offers.some((o) => o.status === "accepted");
  let cause = r.identity.cause ?? (r.phase1.offers.every((o) => o.status === "no-response") ? "no-answer" : !accepted ? "no-proposal" : "error");
  if (cause === "ok" && r.xauth !== null && r.xauth.status === "required") cause = "xauth-required";
  if (cause === "ok" && r.xauth !== null && r.xauth.status === "failed") cause = "xauth-failed";
  return {
    mode,
    id: describeIdentity(id),
    auth: authToken(auth),
    pskLine,
    proposal: r.phase1.selected?.proposal ?? null,
    status: r.identity.status,
    cause,
    fix: CAUSE_FIXES[cause] ?? CAUSE_FIXES.error!,
    detail: cause === "no-proposal" || cause === "no-answer" ? CAUSE_FIXES[cause]! : r.identity.detail,
    evidence: r.identity.evidence,
    notify: r.identity.notify ?? r.phase1.offers.find((o) => o.notify !== undefined)?.notify ?? null,
    xauth: r.xauth?.status ?? null,
    exitCode: r.exitCode,
  };
}


/** The diagnosis report in its fields' order; its exit code from the conclusion (0 only for ok). */
export function diagnosisReport(p: Omit<DiagnosisReport, "kind" | "tool" | "exitCode">, version: string): DiagnosisReport {
  return {
    kind: "diagnosis",
    ikeVersion: p.ikeVersion,
    tool: { name: "ikeprobe", version },
    startedAt: p.startedAt,
    target: p.target,
    ids: p.ids,
    pskCandidates: p.pskCandidates,
    aggressiveAllowed: p.aggressiveAllowed,
    attempts: p.attempts,
    aggressive: p.aggressive,
    conclusion: p.conclusion,
    exitCode: p.conclusion.cause === "ok" ? ExitCode.OK : p.attempts.every((a) => a.cause === "no-answer") ? ExitCode.NO_ANSWER : ExitCode.STEP_FAILED,
  };
}

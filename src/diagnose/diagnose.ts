/**
 * `--diagnose`: explains a failing identity exchange from the initiator's side alone, by a short,
 * paced sequence of probes (each a runProbe) and, when Aggressive Mode is allowed, an offline test
 * of every PSK candidate against the gateway's Aggressive Mode hash for each identity.
 *
 * What it relies on (RFC 2409 §5.4):
 * - Main Mode: the gateway must pick a PSK before it can decrypt message 5, so it picks by our
 *   source address. An answer to message 5 that decrypts and verifies with our keys (even a refusal)
 *   proves the PSK it picked equals ours; PAYLOAD-MALFORMED, an undecryptable reply or silence
 *   means it picked another.
 * - Aggressive Mode: the gateway picks the PSK by the ID in message 1 and proves it with HASH_R,
 *   which we test against every candidate offline.
 * Never prints; progress goes to `onProgress`. PSK candidates are named by their line, never shown.
 */
import * as nodeCrypto from "node:crypto";
import { authToken, proposalToken, type Phase1Transform } from "../config/ike.js";
import { crackEngine } from "../crack/engine.js";
import { HASH_BY_LENGTH, crackTarget } from "../crack/hash-file.js";
import type { AggressiveCapture } from "../exchanges/v1/phase1/index.js";
import { type ProbeOptions, VERSION, runProbe } from "../probe/probe.js";
import type { Report } from "../report/model/probe.js";
import type { AggressiveCheck, DiagnosisAttempt, DiagnosisReport } from "../report/model/diagnosis.js";
import { CAUSE_FIXES, KEYS_MATCH, attemptFrom, diagnosisReport } from "../report/build/diagnosis.js";

export type { AggressiveCheck, DiagnosisAttempt, DiagnosisReport } from "../report/model/diagnosis.js";
export { CAUSE_FIXES } from "../report/build/diagnosis.js";
import { addressIdentity, parseIdentity } from "../config/identity.js";
import { parseCertificate, subjectAltNames } from "../x509/certificate.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import { certificateSubjectIdentity, describeIdentity } from "../x509/identity.js";
import { IdType } from "../wire/v1/constants.js";

export interface PskCandidate {
  /** Line in the --psk-file. */
  line: number;
  psk: Buffer;
}

export interface DiagnoseOptions {
  probe: Omit<ProbeOptions, "psk" | "localId" | "onProgress">;
  /** Identities to try; empty: our address (as runProbe defaults it). */
  ids: Identification[];
  candidates: PskCandidate[];
  allowAggressive: boolean;
  /** Pause between probes, so a gateway does not take us for an attack. */
  paceMs: number;
  onProgress?: (text: string) => void;
}

/** What the stages share: the attempts so far, the IDs, the transforms still offered. */
interface Diagnosis {
  opts: DiagnoseOptions;
  startedAt: string;
  attempts: DiagnosisAttempt[];
  aggressive: AggressiveCheck[];
  address: string | null;
  ids: Identification[];
  first: PskCandidate;
  probes: number;
  transforms: Phase1Transform[];
  /** The candidate the gateway uses for our address (it answered message 5 under our keys). */
  addressPsk: PskCandidate | undefined;
}

const idText = (id: Identification): string => `${describeIdentity(id).type} ${describeIdentity(id).value}`;

/** One probe of the sequence, paced; its attempt recorded. */
async function probe(d: Diagnosis, mode: "main" | "aggressive", id: Identification | undefined, cand: PskCandidate | null, auth?: number): Promise<{ report: Report; capture: AggressiveCapture | undefined }> {
  const { opts } = d;
  if (d.probes++ > 0 && opts.paceMs > 0) await new Promise((res) => setTimeout(res, opts.paceMs));
  opts.onProgress?.(`${mode === "main" ? "Main" : "Aggressive"} Mode as ${id !== undefined ? idText(id) : "our address"}${cand !== null ? ` with PSK candidate from line ${cand.line}` : ""}${auth !== undefined ? ` (auth ${authToken(auth)})` : ""}`);
  const ts = auth !== undefined ? d.transforms.map((t) => ({ ...t, auth })) : d.transforms;
  let capture: AggressiveCapture | undefined;
  const r = await runProbe({
    ...opts.probe,
    transforms: ts,
    ...(id !== undefined ? { localId: id } : {}),
    ...(cand !== null ? { psk: cand.psk } : {}),
    ...(mode === "aggressive" ? { aggressive: true } : {}),
    onCapture: (c) => (capture ??= c),
  });
  d.address ??= r.target.address;
  const ourCert = opts.probe.certificates?.certs?.[0];
  const used = id ?? (ourCert !== undefined ? certificateSubjectIdentity(ourCert) : addressIdentity(r.source.address));
  if (d.ids.length === 0) d.ids.push(used);
  d.attempts.push(attemptFrom(r, mode, used, cand?.line ?? null, ts[0]?.auth ?? 1));
  return { report: r, capture };
}

function conclude(d: Diagnosis, cause: string, explanation: string, fix: string, pskLine: number | null, id: Identification | null): DiagnosisReport {
  const { opts, attempts } = d;
  return diagnosisReport(
    {
      ikeVersion: 1,
      startedAt: d.startedAt,
      target: { host: opts.probe.host, address: d.address, port: opts.probe.port },
      ids: d.ids.map((i) => describeIdentity(i)),
      pskCandidates: opts.candidates.length,
      aggressiveAllowed: opts.allowAggressive,
      attempts,
      aggressive: d.aggressive,
      conclusion: { cause, explanation, fix, pskLine, id: id !== null ? describeIdentity(id) : null },
    },
    VERSION,
  );
}

/** The last attempt (there is one after every probe). */
function last(d: Diagnosis): DiagnosisAttempt {
  const a = d.attempts.at(-1);
  if (a === undefined) throw new Error("no attempt recorded");
  return a;
}

export async function runDiagnose(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  if (opts.probe.certificates?.key !== undefined && opts.candidates.length === 0) return signatureDiagnosis(opts);
  const first = opts.candidates[0];
  if (first === undefined) throw new RangeError("runDiagnose needs at least one PSK candidate (or our certificate and key)");
  const d: Diagnosis = { opts, startedAt: new Date().toISOString(), attempts: [], aggressive: [], address: null, ids: [...opts.ids], first, probes: 0, transforms: opts.probe.transforms, addressPsk: undefined };
  return (await asConfigured(d)) ?? (await addressCandidate(d)) ?? (await whichIdentity(d)) ?? (await aggressiveChecks(d)) ?? nothingWorked(d);
}

/** 1. Main Mode as configured: the first ID with the first candidate, every offer. */
async function asConfigured(d: Diagnosis): Promise<DiagnosisReport | undefined> {
  const { report: base } = await probe(d, "main", d.ids[0], d.first);
  const a0 = last(d);
  if (a0.cause === "no-answer" || a0.cause === "no-proposal") {
    return conclude(d, a0.cause, a0.cause === "no-answer" ? `${d.opts.probe.host} did not answer Main Mode message 1` : "the gateway refused every Phase 1 offer, so no identity exchange could run", CAUSE_FIXES[a0.cause]!, null, null);
  }
  // From here on, offer only the transform the gateway accepted: fewer exchanges, same keys.
  const chosen = base.phase1.selected?.proposal;
  const accepted = d.transforms.find((t) => proposalToken(t) === chosen);
  if (accepted !== undefined) d.transforms = [accepted];
  if (a0.cause === "ok") return conclude(d, "ok", `Main Mode authenticates as ${idText(d.ids[0]!)} with the PSK from line ${d.first.line}`, CAUSE_FIXES.ok!, d.first.line, d.ids[0]!);
  if (a0.cause === "xauth-required") {
    return conclude(d, "xauth-required", `the PSK (line ${d.first.line}) and ID ${idText(d.ids[0]!)} are right: Phase 1 authenticates, then the gateway demands XAUTH (user name and password)`, CAUSE_FIXES["xauth-required"]!, d.first.line, d.ids[0]!);
  }
  return undefined;
}

/** 2. Which candidate is the PSK the gateway uses for our address? (Main Mode, first ID.) */
async function addressCandidate(d: Diagnosis): Promise<DiagnosisReport | undefined> {
  if (KEYS_MATCH.has(d.attempts[0]?.cause ?? "")) d.addressPsk = d.first;
  for (const cand of d.opts.candidates.slice(1)) {
    if (d.addressPsk !== undefined) break;
    await probe(d, "main", d.ids[0]!, cand);
    const a = last(d);
    if (a.cause === "ok" || a.cause === "xauth-required") {
      return conclude(
        d,
        a.cause === "ok" ? "wrong-psk" : "xauth-required",
        `the gateway holds the PSK from line ${cand.line}, not the one from line ${d.first.line}${a.cause === "xauth-required" ? "; with it Phase 1 authenticates, then the gateway demands XAUTH" : ""}`,
        a.cause === "ok" ? `use the PSK from line ${cand.line} of the PSK file.` : CAUSE_FIXES["xauth-required"]!,
        cand.line,
        d.ids[0]!,
      );
    }
    if (KEYS_MATCH.has(a.cause)) d.addressPsk = cand;
  }
  return undefined;
}

/** 3. With the address's PSK known, which identity does the gateway accept? */
async function whichIdentity(d: Diagnosis): Promise<DiagnosisReport | undefined> {
  const addressPsk = d.addressPsk;
  if (addressPsk !== undefined) {
    for (const id of d.ids.slice(1)) {
      await probe(d, "main", id, addressPsk);
      const a = last(d);
      if (a.cause === "ok" || a.cause === "xauth-required") {
        return conclude(
          d,
          a.cause === "ok" ? "wrong-id" : "xauth-required",
          `the gateway accepts ID ${idText(id)} (not ${idText(d.ids[0]!)}) with the PSK from line ${addressPsk.line}${a.cause === "xauth-required" ? ", then demands XAUTH" : ""}`,
          a.cause === "ok" ? `use --id ${describeIdentity(id).type}:${describeIdentity(id).value}.` : CAUSE_FIXES["xauth-required"]!,
          addressPsk.line,
          id,
        );
      }
    }
    // The keys match but every identity is refused with AUTHENTICATION-FAILED: an XAUTH-only peer entry?
    const psks = d.transforms.every((t) => t.auth === 1);
    if (psks && d.attempts.some((a) => a.cause === "authentication-failed")) {
      await probe(d, "main", d.ids[0]!, addressPsk, 65001);
      const a = last(d);
      if (a.cause === "ok" || a.cause === "xauth-required" || a.cause === "xauth-failed") {
        return conclude(
          d,
          "xauth-required",
          `the gateway refuses plain PSK authentication but accepts the PSK from line ${addressPsk.line} with XAUTH (auth method xauth-psk)${a.cause === "xauth-required" ? ", then demands XAUTH" : ""}`,
          `offer --auth xauth-psk and give --xauth-user and --xauth-password-file.`,
          addressPsk.line,
          d.ids[0]!,
        );
      }
    }
  }
  return undefined;
}

/** 4. Aggressive Mode, if allowed: the gateway's hash per ID, tested against every candidate offline. */
async function aggressiveChecks(d: Diagnosis): Promise<DiagnosisReport | undefined> {
  if (d.opts.allowAggressive) {
    const engine = crackEngine(nodeCrypto);
    for (const id of d.ids) {
      const { capture: cap } = await probe(d, "aggressive", id, d.first);
      if (cap === undefined) {
        const a = last(d);
        d.aggressive.push({ id: describeIdentity(id), hashCaptured: false, matchingPskLine: null, detail: `no hash: ${a.detail}` });
        continue;
      }
      const hash = HASH_BY_LENGTH[cap.hashR.length];
      const tester = hash !== undefined ? engine.tester({ hash, ...crackTarget(cap) }) : undefined;
      const test = (psk: Buffer, off: number, len: number): boolean => tester?.test(psk, off, len) ?? false;
      const match = d.opts.candidates.find((c) => test(c.psk, 0, c.psk.length));
      d.aggressive.push({
        id: describeIdentity(id),
        hashCaptured: true,
        matchingPskLine: match?.line ?? null,
        detail:
          match !== undefined
            ? `the gateway's PSK for ${idText(id)} is the candidate from line ${match.line} (its Aggressive Mode HASH_R verifies with it)`
            : `none of the ${d.opts.candidates.length} candidate(s) is the gateway's PSK for ${idText(id)} (its Aggressive Mode HASH_R verifies with none)`,
      });
    }
    const hit = d.aggressive.find((x) => x.matchingPskLine !== null);
    if (hit !== undefined) {
      const id = d.ids.find((i) => describeIdentity(i).value === hit.id.value && describeIdentity(i).type === hit.id.type)!;
      const mainFailedOnKeys = d.attempts.filter((a) => a.mode === "main").every((a) => !KEYS_MATCH.has(a.cause));
      if (mainFailedOnKeys) {
        return conclude(
          d,
          "psk-keyed-by-id",
          `the gateway holds the PSK from line ${hit.matchingPskLine} for ID ${idText(id)} (Aggressive Mode proves it), but Main Mode fails at message 5 (${d.attempts[0]!.cause}): in Main Mode the gateway picks the PSK by our source address, before it sees our ID, and it picked another peer's entry`,
          "key that PSK to our source address on the gateway (or give this peer its own address), or connect in Aggressive Mode, which selects the PSK by ID.",
          hit.matchingPskLine,
          id,
        );
      }
      const amOk = d.attempts.some((a) => a.mode === "aggressive" && a.cause === "ok" && a.id.value === hit.id.value);
      const mmRefused = d.attempts.some((a) => a.mode === "main" && a.id.value === hit.id.value && a.pskLine === hit.matchingPskLine && a.cause === "authentication-failed");
      if (amOk && mmRefused) {
        return conclude(
          d,
          "aggressive-only",
          `the gateway accepts ID ${idText(id)} with the PSK from line ${hit.matchingPskLine} in Aggressive Mode (authenticated), but refuses the same ID and PSK in Main Mode (AUTHENTICATION-FAILED under our keys): its peer entry for this ID allows Aggressive Mode only`,
          "connect in Aggressive Mode (--aggressive), or allow Main Mode for this peer on the gateway (strongSwan: aggressive = no), which also stops exposing its hash.",
          hit.matchingPskLine,
          id,
        );
      }
      return conclude(
        d,
        "wrong-id",
        `the gateway holds the PSK from line ${hit.matchingPskLine} for ID ${idText(id)} (Aggressive Mode proves it), but Main Mode still fails (${d.attempts[0]!.cause})`,
        `use --id ${hit.id.type}:${hit.id.value} with the PSK from line ${hit.matchingPskLine}; if Main Mode still fails, the gateway's peer entry for that ID differs in another setting (auth method, XAUTH).`,
        hit.matchingPskLine,
        id,
      );
    }
  }
  return undefined;
}

/** Causes of a signature exchange that say all there is to say: the step and the fix are known. */
const SIGNATURE_FINAL = new Set(["ok", "certificate-refused", "signature-invalid", "gateway-signature-invalid", "gateway-certificate-missing", "certificate-untrusted", "xauth-required", "xauth-failed"]);

/**
 * Certificates: Main Mode as configured; a refusal the gateway names (our CA, our signature, its
 * own signature or chain) is the conclusion; AUTHENTICATION-FAILED or silence with an issuer it
 * accepts is tried again with each identity our certificate holds (its subjectAltNames), as
 * strongSwan and others accept a certificate only for an ID it contains.
 */
async function signatureDiagnosis(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  const d: Diagnosis = { opts, startedAt: new Date().toISOString(), attempts: [], aggressive: [], address: null, ids: [...opts.ids], first: { line: 0, psk: Buffer.alloc(0) }, probes: 0, transforms: opts.probe.transforms, addressPsk: undefined };
  const { report } = await probe(d, "main", d.ids[0], null);
  const a0 = last(d);
  const tried = d.ids[0]!;
  if (a0.cause === "no-answer" || a0.cause === "no-proposal") return conclude(d, a0.cause, CAUSE_FIXES[a0.cause]!, CAUSE_FIXES[a0.cause]!, null, null);
  if (SIGNATURE_FINAL.has(a0.cause) || report.identity.status === "untrusted") {
    const cause = report.identity.status === "untrusted" ? "certificate-untrusted" : a0.cause;
    return conclude(d, cause, report.identity.detail, CAUSE_FIXES[cause] ?? CAUSE_FIXES.error!, null, tried);
  }
  for (const id of certificateIdentities(opts.probe.certificates?.certs?.[0]).filter((i) => idText(i) !== idText(tried))) {
    await probe(d, "main", id, null);
    const a = last(d);
    if (a.cause === "ok" || a.cause === "xauth-required") {
      const fix = id.idType === IdType.DER_ASN1_DN ? "leave --id out: our ID is then our certificate's subject (DN)." : `use --id ${describeIdentity(id).type}:${describeIdentity(id).value} (a subjectAltName of our certificate).`;
      return conclude(d, "wrong-id", `the gateway accepts our certificate as ${idText(id)}, not as ${idText(tried)}`, fix, null, id);
    }
  }
  return conclude(d, a0.cause, report.identity.detail, CAUSE_FIXES[a0.cause] ?? CAUSE_FIXES.error!, null, tried);
}

/** The identities a certificate holds, as IDs (RFC 4945 §3.1: its subject DN, DNS as FQDN, email as USER_FQDN, IP addresses). */
function certificateIdentities(der: Buffer | undefined): Identification[] {
  if (der === undefined) return [];
  const out: Identification[] = [certificateSubjectIdentity(der)];
  for (const san of subjectAltNames(parseCertificate(der))) {
    const [kind, value] = [san.slice(0, san.indexOf(":")), san.slice(san.indexOf(":") + 1)];
    const type = kind === "DNS" ? "fqdn" : kind === "email" ? "user-fqdn" : kind === "IP" ? (value.includes(":") ? "ipv6" : "ipv4") : undefined;
    if (type !== undefined) out.push(parseIdentity(`${type}:${value}`));
  }
  return out.slice(0, 9);
}

/** 5. Nothing worked: report the most telling cause. */
function nothingWorked(d: Diagnosis): DiagnosisReport {
  const addressPsk = d.addressPsk;
  if (addressPsk !== undefined) {
    const a = d.attempts.find((x) => x.pskLine === addressPsk.line && x.mode === "main")!;
    return conclude(
      d,
      a.cause === "invalid-id" ? "wrong-id" : a.cause,
      `the PSK from line ${addressPsk.line} is the one the gateway uses for our address (it answered message 5 under our keys), but it refused every ID tried (${d.ids.map(idText).join(", ")}) with ${a.notify ?? a.cause}`,
      a.cause === "invalid-id" ? CAUSE_FIXES["invalid-id"]! : CAUSE_FIXES[a.cause] ?? CAUSE_FIXES.error!,
      addressPsk.line,
      null,
    );
  }
  const mm = d.attempts.filter((a) => a.mode === "main");
  const causes = [...new Set(mm.map((a) => a.cause))];
  const amNote = !d.opts.allowAggressive
    ? " (allow Aggressive Mode with --aggressive to test the candidates against the PSK the gateway holds for each ID)"
    : d.aggressive.every((x) => !x.hashCaptured)
      ? " (Aggressive Mode gave no hash to test: the gateway refuses it)"
      : " (nor is any of them the PSK the gateway holds for the IDs tried in Aggressive Mode)";
  return conclude(
    d,
    "psk-mismatch",
    `none of the ${d.opts.candidates.length} PSK candidate(s) is the one the gateway uses for our source address: every Main Mode attempt ended at message 5 with ${causes.join(", ")}${amNote}`,
    CAUSE_FIXES[causes[0] ?? "payload-malformed"] ?? CAUSE_FIXES["payload-malformed"]!,
    null,
    null,
  );
}

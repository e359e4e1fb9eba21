/**
 * `--diagnose --ikev2`: explains a failing IKEv2 IKE_AUTH from the initiator's side alone, by a
 * short, paced sequence of probes (each a runProbeV2).
 *
 * What it relies on (RFC 7296 §2.15): an IKEv2 gateway looks up the PSK by our ID (IDi) and the
 * connection by IDi and the IDr we ask for; AUTHENTICATION_FAILED reads the same for a wrong PSK, an
 * ID it has no PSK for and an IDr it does not use. The sequence tells them apart by changing one
 * thing at a time: each PSK candidate with our ID, each other --id, no IDr instead of ours, then
 * IKE_AUTH without AUTH (does the gateway want EAP for this ID?), and its CERTREQs (does it want
 * certificates?). Never prints; progress goes to `onProgress`. PSK candidates are named by their
 * line, never shown.
 */
import type { DiagnosisAttempt, DiagnosisReport } from "../report/model/diagnosis.js";
import type { ProbeV2Report } from "../report/model/probe-v2.js";
import { attemptFromV2 } from "../report/build/diagnosis-v2.js";
import { diagnosisReport } from "../report/build/diagnosis.js";
import { type ProbeV2Options, runProbeV2 } from "../probe/ikev2.js";
import { VERSION } from "../version.js";
import type { IdPayload } from "../wire/v2/payloads/identification.js";
import { describeIdentity } from "../x509/identity.js";
import type { PskCandidate } from "./diagnose.js";

export interface DiagnoseV2Options {
  /** Where and what to offer: the probe's options without credentials or CHILD SAs. */
  probe: Omit<ProbeV2Options, "psk" | "localId" | "remoteId" | "eap" | "child" | "dpd" | "holdSeconds" | "onProgress" | "pcap">;
  /** Identities to try; empty: our address (as runProbeV2 defaults it). */
  ids: IdPayload[];
  /** The IDr asked for (--remote-id), tried with and without. */
  remoteId?: IdPayload;
  candidates: PskCandidate[];
  /** Pause between probes, so a gateway does not take us for an attack. */
  paceMs: number;
  onProgress?: (text: string) => void;
}

const described = (id: IdPayload): { type: string; value: string } => describeIdentity({ idType: id.idType, protocolId: 0, port: 0, data: id.data });
const idText = (id: IdPayload | undefined): string => (id === undefined ? "our address" : `${described(id).type}:${described(id).value}`);

interface Run {
  opts: DiagnoseV2Options;
  startedAt: string;
  attempts: DiagnosisAttempt[];
  address: string | null;
  probes: number;
  /** Each probe's report, for the CERTREQs and the gateway's IDr. */
  reports: ProbeV2Report[];
}

async function attempt(d: Run, id: IdPayload | undefined, cand: PskCandidate | undefined, remoteId: IdPayload | undefined): Promise<DiagnosisAttempt> {
  const { opts } = d;
  if (d.probes++ > 0 && opts.paceMs > 0) await new Promise((res) => setTimeout(res, opts.paceMs));
  opts.onProgress?.(`IKE_AUTH as ${idText(id)}${remoteId !== undefined ? ` asking for ${idText(remoteId)}` : ""}${cand !== undefined ? ` with the PSK candidate from line ${cand.line}` : " without AUTH (EAP?)"}`);
  const r = await runProbeV2({ ...opts.probe, ...(id !== undefined ? { localId: id } : {}), ...(remoteId !== undefined ? { remoteId } : {}), ...(cand !== undefined ? { psk: cand.psk } : { eap: true }) }, VERSION);
  d.address ??= r.target.address;
  d.reports.push(r);
  const a = attemptFromV2(r, cand?.line ?? null, remoteId !== undefined ? described(remoteId) : null);
  d.attempts.push(a);
  return a;
}

function conclude(d: Run, cause: string, explanation: string, fix: string, pskLine: number | null, id: { type: string; value: string } | null): DiagnosisReport {
  const { opts, attempts } = d;
  const ids = opts.ids.length > 0 ? opts.ids.map(described) : attempts.slice(0, 1).map((a) => a.id);
  return diagnosisReport({ ikeVersion: 2, startedAt: d.startedAt, target: { host: opts.probe.host, address: d.address, port: opts.probe.port }, ids, pskCandidates: opts.candidates.length, aggressiveAllowed: false, attempts, aggressive: [], conclusion: { cause, explanation, fix, pskLine, id } }, VERSION);
}

export async function runDiagnoseV2(opts: DiagnoseV2Options): Promise<DiagnosisReport> {
  const first = opts.candidates[0];
  if (first === undefined) throw new RangeError("runDiagnoseV2 needs at least one PSK candidate");
  const d: Run = { opts, startedAt: new Date().toISOString(), attempts: [], address: null, probes: 0, reports: [] };
  const ids: (IdPayload | undefined)[] = opts.ids.length > 0 ? opts.ids : [undefined];
  const ourId = ids[0];
  const rid = opts.remoteId;
  const ok = (a: DiagnosisAttempt): boolean => a.cause === "ok";

  // 1. As configured.
  const given = await attempt(d, ourId, first, rid);
  if (ok(given)) return conclude(d, "ok", "IKE_AUTH works as given: the gateway accepted our PSK and proved the same key.", "nothing to fix: IKE_AUTH works.", first.line, given.id);
  if (given.cause === "no-answer" || given.cause === "no-proposal" || given.cause === "ike-auth-timeout") return stopped(d, given);

  // 2. The other PSK candidates with our ID: the gateway's PSK for this ID is among them.
  for (const cand of opts.candidates.slice(1)) {
    if (ok(await attempt(d, ourId, cand, rid))) {
      return conclude(d, "wrong-psk", `The gateway accepted ${given.id.type}:${given.id.value} with the PSK candidate on line ${cand.line} and refused the first one: it holds another PSK for this ID than the one given.`, `use the PSK on line ${cand.line} of the PSK file for this ID, or set the gateway's PSK for ${given.id.type}:${given.id.value} to ours.`, cand.line, given.id);
    }
  }
  // 3. The other identities, each with every candidate: the PSK is right, the ID is not.
  for (const id of ids.slice(1)) {
    for (const cand of opts.candidates) {
      const a = await attempt(d, id, cand, rid);
      if (ok(a)) return conclude(d, "wrong-id", `The gateway accepted ${a.id.type}:${a.id.value} with the PSK candidate on line ${cand.line}, and refused ${given.id.type}:${given.id.value} with every candidate: in IKEv2 it looks the PSK up by our ID, and it has none of ours for the first one.`, `use --id ${a.id.type}:${a.id.value}, or add ${given.id.type}:${given.id.value} to the gateway's PSK entries.`, cand.line, a.id);
    }
  }
  // 4. Without the IDr asked for: the gateway's own ID is not the one we asked for.
  if (rid !== undefined) {
    for (const cand of opts.candidates) {
      const a = await attempt(d, ourId, cand, undefined);
      if (ok(a)) {
        const its = d.reports.at(-1)?.identity.remote;
        return conclude(d, "wrong-idr", `Without an IDr the gateway accepted ${a.id.type}:${a.id.value} with the PSK candidate on line ${cand.line}${its != null ? ` and named itself ${its.type}:${its.value}` : ""}; asking for ${idText(rid)} it refused: no connection of it has that local ID.`, its != null ? `use --remote-id ${its.type}:${its.value}, or leave --remote-id out.` : "leave --remote-id out, or ask for the ID the gateway's connection has.", cand.line, a.id);
      }
    }
  }
  // 5. IKE_AUTH without AUTH for each ID: does the gateway want EAP for it?
  for (const id of ids) {
    const a = await attempt(d, id, undefined, rid);
    if (a.status === "eap-required") {
      const method = d.reports.at(-1)?.identity.eap?.method ?? null;
      return conclude(d, "eap-only", `For ${a.id.type}:${a.id.value} the gateway asked for EAP${method !== null ? `, method ${method},` : ""} when we sent no AUTH: its connection for this ID authenticates clients with EAP, not with a PSK, so every PSK AUTH is refused.`, `authenticate with EAP${method !== null ? ` (${method})` : ""}, or have the gateway accept a PSK for this ID.`, null, a.id);
    }
  }
  // 6. CERTREQ in IKE_SA_INIT: the gateway trusts certificate authorities and asks for certificates.
  const certReqs = d.reports.find((r) => r.ikeSa.certReqs.length > 0)?.ikeSa.certReqs;
  if (certReqs !== undefined) {
    return conclude(d, "certificate-only", `No PSK candidate works for any ID, EAP is not offered, and the gateway sent ${certReqs.length} CERTREQ${certReqs.length === 1 ? "" : "s"} in IKE_SA_INIT: it authenticates clients with certificates for this connection.`, "authenticate with a certificate from a CA the gateway trusts (its CERTREQs name the CAs by key hash), or have the gateway accept a PSK for this ID.", null, given.id);
  }
  return conclude(
    d,
    "unknown-id-or-psk",
    `Every PSK candidate was refused with AUTHENTICATION_FAILED for every ID tried${rid !== undefined ? ", with and without the IDr" : ""}, and EAP is not offered. In IKEv2 the gateway looks the PSK up by our ID, so this is either a PSK not among the candidates or an ID the gateway has no PSK for: from outside, the two read the same.`,
    "check the gateway's PSK entries for the IDs tried (its log names the ID it looked up): add our ID there, or put its PSK in the PSK file.",
    null,
    given.id,
  );
}

/** No IKE SA or no IKE_AUTH answer: nothing about identities can be learned. */
function stopped(d: Run, a: DiagnosisAttempt): DiagnosisReport {
  const why = a.cause === "no-proposal" ? "the gateway accepts none of the offers, so no IKE_AUTH could run" : a.cause === "no-answer" ? "the gateway does not answer IKE_SA_INIT" : "the gateway did not answer IKE_AUTH (some drop what they refuse without a word)";
  return conclude(d, a.cause, `The diagnosis stopped at the first step: ${why}.`, a.fix, null, a.id);
}

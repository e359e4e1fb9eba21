/**
 * `--diagnose`: explains a failing identity exchange from the initiator's side alone, by a short,
 * paced sequence of probes (each a runProbe) and, when Aggressive Mode is allowed, an offline test
 * of every PSK candidate against the gateway's Aggressive Mode hash for each identity.
 *
 * What it relies on (IKEV1.md §2.1, §2.2):
 * - Main Mode: the gateway must pick a PSK before it can decrypt message 5, so it picks by our
 *   source address. An answer to message 5 that decrypts and verifies with our keys (even a refusal)
 *   proves the PSK it picked equals ours; PAYLOAD-MALFORMED, an undecryptable reply or silence
 *   means it picked another.
 * - Aggressive Mode: the gateway picks the PSK by the ID in message 1 and proves it with HASH_R,
 *   which we test against every candidate offline.
 * Never prints; progress goes to `onProgress`. PSK candidates are named by their line, never shown.
 */
import * as nodeCrypto from "node:crypto";
import { authToken, proposalToken } from "./config/ike.js";
import { crackEngine } from "./crack/engine.js";
import { HASH_BY_LENGTH, crackTarget } from "./crack/hash-file.js";
import type { AggressiveCapture } from "./exchanges/phase1/index.js";
import { type ProbeOptions, VERSION, runProbe } from "./probe.js";
import { ExitCode, type Report } from "./report/model.js";
import { addressIdentity } from "./config/identity.js";
import { type Identification, describeId } from "./wire/payloads/identification.js";

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

export interface DiagnosisAttempt {
  mode: "main" | "aggressive";
  id: { type: string; value: string };
  auth: string;
  /** Line of the PSK candidate used (never the PSK). */
  pskLine: number | null;
  proposal: string | null;
  status: string;
  cause: string;
  /** The likely fix for this cause, in one sentence. */
  fix: string;
  detail: string;
  evidence: string | null;
  notify: string | null;
  xauth: string | null;
  exitCode: number;
}

export interface AggressiveCheck {
  id: { type: string; value: string };
  /** The gateway answered Aggressive Mode for this ID with a hash. */
  hashCaptured: boolean;
  /** Line of the candidate that matches the gateway's PSK for this ID; null: none does. */
  matchingPskLine: number | null;
  detail: string;
}

export interface DiagnosisReport {
  kind: "diagnosis";
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  target: { host: string; address: string | null; port: number };
  ids: { type: string; value: string }[];
  pskCandidates: number;
  aggressiveAllowed: boolean;
  attempts: DiagnosisAttempt[];
  aggressive: AggressiveCheck[];
  conclusion: {
    /** Stable code, e.g. "psk-mismatch", "psk-keyed-by-id", "wrong-id", "xauth-required", "ok". */
    cause: string;
    explanation: string;
    fix: string;
    /** The candidate the gateway holds (line in --psk-file), when found. */
    pskLine: number | null;
    id: { type: string; value: string } | null;
  };
  exitCode: number;
}

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
  error: "a local error stopped the exchange: see the detail.",
};

/** Causes that prove the gateway used our PSK for the keys (it decrypted message 5 and answered under our keys). */
const KEYS_MATCH = new Set(["ok", "invalid-id", "authentication-failed", "hash-r-mismatch", "refused"]);

function attemptFrom(r: Report, mode: "main" | "aggressive", id: Identification, pskLine: number | null, auth: number): DiagnosisAttempt {
  const accepted = r.phase1.offers.some((o) => o.status === "accepted");
  let cause = r.identity.cause ?? (r.phase1.offers.every((o) => o.status === "no-response") ? "no-answer" : !accepted ? "no-proposal" : "error");
  if (cause === "ok" && r.xauth !== null && r.xauth.status === "required") cause = "xauth-required";
  if (cause === "ok" && r.xauth !== null && r.xauth.status === "failed") cause = "xauth-failed";
  return {
    mode,
    id: describeId(id),
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

export async function runDiagnose(opts: DiagnoseOptions): Promise<DiagnosisReport> {
  const startedAt = new Date().toISOString();
  const attempts: DiagnosisAttempt[] = [];
  const aggressive: AggressiveCheck[] = [];
  let address: string | null = null;
  const ids = [...opts.ids];
  const first = opts.candidates[0]!;
  let probes = 0;
  let transforms = opts.probe.transforms;

  const probe = async (mode: "main" | "aggressive", id: Identification | undefined, cand: PskCandidate | null, auth?: number): Promise<{ report: Report; capture: AggressiveCapture | undefined }> => {
    if (probes++ > 0 && opts.paceMs > 0) await new Promise((res) => setTimeout(res, opts.paceMs));
    opts.onProgress?.(`${mode === "main" ? "Main" : "Aggressive"} Mode as ${id !== undefined ? idText(id) : "our address"}${cand !== null ? ` with PSK candidate from line ${cand.line}` : ""}${auth !== undefined ? ` (auth ${authToken(auth)})` : ""}`);
    const ts = auth !== undefined ? transforms.map((t) => ({ ...t, auth })) : transforms;
    let capture: AggressiveCapture | undefined;
    const r = await runProbe({
      ...opts.probe,
      transforms: ts,
      ...(id !== undefined ? { localId: id } : {}),
      ...(cand !== null ? { psk: cand.psk } : {}),
      ...(mode === "aggressive" ? { aggressive: true } : {}),
      onCapture: (c) => (capture ??= c),
    });
    address ??= r.target.address;
    const used = id ?? addressIdentity(r.source.address);
    if (ids.length === 0) ids.push(used);
    attempts.push(attemptFrom(r, mode, used, cand?.line ?? null, ts[0]!.auth));
    return { report: r, capture };
  };

  const idText = (id: Identification): string => `${describeId(id).type} ${describeId(id).value}`;
  const conclude = (cause: string, explanation: string, fix: string, pskLine: number | null, id: Identification | null): DiagnosisReport => ({
    kind: "diagnosis",
    tool: { name: "ikeprobe", version: VERSION },
    startedAt,
    target: { host: opts.probe.host, address, port: opts.probe.port },
    ids: ids.map(describeId),
    pskCandidates: opts.candidates.length,
    aggressiveAllowed: opts.allowAggressive,
    attempts,
    aggressive,
    conclusion: { cause, explanation, fix, pskLine, id: id !== null ? describeId(id) : null },
    exitCode: cause === "ok" ? ExitCode.OK : attempts.every((a) => a.cause === "no-answer") ? ExitCode.NO_ANSWER : ExitCode.STEP_FAILED,
  });

  // 1. Main Mode as configured: the first ID with the first candidate, every offer.
  const { report: base } = await probe("main", ids[0], first);
  const a0 = attempts[0]!;
  if (a0.cause === "no-answer" || a0.cause === "no-proposal") {
    return conclude(a0.cause, a0.cause === "no-answer" ? `${opts.probe.host} did not answer Main Mode message 1` : "the gateway refused every Phase 1 offer, so no identity exchange could run", CAUSE_FIXES[a0.cause]!, null, null);
  }
  // From here on, offer only the transform the gateway accepted: fewer exchanges, same keys.
  const chosen = base.phase1.selected?.proposal;
  const accepted = transforms.find((t) => proposalToken(t) === chosen);
  if (accepted !== undefined) transforms = [accepted];
  if (a0.cause === "ok") return conclude("ok", `Main Mode authenticates as ${idText(ids[0]!)} with the PSK from line ${first.line}`, CAUSE_FIXES.ok!, first.line, ids[0]!);
  if (a0.cause === "xauth-required") {
    return conclude("xauth-required", `the PSK (line ${first.line}) and ID ${idText(ids[0]!)} are right: Phase 1 authenticates, then the gateway demands XAUTH (user name and password)`, CAUSE_FIXES["xauth-required"]!, first.line, ids[0]!);
  }

  // 2. Which candidate is the PSK the gateway uses for our address? (Main Mode, first ID.)
  let addressPsk: PskCandidate | undefined = KEYS_MATCH.has(a0.cause) ? first : undefined;
  for (const cand of opts.candidates.slice(1)) {
    if (addressPsk !== undefined) break;
    await probe("main", ids[0]!, cand);
    const a = attempts.at(-1)!;
    if (a.cause === "ok" || a.cause === "xauth-required") {
      return conclude(
        a.cause === "ok" ? "wrong-psk" : "xauth-required",
        `the gateway holds the PSK from line ${cand.line}, not the one from line ${first.line}${a.cause === "xauth-required" ? "; with it Phase 1 authenticates, then the gateway demands XAUTH" : ""}`,
        a.cause === "ok" ? `use the PSK from line ${cand.line} of the PSK file.` : CAUSE_FIXES["xauth-required"]!,
        cand.line,
        ids[0]!,
      );
    }
    if (KEYS_MATCH.has(a.cause)) addressPsk = cand;
  }

  // 3. With the address's PSK known, which identity does the gateway accept?
  if (addressPsk !== undefined) {
    for (const id of ids.slice(1)) {
      await probe("main", id, addressPsk);
      const a = attempts.at(-1)!;
      if (a.cause === "ok" || a.cause === "xauth-required") {
        return conclude(
          a.cause === "ok" ? "wrong-id" : "xauth-required",
          `the gateway accepts ID ${idText(id)} (not ${idText(ids[0]!)}) with the PSK from line ${addressPsk.line}${a.cause === "xauth-required" ? ", then demands XAUTH" : ""}`,
          a.cause === "ok" ? `use --id ${describeId(id).type}:${describeId(id).value}.` : CAUSE_FIXES["xauth-required"]!,
          addressPsk.line,
          id,
        );
      }
    }
    // The keys match but every identity is refused with AUTHENTICATION-FAILED: an XAUTH-only peer entry?
    const psks = transforms.every((t) => t.auth === 1);
    if (psks && attempts.some((a) => a.cause === "authentication-failed")) {
      await probe("main", ids[0]!, addressPsk, 65001);
      const a = attempts.at(-1)!;
      if (a.cause === "ok" || a.cause === "xauth-required" || a.cause === "xauth-failed") {
        return conclude(
          "xauth-required",
          `the gateway refuses plain PSK authentication but accepts the PSK from line ${addressPsk.line} with XAUTH (auth method xauth-psk)${a.cause === "xauth-required" ? ", then demands XAUTH" : ""}`,
          `offer --auth xauth-psk and give --xauth-user and --xauth-password-file.`,
          addressPsk.line,
          ids[0]!,
        );
      }
    }
  }

  // 4. Aggressive Mode, if allowed: the gateway's hash per ID, tested against every candidate offline.
  if (opts.allowAggressive) {
    const engine = crackEngine(nodeCrypto);
    for (const id of ids) {
      const { capture: cap } = await probe("aggressive", id, first);
      if (cap === undefined) {
        const a = attempts.at(-1)!;
        aggressive.push({ id: describeId(id), hashCaptured: false, matchingPskLine: null, detail: `no hash: ${a.detail}` });
        continue;
      }
      const hash = HASH_BY_LENGTH[cap.hashR.length];
      const tester = hash !== undefined ? engine.tester({ hash, ...crackTarget(cap) }) : undefined;
      const test = (psk: Buffer, off: number, len: number): boolean => tester?.test(psk, off, len) ?? false;
      const match = opts.candidates.find((c) => test(c.psk, 0, c.psk.length));
      aggressive.push({
        id: describeId(id),
        hashCaptured: true,
        matchingPskLine: match?.line ?? null,
        detail:
          match !== undefined
            ? `the gateway's PSK for ${idText(id)} is the candidate from line ${match.line} (its Aggressive Mode HASH_R verifies with it)`
            : `none of the ${opts.candidates.length} candidate(s) is the gateway's PSK for ${idText(id)} (its Aggressive Mode HASH_R verifies with none)`,
      });
    }
    const hit = aggressive.find((x) => x.matchingPskLine !== null);
    if (hit !== undefined) {
      const id = ids.find((i) => describeId(i).value === hit.id.value && describeId(i).type === hit.id.type)!;
      const mainFailedOnKeys = attempts.filter((a) => a.mode === "main").every((a) => !KEYS_MATCH.has(a.cause));
      if (mainFailedOnKeys) {
        return conclude(
          "psk-keyed-by-id",
          `the gateway holds the PSK from line ${hit.matchingPskLine} for ID ${idText(id)} (Aggressive Mode proves it), but Main Mode fails at message 5 (${attempts[0]!.cause}): in Main Mode the gateway picks the PSK by our source address, before it sees our ID, and it picked another peer's entry`,
          "key that PSK to our source address on the gateway (or give this peer its own address), or connect in Aggressive Mode, which selects the PSK by ID.",
          hit.matchingPskLine,
          id,
        );
      }
      const amOk = attempts.some((a) => a.mode === "aggressive" && a.cause === "ok" && a.id.value === hit.id.value);
      const mmRefused = attempts.some((a) => a.mode === "main" && a.id.value === hit.id.value && a.pskLine === hit.matchingPskLine && a.cause === "authentication-failed");
      if (amOk && mmRefused) {
        return conclude(
          "aggressive-only",
          `the gateway accepts ID ${idText(id)} with the PSK from line ${hit.matchingPskLine} in Aggressive Mode (authenticated), but refuses the same ID and PSK in Main Mode (AUTHENTICATION-FAILED under our keys): its peer entry for this ID allows Aggressive Mode only`,
          "connect in Aggressive Mode (--aggressive), or allow Main Mode for this peer on the gateway (strongSwan: aggressive = no), which also stops exposing its hash.",
          hit.matchingPskLine,
          id,
        );
      }
      return conclude(
        "wrong-id",
        `the gateway holds the PSK from line ${hit.matchingPskLine} for ID ${idText(id)} (Aggressive Mode proves it), but Main Mode still fails (${attempts[0]!.cause})`,
        `use --id ${hit.id.type}:${hit.id.value} with the PSK from line ${hit.matchingPskLine}; if Main Mode still fails, the gateway's peer entry for that ID differs in another setting (auth method, XAUTH).`,
        hit.matchingPskLine,
        id,
      );
    }
  }

  // 5. Nothing worked: report the most telling cause.
  if (addressPsk !== undefined) {
    const a = attempts.find((x) => x.pskLine === addressPsk.line && x.mode === "main")!;
    return conclude(
      a.cause === "invalid-id" ? "wrong-id" : a.cause,
      `the PSK from line ${addressPsk.line} is the one the gateway uses for our address (it answered message 5 under our keys), but it refused every ID tried (${ids.map(idText).join(", ")}) with ${a.notify ?? a.cause}`,
      a.cause === "invalid-id" ? CAUSE_FIXES["invalid-id"]! : CAUSE_FIXES[a.cause] ?? CAUSE_FIXES.error!,
      addressPsk.line,
      null,
    );
  }
  const mm = attempts.filter((a) => a.mode === "main");
  const causes = [...new Set(mm.map((a) => a.cause))];
  const amNote = !opts.allowAggressive
    ? " (allow Aggressive Mode with --aggressive to test the candidates against the PSK the gateway holds for each ID)"
    : aggressive.every((x) => !x.hashCaptured)
      ? " (Aggressive Mode gave no hash to test: the gateway refuses it)"
      : " (nor is any of them the PSK the gateway holds for the IDs tried in Aggressive Mode)";
  return conclude(
    "psk-mismatch",
    `none of the ${opts.candidates.length} PSK candidate(s) is the one the gateway uses for our source address: every Main Mode attempt ended at message 5 with ${causes.join(", ")}${amNote}`,
    CAUSE_FIXES[causes[0] ?? "payload-malformed"] ?? CAUSE_FIXES["payload-malformed"]!,
    null,
    null,
  );
}

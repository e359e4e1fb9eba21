/**
 * The identity exchange's outcomes as one table: each finding is a stable cause code (the report's
 * identity.cause), a status, and its plain-words detail and evidence. The state machines name a
 * finding and give the facts; the words are here. A new authentication method adds its rows.
 */
import type { NotifyInfo } from "./types.js";

export type IdentityStatus = "authenticated" | "psk-mismatch" | "rejected" | "error";

/**
 * Why the identity exchange ended as it did: a PSK the gateway could not use shows as
 * payload-malformed, undecryptable-reply or silence-after-mm5; a PSK that worked for the keys but not
 * for the peer entry as authentication-failed or invalid-id.
 */
export type IdentityCause =
  | "ok"
  | "invalid-id"
  | "authentication-failed"
  | "payload-malformed"
  | "undecryptable-reply"
  | "silence-after-mm3"
  | "silence-after-mm5"
  | "mm4-resent"
  | "hash-r-mismatch"
  | "key-exchange-refused"
  | "aggressive-refused"
  | "malformed-reply"
  | "refused"
  | "error";

/** The facts a finding's words are made of. */
export interface FindingFacts {
  /** Our ID, as "type value". */
  local: string;
  /** The gateway's ID, as "type value". */
  remote?: string;
  notify?: NotifyInfo;
  /** A count (re-sent messages). */
  count?: number;
  /** Free text: an error message, the payload types seen, a stage. */
  text?: string;
  received?: Buffer;
  computed?: Buffer;
  /** The exchange's stage (mm3, mm5, am1). */
  stage?: string;
  /** Aggressive Mode message 3 went out unencrypted. */
  clear?: boolean;
}

interface Finding {
  status: IdentityStatus;
  cause: IdentityCause;
  detail: (f: FindingFacts) => string;
  evidence: (f: FindingFacts) => string;
}

const notifyName = (f: FindingFacts): string => f.notify?.name ?? "a notification";
const hashes = (f: FindingFacts): string => `HASH_R received ${f.received?.toString("hex") ?? ""}, computed ${f.computed?.toString("hex") ?? ""}`;
const MM_PSK_BY_ADDRESS = "(in Main Mode the gateway picks the PSK by our source address; our ID is still encrypted)";

export const IDENTITY_FINDINGS = {
  // --- any authentication method -------------------------------------------------------------
  "silence-after-mm3": {
    status: "error",
    cause: "silence-after-mm3",
    detail: () => "the gateway accepted our offer but did not answer message 3 (key exchange)",
    evidence: () => "no answer to message 3",
  },
  "key-exchange-refused": {
    status: "error",
    cause: "key-exchange-refused",
    detail: (f) => `the gateway refused our key exchange (message 3) with ${notifyName(f)}`,
    evidence: (f) => `${notifyName(f)} after message 3`,
  },
  "mm6-incomplete": {
    status: "error",
    cause: "malformed-reply",
    detail: () => "message 6 lacks the gateway's ID or HASH_R payload",
    evidence: (f) => `payloads: ${f.text ?? ""}`,
  },
  "malformed-reply": {
    status: "error",
    cause: "malformed-reply",
    detail: (f) => `the gateway's reply at ${f.stage ?? "?"} is malformed: ${f.text ?? ""}`,
    evidence: (f) => f.text ?? "",
  },
  "invalid-id": {
    status: "rejected",
    cause: "invalid-id",
    detail: (f) => `the gateway refuses our identity (${notifyName(f)}): no connection on the gateway accepts it; check --id`,
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "mm5-refused": {
    status: "error",
    cause: "refused",
    detail: (f) => `the gateway answered message 5 with ${notifyName(f)}`,
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "local-error": {
    status: "error",
    cause: "error",
    detail: (f) => f.text ?? "local error",
    evidence: () => "",
  },
  // --- pre-shared keys -----------------------------------------------------------------------
  "psk-mm4-resent": {
    status: "psk-mismatch",
    cause: "mm4-resent",
    detail: (f) =>
      `the gateway re-sent message 4 (${f.count ?? 0} time${(f.count ?? 0) > 1 ? "s" : ""}) instead of answering message 5: it received our message 5 but could not decrypt or verify it, because the PSK it holds for our address differs from ours ${MM_PSK_BY_ADDRESS}`,
    evidence: (f) => `message 4 re-sent ${f.count ?? 0} time(s) after our message 5; no message 6`,
  },
  "psk-silence-after-mm5": {
    status: "psk-mismatch",
    cause: "silence-after-mm5",
    detail: () => `the gateway went silent after message 5: it most likely could not decrypt or authenticate it, because the PSK it holds for our address differs from ours ${MM_PSK_BY_ADDRESS}`,
    evidence: () => "no answer to message 5 (identity and HASH_I)",
  },
  "psk-mm6-undecryptable": {
    status: "psk-mismatch",
    cause: "undecryptable-reply",
    detail: () => "message 6 did not decrypt to valid payloads with our keys: the gateway derived different keys, so the PSK it holds for our address differs from ours",
    evidence: (f) => `message 6 decryption: ${f.text ?? ""}`,
  },
  "psk-notify-undecryptable": {
    status: "psk-mismatch",
    cause: "undecryptable-reply",
    detail: () => "the gateway answered message 5 with an encrypted notification that does not decrypt with our keys: it derived different keys, because the PSK it holds for our address differs from ours",
    evidence: (f) => `encrypted Informational (${f.text ?? ""}) in reply to message 5 that neither decrypts nor verifies with our keys`,
  },
  "psk-payload-malformed": {
    status: "psk-mismatch",
    cause: "payload-malformed",
    detail: () =>
      "the gateway could not decrypt message 5 (PAYLOAD-MALFORMED): the PSK it holds for our address differs from ours (in Main Mode the gateway picks the PSK by our source address, because our ID is still encrypted)",
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "psk-authentication-failed": {
    status: "psk-mismatch",
    cause: "authentication-failed",
    detail: (f) =>
      `the gateway decrypted message 5 but refused our authentication (${notifyName(f)}): the PSK it holds for our identity (${f.local}) differs from ours, or none of its connections accepts that identity (check --id against the peer ID the gateway expects)`,
    evidence: (f) => `${notifyName(f)}${f.notify?.protected === true ? " (encrypted, HASH verified)" : ""} in reply to message 5`,
  },
  "psk-mm6-hash-mismatch": {
    status: "psk-mismatch",
    cause: "hash-r-mismatch",
    detail: () => "the gateway's HASH_R does not verify with our PSK: the gateway holds a different PSK for us (it decrypted our message 5, so the mismatch is in the secret, not the keys' transport)",
    evidence: hashes,
  },
  "psk-am2-hash-mismatch": {
    status: "psk-mismatch",
    cause: "hash-r-mismatch",
    detail: (f) => `the gateway's HASH_R does not verify with our PSK: the PSK it holds for our identity (${f.local}) differs from ours (in Aggressive Mode the gateway picks the PSK by the ID we send)`,
    evidence: hashes,
  },
  "psk-mm-authenticated": {
    status: "authenticated",
    cause: "ok",
    detail: (f) => `authenticated: the gateway (${f.remote ?? "?"}) proved knowledge of the same PSK (HASH_R verified)`,
    evidence: () => "HASH_R verified",
  },
  "psk-am-authenticated": {
    status: "authenticated",
    cause: "ok",
    detail: (f) => `authenticated: the gateway (${f.remote ?? "?"}) proved knowledge of the same PSK for our identity (HASH_R verified); our HASH_I went out in message 3${f.clear === true ? " (unencrypted)" : ""}`,
    evidence: () => "HASH_R verified",
  },
} as const satisfies Record<string, Finding>;

export type FindingId = keyof typeof IDENTITY_FINDINGS;

/** A finding's row, worded with its facts. Evidence may be given directly (a local error's code). */
export function identityFinding(id: FindingId, facts: FindingFacts, evidence?: string): { status: IdentityStatus; cause: IdentityCause; detail: string; evidence: string } {
  const row: Finding = IDENTITY_FINDINGS[id];
  return { status: row.status, cause: row.cause, detail: row.detail(facts), evidence: evidence ?? row.evidence(facts) };
}

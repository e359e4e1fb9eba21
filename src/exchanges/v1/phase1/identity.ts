/**
 * The identity exchange's outcomes as one table: each finding is a stable cause code (the report's
 * identity.cause), a status, and its plain-words detail and evidence. The state machines name a
 * finding and give the facts; the words are here. A new authentication method adds its rows.
 */

/** A notify the gateway sent, as the identity result and the report carry it. */
export interface NotifyInfo {
  type: number;
  name: string;
  /** Whether it came inside an encrypted Informational whose HASH verified. */
  protected: boolean;
  dataHex?: string;
}

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
  | "certificate-refused"
  | "signature-invalid"
  | "gateway-signature-invalid"
  | "gateway-certificate-missing"
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
  /** The authorities the gateway asked for in its CERTREQs, as DNs. */
  requested?: string[];
  /** The issuer of our certificate, as a DN. */
  ourIssuer?: string;
}

interface Finding {
  status: IdentityStatus;
  cause: IdentityCause;
  detail: (f: FindingFacts) => string;
  evidence: (f: FindingFacts) => string;
}

const notifyName = (f: FindingFacts): string => f.notify?.name ?? "a notification";
const hashes = (f: FindingFacts): string => `HASH_R received ${f.received?.toString("hex") ?? ""}, computed ${f.computed?.toString("hex") ?? ""}`;
const asked = (f: FindingFacts): string => (f.requested !== undefined && f.requested.length > 0 ? `it asked for certificates from ${f.requested.join("; ")}` : "it asked for no particular authority");
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
  // --- signatures ----------------------------------------------------------------------------
  "sig-mm4-resent": {
    status: "error",
    cause: "mm4-resent",
    detail: (f) =>
      `the gateway re-sent message 4 (${f.count ?? 0} time${(f.count ?? 0) > 1 ? "s" : ""}) instead of answering message 5: with signatures the keys need no shared secret, so it could not take our message 5 as sent (too large for the path: try --fragmentation force; or a payload it cannot parse)`,
    evidence: (f) => `message 4 re-sent ${f.count ?? 0} time(s) after our message 5; no message 6`,
  },
  "sig-silence-after-mm5": {
    status: "rejected",
    cause: "silence-after-mm5",
    detail: (f) =>
      `the gateway went silent after message 5 (our ID, certificate and SIG_I): it most likely refused our certificate or identity without saying so (${asked(f)}${f.ourIssuer !== undefined ? `; ours is issued by ${f.ourIssuer}` : ""}), or message 5 did not reach it (IP fragments dropped on the path: try --fragmentation force)`,
    evidence: () => "no answer to message 5 (identity, certificate and SIG_I)",
  },
  "sig-mm6-undecryptable": {
    status: "error",
    cause: "undecryptable-reply",
    detail: () => "message 6 did not decrypt to valid payloads with our keys, although with signatures both sides derive them from the nonces and the Diffie-Hellman secret alone: the gateway's answer is corrupt or not meant for this exchange",
    evidence: (f) => `message 6 decryption: ${f.text ?? ""}`,
  },
  "sig-notify-undecryptable": {
    status: "error",
    cause: "undecryptable-reply",
    detail: () => "the gateway answered message 5 with an encrypted notification that does not decrypt or verify with our keys",
    evidence: (f) => `encrypted Informational (${f.text ?? ""}) in reply to message 5 that neither decrypts nor verifies with our keys`,
  },
  "sig-payload-malformed": {
    status: "rejected",
    cause: "payload-malformed",
    detail: () => "the gateway could not parse message 5 (PAYLOAD-MALFORMED): it decrypted it (signature keys need no secret), so it refuses a payload of ours, most likely our certificate's encoding or size",
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "sig-untrusted-issuer": {
    status: "rejected",
    cause: "certificate-refused",
    detail: (f) => `the gateway does not trust our issuer: ${asked(f)}, and our certificate is issued by ${f.ourIssuer ?? "?"} (${notifyName(f)}); use a certificate from one of those authorities, or have the gateway trust ours`,
    evidence: (f) => `${notifyName(f)}${f.notify?.protected === true ? " (encrypted, HASH verified)" : ""} in reply to message 5; CERTREQ authorities: ${f.requested?.join("; ") ?? "none"}`,
  },
  "sig-authentication-failed": {
    status: "rejected",
    cause: "authentication-failed",
    detail: (f) =>
      `the gateway refused our authentication (${notifyName(f)}) after message 5: our certificate${f.ourIssuer !== undefined ? ` (issued by ${f.ourIssuer})` : ""} is from an authority it accepts, so it has no connection for our identity (${f.local}) with this certificate, or it rejects the certificate itself (revoked, key usage); check --id against the certificate's subject and subjectAltNames and the peer ID the gateway expects`,
    evidence: (f) => `${notifyName(f)}${f.notify?.protected === true ? " (encrypted, HASH verified)" : ""} in reply to message 5`,
  },
  "sig-certificate-refused": {
    status: "rejected",
    cause: "certificate-refused",
    detail: (f) => `the gateway refused our certificate (${notifyName(f)}): ${asked(f)}${f.ourIssuer !== undefined ? `; ours is issued by ${f.ourIssuer}` : ""}`,
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "sig-signature-refused": {
    status: "rejected",
    cause: "signature-invalid",
    detail: (f) => `the gateway could not verify our SIG_I (${notifyName(f)}): it expects another signature scheme for this method or another key for our identity; check that --auth matches the gateway's method and --key belongs to --cert`,
    evidence: (f) => `${notifyName(f)} in reply to message 5`,
  },
  "sig-gateway-signature-invalid": {
    status: "error",
    cause: "gateway-signature-invalid",
    detail: (f) => `the gateway's SIG_R does not verify with the public key of its certificate${f.remote !== undefined ? ` (${f.remote})` : ""}: the certificate it sent is not the one its key belongs to, or it signed something other than HASH_R; do not trust this gateway's identity`,
    evidence: (f) => `SIG_R received ${f.received?.toString("hex") ?? ""}; HASH_R computed ${f.computed?.toString("hex") ?? ""}`,
  },
  "sig-gateway-unverifiable": {
    status: "error",
    cause: "gateway-certificate-missing",
    detail: (f) => `the gateway's SIG_R cannot be checked: ${f.text ?? ""}; give its certificate with --gateway-cert FILE`,
    evidence: (f) => f.text ?? "",
  },
  "sig-mm-authenticated": {
    status: "authenticated",
    cause: "ok",
    detail: (f) => `authenticated: the gateway (${f.remote ?? "?"}) signed with the key of its certificate (SIG_R verified) and accepted our certificate and SIG_I`,
    evidence: () => "SIG_R verified",
  },
  "sig-am-authenticated": {
    status: "authenticated",
    cause: "ok",
    detail: (f) => `authenticated: the gateway (${f.remote ?? "?"}) signed with the key of its certificate (SIG_R verified); our certificate and SIG_I went out in message 3${f.clear === true ? " (unencrypted)" : ""}`,
    evidence: () => "SIG_R verified",
  },
} as const satisfies Record<string, Finding>;

export type FindingId = keyof typeof IDENTITY_FINDINGS;

/** A finding's row, worded with its facts. Evidence may be given directly (a local error's code). */
export function identityFinding(id: FindingId, facts: FindingFacts, evidence?: string): { status: IdentityStatus; cause: IdentityCause; detail: string; evidence: string } {
  const row: Finding = IDENTITY_FINDINGS[id];
  return { status: row.status, cause: row.cause, detail: row.detail(facts), evidence: evidence ?? row.evidence(facts) };
}

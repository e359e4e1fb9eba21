/**
 * Phase 1 authentication behind one interface (RFC 2409 §5: the method decides SKEYID, what proves
 * our identity after IDii, and how the gateway's proof is checked). Main and Aggressive Mode call
 * these and nothing method-specific; what a failure means is the method's, as a row of identity.ts.
 */
import type { Phase1Keys } from "../../../crypto/v1/keys.js";
import type { HashAlg } from "../../../crypto/prf.js";
import type { OutgoingPayload, RawPayload } from "../../../wire/v1/message.js";
import type { FindingFacts, FindingId } from "./identity.js";

/** What both proofs are computed over (RFC 2409 §5: g^xi, g^xr, CKY-I, CKY-R, SAi_b). */
export interface AuthContext {
  hash: HashAlg;
  keys: Phase1Keys;
  gxi: Buffer;
  gxr: Buffer;
  initiatorCookie: Buffer;
  responderCookie: Buffer;
  saiB: Buffer;
}

/** A signature method's check of SIG_R (identity.signature). */
export interface SignatureCheck {
  algorithm: string;
  verified: boolean;
}

/**
 * The gateway's proof checked: verified, missing, not matching (with what came and what was due),
 * or not checkable (a signature without a public key to check it with).
 */
export type ProofCheck =
  | { kind: "verified"; signature?: SignatureCheck }
  | { kind: "missing"; what: string }
  | { kind: "mismatch"; received: Buffer; computed: Buffer; signature?: SignatureCheck }
  | { kind: "unverifiable"; why: string };

/** The events whose meaning depends on the method, each mapped to a finding of identity.ts. */
export type AuthEvent =
  | "mm4-resent"
  | "silence-after-mm5"
  | "mm6-undecryptable"
  | "notify-undecryptable"
  | "payload-malformed"
  | "authentication-failed"
  | "mm6-mismatch"
  | "am2-mismatch"
  | "proof-unverifiable"
  | "certificate-refused"
  | "signature-refused"
  | "mm-authenticated"
  | "am-authenticated";

export interface Phase1Auth {
  /**
   * Whether we hold what proves our identity. Without it (a signature method without --cert) the
   * exchange stops where our proof would go: after message 4 in Main Mode, after reading the
   * gateway's proof in message 2 in Aggressive Mode.
   */
  readonly canProve: boolean;
  /** SKEYID (RFC 2409 §5). */
  skeyid(h: HashAlg, ni: Buffer, nr: Buffer, gxy: Buffer): Buffer;
  /** Payloads sent before the keys exist: with KE and Ni in MM3, in AM1 (a CERTREQ for signatures). */
  requests(): OutgoingPayload[];
  /** Our proof after IDii in MM5 or AM3 (HASH_I; certificates and SIG_I for signatures). */
  proof(ctx: AuthContext, idiiB: Buffer): OutgoingPayload[];
  /** The gateway's proof among the payloads of MM6 or AM2, for IDir_b. */
  verify(ctx: AuthContext, idirB: Buffer, payloads: readonly RawPayload[]): ProofCheck;
  /** Each event's finding, or how to choose one from the facts. */
  readonly findings: Readonly<Record<AuthEvent, FindingId | ((f: FindingFacts) => FindingId)>>;
  /** Facts of ours the findings' words use (our certificate's issuer). */
  facts?(): { ourIssuer?: string };
}

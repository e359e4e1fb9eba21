/**
 * The diagnosis report (`--diagnose`): each attempt, the Aggressive Mode checks, the conclusion
 * (examples/diagnosis.schema.json). The sentences of fix and the attempts are built in
 * report/build/diagnosis.ts.
 */

export interface DiagnosisAttempt {
  /** IKEv1's Main or Aggressive Mode, or an IKEv2 IKE_SA_INIT + IKE_AUTH. */
  mode: "main" | "aggressive" | "ikev2";
  id: { type: string; value: string };
  /** IKEv2: the IDr asked for (null: none); absent in IKEv1. */
  remoteId?: { type: string; value: string } | null;
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
  ikeVersion: 1 | 2;
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  target: { host: string; address: string | null; port: number };
  ids: { type: string; value: string }[];
  pskCandidates: number;
  aggressiveAllowed: boolean;
  attempts: DiagnosisAttempt[];
  aggressive: AggressiveCheck[];
  conclusion: {
    /** Stable code, e.g. "psk-mismatch", "psk-keyed-by-id", "wrong-id", "xauth-required", "ok"; IKEv2 also "wrong-idr", "eap-only", "certificate-only", "unknown-id-or-psk". */
    cause: string;
    explanation: string;
    fix: string;
    /** The candidate the gateway holds (line in --psk-file), when found. */
    pskLine: number | null;
    id: { type: string; value: string } | null;
  };
  exitCode: number;
}

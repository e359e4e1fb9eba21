/**
 * The IKEv2 probe's report (`ikeprobe probe --ikev2`, examples/report-ikev2.schema.json): one
 * IKE_SA_INIT per offer and what the gateway chose. The shared sections (target, source, findings,
 * warnings, timings, exitCode) are shaped as in the IKEv1 report.
 */
import type { Finding } from "../../checks/registry.js";
import type { Ikev2Scan } from "./scan.js";

export interface V2OfferReport {
  /** The offer in strongSwan's IKEv2 syntax. */
  proposal: string;
  status: "accepted" | "rejected" | "no-response" | "malformed";
  /** The gateway's error notify, e.g. "NO_PROPOSAL_CHOSEN". */
  notify?: string;
  /** INVALID_KE_PAYLOAD: the group the gateway asked for, with which the offer was sent again. */
  retriedWithGroup?: string;
  /** The KE group of the answered request. */
  keGroup: string;
  error?: string;
  rttMs?: number;
  transmissions: number;
  /** COOKIEs the gateway asked for on this offer. */
  cookies: number;
}

export interface V2SelectedReport {
  /** The chosen combination in strongSwan's syntax. */
  proposal: string;
  encryption: string;
  prf: string;
  /** null for an AEAD cipher. */
  integrity: string | null;
  group: string;
  severity: Finding["severity"];
  reasons: string[];
}

/**
 * The IKE_AUTH result, in IKEv1's vocabulary where the meaning is the same (see docs/cli.md):
 * authenticated, psk-mismatch (AUTHENTICATION_FAILED to our PSK AUTH, or the gateway's AUTH does not
 * verify with our PSK), eap-required, rejected (another error notify), no-answer, error (an answer
 * that could not be read), not-attempted (no PSK given, or no offer accepted).
 */
export interface V2IdentityReport {
  status: "authenticated" | "psk-mismatch" | "eap-required" | "rejected" | "no-answer" | "error" | "not-attempted";
  /** A stable code for why: authentication-failed, gateway-auth-mismatch, ike-auth-timeout, undecryptable, … ; null when not attempted. */
  cause: string | null;
  /** The exchange the status comes from; null when not attempted. */
  stage: "IKE_AUTH" | null;
  /** IDi as sent. */
  local: { type: string; value: string } | null;
  /** IDr as sent (--remote-id); null when left to the gateway. */
  requestedRemote: { type: string; value: string } | null;
  /** The gateway's IDr from its answer. */
  remote: { type: string; value: string } | null;
  detail: string;
  /** What the conclusion rests on (the notify, the AUTH check), null when not attempted. */
  evidence: string | null;
  notify?: string;
  /** The gateway's own AUTH: its method and whether it verified (null: a signature, not checked by this version). */
  gatewayAuth: { method: string; verified: boolean | null } | null;
}

export interface ProbeV2Report {
  ikeVersion: 2;
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  target: { host: string; address: string | null; port: number; addresses: string[] };
  source: { address: string | null; port: number | null };
  ikeSa: {
    offers: V2OfferReport[];
    selected: V2SelectedReport | null;
    /** The extensions of the accepted answer; null when none was accepted. */
    notifies: Ikev2Scan["notifies"];
    vendorIds: { hex: string; name?: string }[];
    /** Whether the gateway claims a NAT between us (its NAT_DETECTION notifies against our addresses); null: none sent. */
    natDetected: { local: boolean; gateway: boolean } | null;
  };
  identity: V2IdentityReport;
  /** halfOpenLeft: accepted IKE_SA_INITs left without IKE_AUTH; ikeSaDeleted: our DELETE answered (null: no IKE SA). */
  cleanup: { halfOpenLeft: number; ikeSaDeleted: boolean | null; detail: string };
  findings: Finding[];
  warnings: string[];
  timings: { totalMs: number };
  exitCode: number;
}

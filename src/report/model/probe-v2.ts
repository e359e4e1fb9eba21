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
  /** IKE_AUTH is not run by this version: the identity exchange is not attempted. */
  identity: { status: "not-attempted"; detail: string };
  cleanup: { halfOpenLeft: number; detail: string };
  findings: Finding[];
  warnings: string[];
  timings: { totalMs: number };
  exitCode: number;
}

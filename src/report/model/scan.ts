/** The scan report: per target what each mode accepted, refused (aloud or silently) and left unknown, rated. */
import type { Severity } from "../../data/ratings.js";
import type { BackoffMatch } from "../../data/backoff.js";
import type { Finding } from "../../checks/registry.js";

export interface RatedTransform {
  proposal: string;
  auth: string;
  encryption: string;
  hash: string;
  group: string;
  severity: Severity;
  reasons: string[];
}

export interface ModeResult {
  accepted: RatedTransform[];
  /** Never answered, and not explained as a silent refusal. */
  unknown: { proposal: string; auth: string }[];
  /** Refused silently: unanswered three times while the gateway answered a known-accepted offer before and after. */
  dropped: { proposal: string; auth: string }[];
  rejectedCount: number;
  notifies: Record<string, number>;
  malformed: { error: string; offered: number }[];
  notes: string[];
}

import type { CertificateInfo } from "../../x509/certificate.js";

/** One IKE_SA_INIT combination the gateway accepted on its own, rated by RFC 8247. */
export interface RatedV2Combination {
  /** strongSwan's proposal string of the one combination, e.g. "aes256-sha384-ecp384". */
  proposal: string;
  encryption: string;
  prf: string;
  /** null for an AEAD cipher (no integrity transform). */
  integrity: string | null;
  group: string;
  severity: Severity;
  reasons: string[];
}

/** The IKEv2 audit of a target (`ikeprobe scan`, unless --no-ikev2). */
export interface Ikev2Scan {
  /** The gateway answered IKE_SA_INIT in IKEv2. */
  answered: boolean;
  /** Every combination of the catalogue accepted, each proven on its own. */
  accepted: RatedV2Combination[];
  /** The accepted set as proposals a person would configure (strongSwan syntax). */
  proposals: string[];
  /** Accepted groups, the gateway's first choice first. */
  groups: string[];
  /** The extensions its SA answer announced; null: no SA answer was seen. */
  notifies: {
    fragmentation: boolean;
    signatureHashAlgorithms: string[] | null;
    redirect: boolean;
    childless: boolean;
    intermediateExchange: boolean;
    usePpk: boolean;
    natDetection: boolean;
    multipleAuth: boolean;
    other: string[];
  } | null;
  cookie: { required: boolean; count: number };
  vendorIds: { hex: string; name?: string }[];
  /** The IKEv2 findings (also in the target's findings). */
  findings: Finding[];
  /** false: a question went unanswered; what is listed was proven, the rest is unknown. */
  complete: boolean;
  /** true: every question was answered without leaving state (INVALID_KE_PAYLOAD or NO_PROPOSAL_CHOSEN). */
  stateless: boolean;
  /** Error notifies other than NO_PROPOSAL_CHOSEN and INVALID_KE_PAYLOAD, by name, with counts. */
  errors: Record<string, number>;
  notes: string[];
  stats: { exchanges: number; packets: number; halfOpen: number; wallMs: number; questions: number; catalogue: number };
}

export interface TargetScan {
  target: { host: string; port: number; address: string | null; addresses: string[] };
  status: "scanned" | "incomplete" | "no-answer" | "error";
  error?: string;
  /** null with --no-ikev1. */
  mainMode: ModeResult | null;
  aggressiveMode: (ModeResult & { groupsAnswered: string[] }) | null;
  vendorIds: { hex: string; name?: string }[];
  /** `basis`: what the guess rests on; ["vendor-id"] alone means the vendor ID table is the whole evidence. */
  fingerprint: { implementation: string | null; evidence: string[]; basis: ("vendor-id" | "backoff")[] };
  capabilities: { natT: string | null; dpd: boolean; xauth: boolean; fragmentation: boolean; ciscoUnity: boolean };
  /** The IKEv2 audit; null with --no-ikev2. */
  ikev2: Ikev2Scan | null;
  /** With --backoff: the gateway's re-sends of message 2, and the pattern they match. */
  backoff: { intervals: number[]; packets: number; listenedSeconds: number; complete: boolean; match: BackoffMatch | null; note?: string } | null;
  /** The gateway's certificates as its Aggressive Mode answer to a signature method carried them (with --aggressive), end entity first. */
  certificates: CertificateInfo[];
  severity: Severity;
  /** The audit checks' findings (src/checks): weak transforms accepted, Aggressive Mode with PSK. */
  findings: Finding[];
  /** What the reader should know about how the target was scanned (e.g. which of a name's addresses). */
  warnings: string[];
  /** `halfOpenReleased`: accepted exchanges the gateway dropped at once on our refusable message 3. */
  /** `livenessChecks`: known-accepted offers sent to tell a silent refusal from a limit. */
  stats: { exchanges: number; packetsSent: number; packetsReceived: number; seconds: number; waitedSeconds: number; halfOpenReleased: number; livenessChecks: number };
}

/** The discovery before the enumeration (networks, long lists): counts only; silent addresses are not listed. */
export interface DiscoveryReport {
  /** Addresses of this shard (network and broadcast addresses of subnets left out), exclusions included. */
  addresses: number;
  /** Of those, in --exclude networks: never probed. */
  excluded: number;
  /** Probes sent (both versions, re-sends included). */
  sent: number;
  /** Answers received. */
  answered: number;
  /** Addresses that answered: the targets enumerated. */
  responders: number;
  /** Packets a second. */
  rate: number;
  wallMs: number;
  /** "I/N" (--shard); "1/1" for the whole range. */
  shard: string;
}

export interface ScanReport {
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  catalogue: { name: string; transforms: number };
  discovery?: DiscoveryReport;
  targets: TargetScan[];
  exitCode: number;
}

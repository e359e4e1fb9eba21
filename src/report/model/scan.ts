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

export interface TargetScan {
  target: { host: string; port: number; address: string | null; addresses: string[] };
  status: "scanned" | "incomplete" | "no-answer" | "error";
  error?: string;
  mainMode: ModeResult;
  aggressiveMode: (ModeResult & { groupsAnswered: string[] }) | null;
  vendorIds: { hex: string; name?: string }[];
  /** `basis`: what the guess rests on; ["vendor-id"] alone means the vendor ID table is the whole evidence. */
  fingerprint: { implementation: string | null; evidence: string[]; basis: ("vendor-id" | "backoff")[] };
  capabilities: { natT: string | null; dpd: boolean; xauth: boolean; fragmentation: boolean; ciscoUnity: boolean };
  ikev2: { supported: boolean | null; answer: string } | null;
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

export interface ScanReport {
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  catalogue: { name: string; transforms: number };
  targets: TargetScan[];
  exitCode: number;
}

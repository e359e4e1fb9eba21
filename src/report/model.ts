/**
 * The report: what `--json` prints and the tables render. Field names are a contract
 * (examples/report.schema.json, checked by the tests); add fields, never rename them.
 */

export type OfferStatus = "accepted" | "rejected" | "no-response" | "malformed";

export interface OfferReport {
  /** strongSwan tokens, e.g. "aes256-sha256-modp2048". */
  proposal: string;
  auth: string;
  status: OfferStatus;
  /** The gateway's notification, e.g. "NO-PROPOSAL-CHOSEN". */
  notify?: string;
  notifyCode?: number;
  /** Why a reply was not understood. */
  error?: string;
  rttMs?: number;
  transmissions: number;
}

export interface SelectedReport {
  proposal: string;
  encryption: string;
  keyLength: number | null;
  hash: string;
  auth: string;
  group: string;
  lifetimeSeconds: number;
  lifetimeKilobytes?: number;
  offeredLifetimeSeconds: number;
  /** The gateway answered (or set with RESPONDER-LIFETIME) a lifetime other than ours. */
  lifetimeChanged: boolean;
  mismatches: string[];
}

export interface NatTReport {
  detected: boolean;
  supported: boolean;
  variant: string | null;
  localBehindNat: boolean;
  gatewayBehindNat: boolean;
  floated: boolean;
  forced: boolean;
  mode: "auto" | "force" | "off";
}

export interface KeysReport {
  skeyid: string;
  skeyidD: string;
  skeyidA: string;
  skeyidE: string;
  encryptionKey: string;
}

export interface IdentityReport {
  status: "authenticated" | "psk-mismatch" | "rejected" | "not-attempted" | "error";
  local: { type: string; value: string };
  remote: { type: string; value: string } | null;
  detail: string;
  evidence: string | null;
  notify?: string;
}

export interface TimingReport {
  proposal: string;
  /** The message we sent: "mm1", "mm3" or "mm5" (its answer is the next one). */
  step: string;
  answered: boolean;
  /** From our first transmission to the answer (or to giving up). */
  rttMs: number;
  transmissions: number;
}

export interface Report {
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  target: { host: string; address: string; port: number };
  source: { address: string; port: number };
  phase1: {
    mode: "main";
    offers: OfferReport[];
    selected: SelectedReport | null;
    vendorIds: { hex: string; name?: string }[];
    natT: NatTReport | null;
    cookies: { initiator: string; responder: string | null } | null;
    keys?: KeysReport;
  };
  identity: IdentityReport;
  /** `halfOpenLeft`: accepted offers whose exchange stopped before authentication (the gateway times them out). */
  cleanup: { deleted: boolean; detail: string; halfOpenLeft: number };
  timings: { totalMs: number; steps: TimingReport[] };
  stats: { exchanges: number; packetsSent: number; packetsReceived: number; ignored: number };
  warnings: string[];
  exitCode: number;
}

/** Exit codes (README, --help). */
export const ExitCode = {
  OK: 0,
  STEP_FAILED: 1,
  USAGE: 2,
  NO_ANSWER: 3,
  INTERNAL: 4,
} as const;

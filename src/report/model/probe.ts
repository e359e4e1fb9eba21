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
  /** null: no NAT-D pair was exchanged (Main Mode stopped at message 2, or the gateway sent none): not tested. */
  detected: boolean | null;
  supported: boolean;
  variant: string | null;
  localBehindNat: boolean | null;
  gatewayBehindNat: boolean | null;
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
  /** untrusted: authenticated, the gateway's signature verified, but its chain does not verify to --ca. */
  status: "authenticated" | "untrusted" | "psk-mismatch" | "rejected" | "not-attempted" | "error";
  /** Why, as a stable code (see IdentityCause in src/exchanges/main-mode.ts); null when not attempted. */
  cause: string | null;
  local: { type: string; value: string };
  remote: { type: string; value: string } | null;
  detail: string;
  evidence: string | null;
  notify?: string;
  /** The gateway's certificates as received, end entity first (signature methods). */
  remoteCertificates: CertificateInfo[];
  /** Every CERTREQ the gateway sent: the encoding wanted and the authority (a DN; null for any). */
  certificateRequests: { encoding: string; authority: string | null }[];
  /** The check of the gateway's SIG_R; null without one. */
  signature: { algorithm: string; verified: boolean } | null;
  /** The gateway's chain: trusted true/false against --ca, null without --ca; null when it sent no certificate. */
  chain: { trusted: boolean | null; detail: string } | null;
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

export interface DirectionKeysReport {
  spi: string;
  encryptionKey: string;
  integrityKey: string;
}

export interface ChildSaReport {
  protocol: "esp" | "ah";
  /** strongSwan tokens: "aes256", "aes128gcm16", "3des", "null"; null for AH. */
  encryption: string | null;
  keyLength: number | null;
  /** "sha256", ...; null for AEAD ciphers. */
  integrity: string | null;
  pfsGroup: string | null;
  mode: "tunnel" | "transport";
  /** "tunnel", "transport", "udp-tunnel", "udp-transport". */
  encapsulation: string;
  spiIn: string;
  spiOut: string;
  lifetimeSeconds: number;
  lifetimeKilobytes: number | null;
  localTs: string;
  remoteTs: string;
  commitBit: boolean;
  /** With the commit bit: whether the gateway's CONNECTED notify arrived. */
  connected?: boolean;
  mismatches: string[];
  /** The gateway sent a DELETE for this SA during the run (e.g. it could not install it). */
  deletedByGateway: boolean;
  /** With --show-keys: KEYMAT per direction (SPI, encryption key incl. salt, integrity key), and g(qm)^xy with PFS. */
  keys?: { in: DirectionKeysReport; out: DirectionKeysReport; pfsSharedSecret?: string };
}

export interface Phase2ProposalReport {
  proposal: string;
  protocol: "esp" | "ah";
  status: "accepted" | "rejected" | "no-response" | "malformed" | "error" | "not-attempted";
  notify?: string;
  detail?: string;
  sa?: ChildSaReport;
  rttMs?: number;
  transmissions: number;
}

export interface InformationalReport {
  messageId: number;
  notifies: { type: number; name: string; protocolId: number; spi: string; data: string }[];
  deletes: { protocolId: number; spis: string[] }[];
}

/** A message for our ISAKMP SA that is not part of an exchange we run: reported, not answered. */
export interface UnsolicitedReport {
  exchange: string;
  exchangeType: number;
  messageId: number;
  /** Whether it decrypted and its HASH(1) verified under our keys (null: not a protected exchange). */
  verified: boolean | null;
  detail: string;
}

export type { Finding } from "../../checks/registry.js";
import type { Finding } from "../../checks/registry.js";
import type { CertificateInfo } from "../../x509/certificate.js";
export type { CertificateInfo } from "../../x509/certificate.js";

export interface AggressiveReport {
  /** The gateway sent HASH_R, computed from its PSK, to an unauthenticated peer: offline-crackable. */
  hashExposed: boolean;
  /** PRF of the exposed hash: md5, sha1, sha256, sha384, sha512. */
  hashAlgorithm: string | null;
  /** The gateway's identity from message 2. */
  remote: { type: string; value: string } | null;
  /** Where --save-hash wrote the psk-crack line(s), and how many. */
  savedTo: string | null;
  savedHashes: number;
  /** Whether hashcat (5300 MD5, 5400 SHA1) can load the exposed hash, and why not; null without one. */
  hashcat: { mode: 5300 | 5400 | null; loadable: boolean; reason?: string } | null;
  /** Message 3 (HASH_I) went out encrypted (default) or in clear (--am3-clear). */
  message3: "encrypted" | "clear" | null;
}

export interface XauthReport {
  status: "not-requested" | "required" | "authenticated" | "failed" | "error";
  /** Attribute names the gateway's CFG_REQUEST asked for, e.g. XAUTH_USER_NAME. */
  requested: string[];
  detail: string;
  /** XAUTH_MESSAGE text from the gateway, if any. */
  message: string | null;
  rttMs: number | null;
}

export interface ModeConfigReport {
  status: "received" | "empty" | "no-response" | "not-attempted";
  mode: "pull" | "push" | null;
  detail: string;
  attributes: { type: number; name: string; value: string }[];
  address: string | null;
  netmask: string | null;
  dns: string[];
  domain: string | null;
  banner: string | null;
  splitNetworks: string[];
  rttMs: number | null;
}

export interface DpdReport {
  /** The gateway returned the DPD vendor ID in Phase 1. */
  announced: boolean;
  answered: boolean;
  rttMs: number | null;
  sequence: number;
  transmissions: number;
  detail: string;
}

export interface Report {
  /** The IKE version of the exchange (the IKEv2 probe's report has 2). */
  ikeVersion: 1;
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  /** `host` as given, `address` the one probed, `addresses` every address the name has (the probed one first). */
  target: { host: string; address: string; port: number; addresses: string[] };
  source: { address: string; port: number };
  phase1: {
    mode: "main" | "aggressive";
    offers: OfferReport[];
    selected: SelectedReport | null;
    vendorIds: { hex: string; name?: string }[];
    natT: NatTReport | null;
    /** IKE fragmentation: whether the gateway announced it, and the fragments sent and received. */
    fragmentation: { supported: boolean; sent: number; received: number; mode: "auto" | "force" | "off" } | null;
    cookies: { initiator: string; responder: string | null } | null;
    keys?: KeysReport;
    /** Aggressive Mode only (null in Main Mode). */
    aggressive: AggressiveReport | null;
  };
  identity: IdentityReport;
  /** XAUTH after Phase 1; null when Phase 1 did not authenticate. */
  xauth: XauthReport | null;
  /** Mode-Config attributes; null when not attempted. */
  modeConfig: ModeConfigReport | null;
  /** --dpd: R-U-THERE and the gateway's answer; null without --dpd. */
  dpd: DpdReport | null;
  /** Security findings about the gateway (e.g. an exposed Aggressive Mode hash). */
  findings: Finding[];
  /** null when no --esp/--ah was asked for. */
  phase2: {
    mode: "tunnel" | "transport";
    localTs: string | null;
    remoteTs: string | null;
    proposals: Phase2ProposalReport[];
  } | null;
  /** Protected Informationals the gateway sent during the run, decrypted and HASH-verified. */
  informational: InformationalReport[];
  /** Exchanges the gateway started itself (e.g. a Quick Mode after ours was deleted), and late re-sends. */
  unsolicited: UnsolicitedReport[];
  /** `halfOpenLeft`: accepted offers whose exchange stopped before authentication (the gateway times them out). */
  cleanup: { deleted: boolean; detail: string; halfOpenLeft: number; childSasDeleted: string[] };
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
  /** scan/check interrupted by Ctrl-C (128 + SIGINT): the report covers what was known. */
  INTERRUPTED: 130,
} as const;

/** What a probe takes, what it keeps while it runs, and what it leaves for files. */
import type { Phase1Transform } from "../config/ike.js";
import type { Phase2Proposal } from "../config/esp.js";
import type { TrafficSelector } from "../config/traffic-selector.js";
import type { AggressiveCapture, Phase1Initiator, Phase1Result } from "../exchanges/v1/phase1/index.js";
import type { XauthCredentials } from "../exchanges/v1/xauth.js";
import type { InformationalReport, OfferReport, Report, TimingReport, UnsolicitedReport } from "../report/model/probe.js";
import type { ByteSink } from "../transport/pcap.js";
import type { AddressFamily, Lookup } from "../transport/resolve.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import type { KeyObject } from "node:crypto";

/** Auth methods after which the gateway (as XAUTH server) starts XAUTH: XAUTHInitPreShared and its kin (draft-beaulieu-ike-xauth-02, its auth method numbers 65001-65010). */
export const XAUTH_METHODS = new Set([65001, 65002, 65003, 65004, 65005, 65006, 65007, 65008, 65009, 65010]);

/** Our nonce when the point of the exchange is the gateway's hash (hashcat-friendly, see crack/hash-file.ts). */
export const CAPTURE_NONCE_LENGTH = 20;

/**
 * The least time we listen for a gateway's reaction to our last message (a DELETE after Quick Mode
 * message 3, a refusal of Aggressive Mode message 3): the gateway's own work before it answers
 * (installing the SA in the kernel, checking HASH_I), which a round trip measured on an idle
 * exchange does not include. strongSwan's DELETE of an SA it could not install came 1 to 3 ms after
 * our message 3 here; 10 ms leaves room for a slower gateway's install on a near path.
 */
const SETTLE_MIN_MS = 10;

/**
 * How long to listen for a gateway's reaction that comes a round trip and its processing later:
 * 3 of the slowest round trips measured on this exchange (the path and the gateway's pace), at
 * least SETTLE_MIN_MS, at most the timeout. A 200 ms path waits 600 ms; the lab's 1 ms path 10 ms.
 */
export function settleMs(rttMs: number, timeoutMs: number): number {
  return Math.min(Math.max(SETTLE_MIN_MS, 3 * rttMs), timeoutMs);
}

export interface ProbeOptions {
  host: string;
  port: number;
  /** Only addresses of this family, for a name that has both. */
  family?: AddressFamily;
  /** The resolver (tests replace it); the system's by default. */
  lookup?: Lookup;
  transforms: Phase1Transform[];
  /** The PSK as bytes; never copied into the report. */
  psk?: Buffer;
  /** IKE fragmentation (announced, and used for our large messages when the gateway announces it too); default auto, 1280 bytes. */
  fragmentation?: { mode: "auto" | "force" | "off"; size: number };
  /** Signature methods (--auth rsa, ecdsa256, ...): credentials, trust anchors, how certificates are reported. */
  certificates?: CertificateOptions;
  localId?: Identification;
  natT: "auto" | "force" | "off";
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  showKeys: boolean;
  /** Every packet sent and received goes here as a pcap stream (the CLI gives a file). */
  pcap?: ByteSink;
  /** Quick Mode proposals to try after an authenticated Phase 1 (each in its own Quick Mode). */
  phase2?: { proposals: Phase2Proposal[]; localTs?: TrafficSelector; remoteTs?: TrafficSelector };
  /** Keep the authenticated ISAKMP SA up this long before deleting it (to look at the gateway's side). */
  holdSeconds?: number;
  /** Aggressive Mode instead of Main Mode (one group per exchange). */
  aggressive?: boolean;
  /** Aggressive Mode: send message 3 (HASH_I) unencrypted. */
  am3Clear?: boolean;
  /** Aggressive Mode: the gateway's HASH_R is wanted for offline tests even with a PSK (a hashcat-friendly nonce). */
  captureHash?: boolean;
  /** Answer XAUTH with these. */
  xauth?: XauthCredentials;
  /** Ask for Mode-Config attributes even without XAUTH. */
  modeConfig?: boolean;
  /** Send R-U-THERE after Phase 1 and report the answer. */
  dpd?: boolean;
  /** Called with each Aggressive Mode hash the gateway hands out (for --diagnose's offline test). */
  onCapture?: (c: AggressiveCapture) => void;
  /** Aborting ends a hold early; the DELETE is still sent. */
  signal?: AbortSignal;
  onProgress?: (text: string) => void;
}

export interface CertificateOptions {
  /** Our private key (never copied into the report); with `certs`, our credentials. */
  key?: KeyObject;
  /** Our certificate and intermediates, DER, end entity first. */
  certs?: Buffer[];
  /** The gateway's certificate for a gateway that sends none. */
  gatewayCert?: Buffer;
  /** Trust anchors (--ca), DER; absent: the chain is reported, not judged. */
  ca?: Buffer[];
  /** Put each received certificate's PEM into the report. */
  showPem: boolean;
  /** certificate-expiring within this many days. */
  warnDays: number;
}

/**
 * What a probe can leave for files, as text (secrets: the caller writes them only where asked, owner
 * only): Wireshark's ikev1_decryption_table and esp_sa tables, and the psk-crack lines of the
 * Aggressive Mode hashes. null: nothing of that kind.
 */
export interface ProbeArtifacts {
  ikeKeys: string | null;
  espKeys: string | null;
  hashes: string | null;
  hashCount: number;
  /** The certificates the gateway sent, PEM, end entity first (for --save-certs); null: none. */
  certificatesPem: string | null;
  /** The first Aggressive Mode capture and our ID, to word the finding again once the hashes are saved. */
  capture: AggressiveCapture | null;
  localId: Identification;
}

export interface ChildKeys {
  protocol: "esp" | "ah";
  encryption: string | null;
  integrity: string | null;
  keys: { in: { spi: string; encryptionKey: string; integrityKey: string }; out: { spi: string; encryptionKey: string; integrityKey: string }; pfsSharedSecret?: string };
}


/** Everything a probe learns while it runs, in the order the report needs it. */
export interface ProbeState {
  readonly opts: ProbeOptions;
  readonly stats: Report["stats"];
  readonly steps: TimingReport[];
  readonly offers: OfferReport[];
  readonly warnings: string[];
  readonly informational: InformationalReport[];
  readonly unsolicited: UnsolicitedReport[];
  /** Key material of every IPsec SA set up, for the key files even without --show-keys. */
  readonly childKeys: ChildKeys[];
  readonly captures: AggressiveCapture[];
  /** The exchange that ran the identity exchange (the first accepted PSK offer). */
  identity: Phase1Initiator | undefined;
  firstAccepted: Phase1Result | undefined;
  localId: Identification | undefined;
  am3Sent: boolean;
  xauth: Report["xauth"];
  modeConfig: Report["modeConfig"];
  dpd: Report["dpd"];
  phase2: Report["phase2"];
  deleted: boolean;
  cleanupDetail: string;
  childSasDeleted: string[];
}

export function newProbeState(opts: ProbeOptions): ProbeState {
  return {
    opts,
    stats: { exchanges: 0, packetsSent: 0, packetsReceived: 0, ignored: 0 },
    steps: [],
    offers: [],
    warnings: [],
    informational: [],
    unsolicited: [],
    childKeys: [],
    captures: [],
    identity: undefined,
    firstAccepted: undefined,
    localId: opts.localId,
    am3Sent: false,
    xauth: null,
    modeConfig: null,
    dpd: null,
    phase2: null,
    deleted: false,
    cleanupDetail: "nothing to delete: no ISAKMP SA was established",
    childSasDeleted: [],
  };
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}


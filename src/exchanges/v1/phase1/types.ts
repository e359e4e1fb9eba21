/**
 * What Phase 1 (Main and Aggressive Mode) takes and gives: its configuration, the steps a received
 * datagram or a timer leads to, and the result the report is built from.
 */
import type { Phase1Keys } from "../../../crypto/v1/keys.js";
import type { NatTVariant } from "../../../data/vendor-ids.js";
import type { Identification } from "../../../wire/v1/payloads/identification.js";
import type { Endpoint } from "../isakmp-sa.js";
import type { SignatureCheck } from "./auth.js";
import type { SignerConfig } from "./auth/signature.js";
import type { IdentityCause, IdentityStatus, NotifyInfo } from "./identity.js";

export type { Endpoint } from "../isakmp-sa.js";

/** One Phase 1 transform (RFC 2409 App. A numbers). */
export interface Phase1Transform {
  encryption: number;
  keyBits?: number;
  hash: number;
  auth: number;
  group: number;
  lifetimeSeconds: number;
}

export interface Phase1Config {
  transform: Phase1Transform;
  /** Without a PSK (PSK methods) the exchange stops after message 2. */
  psk?: Buffer;
  /** Signature methods: our credentials (if any) and what to ask for and check with. */
  signer?: SignerConfig;
  localId: Identification;
  natT: "auto" | "force" | "off";
  /** Our address and port as the socket sees them (for NAT-D). */
  local: Endpoint;
  remote: Endpoint;
  initiatorCookie?: Buffer;
  nonceLength?: number;
  /** Run Aggressive Mode instead of Main Mode. */
  aggressive?: boolean;
  /** Aggressive Mode: send message 3 without encryption (some gateways expect it so). */
  am3Clear?: boolean;
  /**
   * IKE fragmentation: announced unless off; our messages 5 (AM: 3) are cut into fragments of at
   * most `size` bytes (the IP datagram) when the gateway announced it and the message is larger, or
   * always with force. Absent: not announced, never fragmented.
   */
  fragmentation?: { mode: "auto" | "force" | "off"; size: number };
}

/** phase1.fragmentation: the gateway's announcement and the fragments each way. */
export interface FragmentationResult {
  supported: boolean;
  sent: number;
  received: number;
}

/** What AM2 exposes: every input of HASH_R except the PSK (psk-crack's fields; RFC 2409 §5.4). */
export interface AggressiveCapture {
  gxr: Buffer;
  gxi: Buffer;
  ckyR: Buffer;
  ckyI: Buffer;
  saiB: Buffer;
  idirB: Buffer;
  niB: Buffer;
  nrB: Buffer;
  hashR: Buffer;
  /** Phase 1 hash algorithm number (1 MD5, 2 SHA1, 4/5/6 SHA2). */
  hash: number;
  /** The gateway's ID payload, decoded. */
  remoteId: { type: string; value: string };
}

export type { NotifyInfo } from "./identity.js";

export interface NatTResult {
  /** The gateway announced NAT-T support (one of our NAT-T vendor IDs came back). */
  supported: boolean;
  variant: NatTVariant | null;
  /** A NAT was detected from the NAT-D payloads (either side); null: no NAT-D pair was exchanged, so not tested. */
  detected: boolean | null;
  localBehindNat: boolean | null;
  gatewayBehindNat: boolean | null;
  /** We moved to port 4500 with the non-ESP marker. */
  floated: boolean;
  forced: boolean;
}

export interface SelectedTransform {
  transform: Phase1Transform;
  /** Lifetime we offered, to flag a gateway that answered differently. */
  offeredLifetimeSeconds: number;
  lifetimeKilobytes?: number;
  /** Attributes in the gateway's answer that differ from the offer (other than the lifetime). */
  mismatches: string[];
}

export type Phase1Stage = "mm1" | "mm3" | "mm5" | "am1" | "done";

export interface IdentityResult {
  status: IdentityStatus;
  cause: IdentityCause;
  detail: string;
  evidence: string;
  notify?: NotifyInfo;
  remoteId?: { type: string; value: string };
}

export type { Step } from "../../drive.js";

export interface Phase1Result {
  offer: "accepted" | "rejected" | "no-response" | "malformed";
  notify?: NotifyInfo;
  selected?: SelectedTransform;
  responderCookie?: Buffer;
  vendorIds: Buffer[];
  natT?: NatTResult;
  identity?: IdentityResult;
  keys?: Phase1Keys;
  /** Aggressive Mode: the gateway's HASH_R and its inputs. */
  aggressive?: AggressiveCapture;
  warnings: string[];
  /** Why the offer is "malformed", or a local error that stopped the exchange. */
  error?: { code: string; message: string };
  /** The gateway re-sent its previous message instead of answering ours (message 2 or 4), this often. */
  gatewayResent: number;
  stoppedAt?: Phase1Stage;
  /** The gateway's CERT payload bodies (encoding byte and data), in the order received. */
  certificates: Buffer[];
  /** The gateway's CERTREQ payloads: certificate type and authority (a DER DN, empty for any). */
  certificateRequests: { certType: number; authority: Buffer }[];
  /** The gateway's ID from Aggressive Mode message 2 (also when the exchange stops there). */
  remoteId?: { type: string; value: string };
  /** A signature method's check of the gateway's SIG_R. */
  signature?: SignatureCheck;
  fragmentation: FragmentationResult;
}

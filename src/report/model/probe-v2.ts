/**
 * The IKEv2 probe's report (`ikeprobe probe --ikev2`, examples/report-ikev2.schema.json): one
 * IKE_SA_INIT per offer and what the gateway chose. The shared sections (target, source, findings,
 * warnings, timings, exitCode) are shaped as in the IKEv1 report.
 */
import type { Finding } from "../../checks/registry.js";
import type { Ikev2Scan } from "./scan.js";
import type { CertificateInfo } from "../../x509/certificate.js";

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
  status: "authenticated" | "psk-mismatch" | "auth-failed" | "eap-required" | "rejected" | "no-answer" | "error" | "not-attempted";
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
  gatewayAuth: { method: string; verified: boolean | null; scheme?: string } | null;
  /** Our AUTH's signature scheme (signature authentication). */
  ourAuth?: string;
  /** The certificates the gateway sent (X.509, end entity first), when it sent any or --ca was given. */
  remoteCertificates?: CertificateInfo[];
  /** Its chain against --ca (trusted null without --ca); null when it sent no certificate. */
  chain?: { trusted: boolean | null; detail: string } | null;
  /** CERT payloads that are not X.509 certificates, or that do not parse. */
  certificateNotes?: string[];
  /** When the gateway asked for EAP: the methods it requested in order (Identity first, when it asked for it), its method, and how the exchange ended. */
  eap?: { methods: string[]; method: string | null; ended: string };
}

/**
 * One CHILD SA asked for (`--esp`): the first in IKE_AUTH, each further one in CREATE_CHILD_SA.
 * IKEv2 negotiates no lifetimes (RFC 7296 §2.8): each end rekeys by its own policy, so none is reported.
 */
export interface V2ChildSaReport {
  /** The --esp proposal as given. */
  proposal: string;
  exchange: "IKE_AUTH" | "CREATE_CHILD_SA";
  /**
   * accepted; refused (an error notify, in `notify`); not-established (no IKE SA to set it up
   * under: IKE_AUTH failed); no-answer; error (an answer that cannot be read or breaks the rules).
   */
  status: "accepted" | "refused" | "not-established" | "no-answer" | "error";
  notify?: string;
  detail: string;
  /** What we asked for: traffic selectors (strongSwan's notation) and mode. */
  asked: { localTs: string[]; remoteTs: string[]; mode: "tunnel" | "transport" };
  /** The CHILD SA set up; null unless accepted. */
  sa: V2ChildSa | null;
  rttMs?: number;
  transmissions: number;
}

export interface V2ChildSa {
  /** The chosen transforms in strongSwan's syntax, e.g. "aes256gcm16" or "aes256-sha256-modp2048". */
  proposal: string;
  encryption: string;
  integrity: string | null;
  /** PFS group (CREATE_CHILD_SA with KE); null without PFS. */
  pfsGroup: string | null;
  esn: boolean;
  mode: "tunnel" | "transport";
  /** Our inbound SPI and the gateway's (our outbound), hex. */
  spiIn: string;
  spiOut: string;
  /** The traffic selectors the gateway granted. */
  localTs: string[];
  remoteTs: string[];
  /** The gateway granted less than we asked for (RFC 7296 §2.9). */
  narrowed: boolean;
  /** Where the answer breaks what we asked for (a transform not offered, a wider selector, another mode). */
  mismatches: string[];
  /** With --show-keys: KEYMAT per direction (RFC 7296 §2.17). */
  keys?: { in: { spi: string; encryptionKey: string; integrityKey: string }; out: { spi: string; encryptionKey: string; integrityKey: string } };
}

/** The liveness check (--dpd): an empty INFORMATIONAL request and whether the gateway answered it. */
export interface V2LivenessReport {
  answered: boolean;
  rttMs: number | null;
  transmissions: number;
  detail: string;
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
    /** The CERTREQs of the accepted answer (RFC 7296 §3.7): the certificate encoding asked for and the CAs, by the SHA-1 hash of their public key. */
    certReqs: { encoding: number; authorities: string[] }[];
    /** IKE fragmentation (RFC 7383) in IKE_AUTH: the gateway announced it, the fragments we sent and received (0: one message), --fragmentation; null without IKE_AUTH. */
    fragmentation: { supported: boolean; sent: number; received: number; mode: "auto" | "force" | "off" } | null;
    /** IKE_AUTH and everything after it went to UDP 4500 with the non-ESP marker (a NAT detected, or --nat-t force). */
    floated: boolean;
  };
  identity: V2IdentityReport;
  /** The CHILD SAs asked for with --esp, in order; empty without --esp. */
  childSas: V2ChildSaReport[];
  /** --dpd; null without it. */
  dpd: V2LivenessReport | null;
  /** halfOpenLeft: accepted IKE_SA_INITs left without IKE_AUTH; ikeSaDeleted: our DELETE answered (null: no IKE SA). */
  cleanup: { halfOpenLeft: number; ikeSaDeleted: boolean | null; detail: string };
  findings: Finding[];
  warnings: string[];
  timings: { totalMs: number };
  exitCode: number;
}

/** One Phase 1 offer: its own exchange (fresh socket, fresh cookie), driven to its end and recorded. */
import { authToken, proposalToken, type Phase1Transform } from "../config/ike.js";
import { drive } from "../exchanges/drive.js";
import { PSK_METHODS, type Phase1Initiator, type SignerConfig, phase1Initiator } from "../exchanges/v1/phase1/index.js";
import { signatureMethod } from "../crypto/signature.js";
import { subjectDer } from "../x509/certificate.js";
import type { IkeTransport } from "../transport/udp.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import { CAPTURE_NONCE_LENGTH, type CertificateOptions, type ProbeState, round } from "./options.js";

export interface OfferRun {
  mm: Phase1Initiator;
  /** This exchange ran the identity exchange (the first accepted PSK offer, with a PSK). */
  identityAttempted: boolean;
  floated: boolean;
  /** The round trip of message 1 (sizes the waits for the gateway's later reactions). */
  firstRttMs: number;
}

export async function runOffer(s: ProbeState, transport: IkeTransport, transform: Phase1Transform, index: number, localId: Identification): Promise<OfferRun> {
  const { opts, stats } = s;
  // The identity exchange runs once, with the first accepted offer whose method we can run: a PSK
  // method with a PSK, or a signature method (with our certificate, or without it for an audit of
  // the gateway's). The other offers stop after message 2.
  const first = s.identity === undefined;
  const psk = opts.psk !== undefined && first && PSK_METHODS.has(transform.auth) ? opts.psk : undefined;
  const signer = first && opts.certificates !== undefined && signatureMethod(transform.auth) !== undefined ? signerConfig(opts.certificates) : undefined;
  const mm = phase1Initiator({
    transform,
    // A hash for offline tests (no PSK, or --save-hash): a 20-byte nonce (ike-scan's), so that
    // with the gateway's (commonly 32) the nonces stay under hashcat's 64-byte limit.
    ...(opts.aggressive === true && (psk === undefined || opts.captureHash === true) ? { nonceLength: CAPTURE_NONCE_LENGTH } : {}),
    ...(psk !== undefined ? { psk } : {}),
    ...(signer !== undefined ? { signer } : {}),
    localId,
    natT: opts.natT,
    fragmentation: opts.fragmentation ?? { mode: "auto", size: 1280 },
    local: transport.local,
    remote: transport.remote,
    ...(opts.aggressive === true ? { aggressive: true, am3Clear: opts.am3Clear === true } : {}),
  });
  const token = proposalToken(transform);
  opts.onProgress?.(`offer ${index + 1}/${opts.transforms.length}: ${token} (${authToken(transform.auth)})`);
  stats.exchanges++;
  const driven = await drive(mm, transport, {
    floated: false,
    stats,
    onSend: (stage) => {
      if (stage === "mm5") opts.onProgress?.(`identity exchange with ${token}`);
    },
  });
  for (const e of driven.exchanged) s.steps.push({ proposal: token, step: e.stage, answered: e.answered, rttMs: round(e.rttMs), transmissions: e.transmissions });
  const firstStep = driven.exchanged[0];
  if (driven.finalSent) s.am3Sent = true;
  const r = mm.result;
  s.offers.push({
    proposal: token,
    auth: authToken(transform.auth),
    status: r.offer,
    transmissions: firstStep?.transmissions ?? 0,
    ...(firstStep?.answered === true ? { rttMs: round(firstStep.rttMs) } : {}),
    ...(r.notify !== undefined ? { notify: r.notify.name, notifyCode: r.notify.type } : {}),
    ...(r.error !== undefined && r.offer === "malformed" ? { error: r.error.message } : {}),
  });
  s.warnings.push(...r.warnings.map((w) => `${token}: ${w}`));
  if (r.offer === "accepted" && s.firstAccepted === undefined) s.firstAccepted = r;
  if (r.aggressive !== undefined) {
    s.captures.push(r.aggressive);
    opts.onCapture?.(r.aggressive);
  }
  const identityAttempted = (psk !== undefined || signer !== undefined) && r.offer === "accepted";
  if (identityAttempted) {
    s.identity = mm;
    s.firstAccepted = r;
  }
  return { mm, identityAttempted, floated: driven.floated, firstRttMs: firstStep?.rttMs ?? 0 };
}

/** What the signature module needs of the certificate options (our CERTREQs name the --ca anchors). */
function signerConfig(c: CertificateOptions): SignerConfig {
  return {
    ...(c.key !== undefined ? { key: c.key } : {}),
    ...(c.certs !== undefined ? { certs: c.certs } : {}),
    ...(c.gatewayCert !== undefined ? { gatewayCert: c.gatewayCert } : {}),
    ...(c.ca !== undefined ? { authorities: c.ca.map(subjectDer) } : {}),
  };
}

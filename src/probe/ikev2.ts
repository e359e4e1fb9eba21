/**
 * `ikeprobe probe --ikev2`: one IKE_SA_INIT per offer (RFC 7296 §1.2), each with a real KE for its
 * first group; INVALID_KE_PAYLOAD naming another group of the offer is answered by sending the offer
 * again with that group's KE (§1.3), a COOKIE by echoing it (§2.6). The first accepted offer gives
 * the selected transforms and the extensions the gateway announces. With a PSK, IKE_AUTH follows on
 * the first accepted offer's IKE SA (probe/ikev2-auth.ts) and the IKE SA is deleted; every other
 * accepted offer leaves a half-open IKE SA on the gateway until it drops it.
 */
import { randomBytes } from "node:crypto";
import { type V2ChildProposal, type V2Proposal, cipherToken, comboToken, groupTokenV2, integToken, prfToken, v2ProposalToken } from "../config/ikev2.js";
import { type KeyExchange, createKeyExchange, groupInfo } from "../crypto/dh.js";
import { rateIkev2 } from "../data/ratings.js";
import { nameVendorId } from "../data/vendor-ids.js";

import { RequestMachine, request } from "../exchanges/request.js";
import { type SaInitAnswer, encodeSaInit, extensionNotifies, natDetectionHash, natDetectionNotifies, newSpi, readSaInitAnswer, signatureHashes } from "../exchanges/v2/ike-sa-init.js";
import type { ProbeV2Report, V2OfferReport } from "../report/model/probe-v2.js";
import { type AddressFamily, type Lookup, multipleAddressesNote, resolveHost } from "../transport/resolve.js";
import { IkeTransport } from "../transport/udp.js";
import { type ByteSink, PcapWriter } from "../transport/pcap.js";
import { ipToBytes } from "../wire/ip.js";
import { Ikev2Notify, ProtocolId, TransformType, ikev2NotifyName } from "../wire/v2/constants.js";
import { type NotifyPayload, ikeNotify } from "../wire/v2/payloads/notify.js";
import type { Ikev2Proposal, Ikev2Transform } from "../wire/v2/payloads/sa.js";
import { now } from "../util/clock.js";
import { type CertificateAuditInput, type Check, type Ikev2AuditInput, runChecks } from "../checks/index.js";
import { CERTIFICATE_CHECKS } from "../checks/certificate.js";
import { certificateSubjectIdentity, describeIdentity } from "../x509/identity.js";
import { weakIkev2Transform } from "../checks/ikev2.js";
import { type GatewayCheck, type SaInitDone, type Signer, authenticate } from "./ikev2-auth.js";
import { type ChildAsk, ikeAuthChild } from "./ikev2-child.js";
import { type SaSteps, underIkeSa } from "./ikev2-established.js";
import { hostSelector } from "../exchanges/v2/child-sa.js";
import type { TrafficSelectorV2 } from "../wire/v2/payloads/traffic-selector.js";
import { type EspSaKeys, espSaTable, ikev2DecryptionTable } from "../report/render/wireshark.js";
import type { IdPayload } from "../wire/v2/payloads/identification.js";
import { Ikev2IdType } from "../wire/v2/constants.js";

/** --dpd, --hold and --show-keys: SaSteps (ikev2-established.ts). */
export interface ProbeV2Options extends SaSteps {
  host: string;
  port: number;
  offers: V2Proposal[];
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  family?: AddressFamily;
  lookup?: Lookup;
  /** Runs IKE_AUTH with this key on the first accepted offer (with `eap`: only to check the gateway's shared-key AUTH). */
  psk?: Buffer;
  /** Runs IKE_AUTH without AUTH, asking for EAP (--auth eap). */
  eap?: boolean;
  /** IKE fragmentation (RFC 7383, --fragmentation, --fragment-size): announced unless off; our IKE_AUTH fragmented when larger than `size`, or always with force. */
  fragmentation?: { mode: "auto" | "force" | "off"; size: number };
  /** Signs our AUTH with a certificate's key (--auth rsa|ecdsa…, --cert, --key). */
  signer?: Signer;
  /** Checks of the gateway's certificates (--ca, --gateway-cert, --show-certs). */
  gatewayCheck?: GatewayCheck;
  /** IDi; default our address. */
  localId?: IdPayload;
  /** IDr to ask for (--remote-id). */
  remoteId?: IdPayload;
  /** Every datagram sent and received, as pcap (--pcap). */
  pcap?: ByteSink;
  /** NAT-T (RFC 7296 §2.23): float to UDP 4500 for IKE_AUTH when a NAT is detected (auto, the default), always (force), never (off). */
  natT?: "auto" | "force" | "off";
  /** CHILD SAs (--esp): the first in IKE_AUTH, each further one in CREATE_CHILD_SA; selectors default to our address and the gateway's. */
  child?: { proposals: { text: string; offer: V2ChildProposal }[]; localTs?: TrafficSelectorV2; remoteTs?: TrafficSelectorV2; transport: boolean };
}

/** An offer as one IKE proposal (AEAD: no integrity transform, RFC 7296 §3.3). */
export function offerProposal(p: V2Proposal): Ikev2Proposal {
  const transforms: Ikev2Transform[] = [
    ...p.ciphers.map((c) => (c.keyLength !== undefined ? { type: TransformType.ENCR, id: c.id, keyLength: c.keyLength } : { type: TransformType.ENCR, id: c.id })),
    ...p.prfs.map((id) => ({ type: TransformType.PRF, id })),
    ...p.integs.map((id) => ({ type: TransformType.INTEG, id })),
    ...p.groups.map((id) => ({ type: TransformType.KE, id })),
  ];
  return { number: 1, protocolId: ProtocolId.IKE, spi: Buffer.alloc(0), transforms };
}

interface Sent {
  answer: SaInitAnswer | undefined;
  rttMs?: number;
  transmissions: number;
  cookies: number;
  spiI: Buffer;
  /** The request the answer is to, the answer as received, our nonce and KE (for IKE_AUTH). */
  request: Buffer;
  response: Buffer | undefined;
  nonce: Buffer;
  ke: KeyExchange;
}

async function send(t: IkeTransport, proposal: Ikev2Proposal, group: number, timeoutMs: number, stats: { packetsSent: number; packetsReceived: number }, fragmentation: boolean): Promise<Sent> {
  const spiI = newSpi();
  const nonce = randomBytes(32);
  const ke = createKeyExchange(group);
  const data = ke.publicValue;
  const notifies: NotifyPayload[] = [
    ...natDetectionNotifies(spiI, t.local, t.remote),
    ...(fragmentation ? [ikeNotify(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED)] : []),
    ikeNotify(Ikev2Notify.SIGNATURE_HASH_ALGORITHMS, signatureHashes([2, 3, 4])),
  ];
  let cookie: Buffer | undefined;
  let cookies = 0;
  for (;;) {
    const message = encodeSaInit({ spiI, proposals: [proposal], ke: { group, data }, nonce, notifies, ...(cookie !== undefined ? { cookie } : {}) });
    let response: Buffer | undefined;
    const read = (d: Buffer): SaInitAnswer => {
      response = d;
      return readSaInitAnswer(d);
    };
    const { answer, rt } = await request(t, new RequestMachine(message, spiI, read, "ike-sa-init"), stats, timeoutMs);
    if (answer?.kind !== "cookie" || cookies >= 2) return { answer, ...(rt.answered ? { rttMs: Math.round(rt.rttMs * 100) / 100 } : {}), transmissions: rt.transmissions, cookies, spiI, request: message, response, nonce, ke };
    cookies++;
    cookie = answer.cookie;
  }
}

export async function runProbeV2(opts: ProbeV2Options, version: string): Promise<ProbeV2Report> {
  return (await runProbeV2WithArtifacts(opts, version)).report;
}

/**
 * The report, Wireshark's IKEv2 decryption table for the IKE SA that got keys (null: none did), and
 * its ESP SA table for the CHILD SAs set up (null: none was).
 */
export async function runProbeV2WithArtifacts(opts: ProbeV2Options, version: string): Promise<{ report: ProbeV2Report; ikeKeys: string | null; espKeys: string | null }> {
  let ikeKeys: string | null = null;
  const esp: EspSaKeys[] = [];
  const t0 = now();
  const report: ProbeV2Report = {
    ikeVersion: 2,
    tool: { name: "ikeprobe", version },
    startedAt: new Date().toISOString(),
    target: { host: opts.host, address: null, port: opts.port, addresses: [] },
    source: { address: null, port: null },
    ikeSa: { offers: [], selected: null, notifies: null, vendorIds: [], natDetected: null, certReqs: [], floated: false, fragmentation: null },
    identity: { status: "not-attempted", cause: null, stage: null, local: null, requestedRemote: null, remote: null, detail: "no PSK given: the offers were tested with IKE_SA_INIT only (--psk-file runs IKE_AUTH)", evidence: null, gatewayAuth: null },
    childSas: [],
    dpd: null,
    cleanup: { halfOpenLeft: 0, ikeSaDeleted: null, detail: "" },
    findings: [],
    warnings: [],
    timings: { totalMs: 0 },
    exitCode: 0,
  };
  const stats = { packetsSent: 0, packetsReceived: 0 };
  let transport: IkeTransport | undefined;
  const pcap = opts.pcap !== undefined ? new PcapWriter(opts.pcap) : undefined;
  let established = false;
  let certificateAudit: CertificateAuditInput | undefined;
  let authAnswered = false;
  try {
    const resolved = await resolveHost(opts.host, opts.family, opts.lookup);
    report.target.address = resolved.address;
    report.target.addresses = resolved.addresses;
    const multiple = multipleAddressesNote(opts.host, resolved);
    if (multiple !== undefined) report.warnings.push(multiple);
    transport = await IkeTransport.open({ address: resolved.address, port: opts.port }, { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries, ...(pcap !== undefined ? { pcap } : {}) });
    report.source = { address: transport.local.address, port: transport.local.port };
    let init: SaInitDone | undefined;
    for (const offer of opts.offers) {
      const done = await tryOffer(transport, offer, opts, report, stats);
      init ??= done;
    }
    const runAuth = opts.psk !== undefined || opts.eap === true || opts.signer !== undefined;
    if (runAuth && init === undefined) report.identity.detail = "no offer was accepted: IKE_AUTH needs an IKE SA";
    const asks = childAsks(opts, transport.local.address, resolved.address);
    if (runAuth && init !== undefined) {
      // Our ID: --id; with a certificate its subject DN (ID_DER_ASN1_DN, 9 in both versions); else our address.
      const subject = opts.signer !== undefined ? certificateSubjectIdentity(opts.signer.certs[0]!) : undefined;
      const localId = opts.localId ?? (subject !== undefined ? { idType: subject.idType, data: subject.data } : undefined) ?? { idType: transport.local.address.includes(":") ? Ikev2IdType.IPV6_ADDR : Ikev2IdType.IPV4_ADDR, data: ipToBytes(transport.local.address) };
      const first = asks[0] !== undefined ? ikeAuthChild(asks[0]) : undefined;
      await maybeFloat(transport, opts, report);
      const eap = opts.eap === true ? { identity: Buffer.from(describeIdentity({ idType: localId.idType, protocolId: 0, port: 0, data: localId.data }).value) } : undefined;
      const outcome = await authenticate(transport, init, { floated: report.ikeSa.floated, ...(opts.fragmentation !== undefined ? { fragmentation: opts.fragmentation } : {}), ...(opts.signer !== undefined ? { signer: opts.signer } : {}), ...(opts.gatewayCheck !== undefined ? { gatewayCheck: opts.gatewayCheck } : {}), ...(opts.psk !== undefined ? { psk: opts.psk } : {}), ...(eap !== undefined ? { eap } : {}), localId, ...(opts.remoteId !== undefined ? { remoteId: opts.remoteId } : {}), ...(first !== undefined ? { child: first.request } : {}), timeoutMs: opts.timeoutMs }, stats);
      report.identity = outcome.identity;
      certificateAudit = outcome.certificateAudit;
      if (outcome.fragments !== undefined) report.ikeSa.fragmentation = { ...outcome.fragments, mode: opts.fragmentation?.mode ?? "auto" };
      established = outcome.established;
      authAnswered = outcome.identity.status !== "no-answer";
      if (outcome.keys !== undefined) {
        ikeKeys = ikev2DecryptionTable([outcome.keys]);
        if (ikeKeys === "") {
          ikeKeys = null;
          report.warnings.push("the IKE SA's cipher or integrity algorithm is not in Wireshark's IKEv2 decryption table: no key line for it");
        }
      }
      await underIkeSa(outcome, { asks, first, init, local: transport.local.address, remote: resolved.address }, opts, report, esp);
    }
  } finally {
    transport?.close();
    pcap?.close();
  }
  const accepted = report.ikeSa.offers.filter((o) => o.status === "accepted").length;
  // An IKE SA that went through IKE_AUTH is no longer half-open: established (and deleted), or dropped by the gateway on failure.
  const halfOpen = accepted - (authAnswered ? 1 : 0);
  const deleted = report.cleanup.ikeSaDeleted;
  const parts = [
    ...(established ? [deleted === true ? "the IKE SA was deleted (INFORMATIONAL DELETE answered)" : report.childSas[0]?.exchange === "IKE_AUTH" && report.childSas[0].status !== "accepted" ? "the IKE SA was set up; our DELETE got no answer: some gateways (libreswan) drop an IKE SA whose first CHILD SA failed, others keep it until their dead-peer detection drops it" : "the IKE SA was set up; our DELETE got no answer, so it may stay on the gateway until its dead-peer detection drops it"] : []),
    ...(report.identity.status === "eap-required"
      ? [report.identity.eap?.ended.includes("EAP Failure") === true ? "the gateway ended the EAP exchange with EAP Failure, which ends that IKE SA on its side" : "the IKE SA whose IKE_AUTH the gateway answered with EAP stays on it until its EAP exchange times out (an IKE SA not yet authenticated cannot be deleted)"]
      : []),
    ...(halfOpen > 0 ? [`${halfOpen} accepted IKE_SA_INIT${halfOpen === 1 ? " stays" : "s stay"} half-open on the gateway until it drops ${halfOpen === 1 ? "it" : "them"}${opts.psk === undefined && opts.eap !== true ? " (no IKE_AUTH without a PSK, so no IKE SA to delete)" : ""}`] : []),
  ];
  report.cleanup.halfOpenLeft = halfOpen;
  report.cleanup.detail = parts.length > 0 ? parts.join("; ") : accepted === 0 ? "nothing was set up on the gateway" : "nothing of ours is left on the gateway";
  report.timings.totalMs = Math.round((now() - t0) * 100) / 100;
  const offers = report.ikeSa.offers;
  // --auth eap asks whether the gateway wants EAP: its EAP request is the answer sought.
  const authOk = opts.eap === true ? report.identity.status === "eap-required" : (opts.psk === undefined && opts.signer === undefined) || report.identity.status === "authenticated";
  // A CHILD SA not set up, or a liveness check not answered, is a step that failed, as in IKEv1.
  const childOk = report.childSas.every((ch) => ch.status === "accepted");
  const dpdOk = report.dpd === null || report.dpd.answered;
  report.exitCode = accepted > 0 && authOk && childOk && dpdOk ? 0 : offers.every((o) => o.status === "no-response") ? 3 : 1;
  const sel = report.ikeSa.selected;
  const checks: Check<Ikev2AuditInput & CertificateAuditInput>[] = [weakIkev2Transform, ...CERTIFICATE_CHECKS];
  report.findings = runChecks(checks, { ikev2: { answered: true, accepted: sel !== null ? [sel] : [], groupNumbers: [], fragmentation: null }, ikev1Accepted: null, ...(certificateAudit ?? { certificates: [], chain: null, remoteId: null, warnDays: 30 }) });
  return { report, ikeKeys, espKeys: esp.length > 0 ? espSaTable(esp) : null };
}

/** §2.23: with a NAT on either side (or when forced), IKE_AUTH and all after it go to UDP 4500 with the non-ESP marker. */
async function maybeFloat(transport: IkeTransport, opts: ProbeV2Options, report: ProbeV2Report): Promise<void> {
  const nat = report.ikeSa.natDetected;
  const natT = opts.natT ?? "auto";
  if (natT === "off" || (natT === "auto" && (nat === null || (!nat.local && !nat.gateway)))) return;
  try {
    await transport.float();
    report.ikeSa.floated = true;
  } catch (e) {
    report.warnings.push(`could not open a socket for UDP 4500 (${e instanceof Error ? e.message : String(e)}): IKE_AUTH stays on port ${opts.port}`);
  }
}

/** The CHILD SAs to ask for, with the selectors filled in: by default our address and the gateway's (strongSwan's `dynamic`). */
function childAsks(opts: ProbeV2Options, local: string, remote: string): ChildAsk[] {
  const c = opts.child;
  if (c === undefined) return [];
  const tsi = [c.localTs ?? hostSelector(ipToBytes(local))];
  const tsr = [c.remoteTs ?? hostSelector(ipToBytes(remote))];
  return c.proposals.map((p) => ({ text: p.text, offer: p.offer, tsi, tsr, transport: c.transport }));
}

/** Sends one offer; returns what IKE_AUTH needs when it is the first accepted one. */
async function tryOffer(t: IkeTransport, offer: V2Proposal, opts: ProbeV2Options, report: ProbeV2Report, stats: { packetsSent: number; packetsReceived: number }): Promise<SaInitDone | undefined> {
  const proposal = offerProposal(offer);
  const makeable = offer.groups.filter((g) => groupInfo(g)?.kind !== "mlkem");
  const first = makeable[0];
  const entry: V2OfferReport = { proposal: v2ProposalToken(offer), status: "no-response", keGroup: groupTokenV2(first ?? offer.groups[0]!), transmissions: 0, cookies: 0 };
  report.ikeSa.offers.push(entry);
  if (first === undefined) {
    entry.status = "malformed";
    entry.error = "no group of this offer has a key exchange this machine can make (ML-KEM is not in Node 20's OpenSSL)";
    return undefined;
  }
  const fragments = opts.fragmentation?.mode !== "off";
  let sent = await send(t, proposal, first, opts.timeoutMs, stats, fragments);
  if (sent.answer?.kind === "invalid-ke" && sent.answer.group !== first && makeable.includes(sent.answer.group)) {
    entry.retriedWithGroup = groupTokenV2(sent.answer.group);
    entry.keGroup = entry.retriedWithGroup;
    sent = await send(t, proposal, sent.answer.group, opts.timeoutMs, stats, fragments);
  }
  entry.transmissions = sent.transmissions;
  entry.cookies = sent.cookies;
  if (sent.rttMs !== undefined) entry.rttMs = sent.rttMs;
  const a = sent.answer;
  if (a === undefined) return undefined;
  switch (a.kind) {
    case "sa": {
      entry.status = "accepted";
      if (report.ikeSa.selected !== null) return undefined;
      selected(a, sent.spiI, t, report);
      return sent.response !== undefined ? { spiI: sent.spiI, answer: a, request: sent.request, response: sent.response, nonce: sent.nonce, ke: sent.ke } : undefined;
    }
    case "no-proposal":
      entry.status = "rejected";
      entry.notify = "NO_PROPOSAL_CHOSEN";
      return undefined;
    case "invalid-ke":
      entry.status = "rejected";
      entry.notify = "INVALID_KE_PAYLOAD";
      entry.error = `the gateway asks for group ${groupTokenV2(a.group)}${offer.groups.includes(a.group) ? ", whose key exchange this machine cannot make" : ", which this offer does not hold"}`;
      return undefined;
    case "error":
      entry.status = "rejected";
      entry.notify = a.name;
      return undefined;
    case "ikev1":
      entry.status = "malformed";
      entry.error = `answered in ISAKMP version ${a.version >> 4}.${a.version & 15}: the gateway speaks IKEv1 only`;
      return undefined;
    case "malformed":
      entry.status = "malformed";
      entry.error = a.detail;
      return undefined;
    case "cookie":
      entry.status = "malformed";
      entry.error = "a COOKIE again after echoing two";
  }
  return undefined;
}

function selected(a: Extract<SaInitAnswer, { kind: "sa" }>, spiI: Buffer, t: IkeTransport, report: ProbeV2Report): void {
  const of = (type: number): Ikev2Transform | undefined => a.proposal.transforms.find((x) => x.type === type);
  const encr = of(TransformType.ENCR);
  const prf = of(TransformType.PRF);
  const integ = of(TransformType.INTEG);
  const group = of(TransformType.KE);
  if (encr === undefined || prf === undefined || group === undefined) {
    report.warnings.push(`the accepted answer's SA lacks ${[encr ?? "ENCR", prf ?? "PRF", group ?? "KE"].filter((x) => typeof x === "string").join(", ")}`);
    return;
  }
  const cipher = { id: encr.id, ...(encr.keyLength !== undefined ? { keyLength: encr.keyLength } : {}) };
  const enc = cipherToken(encr.id, encr.keyLength);
  const integTok = integ === undefined || integ.id === 0 ? null : integToken(integ.id);
  const combo = { cipher: { ...cipher, token: enc, aead: integTok === null }, prf: prf.id, integ: integ === undefined || integ.id === 0 ? null : integ.id, group: group.id };
  report.ikeSa.selected = { proposal: comboToken(combo), encryption: enc, prf: prfToken(prf.id), integrity: integTok, group: groupTokenV2(group.id), ...rateIkev2({ cipher, prf: prf.id, integ: integ?.id ?? null, group: group.id }) };
  report.ikeSa.notifies = extensionNotifies(a.notifies);
  report.ikeSa.vendorIds = a.vendorIds.map((v) => {
    const name = nameVendorId(v);
    return name !== undefined ? { hex: v.toString("hex"), name } : { hex: v.toString("hex") };
  });
  // NAT detection (RFC 7296 §2.23): the gateway's hashes over its view of the addresses, with its SPI.
  const src = a.notifies.find((n) => n.notifyType === Ikev2Notify.NAT_DETECTION_SOURCE_IP);
  const dst = a.notifies.find((n) => n.notifyType === Ikev2Notify.NAT_DETECTION_DESTINATION_IP);
  if (src !== undefined && dst !== undefined) {
    report.ikeSa.natDetected = {
      gateway: !src.data.equals(natDetectionHash(spiI, a.spiR, t.remote.address, t.remote.port)),
      local: !dst.data.equals(natDetectionHash(spiI, a.spiR, t.local.address, t.local.port)),
    };
  }
  // CERTREQ: a one-byte encoding, then 20-byte SHA-1 hashes of the CAs' public keys (§3.7).
  report.ikeSa.certReqs = a.certReqs.map((b) => ({ encoding: b[0] ?? 0, authorities: Array.from({ length: Math.floor((b.length - 1) / 20) }, (_, i) => b.subarray(1 + 20 * i, 21 + 20 * i).toString("hex")) }));
  for (const w of a.warnings) report.warnings.push(`the accepted answer: ${w}`);
  const other = a.notifies.filter((n) => n.notifyType < 16384).map((n) => ikev2NotifyName(n.notifyType));
  if (other.length > 0) report.warnings.push(`the accepted answer also carried error notifies: ${other.join(", ")}`);
}


/**
 * `ikeprobe probe --ikev2`: one IKE_SA_INIT per offer (RFC 7296 §1.2), each with a real KE for its
 * first group; INVALID_KE_PAYLOAD naming another group of the offer is answered by sending the offer
 * again with that group's KE (§1.3), a COOKIE by echoing it (§2.6). The first accepted offer gives
 * the selected transforms and the extensions the gateway announces. Each accepted offer leaves a
 * half-open IKE SA on the gateway until it drops it: IKE_AUTH is not run by this version.
 */
import { createHash, randomBytes } from "node:crypto";
import { type V2Proposal, cipherToken, comboToken, groupTokenV2, integToken, prfToken, v2ProposalToken } from "../config/ikev2.js";
import { createKeyExchange, groupInfo } from "../crypto/dh.js";
import { rateIkev2 } from "../data/ratings.js";
import { nameVendorId } from "../data/vendor-ids.js";

import { RequestMachine, request } from "../exchanges/request.js";
import { type SaInitAnswer, encodeSaInit, extensionNotifies, newSpi, readSaInitAnswer, signatureHashes } from "../exchanges/v2/ike-sa-init.js";
import type { ProbeV2Report, V2OfferReport } from "../report/model/probe-v2.js";
import { type AddressFamily, type Lookup, multipleAddressesNote, resolveHost } from "../transport/resolve.js";
import { IkeTransport } from "../transport/udp.js";
import { ipToBytes } from "../wire/v1/payloads/identification.js";
import { Ikev2Notify, ProtocolId, TransformType, ikev2NotifyName } from "../wire/v2/constants.js";
import { type NotifyPayload, ikeNotify } from "../wire/v2/payloads/notify.js";
import type { Ikev2Proposal, Ikev2Transform } from "../wire/v2/payloads/sa.js";
import { now } from "../util/clock.js";
import { runChecks } from "../checks/index.js";
import { weakIkev2Transform } from "../checks/ikev2.js";

export interface ProbeV2Options {
  host: string;
  port: number;
  offers: V2Proposal[];
  sourcePort: number;
  timeoutMs: number;
  retries: number;
  family?: AddressFamily;
  lookup?: Lookup;
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

/** NAT detection data (RFC 7296 §2.23): SHA-1(SPIi | SPIr | IP | port). */
function natHash(spiI: Buffer, spiR: Buffer, address: string, port: number): Buffer {
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return createHash("sha1").update(Buffer.concat([spiI, spiR, ipToBytes(address), p])).digest();
}

interface Sent {
  answer: SaInitAnswer | undefined;
  rttMs?: number;
  transmissions: number;
  cookies: number;
  spiI: Buffer;
}

async function send(t: IkeTransport, proposal: Ikev2Proposal, group: number, timeoutMs: number, stats: { packetsSent: number; packetsReceived: number }): Promise<Sent> {
  const spiI = newSpi();
  const nonce = randomBytes(32);
  const data = createKeyExchange(group).publicValue;
  const notifies: NotifyPayload[] = [
    ikeNotify(Ikev2Notify.NAT_DETECTION_SOURCE_IP, natHash(spiI, Buffer.alloc(8), t.local.address, t.local.port)),
    ikeNotify(Ikev2Notify.NAT_DETECTION_DESTINATION_IP, natHash(spiI, Buffer.alloc(8), t.remote.address, t.remote.port)),
    ikeNotify(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED),
    ikeNotify(Ikev2Notify.SIGNATURE_HASH_ALGORITHMS, signatureHashes([2, 3, 4])),
  ];
  let cookie: Buffer | undefined;
  let cookies = 0;
  for (;;) {
    const message = encodeSaInit({ spiI, proposals: [proposal], ke: { group, data }, nonce, notifies, ...(cookie !== undefined ? { cookie } : {}) });
    const { answer, rt } = await request(t, new RequestMachine(message, spiI, (d) => readSaInitAnswer(d), "ike-sa-init"), stats, timeoutMs);
    if (answer?.kind !== "cookie" || cookies >= 2) return { answer, ...(rt.answered ? { rttMs: Math.round(rt.rttMs * 100) / 100 } : {}), transmissions: rt.transmissions, cookies, spiI };
    cookies++;
    cookie = answer.cookie;
  }
}

export async function runProbeV2(opts: ProbeV2Options, version: string): Promise<ProbeV2Report> {
  const t0 = now();
  const report: ProbeV2Report = {
    ikeVersion: 2,
    tool: { name: "ikeprobe", version },
    startedAt: new Date().toISOString(),
    target: { host: opts.host, address: null, port: opts.port, addresses: [] },
    source: { address: null, port: null },
    ikeSa: { offers: [], selected: null, notifies: null, vendorIds: [], natDetected: null },
    identity: { status: "not-attempted", detail: "IKE_AUTH is not run by this version: the offers were tested with IKE_SA_INIT only" },
    cleanup: { halfOpenLeft: 0, detail: "" },
    findings: [],
    warnings: [],
    timings: { totalMs: 0 },
    exitCode: 0,
  };
  const stats = { packetsSent: 0, packetsReceived: 0 };
  let transport: IkeTransport | undefined;
  try {
    const resolved = await resolveHost(opts.host, opts.family, opts.lookup);
    report.target.address = resolved.address;
    report.target.addresses = resolved.addresses;
    const multiple = multipleAddressesNote(opts.host, resolved);
    if (multiple !== undefined) report.warnings.push(multiple);
    transport = await IkeTransport.open({ address: resolved.address, port: opts.port }, { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries });
    report.source = { address: transport.local.address, port: transport.local.port };
    for (const offer of opts.offers) await tryOffer(transport, offer, opts, report, stats);
  } finally {
    transport?.close();
  }
  const accepted = report.ikeSa.offers.filter((o) => o.status === "accepted").length;
  report.cleanup = {
    halfOpenLeft: accepted,
    detail: accepted === 0 ? "nothing was set up on the gateway" : `${accepted} accepted IKE_SA_INIT${accepted === 1 ? " stays" : "s stay"} half-open on the gateway until it drops them (IKE_AUTH is not run, so there is no IKE SA to delete)`,
  };
  report.timings.totalMs = Math.round((now() - t0) * 100) / 100;
  const offers = report.ikeSa.offers;
  report.exitCode = accepted > 0 ? 0 : offers.every((o) => o.status === "no-response") ? 3 : 1;
  const sel = report.ikeSa.selected;
  report.findings = runChecks([weakIkev2Transform], { ikev2: { answered: true, accepted: sel !== null ? [sel] : [], groupNumbers: [], fragmentation: null }, ikev1Accepted: null });
  return report;
}

async function tryOffer(t: IkeTransport, offer: V2Proposal, opts: ProbeV2Options, report: ProbeV2Report, stats: { packetsSent: number; packetsReceived: number }): Promise<void> {
  const proposal = offerProposal(offer);
  const makeable = offer.groups.filter((g) => groupInfo(g)?.kind !== "mlkem");
  const first = makeable[0];
  const entry: V2OfferReport = { proposal: v2ProposalToken(offer), status: "no-response", keGroup: groupTokenV2(first ?? offer.groups[0]!), transmissions: 0, cookies: 0 };
  report.ikeSa.offers.push(entry);
  if (first === undefined) {
    entry.status = "malformed";
    entry.error = "no group of this offer has a key exchange this machine can make (ML-KEM is not in Node 20's OpenSSL)";
    return;
  }
  let sent = await send(t, proposal, first, opts.timeoutMs, stats);
  if (sent.answer?.kind === "invalid-ke" && sent.answer.group !== first && makeable.includes(sent.answer.group)) {
    entry.retriedWithGroup = groupTokenV2(sent.answer.group);
    entry.keGroup = entry.retriedWithGroup;
    sent = await send(t, proposal, sent.answer.group, opts.timeoutMs, stats);
  }
  entry.transmissions = sent.transmissions;
  entry.cookies = sent.cookies;
  if (sent.rttMs !== undefined) entry.rttMs = sent.rttMs;
  const a = sent.answer;
  if (a === undefined) return;
  switch (a.kind) {
    case "sa": {
      entry.status = "accepted";
      if (report.ikeSa.selected === null) selected(a, sent.spiI, t, report);
      return;
    }
    case "no-proposal":
      entry.status = "rejected";
      entry.notify = "NO_PROPOSAL_CHOSEN";
      return;
    case "invalid-ke":
      entry.status = "rejected";
      entry.notify = "INVALID_KE_PAYLOAD";
      entry.error = `the gateway asks for group ${groupTokenV2(a.group)}${offer.groups.includes(a.group) ? ", whose key exchange this machine cannot make" : ", which this offer does not hold"}`;
      return;
    case "error":
      entry.status = "rejected";
      entry.notify = a.name;
      return;
    case "ikev1":
      entry.status = "malformed";
      entry.error = `answered in ISAKMP version ${a.version >> 4}.${a.version & 15}: the gateway speaks IKEv1 only`;
      return;
    case "malformed":
      entry.status = "malformed";
      entry.error = a.detail;
      return;
    case "cookie":
      entry.status = "malformed";
      entry.error = "a COOKIE again after echoing two";
  }
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
      gateway: !src.data.equals(natHash(spiI, a.spiR, t.remote.address, t.remote.port)),
      local: !dst.data.equals(natHash(spiI, a.spiR, t.local.address, t.local.port)),
    };
  }
  for (const w of a.warnings) report.warnings.push(`the accepted answer: ${w}`);
  const other = a.notifies.filter((n) => n.notifyType < 16384).map((n) => ikev2NotifyName(n.notifyType));
  if (other.length > 0) report.warnings.push(`the accepted answer also carried error notifies: ${other.join(", ")}`);
}


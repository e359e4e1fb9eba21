/**
 * The IKEv2 probe's CHILD SAs (RFC 7296 §1.2, §1.3.1, §2.9, §2.17): the first `--esp` rides in
 * IKE_AUTH (without KE transforms: that CHILD SA's keys come from IKE_SA_INIT's exchange), each
 * further one is asked for in a CREATE_CHILD_SA of its own, with a KE for its first PFS group. Each
 * answer is checked against what was asked (the transforms offered, the selectors, the mode) and
 * reported: accepted with SPIs, algorithms and the selectors granted (narrowed or not), or refused
 * with the notify and what it means.
 */
import { randomBytes } from "node:crypto";
import { type V2ChildProposal, cipherToken, groupTokenV2, integToken } from "../config/ikev2.js";
import { createKeyExchange, groupInfo } from "../crypto/dh.js";
import { childKeymat, encrKeyLength, integKeyLength } from "../crypto/v2/keys.js";
import { CHILD_REFUSALS, describeTs, encodeCreateChildSa, espProposal } from "../exchanges/v2/child-sa.js";
import { type ChildRequest, type ProtectedAnswer, narrowed, readProtectedAnswer } from "../exchanges/v2/ike-auth.js";
import type { V2ChildSa, V2ChildSaReport } from "../report/model/probe-v2.js";
import type { EspSaKeys } from "../report/render/wireshark.js";
import { Ikev2Exchange, Ikev2Notify, ProtocolId, TransformType, ikev2NotifyName } from "../wire/v2/constants.js";
import type { Ikev2Proposal } from "../wire/v2/payloads/sa.js";
import type { TrafficSelectorV2 } from "../wire/v2/payloads/traffic-selector.js";
import type { Ikev2Session } from "./ikev2-session.js";

/** One CHILD SA to ask for: the --esp text and proposal, our selectors (TSi) and the gateway's (TSr), the mode. */
export interface ChildAsk {
  text: string;
  offer: V2ChildProposal;
  tsi: TrafficSelectorV2[];
  tsr: TrafficSelectorV2[];
  transport: boolean;
}

/** A CHILD SA's report and, when it was set up, its keys for --esp-keys. */
export interface ChildResult {
  report: V2ChildSaReport;
  espKeys?: Omit<EspSaKeys, "local" | "remote">;
}

const ENCR_NULL = 11;

/** A fresh inbound SPI: non-zero, as SPI 0 is reserved (RFC 4303 §2.1). */
function newEspSpi(): Buffer {
  for (;;) {
    const spi = randomBytes(4);
    if (spi.readUInt32BE(0) > 255) return spi;
  }
}

export function askedReport(ask: ChildAsk, exchange: V2ChildSaReport["exchange"]): V2ChildSaReport {
  return { proposal: ask.text, exchange, status: "not-established", detail: "", asked: { localTs: ask.tsi.map(describeTs), remoteTs: ask.tsr.map(describeTs), mode: ask.transport ? "transport" : "tunnel" }, sa: null, transmissions: 0 };
}

/** The CHILD SA part of IKE_AUTH (no KE transforms, §1.2) and our inbound SPI. */
export function ikeAuthChild(ask: ChildAsk): { request: ChildRequest; spiIn: Buffer } {
  const spiIn = newEspSpi();
  return { request: { proposals: [espProposal(ask.offer, spiIn, { withGroups: false })], tsi: ask.tsi, tsr: ask.tsr, transport: ask.transport }, spiIn };
}

/** KEYMAT inputs: the nonces of the exchange that made the CHILD SA, and g^ir with PFS. */
interface KeySource {
  session: Ikev2Session;
  ni: Buffer;
  nr: Buffer;
  gir?: Buffer;
}

/**
 * Reads the CHILD SA part of an answer: set up (SA, TSi, TSr) or refused (an error notify).
 * `report` comes with `asked` filled in and gets status, notify, detail and sa.
 */
export function readChild(report: V2ChildSaReport, ask: ChildAsk, spiIn: Buffer, r: ProtectedAnswer, keys: KeySource | undefined, opts: { showKeys: boolean; pfsGroup: number | null }): ChildResult {
  const refusal = r.errors[0];
  if (r.child === null) {
    if (refusal !== undefined) {
      report.status = "refused";
      report.notify = ikev2NotifyName(refusal.notifyType);
      report.detail = CHILD_REFUSALS[refusal.notifyType] ?? `the gateway refused the CHILD SA with ${report.notify}`;
    } else {
      report.status = "error";
      report.detail = `the answer sets up no CHILD SA and gives no reason${r.unreadable.length > 0 ? ` (unreadable: ${r.unreadable.join("; ")})` : ""}`;
    }
    return { report };
  }
  const mismatches: string[] = [];
  const p = r.child.proposal;
  const chosen = chosenTransforms(p, ask.offer, opts.pfsGroup, mismatches);
  if (chosen === undefined) {
    report.status = "error";
    report.detail = `the gateway's CHILD SA answer breaks the rules: ${mismatches.join("; ")}`;
    return { report };
  }
  const wider = [...widerThanAsked(ask.tsi, r.child.tsi, "TSi"), ...widerThanAsked(ask.tsr, r.child.tsr, "TSr")];
  mismatches.push(...wider);
  const transport = r.child.transport;
  if (ask.transport && !transport) mismatches.push("transport mode asked for, the gateway set up tunnel mode (it did not send USE_TRANSPORT_MODE)");
  if (!ask.transport && transport) mismatches.push("tunnel mode asked for, the gateway answered USE_TRANSPORT_MODE");
  const spiOut = p.spi;
  const sa: V2ChildSa = {
    proposal: [chosen.encryption, ...(chosen.integrity !== null ? [chosen.integrity] : []), ...(chosen.pfsGroup !== null ? [chosen.pfsGroup] : []), ...(chosen.esn ? ["esn"] : [])].join("-"),
    encryption: chosen.encryption,
    integrity: chosen.integrity,
    pfsGroup: chosen.pfsGroup,
    esn: chosen.esn,
    mode: transport ? "transport" : "tunnel",
    spiIn: spiIn.toString("hex"),
    spiOut: spiOut.toString("hex"),
    localTs: r.child.tsi.map(describeTs),
    remoteTs: r.child.tsr.map(describeTs),
    narrowed: narrowed(ask.tsi, r.child.tsi) || narrowed(ask.tsr, r.child.tsr),
    mismatches,
  };
  report.status = "accepted";
  report.sa = sa;
  const notes = [...(sa.narrowed ? [`the gateway narrowed our traffic selectors to ${sa.localTs.join(", ")} === ${sa.remoteTs.join(", ")}`] : []), ...(refusal !== undefined ? [`beside it the gateway sent ${r.errors.map((n) => ikev2NotifyName(n.notifyType)).join(", ")}`] : [])];
  report.detail = `the gateway set up the CHILD SA${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`;
  if (keys === undefined) return { report };
  let keymat: Buffer;
  let encLen: number;
  let intLen: number;
  try {
    encLen = chosen.cipher.id === ENCR_NULL ? 0 : encrKeyLength(chosen.cipher);
    intLen = integKeyLength(chosen.integ);
    keymat = childKeymat(keys.session.prf, keys.session.skD, keys.ni, keys.nr, 2 * (encLen + intLen), keys.gir);
  } catch {
    return { report };
  }
  // KEYMAT = encr_i | integ_i | encr_r | integ_r; "i" is our direction, under the gateway's SPI (§2.17).
  const dir = (offset: number, spi: Buffer): { spi: string; encryptionKey: string; integrityKey: string } => ({ spi: spi.toString("hex"), encryptionKey: keymat.subarray(offset, offset + encLen).toString("hex"), integrityKey: keymat.subarray(offset + encLen, offset + encLen + intLen).toString("hex") });
  const out = dir(0, spiOut);
  const inn = dir(encLen + intLen, spiIn);
  if (opts.showKeys) sa.keys = { in: inn, out };
  return { report, espKeys: { encryption: chosen.encryption === "null" ? null : chosen.encryption, integrity: chosen.integrity, keys: { in: inn, out } } };
}

interface Chosen {
  cipher: { id: number; keyLength?: number };
  integ: number | null;
  encryption: string;
  integrity: string | null;
  pfsGroup: string | null;
  esn: boolean;
}

/** The gateway's one transform of each type, each one we offered (RFC 7296 §2.7); undefined with the reasons when not. */
function chosenTransforms(p: Ikev2Proposal, offer: V2ChildProposal, pfsGroup: number | null, problems: string[]): Chosen | undefined {
  if (p.protocolId !== ProtocolId.ESP) problems.push(`the chosen proposal is for protocol ${p.protocolId}, not ESP (3)`);
  if (p.spi.length !== 4) problems.push(`the chosen proposal's SPI is ${p.spi.length} bytes, not 4`);
  const of = (type: number) => p.transforms.filter((x) => x.type === type);
  const [encr, ...moreEncr] = of(TransformType.ENCR);
  const integs = of(TransformType.INTEG).filter((x) => x.id !== 0);
  const kes = of(TransformType.KE).filter((x) => x.id !== 0);
  const esns = of(TransformType.ESN);
  if (encr === undefined) problems.push("no encryption transform chosen");
  if (moreEncr.length > 0 || integs.length > 1 || kes.length > 1 || esns.length > 1) problems.push("more than one transform of a type chosen");
  const offered = (c: { id: number; keyLength?: number }) => (c.id === ENCR_NULL ? offer.ciphers.some((o) => o.id === ENCR_NULL) : offer.ciphers.some((o) => o.id === c.id && o.keyLength === c.keyLength));
  if (encr !== undefined && !offered(encr)) problems.push(`encryption ${cipherToken(encr.id, encr.keyLength)} was not offered`);
  const integ = integs[0]?.id ?? null;
  if (integ !== null && !offer.integs.includes(integ)) problems.push(`integrity ${integToken(integ)} was not offered`);
  const group = kes[0]?.id ?? null;
  if (group !== null && group !== pfsGroup) problems.push(`PFS group ${groupTokenV2(group)} ${pfsGroup === null ? "chosen where no KE was sent" : `differs from the KE sent (${groupTokenV2(pfsGroup)})`}`);
  const esn = esns[0]?.id ?? 0;
  if (!offer.esn.includes(esn)) problems.push(`ESN ${esn} was not offered`);
  if (problems.length > 0 || encr === undefined) return undefined;
  const cipher = { id: encr.id, ...(encr.keyLength !== undefined ? { keyLength: encr.keyLength } : {}) };
  return { cipher, integ, encryption: encr.id === ENCR_NULL ? "null" : cipherToken(encr.id, encr.keyLength), integrity: integ !== null ? integToken(integ) : null, pfsGroup: group !== null ? groupTokenV2(group) : null, esn: esn === 1 };
}

/** Selectors granted that reach outside every one asked for: a responder may only narrow (§2.9). */
function widerThanAsked(asked: readonly TrafficSelectorV2[], granted: readonly TrafficSelectorV2[], name: string): string[] {
  const inside = (g: TrafficSelectorV2, a: TrafficSelectorV2): boolean =>
    g.tsType === a.tsType &&
    (a.ipProtocol === 0 || g.ipProtocol === a.ipProtocol) &&
    g.startPort >= a.startPort &&
    g.endPort <= a.endPort &&
    Buffer.compare(g.startAddress, a.startAddress) >= 0 &&
    Buffer.compare(g.endAddress, a.endAddress) <= 0;
  return granted.filter((g) => !asked.some((a) => inside(g, a))).map((g) => `${name} ${describeTs(g)} is wider than what we asked for`);
}

/** A CREATE_CHILD_SA for one further --esp under the established IKE SA; never throws for what the gateway sends. */
export async function createChildSa(session: Ikev2Session, ask: ChildAsk, opts: { showKeys: boolean }): Promise<ChildResult> {
  const report = askedReport(ask, "CREATE_CHILD_SA");
  const makeable = ask.offer.groups.filter((g) => groupInfo(g)?.kind !== "mlkem");
  let group: number | null = makeable[0] ?? null;
  if (ask.offer.groups.length > 0 && group === null) {
    report.status = "error";
    report.detail = "no PFS group of this proposal has a key exchange this machine can make (ML-KEM is not in Node 20's OpenSSL)";
    return { report };
  }
  for (let attempt = 0; ; attempt++) {
    const spiIn = newEspSpi();
    const ni = randomBytes(32);
    const ke = group !== null ? createKeyExchange(group) : undefined;
    const proposal = espProposal({ ...ask.offer, groups: group !== null ? [group, ...ask.offer.groups.filter((g) => g !== group)] : [] }, spiIn, { withGroups: true });
    const got = await session.ask(Ikev2Exchange.CREATE_CHILD_SA, (messageId) =>
      encodeCreateChildSa({ spiI: session.spiI, spiR: session.spiR, messageId, proposal, nonce: ni, ...(ke !== undefined && group !== null ? { ke: { group, data: ke.publicValue } } : {}), tsi: ask.tsi, tsr: ask.tsr, transport: ask.transport }, session.suite, session.out),
    );
    report.transmissions += got.transmissions;
    if (got.rttMs !== undefined) report.rttMs = got.rttMs;
    const o = got.opened;
    if (o === undefined) {
      report.status = "no-answer";
      report.detail = `no answer to CREATE_CHILD_SA after ${got.transmissions} transmissions`;
      return { report };
    }
    if (o.kind !== "opened") {
      report.status = "error";
      report.detail = o.kind === "fragment" ? `the gateway answered in IKE fragments (RFC 7383), which this version does not reassemble` : `the CREATE_CHILD_SA answer ${o.kind === "undecryptable" ? "does not open with the IKE SA's keys" : "cannot be read"}: ${o.detail}`;
      return { report };
    }
    const r = readProtectedAnswer(o.inner);
    if (r.unknownCritical.length > 0) {
      report.status = "error";
      report.detail = `the answer carries critical payloads of unknown type ${r.unknownCritical.join(", ")}, which must be refused (RFC 7296 §2.5)`;
      return { report };
    }
    const invalidKe = r.errors.find((n) => n.notifyType === Ikev2Notify.INVALID_KE_PAYLOAD);
    const wanted = invalidKe !== undefined && invalidKe.data.length >= 2 ? invalidKe.data.readUInt16BE(0) : undefined;
    if (r.child === null && wanted !== undefined && attempt === 0 && wanted !== group && makeable.includes(wanted)) {
      // §1.3: the responder names the group it wants; ask again with that group's KE.
      group = wanted;
      continue;
    }
    if (r.child !== null && r.nonce === null) {
      report.status = "error";
      report.detail = "the gateway set up the CHILD SA without its nonce (Nr), so its keys cannot be made";
      return { report };
    }
    let gir: Buffer | undefined;
    if (r.child !== null && ke !== undefined) {
      if (r.ke === null || r.ke.group !== group) {
        report.status = "error";
        report.detail = r.ke === null ? "the gateway accepted a PFS proposal but sent no KE" : `the gateway's KE is for group ${groupTokenV2(r.ke.group)}, not ${groupTokenV2(group!)}`;
        return { report };
      }
      try {
        gir = ke.computeSecret(r.ke.data);
      } catch (e) {
        report.status = "error";
        report.detail = `the gateway's KE is not a valid public value: ${e instanceof Error ? e.message : String(e)}`;
        return { report };
      }
    }
    const result = readChild(report, ask, spiIn, r, r.nonce !== null ? { session, ni, nr: r.nonce, ...(gir !== undefined ? { gir } : {}) } : undefined, { showKeys: opts.showKeys, pfsGroup: ke !== undefined ? group : null });
    if (result.report.status === "refused" && wanted !== undefined) result.report.detail += ` (it asks for ${groupTokenV2(wanted)}${makeable.includes(wanted) ? "" : ", which this proposal does not offer"})`;
    return result;
  }
}

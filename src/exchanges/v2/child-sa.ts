/**
 * CHILD SAs (RFC 7296 §1.3.1, §2.9, §3.3, §3.13): the ESP proposal with our inbound SPI, the
 * CREATE_CHILD_SA request, the traffic selectors as strongSwan prints them, and what a refusal
 * notify means.
 *
 * Request: HDR, SK {[N(USE_TRANSPORT_MODE)], SA, Ni, [KEi], TSi, TSr}. The answer, like IKE_AUTH's,
 * is read by readProtectedAnswer (ike-auth.ts): SA, Nr, [KEr], TSi, TSr, or an error notify.
 */
import type { SkKeys, SkSuite } from "../../crypto/v2/sk.js";
import { protect } from "../../crypto/v2/sk.js";
import type { OutgoingPayload } from "../../wire/chain.js";
import { PROTOCOLS, bytesToIp } from "../../wire/ip.js";
import { Ikev2Exchange, Ikev2Flags, Ikev2Notify, Ikev2Payload, ProtocolId, TransformType, TsType } from "../../wire/v2/constants.js";
import { encodeKe } from "../../wire/v2/payloads/key-exchange.js";
import { encodeNotify, ikeNotify } from "../../wire/v2/payloads/notify.js";
import { type Ikev2Proposal, type Ikev2Transform, encodeSa } from "../../wire/v2/payloads/sa.js";
import { type TrafficSelectorV2, encodeTs } from "../../wire/v2/payloads/traffic-selector.js";

/** What an ESP proposal lists, each type's alternatives in order of preference. */
export interface EspOffer {
  ciphers: readonly { id: number; keyLength?: number }[];
  integs: readonly number[];
  /** KE groups (PFS); left out where they do not apply (IKE_AUTH, §1.2). */
  groups: readonly number[];
  /** ESN values (0: none, 1: extended sequence numbers). */
  esn: readonly number[];
}

/** One ESP proposal (protocol 3, SPI size 4: our inbound SPI, §3.3.1). */
export function espProposal(offer: EspOffer, spi: Buffer, opts: { withGroups: boolean }): Ikev2Proposal {
  const transforms: Ikev2Transform[] = [
    ...offer.ciphers.map((c) => ({ type: TransformType.ENCR, id: c.id, ...(c.keyLength !== undefined ? { keyLength: c.keyLength } : {}) })),
    ...offer.integs.map((id) => ({ type: TransformType.INTEG, id })),
    ...(opts.withGroups ? offer.groups.map((id) => ({ type: TransformType.KE, id })) : []),
    ...offer.esn.map((id) => ({ type: TransformType.ESN, id })),
  ];
  return { number: 1, protocolId: ProtocolId.ESP, spi, transforms };
}

export interface CreateChildRequest {
  spiI: Buffer;
  spiR: Buffer;
  messageId: number;
  proposal: Ikev2Proposal;
  nonce: Buffer;
  ke?: { group: number; data: Buffer };
  tsi: TrafficSelectorV2[];
  tsr: TrafficSelectorV2[];
  transport: boolean;
}

/** The inner payloads of a CREATE_CHILD_SA request for a new CHILD SA (§1.3.1). */
export function createChildPayloads(r: CreateChildRequest): OutgoingPayload[] {
  return [
    ...(r.transport ? [{ type: Ikev2Payload.NOTIFY, body: encodeNotify(ikeNotify(Ikev2Notify.USE_TRANSPORT_MODE)) }] : []),
    { type: Ikev2Payload.SA, body: encodeSa({ proposals: [r.proposal] }) },
    { type: Ikev2Payload.NONCE, body: r.nonce },
    ...(r.ke !== undefined ? [{ type: Ikev2Payload.KE, body: encodeKe(r.ke) }] : []),
    { type: Ikev2Payload.TSI, body: encodeTs({ selectors: r.tsi }) },
    { type: Ikev2Payload.TSR, body: encodeTs({ selectors: r.tsr }) },
  ];
}

export function encodeCreateChildSa(r: CreateChildRequest, suite: SkSuite, keys: SkKeys): Buffer {
  return protect({ spiI: r.spiI, spiR: r.spiR, exchangeType: Ikev2Exchange.CREATE_CHILD_SA, flags: Ikev2Flags.INITIATOR, messageId: r.messageId }, createChildPayloads(r), suite, keys);
}

/** A whole-range selector for an address family: every address, protocol and port. */
export function anySelector(v6: boolean): TrafficSelectorV2 {
  const n = v6 ? 16 : 4;
  return { tsType: v6 ? TsType.IPV6_ADDR_RANGE : TsType.IPV4_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: Buffer.alloc(n), endAddress: Buffer.alloc(n, 0xff) };
}

/** One address as a selector (all protocols and ports): strongSwan's `dynamic`. */
export function hostSelector(address: Buffer): TrafficSelectorV2 {
  return { tsType: address.length === 16 ? TsType.IPV6_ADDR_RANGE : TsType.IPV4_ADDR_RANGE, ipProtocol: 0, startPort: 0, endPort: 65535, startAddress: address, endAddress: address };
}

/** The prefix length when [start, end] is exactly one CIDR block, else undefined. */
function prefixOf(start: Buffer, end: Buffer): number | undefined {
  let bits = 0;
  let i = 0;
  while (i < start.length && start[i] === end[i]) {
    bits += 8;
    i++;
  }
  if (i === start.length) return bits;
  const x = start[i]! ^ end[i]!;
  // The differing bits must be a run of ones at the end of the byte, zeros in start and ones in end.
  if (((x + 1) & x) !== 0 || (start[i]! & x) !== 0 || (end[i]! & x) !== x) return undefined;
  bits += 8 - Math.log2(x + 1);
  for (let j = i + 1; j < start.length; j++) if (start[j] !== 0 || end[j] !== 0xff) return undefined;
  return bits;
}

/** A selector as strongSwan prints one: `198.51.100.0/24`, `198.18.1.2/32[tcp/443]`, `10.0.0.1..10.0.0.9`. */
export function describeTs(s: TrafficSelectorV2): string {
  let addr: string;
  try {
    const prefix = prefixOf(s.startAddress, s.endAddress);
    addr = prefix !== undefined ? `${bytesToIp(s.startAddress)}/${prefix}` : `${bytesToIp(s.startAddress)}..${bytesToIp(s.endAddress)}`;
  } catch {
    addr = `ts-type-${s.tsType}:${s.startAddress.toString("hex")}-${s.endAddress.toString("hex")}`;
  }
  const allPorts = s.startPort === 0 && s.endPort === 65535;
  if (s.ipProtocol === 0 && allPorts) return addr;
  const proto = Object.entries(PROTOCOLS).find(([, v]) => v === s.ipProtocol)?.[0] ?? String(s.ipProtocol);
  const port = allPorts ? "" : s.startPort === s.endPort ? `/${s.startPort}` : `/${s.startPort}-${s.endPort}`;
  return `${addr}[${proto}${port}]`;
}

/** What a CHILD SA refusal means for the person configuring the tunnel (RFC 7296 §3.10.1, §1.3). */
export const CHILD_REFUSALS: Readonly<Record<number, string>> = {
  [Ikev2Notify.TS_UNACCEPTABLE]: "the gateway has no connection for these traffic selectors: compare --local-ts/--remote-ts with its local and remote subnets (strongSwan and libreswan also answer so when their kernel fails to install the SA: then their log says why)",
  [Ikev2Notify.NO_PROPOSAL_CHOSEN]: "the gateway accepts none of the ESP algorithms offered: compare --esp with its ESP proposals",
  [Ikev2Notify.SINGLE_PAIR_REQUIRED]: "the gateway accepts only one pair of addresses, not whole subnets or ranges: give --local-ts and --remote-ts as single addresses",
  [Ikev2Notify.INTERNAL_ADDRESS_FAILURE]: "the gateway could not assign us an internal (virtual) address",
  [Ikev2Notify.FAILED_CP_REQUIRED]: "the gateway requires a configuration request (CP, asking for a virtual address) that this probe does not send",
  [Ikev2Notify.NO_ADDITIONAL_SAS]: "the gateway accepts no further CHILD SA on this IKE SA",
  [Ikev2Notify.INVALID_KE_PAYLOAD]: "the gateway wants another PFS group than the one whose KE was sent",
  [Ikev2Notify.TEMPORARY_FAILURE]: "the gateway is busy (a rekeying in progress): try again",
  [Ikev2Notify.INVALID_SYNTAX]: "the gateway found the request malformed",
};

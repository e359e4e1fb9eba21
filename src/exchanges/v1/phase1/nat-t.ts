/**
 * NAT-Traversal in Phase 1 (RFC 3947 §3, and the drafts' variant): support from the gateway's vendor
 * IDs, our NAT-D pair, and what the gateway's NAT-D pair says about either side.
 */
import { randomBytes } from "node:crypto";
import { natD } from "../../../crypto/v1/keys.js";
import type { HashAlg } from "../../../crypto/prf.js";
import { NAT_T_VIDS, type NatTVariant } from "../../../data/vendor-ids.js";
import { PayloadType } from "../../../wire/v1/constants.js";
import type { OutgoingPayload, RawPayload } from "../../../wire/v1/message.js";
import { ipToBytes } from "../../../wire/ip.js";
import { isNatD } from "../../../wire/v1/payloads/nat-d.js";
import type { Endpoint, NatTResult, Phase1Config } from "./types.js";

/** The cookies and addresses NAT-D hashes cover. */
export interface NatDInputs {
  hash: HashAlg;
  initiatorCookie: Buffer;
  responderCookie: Buffer;
  local: Endpoint;
  remote: Endpoint;
}

/** NAT-T as message 2 announces it: the variant of the first of our NAT-T vendor IDs it echoes. */
export function natTFromVendorIds(vendorIds: readonly Buffer[], mode: Phase1Config["natT"]): NatTResult {
  const vids = new Set(vendorIds.map((v) => v.toString("hex")));
  const variant: NatTVariant | null = mode === "off" ? null : (NAT_T_VIDS.find((v) => vids.has(v.hex))?.variant ?? null);
  return { supported: variant !== null, variant, detected: null, localBehindNat: null, gatewayBehindNat: null, floated: false, forced: mode === "force" };
}

function hashOf(n: NatDInputs, e: Endpoint): Buffer {
  return natD(n.hash, n.initiatorCookie, n.responderCookie, ipToBytes(e.address), e.port);
}

/** Our NAT-D pair when NAT-T is on: the peer's address first, then ours (RFC 3947 §3.2). Forcing: a random "own" hash claims a NAT. */
export function natDPayloads(n: NatDInputs, variant: NatTVariant | null, mode: Phase1Config["natT"]): OutgoingPayload[] {
  if (variant === null && mode !== "force") return [];
  const type = variant === "rfc3947" || variant === null ? PayloadType.NAT_D : PayloadType.NAT_D_DRAFT;
  return [
    { type, body: hashOf(n, n.remote) },
    { type, body: mode === "force" ? randomBytes(n.hash.length) : hashOf(n, n.local) },
  ];
}

/** Reads the gateway's NAT-D pair into `nat`; returns whether we float to port 4500. */
export function evaluateNatD(nat: NatTResult, payloads: readonly RawPayload[], n: NatDInputs, warnings: string[]): boolean {
  const natds = payloads.filter((p) => isNatD(p.type));
  if (natds.length >= 2) {
    nat.localBehindNat = !natds[0]!.body.equals(hashOf(n, n.local));
    const theirs = hashOf(n, n.remote);
    nat.gatewayBehindNat = !natds.slice(1).some((p) => p.body.equals(theirs));
    nat.detected = nat.localBehindNat || nat.gatewayBehindNat;
  } else if (natds.length === 1) {
    warnings.push("the gateway sent a single NAT-D payload; NAT detection needs two");
  }
  nat.floated = (nat.detected === true && nat.supported) || nat.forced;
  return nat.floated;
}

/**
 * What the IKEv2 audit asks about: lists of ciphers, PRFs, integrity algorithms and groups, whose
 * product is the space searched. `full`: every IKEv2 algorithm of the registry; `common`: what
 * gateways are usually configured with; a catalogue file: the algorithms of its `ikev2 PROPOSAL` lines.
 */
import { type V2Cipher, type V2Proposal, V2_CIPHERS, V2_GROUPS, V2_INTEGS, V2_PRFS, parseIkev2Proposal } from "../config/ikev2.js";
import type { V2Space } from "./ikev2-search.js";

/** The KE the search's questions carry when they may: Curve25519's, the smallest (32 bytes). */
export const V2_CARRIER = 31;

function unique<T>(xs: T[], key: (x: T) => string | number = (x) => String(x)): T[] {
  const seen = new Set<string | number>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}

const cipherKey = (c: V2Cipher): string => `${c.id}/${c.keyLength ?? 0}`;

/** Every IKEv2 algorithm the registry knows (one entry per cipher and key length). */
function fullSpace(): V2Space {
  return {
    ciphers: unique([...V2_CIPHERS.values()], cipherKey),
    prfs: unique([...V2_PRFS.values()]),
    integs: unique([...V2_INTEGS.values()]),
    groups: unique([...V2_GROUPS.values()]),
    carrier: V2_CARRIER,
  };
}

const COMMON = [
  "aes128-aes256-3des-sha1-sha256-sha384-sha512-modp1024-modp1536-modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-curve25519",
  "aes128gcm16-aes256gcm16-chacha20poly1305-prfsha1-prfsha256-prfsha384-prfsha512-modp1024-modp1536-modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-curve25519",
];

/** The space of some proposals: the union of their lists (the search finds the exact set within their product). */
export function spaceOf(proposals: readonly V2Proposal[]): V2Space {
  return {
    ciphers: unique(proposals.flatMap((p) => p.ciphers), cipherKey),
    prfs: unique(proposals.flatMap((p) => p.prfs)),
    integs: unique(proposals.flatMap((p) => p.integs)),
    groups: unique(proposals.flatMap((p) => p.groups)),
    carrier: V2_CARRIER,
  };
}

export function ikev2Space(name: "full" | "common"): V2Space {
  return name === "full" ? fullSpace() : spaceOf(COMMON.map((p) => parseIkev2Proposal(p, "--catalogue common")));
}

/** Every IKEv2 algorithm the registry knows, as a count of single combinations (the one-per-packet cost). */
export function spaceSize(s: V2Space): number {
  const aead = s.ciphers.filter((c) => c.aead).length;
  const plain = s.ciphers.length - aead;
  return (plain * s.integs.length + aead) * s.prfs.length * s.groups.length;
}

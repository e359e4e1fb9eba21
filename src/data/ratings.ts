/**
 * Algorithm ratings as data, with named reasons, in testssl.sh's severity words. Sources: RFC 8247
 * (IKEv2 algorithm requirements, the current guidance for IKE generally), RFC 8031, NIST SP 800-131A,
 * Logjam (Adrian et al., 2015), Sweet32 (Bhargavan & Leurent, 2016).
 */
import { AEAD, AUTH_METHODS, ENCRYPTION, GROUPS, HASHES } from "./algorithms.js";
import { type Rating, type Severity, worst } from "./severity.js";

export { SEVERITIES, type Severity, severityRank, worst, type Rating } from "./severity.js";

/** By strongSwan token, from the algorithm registry (src/data/algorithms.ts). Anything without a rating is OK. */
function ratingsOf(rows: readonly { tokens: readonly string[]; rating?: Rating }[]): Readonly<Record<string, Rating>> {
  return Object.fromEntries(rows.flatMap((r) => (r.rating !== undefined ? r.tokens.map((t) => [t, r.rating!] as const) : [])));
}

export const ENCRYPTION_RATINGS = ratingsOf(ENCRYPTION);
export const HASH_RATINGS = ratingsOf(HASHES);
export const GROUP_RATINGS = ratingsOf(GROUPS);
export const AUTH_RATINGS = ratingsOf(AUTH_METHODS);

export const AGGRESSIVE_PSK: Rating = {
  severity: "HIGH",
  reason: "Aggressive Mode with a PSK: the gateway hands out a hash computed from its PSK, crackable offline",
};

/** The worst severity and every reason for a Phase 1 transform given in strongSwan tokens. */
export function ratePhase1(t: { encryption: string; hash: string; group: string; auth: string }): { severity: Severity; reasons: string[] } {
  const found = [ENCRYPTION_RATINGS[t.encryption], HASH_RATINGS[t.hash], GROUP_RATINGS[t.group], AUTH_RATINGS[t.auth]].filter((r): r is Rating => r !== undefined);
  const severity = found.reduce<Severity>((s, r) => worst(s, r.severity), "OK");
  return { severity, reasons: found.map((r) => r.reason) };
}

/** Registry rows by IKEv2 number, for rateIkev2. */
const V2_ENCR = new Map<string, { rating?: Rating; v2Rating?: Rating }>([
  ...ENCRYPTION.filter((e) => e.ikev2 !== undefined).map((e) => [`${e.ikev2}/${e.variable ? e.keyBits : 0}`, e] as const),
  ...AEAD.map((a) => [`${a.ikev2}/${a.fixedKey === true ? 0 : a.keyBits}`, a] as const),
]);
const V2_PRF = new Map(HASHES.filter((h) => h.ikev2 !== undefined).map((h) => [h.ikev2!.prf, h] as const));
const V2_INTEG = new Map(HASHES.filter((h) => h.ikev2 !== undefined).map((h) => [h.ikev2!.integ, h] as const));
const BY_GROUP = new Map(GROUPS.map((g) => [g.number, g] as const));

/**
 * The worst severity and every reason (each once) for an IKEv2 combination, by RFC 8247's levels
 * (a row's `v2Rating`, else its general rating). An algorithm the registry does not know is named.
 */
export function rateIkev2(t: { cipher: { id: number; keyLength?: number }; prf: number; integ: number | null; group: number }): { severity: Severity; reasons: string[] } {
  const pick = (row: { rating?: Rating; v2Rating?: Rating } | undefined, what: string): Rating | undefined =>
    row === undefined ? { severity: "INFO", reason: `${what}: not in ikeprobe's registry` } : (row.v2Rating ?? row.rating);
  const found = [
    pick(V2_ENCR.get(`${t.cipher.id}/${t.cipher.keyLength ?? 0}`), `cipher ${t.cipher.id}`),
    pick(V2_PRF.get(t.prf), `PRF ${t.prf}`),
    t.integ === null ? undefined : pick(V2_INTEG.get(t.integ), `integrity algorithm ${t.integ}`),
    pick(BY_GROUP.get(t.group), `group ${t.group}`),
  ].filter((r): r is Rating => r !== undefined);
  const severity = found.reduce<Severity>((s, r) => worst(s, r.severity), "OK");
  return { severity, reasons: [...new Set(found.map((r) => r.reason))] };
}

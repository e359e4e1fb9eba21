/**
 * Algorithm ratings as data, with named reasons, in testssl.sh's severity words. Sources: RFC 8247
 * (IKEv2 algorithm requirements, the current guidance for IKE generally), RFC 8031, NIST SP 800-131A,
 * Logjam (Adrian et al., 2015), Sweet32 (Bhargavan & Leurent, 2016).
 */
import { AUTH_METHODS, ENCRYPTION, GROUPS, HASHES } from "./algorithms.js";
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

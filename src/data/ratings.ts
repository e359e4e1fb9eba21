/**
 * Algorithm ratings as data, with named reasons, in testssl.sh's severity words. Sources: RFC 8247
 * (IKEv2 algorithm requirements, the current guidance for IKE generally), RFC 8031, NIST SP 800-131A,
 * Logjam (Adrian et al., 2015), Sweet32 (Bhargavan & Leurent, 2016).
 */
export const SEVERITIES = ["OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function worst(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

export interface Rating {
  severity: Severity;
  reason: string;
}

/** By strongSwan token. Anything not listed is OK. */
export const ENCRYPTION_RATINGS: Readonly<Record<string, Rating>> = {
  des: { severity: "CRITICAL", reason: "DES: 56-bit key, brute-forced in hours" },
  "3des": { severity: "MEDIUM", reason: "3DES: 64-bit block (Sweet32), deprecated by NIST" },
  blowfish128: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32)" },
  blowfish192: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32)" },
  blowfish256: { severity: "MEDIUM", reason: "Blowfish: 64-bit block (Sweet32)" },
  cast128: { severity: "MEDIUM", reason: "CAST-128: 64-bit block (Sweet32)" },
};

export const HASH_RATINGS: Readonly<Record<string, Rating>> = {
  md5: { severity: "HIGH", reason: "MD5: broken hash, not to be used as IKE PRF/integrity (RFC 8247)" },
  sha1: { severity: "LOW", reason: "SHA-1: deprecated for IKE (RFC 8247 SHOULD NOT for new use)" },
};

export const GROUP_RATINGS: Readonly<Record<string, Rating>> = {
  modp768: { severity: "CRITICAL", reason: "768-bit MODP (group 1): broken (Logjam)" },
  modp1024: { severity: "HIGH", reason: "1024-bit MODP (group 2): within reach of precomputation (Logjam), RFC 8247 SHOULD NOT" },
  modp1536: { severity: "MEDIUM", reason: "1536-bit MODP (group 5): below the 2048-bit minimum" },
  modp1024s160: { severity: "HIGH", reason: "RFC 5114 1024-bit MODP (group 22): weak, RFC 8247 SHOULD NOT" },
  modp2048s224: { severity: "LOW", reason: "RFC 5114 group 23: small-subgroup risks, RFC 8247 SHOULD NOT" },
  modp2048s256: { severity: "LOW", reason: "RFC 5114 group 24: small-subgroup risks, RFC 8247 SHOULD NOT" },
  ecp192: { severity: "HIGH", reason: "192-bit ECP (group 25): below 112-bit security" },
  ecp224: { severity: "MEDIUM", reason: "224-bit ECP (group 26): below 128-bit security" },
};

export const AUTH_RATINGS: Readonly<Record<string, Rating>> = {
  "xauth-psk": { severity: "INFO", reason: "XAUTH with a group PSK: anyone with the group key can impersonate the gateway" },
};

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

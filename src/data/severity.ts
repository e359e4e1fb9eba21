/**
 * The severity words of every rating and finding (testssl.sh's vocabulary), and a rating: a
 * severity with its reason. Its own module so that the registry (algorithms.ts) and the ratings
 * derived from it (ratings.ts) both read it without importing each other.
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

/**
 * Back-off fingerprints: how a gateway re-sends message 2 when our message 3 never comes (ike-scan's
 * --showbackoff idea). Each pattern is the gaps in seconds between the packets of one answer (the
 * first message 2 and its re-sends), written from our own measurements of the lab gateways with
 * test/lab/measure-backoff.ts (ike-scan --showbackoff as the observer) and from the implementations'
 * documented defaults. A pattern of no re-send at all is weak evidence: many implementations share it.
 */

export interface BackoffPattern {
  implementation: string;
  /** Seconds between successive packets (empty: message 2 is never re-sent). */
  gaps: readonly number[];
  source: string;
}

export const BACKOFF_PATTERNS: readonly BackoffPattern[] = [
  {
    implementation: "strongSwan 5.x or libreswan 4.x",
    gaps: [],
    source:
      "measured here: as Main Mode responders, strongSwan 5.9.8 (charon) and libreswan 4.10 (pluto) both send message 2 once and never re-send it (70 s observed); ike-scan's own table guesses other products for this one-packet pattern",
  },
  {
    implementation: "SoftEther VPN Server",
    gaps: [2, 2, 2, 2, 2],
    source: "measured here: SoftEther 5.01 re-sends message 2 every 2 s, five times, then drops the exchange (its 10 s half-open lifetime)",
  },
];

/** How close a measured gap must be to a pattern's: 15 % of it, and never tighter than 0.3 s. */
function near(measured: number, expected: number): boolean {
  return Math.abs(measured - expected) <= Math.max(0.3, 0.15 * expected);
}

export interface BackoffMatch {
  implementation: string;
  /** "weak" for the no-re-send pattern (shared by many), "strong" for a matching series of re-sends. */
  strength: "weak" | "strong";
  source: string;
}

/**
 * The pattern the measured gaps match: every measured gap near the pattern's at the same place, and
 * as many as the pattern has (or, when we stopped listening before the pattern ended, a prefix of
 * it of at least three gaps).
 */
export function matchBackoff(gaps: readonly number[], listenedToEnd: boolean): BackoffMatch | null {
  for (const p of BACKOFF_PATTERNS) {
    if (gaps.length > p.gaps.length) continue;
    // Cut short by the bound, "never re-sends" cannot be told from "re-sends later".
    if (listenedToEnd ? gaps.length !== p.gaps.length : p.gaps.length === 0 || gaps.length < Math.min(3, p.gaps.length)) continue;
    if (!gaps.every((g, i) => near(g, p.gaps[i]!))) continue;
    return { implementation: p.implementation, strength: p.gaps.length === 0 ? "weak" : "strong", source: p.source };
  }
  return null;
}

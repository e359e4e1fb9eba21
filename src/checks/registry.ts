/**
 * Audit checks as a registry (as sslyze's plugins and ssh-audit's data-driven reasons): each finding
 * is one module with a stable id, a severity in one vocabulary (testssl.sh's words, data/ratings.ts),
 * its JSON (`Finding`) and its console form (`title`), and a check runs on what a probe or a scan
 * learned and returns findings instead of throwing.
 */
import type { Severity } from "../data/ratings.js";

export interface Finding {
  /** Stable identifier, e.g. "aggressive-mode-psk-hash". */
  id: string;
  severity: Severity;
  detail: string;
}

export interface Check<I> {
  id: string;
  /** What the console shows in the finding column. */
  title: string;
  run(input: I): Finding[];
}

/** Runs every check; a check that fails reports itself as an INFO finding, the others still run. */
export function runChecks<I>(checks: readonly Check<I>[], input: I): Finding[] {
  return checks.flatMap((c) => {
    try {
      return c.run(input);
    } catch (e) {
      return [{ id: c.id, severity: "INFO" as const, detail: `the check could not run: ${e instanceof Error ? e.message : String(e)}` }];
    }
  });
}

/** A Phase 1 transform the gateway accepts that the ratings (data/algorithms.ts) call weak. */
import { type Severity, ratePhase1, severityRank, worst } from "../data/ratings.js";
import type { Check, Finding } from "./registry.js";

export interface AcceptedTransforms {
  /** strongSwan tokens of each accepted transform, with the mode it was accepted in. */
  accepted: readonly { proposal: string; encryption: string; hash: string; group: string; auth: string; mode: "main" | "aggressive" }[];
}

/** One finding for all weak accepted transforms: the worst severity, each reason once with the transforms it applies to. */
export const weakTransform: Check<AcceptedTransforms> = {
  id: "weak-phase1-transform",
  title: "weak Phase 1 transform accepted",
  run(i): Finding[] {
    const byReason = new Map<string, { severity: Severity; proposals: Set<string> }>();
    for (const t of i.accepted) {
      const r = ratePhase1(t);
      if (severityRank(r.severity) === 0) continue;
      for (const reason of r.reasons) {
        const e = byReason.get(reason) ?? { severity: "OK" as Severity, proposals: new Set<string>() };
        e.severity = worst(e.severity, r.severity);
        e.proposals.add(`${t.proposal}/${t.auth}${t.mode === "aggressive" ? " (Aggressive Mode)" : ""}`);
        byReason.set(reason, e);
      }
    }
    if (byReason.size === 0) return [];
    const severity = [...byReason.values()].reduce<Severity>((s, e) => worst(s, e.severity), "OK");
    const list = (p: Set<string>): string => `${[...p].slice(0, 3).join(", ")}${p.size > 3 ? `, and ${p.size - 3} more` : ""}`;
    const sets = new Set([...byReason.values()].map((e) => [...e.proposals].join(",")));
    // One set of transforms for every reason (a probe's one offer): name it once.
    const detail =
      sets.size === 1
        ? `${list([...byReason.values()][0]!.proposals)}: ${[...byReason.keys()].join("; ")}`
        : [...byReason].map(([reason, e]) => `${reason} (${list(e.proposals)})`).join("; ");
    return [{ id: "weak-phase1-transform", severity, detail: `the gateway accepts weak Phase 1 transforms: ${detail}` }];
  },
};

/**
 * The IKEv2 audit's findings: weak combinations by RFC 8247's levels, no strong group, no IKEv2
 * fragmentation, and IKEv1 still answered beside IKEv2.
 */
import { GROUP_BY_NUMBER } from "../data/algorithms.js";
import { type Severity, severityRank, worst } from "../data/ratings.js";
import type { Check, Finding } from "./registry.js";

export interface Ikev2AuditInput {
  ikev2: {
    /** The gateway answered IKE_SA_INIT at all. */
    answered: boolean;
    accepted: readonly { proposal: string; group: string; severity: Severity; reasons: readonly string[] }[];
    /** Accepted groups by number. */
    groupNumbers: readonly number[];
    /** IKEV2_FRAGMENTATION_SUPPORTED in its SA answer; null: no SA answer was seen. */
    fragmentation: boolean | null;
  } | null;
  /** IKEv1 transforms the gateway accepted in Main or Aggressive Mode; null: IKEv1 was not scanned. */
  ikev1Accepted: number | null;
}

export const weakIkev2Transform: Check<Ikev2AuditInput> = {
  id: "weak-ikev2-transform",
  title: "weak IKEv2 combination accepted",
  run(i): Finding[] {
    const weak = (i.ikev2?.accepted ?? []).filter((t) => severityRank(t.severity) >= severityRank("LOW"));
    if (weak.length === 0) return [];
    const byReason = new Map<string, Set<string>>();
    for (const t of weak) for (const r of t.reasons) byReason.set(r, (byReason.get(r) ?? new Set()).add(t.proposal));
    const list = (p: Set<string>): string => `${[...p].slice(0, 3).join(", ")}${p.size > 3 ? `, and ${p.size - 3} more` : ""}`;
    const severity = weak.reduce<Severity>((s, t) => worst(s, t.severity), "OK");
    return [{ id: "weak-ikev2-transform", severity, detail: `the gateway accepts weak IKEv2 combinations: ${[...byReason].map(([r, p]) => `${r} (${list(p)})`).join("; ")}` }];
  },
};

/** A group of 3072-bit MODP, 256-bit ECP or their strength (Curve25519/448, Brainpool 256+, ML-KEM). */
function strong(group: number): boolean {
  const g = GROUP_BY_NUMBER.get(group);
  if (g === undefined) return false;
  if (g.kind === "modp") return g.bits >= 3072 && g.node !== null;
  return g.kind === "mlkem" || g.bits >= 256;
}

export const ikev2NoStrongGroup: Check<Ikev2AuditInput> = {
  id: "ikev2-no-strong-group",
  title: "no strong IKEv2 group",
  run(i): Finding[] {
    const v2 = i.ikev2;
    if (v2 === null || v2.groupNumbers.length === 0 || v2.groupNumbers.some(strong)) return [];
    return [{ id: "ikev2-no-strong-group", severity: "LOW", detail: `no accepted IKEv2 group reaches 3072-bit MODP or 256-bit ECP (128-bit security, NIST SP 800-57): the gateway accepts ${[...new Set(v2.accepted.map((t) => t.group))].join(", ")}` }];
  },
};

export const ikev2NoFragmentation: Check<Ikev2AuditInput> = {
  id: "ikev2-no-fragmentation",
  title: "no IKEv2 fragmentation",
  run(i): Finding[] {
    if (i.ikev2?.fragmentation !== false) return [];
    return [{ id: "ikev2-no-fragmentation", severity: "LOW", detail: "the gateway did not answer IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383): IKE_AUTH messages with certificates will be IP-fragmented, which firewalls and NATs often drop" }];
  },
};

export const ikev1Enabled: Check<Ikev2AuditInput> = {
  id: "ikev1-enabled",
  title: "IKEv1 enabled beside IKEv2",
  run(i): Finding[] {
    if (i.ikev1Accepted === null || i.ikev1Accepted === 0 || (i.ikev2?.accepted.length ?? 0) === 0) return [];
    return [{ id: "ikev1-enabled", severity: "MEDIUM", detail: `the gateway speaks IKEv2 and still accepts ${i.ikev1Accepted} IKEv1 transform${i.ikev1Accepted === 1 ? "" : "s"}: IKEv1 is legacy (RFC 9395 deprecates it; NIST SP 800-77r1 recommends IKEv2), and its Aggressive Mode and PSK handling widen the attack surface` }];
  },
};

export const IKEV2_CHECKS: readonly Check<Ikev2AuditInput>[] = [weakIkev2Transform, ikev2NoStrongGroup, ikev2NoFragmentation, ikev1Enabled];

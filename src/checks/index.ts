/** The registry: every audit check, by what it runs on. */
import { aggressivePskHash, type AggressiveHashInput } from "./aggressive-psk-hash.js";
import type { Check } from "./registry.js";
import { aggressiveModePsk } from "./aggressive-mode.js";
import { type AcceptedTransforms, weakTransform } from "./weak-transform.js";

export { aggressiveHashFinding } from "./aggressive-psk-hash.js";
export { type Check, type Finding, runChecks } from "./registry.js";

/** The probe's checks, over its exposed hash and the transform it got accepted. */
export type ProbeCheckInput = AggressiveHashInput & AcceptedTransforms;
export const PROBE_CHECKS: readonly Check<ProbeCheckInput>[] = [aggressivePskHash, weakTransform];

/** The scan's checks, over every transform accepted in either mode. */
export const SCAN_CHECKS: readonly Check<AcceptedTransforms>[] = [aggressiveModePsk, weakTransform];

/** Every check, once. */
export const CHECKS: readonly { id: string; title: string }[] = [...new Set<{ id: string; title: string }>([...PROBE_CHECKS, ...SCAN_CHECKS])];

/** The console title of a finding, by its id. */
export function checkTitle(id: string): string {
  return CHECKS.find((c) => c.id === id)?.title ?? id;
}

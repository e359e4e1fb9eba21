/** The registry: every audit check, by what it runs on. */
import { aggressivePskHash, type AggressiveHashInput } from "./aggressive-psk-hash.js";
import type { Check } from "./registry.js";
import { aggressiveModePsk } from "./aggressive-mode.js";
import { type AcceptedTransforms, weakTransform } from "./weak-transform.js";
import { CERTIFICATE_CHECKS, type CertificateAuditInput } from "./certificate.js";
import { IKEV2_CHECKS, type Ikev2AuditInput } from "./ikev2.js";

export { aggressiveHashFinding } from "./aggressive-psk-hash.js";
export { type Check, type Finding, runChecks } from "./registry.js";

export type { CertificateAuditInput } from "./certificate.js";
export type { Ikev2AuditInput } from "./ikev2.js";

/** The probe's checks, over its exposed hash, the transform it got accepted and the gateway's certificates. */
export type ProbeCheckInput = AggressiveHashInput & AcceptedTransforms & CertificateAuditInput;
export const PROBE_CHECKS: readonly Check<ProbeCheckInput>[] = [aggressivePskHash, weakTransform, ...CERTIFICATE_CHECKS];

/** The scan's checks, over every transform accepted in either mode and the certificates its Aggressive Mode step met. */
export type ScanCheckInput = AcceptedTransforms & CertificateAuditInput & Ikev2AuditInput;
export const SCAN_CHECKS: readonly Check<ScanCheckInput>[] = [aggressiveModePsk, weakTransform, ...CERTIFICATE_CHECKS, ...IKEV2_CHECKS];

/** The ids of the IKEv2 audit's checks (the scan's `ikev2.findings`). */
export const IKEV2_CHECK_IDS: ReadonlySet<string> = new Set(IKEV2_CHECKS.map((c) => c.id));

/** Every check, once. */
export const CHECKS: readonly { id: string; title: string }[] = [...new Set<{ id: string; title: string }>([...PROBE_CHECKS, ...SCAN_CHECKS])];

/** The console title of a finding, by its id. */
export function checkTitle(id: string): string {
  return CHECKS.find((c) => c.id === id)?.title ?? id;
}

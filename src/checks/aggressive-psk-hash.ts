/** Aggressive Mode with PSK hands an unauthenticated peer HASH_R, computed from the PSK: offline-crackable (RFC 2409 §5.4: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b), SKEYID = prf(PSK, Ni_b | Nr_b)). */
import { hashToken } from "../config/ike.js";
import { crackersFor } from "../crack/hash-file.js";
import type { AggressiveCapture } from "../exchanges/v1/phase1/index.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import { describeIdentity } from "../x509/identity.js";
import type { Check, Finding } from "./registry.js";

export interface AggressiveHashInput {
  capture: AggressiveCapture | null;
  localId: Identification;
  /** Where the hashes were written, if they were. */
  savedTo: string | null;
}

export function aggressiveHashFinding(c: AggressiveCapture, localId: Identification, savedTo: string | null): Finding {
  const id = describeIdentity(localId);
  return {
    id: "aggressive-mode-psk-hash",
    severity: "HIGH",
    detail:
      `the gateway answers Aggressive Mode with PSK for ${id.type} ${id.value}: it handed an unauthenticated peer HASH_R (${hashToken(c.hash)}), computed from its PSK, ` +
      `which can be tested offline against any number of candidate keys (${crackersFor(c)}); disable Aggressive Mode with PSK, or use certificates` +
      (savedTo !== null ? `; saved to ${savedTo}` : "; --save-hash FILE keeps it") +
      ` (gateway ID ${c.remoteId.type} ${c.remoteId.value})`,
  };
}

export const aggressivePskHash: Check<AggressiveHashInput> = {
  id: "aggressive-mode-psk-hash",
  title: "Aggressive Mode PSK hash exposed",
  run: (i) => (i.capture !== null ? [aggressiveHashFinding(i.capture, i.localId, i.savedTo)] : []),
};

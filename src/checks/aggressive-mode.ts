/** The scan found Aggressive Mode with a PSK method accepted: every such answer carries a crackable HASH_R. */
import { AGGRESSIVE_PSK } from "../data/ratings.js";
import type { Check } from "./registry.js";
import type { AcceptedTransforms } from "./weak-transform.js";

const PSK_AUTH = new Set(["psk", "xauth-psk"]);

export const aggressiveModePsk: Check<AcceptedTransforms> = {
  id: "aggressive-mode-psk",
  title: "Aggressive Mode with PSK accepted",
  run(i) {
    const am = i.accepted.filter((t) => t.mode === "aggressive" && PSK_AUTH.has(t.auth));
    if (am.length === 0) return [];
    return [{ id: "aggressive-mode-psk", severity: AGGRESSIVE_PSK.severity, detail: `${AGGRESSIVE_PSK.reason}: ${am.length} transform(s) accepted in Aggressive Mode, e.g. ${am[0]!.proposal}/${am[0]!.auth}` }];
  },
};

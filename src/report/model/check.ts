/** The check report: each target held to the policy, its violations by mode. */
import type { Severity } from "../../data/severity.js";
import type { TargetScan } from "./scan.js";

/** The policy a check holds a gateway to (examples/policy.schema.json), as parsed. */
export interface Policy {
  description?: string;
  /** Proposals the gateway must accept: `aes256-sha256-modp2048`, optionally `/psk`. */
  require: string[];
  /** Algorithms (`des`, `md5`, `modp1024`, `xauth-psk`) or whole proposals the gateway must refuse. */
  forbid: string[];
  /** The worst severity an accepted transform may have. */
  maxSeverity: Severity;
  /** Whether Aggressive Mode may answer. */
  aggressive: "forbid" | "allow";
  /** Whether transforms the gateway never answered for are tolerated (default: no, a scan must be complete). */
  allowUnknown: boolean;
  /** The catalogue to scan with (default `full`). */
  catalogue: string;
  /** "forbid": the gateway must not answer IKEv1 at all (no Main or Aggressive Mode transform accepted). */
  ikev1: "forbid" | "allow";
  /** IKEv2 rules: proposals (strongSwan's IKEv2 syntax) every combination of which must be accepted; algorithms or proposals that must be refused. */
  ikev2: { require: string[]; forbid: string[] };
}

export interface Violation {
  rule: string;
  message: string;
  /** Which exchange the violation comes from; null for rules about the target as a whole. */
  mode: "main" | "aggressive" | "ikev2" | null;
}

export interface TargetCheck {
  target: TargetScan["target"];
  compliant: boolean;
  violations: Violation[];
  passed: string[];
  scan: TargetScan;
}

export interface CheckReport {
  tool: { name: "ikeprobe"; version: string };
  startedAt: string;
  policy: Policy & { file: string };
  targets: TargetCheck[];
  exitCode: number;
}

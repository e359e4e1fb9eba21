/** The check report: each target held to the policy, its violations by mode. */
import type { Policy } from "../scan/policy.js";
import type { TargetScan } from "./scan.js";

export interface Violation {
  rule: string;
  message: string;
  /** Which exchange the violation comes from; null for rules about the target as a whole. */
  mode: "main" | "aggressive" | null;
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

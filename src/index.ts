/**
 * The programmatic API (package entry point): `import { runProbe, runScan, runCheck, crackHashes } from "ikeprobe"`.
 * Nothing here prints, reads the environment or writes files: results come back as data (the
 * report types of src/report/model/), and secrets for files as text.
 */
export { VERSION, aggressiveHashFinding, exitCodeFor, runProbe, runProbeWithArtifacts } from "./probe/probe.js";
export type { ProbeArtifacts, ProbeOptions } from "./probe/probe.js";
export { runScan } from "./scan/scan.js";
export type { ScanOptions, ScanReport, TargetScan } from "./scan/scan.js";
export { runCheck } from "./scan/check.js";
export { evaluate, junit, parsePolicy } from "./scan/policy.js";
export type { CheckReport, Policy, TargetCheck, Violation } from "./scan/policy.js";
export { runCrack as crackHashes } from "./crack/crack.js";
export type { CrackOptions, CrackResult } from "./crack/crack.js";
export { parsePskCrackFile } from "./crack/hash-file.js";
export { runDiagnose } from "./diagnose/diagnose.js";
export type { DiagnoseOptions, DiagnosisReport } from "./diagnose/diagnose.js";
export type { Report } from "./report/model/probe.js";
export { ExitCode } from "./report/model/probe.js";
export { parseIkeProposal, parseTrans, DEFAULT_IKE_PROPOSALS, AUTH_TOKENS } from "./config/ike.js";
export { parsePhase2Proposal } from "./config/esp.js";
export { parseIdentity } from "./config/identity.js";
export { parseTrafficSelector } from "./config/traffic-selector.js";
export { loadCatalogue } from "./scan/catalogue.js";
export type { ByteSink } from "./transport/pcap.js";

/** `ikeprobe GW --diagnose`: the identity exchange explained step by step, each --id and PSK tried. */
import { parseIdentity } from "../../config/identity.js";
import { UsageError } from "../../errors.js";
import type { DiagnosisReport } from "../../report/model/diagnosis.js";
import { type IO, loadVendorIds, secretLines, useColor, withSpinner } from "../io.js";
import { type ProbeArgs, buildProbeOptions, readPsk } from "./probe-options.js";

/** Every non-empty line of --psk-file, with its line number (for --diagnose). */
function readPskCandidates(a: ProbeArgs, io: IO): { line: number; psk: Buffer }[] {
  if (a["psk-file"] === undefined) {
    const one = readPsk(a, io);
    if (one === undefined) throw new UsageError("--diagnose needs the PSK: --psk-file FILE (one candidate per line) or IKEPROBE_PSK");
    return [{ line: 1, psk: one }];
  }
  const out = secretLines("--psk-file", a["psk-file"])
    .filter((l) => l.bytes.length > 0)
    .map((l) => ({ line: l.line, psk: l.bytes }));
  if (out.length === 0) throw new UsageError(`--psk-file ${a["psk-file"]}: no PSK in it; put one candidate per line`);
  if (out.length > 100) throw new UsageError(`--psk-file ${a["psk-file"]}: ${out.length} candidates; --diagnose tries them online, at most 100 (for word lists: --aggressive --save-hash, then ikeprobe psk-crack)`);
  return out;
}

export async function runDiagnoseCommand(a: ProbeArgs, io: IO): Promise<number> {
  for (const [name, used] of [
    ["--esp/--ah", (a.esp ?? []).length > 0 || (a.ah ?? []).length > 0],
    ["--hold", a.hold > 0],
    ["--save-hash", a["save-hash"] !== undefined],
    ["--dpd", a.dpd],
    ["--keys", a.keys !== undefined],
    ["--esp-keys", a["esp-keys"] !== undefined],
    ["--pcap", a.pcap !== undefined],
  ] as const) {
    if (used) throw new UsageError(`--diagnose runs its own sequence of probes: drop ${name}`);
  }
  if (!(a.pace >= 0 && a.pace <= 600)) throw new UsageError(`--pace ${a.pace}: must be from 0 to 600 seconds`);
  if (a.ikev2) return runDiagnoseV2Command(a, io);
  // Certificates: no PSK candidates; the diagnosis tries the identities of our certificate instead.
  const signatures = a.cert !== undefined;
  const candidates = signatures ? [] : readPskCandidates(a, io);
  // The PSKs are the candidates above: the probe options carry none (so none is read twice).
  const rest: ProbeArgs = { ...a, id: (a.id ?? []).slice(0, 1), aggressive: false };
  delete rest["psk-file"];
  delete rest.psk;
  const opts = buildProbeOptions(rest, { ...io, env: { ...io.env, IKEPROBE_PSK: "" } });
  const ids = (a.id ?? []).map((t) => parseIdentity(t));
  const { runDiagnose } = await import("../../diagnose/diagnose.js");
  const report = await withSpinner(io, !a.json, `diagnosing ${a.host}`, (progress) =>
    runDiagnose({ probe: opts, ids, candidates, allowAggressive: a.aggressive, paceMs: a.pace * 1000, ...(progress !== undefined ? { onProgress: progress } : {}) }),
  );
  return printDiagnosis(report, a, io);
}


/** `--diagnose --ikev2`: IKE_AUTH explained, each --id, each PSK candidate, with and without --remote-id, EAP and CERTREQ checked. */
async function runDiagnoseV2Command(a: ProbeArgs, io: IO): Promise<number> {
  if (a.cert !== undefined || a.key !== undefined) throw new UsageError("--diagnose --ikev2 diagnoses PSK authentication in this version: drop --cert/--key");
  if (a.auth !== "psk") throw new UsageError(`--diagnose --ikev2 tries PSKs and asks for EAP itself: drop --auth ${a.auth}`);
  if (a.aggressive) throw new UsageError("--aggressive is IKEv1's: drop it with --ikev2 (IKEv2 exposes no crackable hash)");
  const candidates = readPskCandidates(a, io);
  const { baseV2Options } = await import("./probe-ikev2.js");
  const base = baseV2Options(a);
  const ids = (a.id ?? []).map((t) => parseIdentity(t));
  const remoteId = a["remote-id"] !== undefined ? parseIdentity(a["remote-id"], "--remote-id") : undefined;
  await loadVendorIds(a["vendor-ids"]);
  const { runDiagnoseV2 } = await import("../../diagnose/diagnose-v2.js");
  const report = await withSpinner(io, !a.json, `diagnosing ${a.host} (IKEv2)`, (progress) =>
    runDiagnoseV2({ probe: base, ids: ids.map((i) => ({ idType: i.idType, data: i.data })), ...(remoteId !== undefined ? { remoteId: { idType: remoteId.idType, data: remoteId.data } } : {}), candidates, paceMs: a.pace * 1000, ...(progress !== undefined ? { onProgress: progress } : {}) }),
  );
  return printDiagnosis(report, a, io);
}

/** The diagnosis of either version as JSON or a table; its exit code. */
async function printDiagnosis(report: DiagnosisReport, a: ProbeArgs, io: IO): Promise<number> {
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { renderDiagnosis } = await import("../../report/render/diagnosis.js");
    io.stdout(renderDiagnosis(report, useColor(a, io)));
  }
  return report.exitCode;
}

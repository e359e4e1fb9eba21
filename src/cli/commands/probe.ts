/** `ikeprobe [probe] <host>`: the options parsed (probe-options.ts), the probe API, render, files written, exit code. */
import { ExitCode, type Report } from "../../report/model/probe.js";
import type { ProbeArtifacts } from "../../probe/probe.js";
import { fileSink, writePublicFile, writeSecretFile } from "../files.js";
import { type IO, loadVendorIds, useColor, withSpinner } from "../io.js";
import { runDiagnoseCommand } from "./diagnose.js";
import { runProbeV2Command } from "./probe-ikev2.js";
import { jsonRendererModule, probeModule } from "../lazy.js";
import { type ProbeArgs, buildProbeOptions } from "./probe-options.js";

export async function runProbeCommand(a: ProbeArgs, io: IO): Promise<number> {
  if (a.diagnose) return runDiagnoseCommand(a, io);
  if (a.ikev2) return runProbeV2Command(a, io);
  const opts = buildProbeOptions(a, io);
  await loadVendorIds(a["vendor-ids"]);
  const color = useColor(a, io);
  const { runProbeWithArtifacts } = await probeModule();
  if (a.pcap !== undefined) opts.pcap = fileSink("--pcap", a.pcap);
  // Ctrl-C (or SIGTERM) during a hold ends it; the DELETE still goes out before we exit.
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(ExitCode.INTERRUPTED); // a second Ctrl-C: leave now
    io.stderr("\nikeprobe: interrupted; finishing the current step and cleaning up (Ctrl-C again to quit at once)\n");
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  opts.signal = abort.signal;
  let run: Awaited<ReturnType<typeof runProbeWithArtifacts>>;
  try {
    run = await withSpinner(io, !a.json, `probing ${a.host}`, (progress) => {
      if (progress !== undefined) opts.onProgress = progress;
      return runProbeWithArtifacts(opts);
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const report = await writeProbeFiles(a, run.report, run.artifacts);
  if (a.json) {
    const { renderJson } = await jsonRendererModule();
    io.stdout(renderJson(report));
  } else {
    const { renderTable } = await import("../../report/render/table.js");
    io.stdout(renderTable(report, color));
  }
  return report.exitCode;
}


/** --save-hash, --keys, --esp-keys: the probe's artifacts written where asked, and the report told so. */
async function writeProbeFiles(a: ProbeArgs, report: Report, artifacts: ProbeArtifacts): Promise<Report> {
  const w = report.warnings;
  const saveHash = a["save-hash"];
  if (saveHash !== undefined) {
    if (artifacts.hashes === null) w.push(`--save-hash ${saveHash}: nothing written, the gateway sent no Aggressive Mode hash`);
    else if (writeSecretFile("--save-hash", saveHash, artifacts.hashes, w) && report.phase1.aggressive !== null) {
      report.phase1.aggressive.savedTo = saveHash;
      report.phase1.aggressive.savedHashes = artifacts.hashCount;
      const { aggressiveHashFinding } = await probeModule();
      const i = report.findings.findIndex((f) => f.id === "aggressive-mode-psk-hash");
      if (i >= 0 && artifacts.capture !== null) report.findings[i] = aggressiveHashFinding(artifacts.capture, artifacts.localId, saveHash);
    }
  }
  if (a.keys !== undefined) {
    if (artifacts.ikeKeys === null) w.push(`--keys ${a.keys}: nothing written, no ISAKMP SA got keys (the exchange stopped before message 4)`);
    else writeSecretFile("--keys", a.keys, artifacts.ikeKeys, w);
  }
  const saveCerts = a["save-certs"];
  if (saveCerts !== undefined) {
    if (artifacts.certificatesPem === null) w.push(`--save-certs ${saveCerts}: nothing written, the gateway sent no certificate`);
    else writePublicFile("--save-certs", saveCerts, artifacts.certificatesPem, w);
  }
  const espKeys = a["esp-keys"];
  if (espKeys !== undefined) {
    if (artifacts.espKeys === null) w.push(`--esp-keys ${espKeys}: nothing written, no ESP SA was set up`);
    else writeSecretFile("--esp-keys", espKeys, artifacts.espKeys, w);
  }
  return report;
}

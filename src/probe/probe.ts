/**
 * The probe API under the CLI: offers each Phase 1 transform set in its own exchange, completes the
 * identity exchange with the first accepted one when a PSK is given, runs what was asked for under
 * the SA (probe/established.ts), deletes it, and returns the report and the artifacts for files.
 * Never prints, never writes a file; progress goes to `onProgress`.
 *
 * How a probe flows: resolve the host -> for each offer: a fresh IkeTransport, a Phase 1 machine
 * (exchanges/v1/phase1) run by drive() -> under the SA: XAUTH, Mode-Config, DPD, Quick Modes (each a
 * machine) -> DELETEs -> report/build/probe.ts builds the report.
 */
import { addressIdentity } from "../config/identity.js";
import { certificateSubjectIdentity } from "../x509/identity.js";
import type { ProbeArtifacts, ProbeOptions } from "./options.js";
import { newProbeState } from "./options.js";
import { underSa } from "./established.js";
import { runOffer } from "./offer.js";
import { type Report } from "../report/model/probe.js";
import { exitCodeFor, probeReport } from "../report/build/probe.js";
import { espSaTable, ikev1DecryptionTable } from "../report/render/wireshark.js";
import { formatPskCrackLine } from "../crack/hash-file.js";
import { certificatesPem } from "../report/build/certificates.js";
import { PcapWriter } from "../transport/pcap.js";
import { multipleAddressesNote, resolveHost } from "../transport/resolve.js";
import { IkeTransport } from "../transport/udp.js";
import type { Identification } from "../wire/v1/payloads/identification.js";
import { now } from "../util/clock.js";

export { VERSION } from "../version.js";
export type { ProbeArtifacts, ProbeOptions } from "./options.js";
export { exitCodeFor } from "../report/build/probe.js";
export { aggressiveHashFinding } from "../checks/index.js";

export async function runProbeWithArtifacts(opts: ProbeOptions): Promise<{ report: Report; artifacts: ProbeArtifacts }> {
  const t0 = now();
  const startedAt = new Date().toISOString();
  const resolved = await resolveHost(opts.host, opts.family, opts.lookup);
  const address = resolved.address;
  const pcap = opts.pcap !== undefined ? new PcapWriter(opts.pcap) : undefined;
  const transportOpts = { sourcePort: opts.sourcePort, timeoutMs: opts.timeoutMs, retries: opts.retries, ...(pcap ? { pcap } : {}) };
  const s = newProbeState(opts);
  const multiple = multipleAddressesNote(opts.host, resolved);
  if (multiple !== undefined) s.warnings.push(multiple);
  let transport: IkeTransport | undefined;
  try {
    for (const [i, transform] of opts.transforms.entries()) {
      if (opts.signal?.aborted) {
        s.warnings.push(`interrupted: ${opts.transforms.length - i} offer(s) not tried`);
        break;
      }
      // A fresh socket per offer: each offer is its own exchange with its own cookie.
      if (transport !== undefined) {
        s.stats.ignored += transport.ignored;
        transport.close();
      }
      transport = await IkeTransport.open({ address, port: opts.port }, transportOpts);
      // With a certificate our ID is its subject DN unless --id says otherwise (RFC 4945 §3.1.5, strongSwan's default).
      const ourCert = opts.certificates?.certs?.[0];
      s.localId ??= ourCert !== undefined ? certificateSubjectIdentity(ourCert) : addressIdentity(transport.local.address);
      const run = await runOffer(s, transport, transform, i, s.localId);
      if (run.identityAttempted && run.mm.result.identity?.status === "authenticated") await underSa(s, run.mm, transport, run.floated, run.firstRttMs);
    }
  } finally {
    if (transport !== undefined) s.stats.ignored += transport.ignored;
    transport?.close();
    pcap?.close();
  }
  // No offer tried (interrupted before the first): no socket said which address is ours.
  const localId = s.localId ?? addressIdentity("0.0.0.0");
  const report = probeReport(
    s,
    localId,
    { host: opts.host, address, port: opts.port, addresses: resolved.addresses },
    transport !== undefined ? { ...transport.local } : { address: "", port: 0 },
    startedAt,
    t0,
  );
  const artifacts = probeArtifacts(s, report, localId);
  report.exitCode = exitCodeFor(report, opts.psk !== undefined || opts.certificates?.key !== undefined);
  if (s.offers.length > 0 && s.offers.every((o) => o.status === "no-response")) {
    s.warnings.push(
      `${opts.host} port ${opts.port} never answered: check the address, that UDP ${opts.port} reaches it (firewalls often drop it), and whether it answers only to source port 500 (--source-port 500, as root)`,
    );
  }
  return { report, artifacts };
}

/** The probe: the report only. */
export async function runProbe(opts: ProbeOptions): Promise<Report> {
  return (await runProbeWithArtifacts(opts)).report;
}

/** The keys (shown only with showKeys) and the texts for files: Wireshark's tables, the psk-crack lines. */
function probeArtifacts(s: ReturnType<typeof newProbeState>, report: Report, localId: Identification): ProbeArtifacts {
  const mm = s.identity;
  const keys = mm?.result.keys;
  if (keys !== undefined && s.opts.showKeys) {
    report.phase1.keys = {
      skeyid: keys.skeyid.toString("hex"),
      skeyidD: keys.skeyidD.toString("hex"),
      skeyidA: keys.skeyidA.toString("hex"),
      skeyidE: keys.skeyidE.toString("hex"),
      encryptionKey: keys.encryptionKey.toString("hex"),
    };
  }
  const esp = s.childKeys.filter((c) => c.protocol === "esp").map((c) => ({ local: report.source.address, remote: report.target.address, encryption: c.encryption, integrity: c.integrity, keys: c.keys }));
  return {
    ikeKeys: keys !== undefined && mm !== undefined ? ikev1DecryptionTable([{ initiatorCookie: mm.initiatorCookie.toString("hex"), encryptionKey: keys.encryptionKey.toString("hex") }]) : null,
    espKeys: esp.length > 0 ? espSaTable(esp) : null,
    hashes: s.captures.length > 0 ? `${s.captures.map(formatPskCrackLine).join("\n")}\n` : null,
    certificatesPem: certificatesPem(s.identity?.result ?? s.firstAccepted),
    hashCount: s.captures.length,
    capture: s.captures[0] ?? null,
    localId,
  };
}



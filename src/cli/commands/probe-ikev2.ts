/** `ikeprobe probe --ikev2`: the offers checked for what IKE_SA_INIT alone can test, the IKEv2 probe, its report. */
import { type V2Proposal, parseChildProposal, parseIkev2Proposal } from "../../config/ikev2.js";
import { parseTrafficSelector, selectorV2 } from "../../config/traffic-selector.js";
import type { ProbeV2Options } from "../../probe/ikev2.js";
import { UsageError } from "../../errors.js";
import { type IO, family, interruptible, intOption, loadVendorIds, useColor, withSpinner } from "../io.js";
import { type ProbeArgs, readPsk } from "./probe-options.js";
import { parseIdentity } from "../../config/identity.js";
import { fileSink, writeSecretFile } from "../files.js";
import { readFragmentation, readV2Certificates } from "../certificates.js";

/** Modern defaults: an AEAD and a CBC offer with the groups RFC 8247 §3.4 names first. */
const DEFAULT_V2_OFFERS = ["aes256gcm16-aes128gcm16-prfsha384-prfsha256-ecp384-ecp256-curve25519-modp3072-modp2048", "aes256-aes128-sha384-sha256-ecp384-ecp256-curve25519-modp3072-modp2048"];

/** Options IKE_SA_INIT alone cannot serve, by the name the user gave. */
function refuseOptions(a: ProbeArgs): void {
  const set = (name: string, used: boolean): string[] => (used ? [name] : []);
  const unused = [
    ...set("--ah", (a.ah ?? []).length > 0),
    ...set("--aggressive", a.aggressive),
    ...set("--trans", (a.trans ?? []).length > 0),
    ...set("--xauth-user", a["xauth-user"] !== undefined),
    ...set("--mode-config", a["mode-config"]),
    ...set("--save-hash", a["save-hash"] !== undefined),
  ];
  if (unused.length > 0) throw new UsageError(`--ikev2 runs IKE_SA_INIT and, with a PSK, IKE_AUTH and ESP CHILD SAs; this version has no ${unused.join(", ")} for IKEv2: drop ${unused.length === 1 ? "it" : "them"}`);
  if ((a.id ?? []).length > 1) throw new UsageError("--id given more than once: give one identity with --ikev2");
}

/** --esp (ESP CHILD SAs), --local-ts/--remote-ts and --mode, read for IKEv2. */
function childOptions(a: ProbeArgs, established: boolean, needSa: string): ProbeV2Options["child"] {
  const esp = a.esp ?? [];
  if (esp.length === 0) {
    if (a["local-ts"] !== undefined || a["remote-ts"] !== undefined) throw new UsageError("--local-ts/--remote-ts apply to the CHILD SA: add its proposal with --esp");
    if (a["esp-keys"] !== undefined) throw new UsageError("--esp-keys holds the keys of the CHILD SAs: add their proposals with --esp");
    return undefined;
  }
  if (!established) throw new UsageError(`--esp asks for CHILD SAs, set up in IKE_AUTH: ${needSa}`);
  const proposals = esp.map((text) => ({ text, offer: parseChildProposal(text, "--esp") }));
  const localTs = a["local-ts"] !== undefined ? selectorV2(parseTrafficSelector(a["local-ts"], "--local-ts")) : undefined;
  const remoteTs = a["remote-ts"] !== undefined ? selectorV2(parseTrafficSelector(a["remote-ts"], "--remote-ts")) : undefined;
  if (localTs !== undefined && remoteTs !== undefined && localTs.tsType !== remoteTs.tsType) throw new UsageError("--local-ts and --remote-ts: one is IPv4 and the other IPv6; give both in one family");
  return { proposals, transport: a.mode === "transport", ...(localTs !== undefined ? { localTs } : {}), ...(remoteTs !== undefined ? { remoteTs } : {}) };
}

/** Where to probe and what to offer, as both the IKEv2 probe and its diagnosis read them. */
export function baseV2Options(a: ProbeArgs): Pick<ProbeV2Options, "host" | "port" | "offers" | "sourcePort" | "timeoutMs" | "retries" | "family" | "natT" | "fragmentation"> {
  const timeout = a.timeout;
  if (!(timeout > 0 && timeout <= 300)) throw new UsageError(`--timeout ${timeout}: must be more than 0 and at most 300 seconds`);
  const offers: V2Proposal[] = (a.ike !== undefined && a.ike.length > 0 ? a.ike : DEFAULT_V2_OFFERS).map((p) => parseIkev2Proposal(p, "--ike"));
  const fam = family(a);
  return {
    host: a.host,
    port: intOption("port", a.port, 1, 65535),
    offers,
    sourcePort: intOption("source-port", a["source-port"], 0, 65535),
    timeoutMs: timeout * 1000,
    retries: intOption("retries", a.retries, 0, 10),
    ...(fam !== undefined ? { family: fam } : {}),
    natT: a["nat-t"],
    fragmentation: readFragmentation(a),
  };
}

export async function runProbeV2Command(a: ProbeArgs, io: IO): Promise<number> {
  refuseOptions(a);
  const base = baseV2Options(a);
  const psk = readPsk(a, io);
  const signature = a.auth === "rsa" || a.auth === "ecdsa256" || a.auth === "ecdsa384" || a.auth === "ecdsa521" ? a.auth : undefined;
  if (a.auth !== "psk" && a.auth !== "eap" && signature === undefined) throw new UsageError(`--auth ${a.auth} with --ikev2: use psk, eap, rsa, ecdsa256, ecdsa384 or ecdsa521 (IKEv2 has no XAUTH or hybrid methods)`);
  const eap = a.auth === "eap";
  const certs = readV2Certificates(a, signature);
  // IKE_AUTH runs with a PSK or a signature, or without AUTH to ask for EAP; an IKE SA is set up with the first two.
  const ikeAuth = psk !== undefined || eap || certs.signer !== undefined;
  const needAuth = "add --psk-file FILE (or IKEPROBE_PSK), --auth rsa|ecdsa256|ecdsa384|ecdsa521 with --cert and --key, or --auth eap";
  const needSa = eap ? "--auth eap stops at the gateway's EAP request, so no IKE SA is set up" : "add --psk-file FILE (or IKEPROBE_PSK), or --auth rsa|ecdsa256|ecdsa384|ecdsa521 with --cert and --key";
  // IKEv1 and IKEv2 number the ID types used here alike (RFC 2407 §4.6.2.1, RFC 7296 §3.5).
  const id = a.id?.[0] !== undefined ? parseIdentity(a.id[0]) : undefined;
  const remoteId = a["remote-id"] !== undefined ? parseIdentity(a["remote-id"], "--remote-id") : undefined;
  if (!ikeAuth && (id !== undefined || remoteId !== undefined)) throw new UsageError(`${id !== undefined ? "--id" : "--remote-id"} is sent in IKE_AUTH, which runs with a PSK or to ask for EAP: ${needAuth}`);
  const established = (psk !== undefined || certs.signer !== undefined) && !eap;
  const child = childOptions(a, established, needSa);
  if (!established && a.dpd) throw new UsageError(`--dpd checks the IKE SA set up in IKE_AUTH: ${needSa}`);
  if (!(a.hold >= 0 && a.hold <= 86400)) throw new UsageError(`--hold ${a.hold}: must be from 0 to 86400 seconds`);
  if (!established && a.hold > 0) throw new UsageError(`--hold keeps the IKE SA of IKE_AUTH up: ${needSa}`);
  await loadVendorIds(a["vendor-ids"]);
  const { runProbeV2WithArtifacts } = await import("../../probe/ikev2.js");
  if (a.keys !== undefined && !ikeAuth) throw new UsageError(`--keys holds the keys of the IKE SA, made for IKE_AUTH: ${needAuth}`);
  const { VERSION } = await import("../../version.js");
  const opts: ProbeV2Options = {
    ...base,
    ...(psk !== undefined ? { psk } : {}),
    ...(eap ? { eap: true } : {}),
    ...(certs.signer !== undefined ? { signer: certs.signer } : {}),
    ...(certs.gatewayCheck !== undefined ? { gatewayCheck: certs.gatewayCheck } : {}),
    ...(id !== undefined ? { localId: { idType: id.idType, data: id.data } } : {}),
    ...(remoteId !== undefined ? { remoteId: { idType: remoteId.idType, data: remoteId.data } } : {}),
    ...(a.pcap !== undefined ? { pcap: fileSink("--pcap", a.pcap) } : {}),
    ...(child !== undefined ? { child } : {}),
    ...(a.dpd ? { dpd: true } : {}),
    ...(a.hold > 0 ? { holdSeconds: a.hold } : {}),
    ...(a["show-keys"] ? { showKeys: true } : {}),
  };
  // Ctrl-C (or SIGTERM) during a hold ends it; the DELETE still goes out before we exit.
  const run = await interruptible(io, opts, () =>
    withSpinner(io, !a.json, `probing ${a.host} (IKEv2)`, (progress) => {
      if (progress !== undefined) opts.onProgress = progress;
      return runProbeV2WithArtifacts(opts, VERSION);
    }),
  );
  const report = run.report;
  if (a.keys !== undefined) {
    if (run.ikeKeys === null) report.warnings.push(`--keys ${a.keys}: nothing written, no IKE SA got keys Wireshark can use`);
    else writeSecretFile("--keys", a.keys, run.ikeKeys, report.warnings);
  }
  if (a["esp-keys"] !== undefined) {
    if (run.espKeys === null) report.warnings.push(`--esp-keys ${a["esp-keys"]}: nothing written, no CHILD SA was set up`);
    else writeSecretFile("--esp-keys", a["esp-keys"], run.espKeys, report.warnings);
  }
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { renderProbeV2Table } = await import("../../report/render/probe-v2.js");
    io.stdout(renderProbeV2Table(report, useColor(a, io)));
  }
  return report.exitCode;
}

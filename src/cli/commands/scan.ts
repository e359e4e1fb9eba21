/** `ikeprobe scan`: options, parse, the scan API, render, exit code. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { parseIdentity } from "../../config/identity.js";
import { UsageError } from "../../errors.js";
import { ExitCode } from "../../report/model/probe.js";
import type { ScanOptions } from "../../scan/scan.js";
import { type IO, family, familyOptions, interruptible, intOption, loadVendorIds, useColor, withSpinner } from "../io.js";

export interface ScanArgs {
  /** Positional targets (`--targets` is the file option). */
  hosts?: string[];
  targets?: string;
  catalogue?: string;
  aggressive: boolean;
  ikev1: boolean;
  ikev2: boolean;
  release: boolean;
  json: boolean;
  jsonl: boolean;
  color: boolean;
  port: number;
  "max-packet"?: number;
  "max-half-open"?: number;
  "half-open-timeout": number;
  rate: number;
  concurrency: number;
  timeout: number;
  retries: number;
  "source-port": number;
  id?: string;
  policy?: string;
  junit?: string;
  "vendor-ids"?: string;
  ipv4: boolean;
  ipv6: boolean;
  backoff: boolean;
  "backoff-seconds": number;
  "cert-warn-days": number;
}

export function scanOptions(y: Argv, check: boolean): Argv<ScanArgs> {
  return familyOptions(y)
    .positional("hosts", { describe: "gateway addresses, names or IPv4 networks (CIDR, at most /20)", type: "string", array: true })
    .option("targets", { type: "string", describe: "file with more targets, one per line (# comments)" })
    .option("catalogue", { type: "string", describe: `what to offer: full (every combination known, thousands), common, or a file of --ike proposals (one per line, optionally followed by auth methods) and "ikev2 PROPOSAL" lines${check ? "; default: the policy's, else full" : "; default full"}` })
    .option("aggressive", { type: "boolean", default: false, describe: "also test Aggressive Mode, one DH group per exchange (the KE must match the group)" + (check ? "; implied by \"aggressive\": \"forbid\" in the policy" : "") })
    .option("ikev1", { type: "boolean", default: true, describe: "audit IKEv1 (Main Mode, and Aggressive Mode with --aggressive); --no-ikev1 to skip" })
    .option("ikev2", { type: "boolean", default: true, describe: "audit IKEv2: the exact set of IKE_SA_INIT combinations accepted, the group order, the extensions; --no-ikev2 to skip" })
    .option("release", { type: "boolean", default: true, describe: "end each accepted exchange at once with a message 3 the gateway must refuse, so no half-open SA stays; --no-release leaves them and paces for them" })
    .option("json", { type: "boolean", default: false, describe: "one JSON document on stdout" })
    .option("jsonl", { type: "boolean", default: false, describe: "one JSON line per target on stdout, as each finishes" })
    .option("color", { type: "boolean", default: true, describe: "color the tables (--no-color or NO_COLOR turns it off)" })
    .option("port", { type: "number", default: 500, describe: "gateway UDP port" })
    .option("max-packet", { type: "number", describe: "largest IP packet to send: IKEv1 message 1 is filled with transforms up to this size (default 1500: no fragmentation on an Ethernet path); IKE_SA_INIT stays under it too (default: an IKE message of 1280 bytes, which every IKEv2 responder must take)" })
    .option("max-half-open", { type: "number", describe: "half-open SAs we leave on a gateway at once (default: learned: none until the gateway shows a limit, then one fewer; strongSwan drops a peer's 6th for 30 s)" })
    .option("half-open-timeout", { type: "number", default: 30, describe: "seconds a gateway keeps a half-open SA (strongSwan: 30)" })
    .option("rate", { type: "number", default: 0, describe: "messages per second over all targets (0: no limit)" })
    .option("concurrency", { type: "number", default: 8, describe: "targets scanned at once" })
    .option("timeout", { type: "number", default: 3, describe: "seconds to wait for each answer, retransmissions included" })
    .option("retries", { type: "number", default: 1, describe: "retransmissions of each message" })
    .option("source-port", { type: "number", default: 0, describe: "our UDP source port (0 = ephemeral; 500 needs root)" })
    .option("id", { type: "string", describe: "our identity in Aggressive Mode, TYPE:VALUE (default: our IP address)" })
    .option("backoff", { type: "boolean", default: false, describe: "back-off fingerprinting: leave one accepted exchange unanswered and time the gateway's re-sent messages 2 (ends when it has been quiet 20 s, at most --backoff-seconds)" })
    .option("backoff-seconds", { type: "number", default: 60, describe: "--backoff: the longest it listens" })
    .option("cert-warn-days", { type: "number", default: 30, describe: "--aggressive: report a gateway certificate that expires within this many days" })
    .option("vendor-ids", { type: "string", describe: "file of more vendor IDs to name and fingerprint with: HEX[*] NAME per line (* = prefix)" }) as unknown as Argv<ScanArgs>;
}

export async function buildScanOptions(a: ScanArgs, catalogueSpec: string): Promise<ScanOptions> {
  const { loadCatalogues } = await import("../../scan/catalogue.js");
  const { ikev2Space } = await import("../../scan/ikev2-catalogue.js");
  const targets = [...(a.hosts ?? [])];
  if (a.targets !== undefined) {
    let text: string;
    try {
      text = readFileSync(a.targets, "utf8");
    } catch (e) {
      throw new UsageError(`--targets ${a.targets}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
    targets.push(...text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== ""));
  }
  if (targets.length === 0) throw new UsageError("give at least one target, e.g. ikeprobe scan 198.18.1.1 (or --targets FILE)");
  if (a.json && a.jsonl) throw new UsageError("--json and --jsonl: choose one");
  const catalogues = loadCatalogues(catalogueSpec);
  if (!a.ikev1 && !a.ikev2) throw new UsageError("--no-ikev1 and --no-ikev2: nothing left to scan; drop one of them");
  if (!a.ikev1 && a.aggressive) throw new UsageError("--aggressive tests IKEv1 Aggressive Mode: drop --no-ikev1");
  const ikev1 = a.ikev1 && catalogues.ikev1.length > 0;
  const ikev2 = a.ikev2 && catalogues.ikev2 !== null;
  if (!ikev1 && !ikev2) throw new UsageError(`--catalogue ${catalogueSpec}: it holds no proposal for the version(s) asked for (IKEv1 lines are --ike proposals, IKEv2 lines "ikev2 PROPOSAL")`);
  const maxPacket = a["max-packet"] === undefined ? undefined : intOption("max-packet", a["max-packet"], 576, 65535);
  if (!(a.timeout > 0 && a.timeout <= 300)) throw new UsageError(`--timeout ${a.timeout}: must be more than 0 and at most 300 seconds`);
  if (!(a["half-open-timeout"] >= 0 && a["half-open-timeout"] <= 3600)) throw new UsageError(`--half-open-timeout ${a["half-open-timeout"]}: must be 0 to 3600 seconds`);
  if (!(a.rate >= 0)) throw new UsageError(`--rate ${a.rate}: must be 0 (no limit) or more messages per second`);
  const o: ScanOptions = {
    targets,
    port: intOption("port", a.port, 1, 65535),
    catalogue: catalogues.ikev1,
    catalogueName: catalogueSpec,
    aggressive: a.aggressive,
    ikev1,
    ikev2,
    ikev2Space: catalogues.ikev2 ?? ikev2Space("common"),
    // An IKE message of 1280 bytes by default (RFC 7296 §2); under --max-packet's IP packet when given.
    ikev2MaxMessage: maxPacket === undefined ? 1280 : maxPacket - 48,
    release: a.release,
    maxPacket: maxPacket ?? 1500,
    pacing: {
      ...(a["max-half-open"] !== undefined ? { maxHalfOpen: intOption("max-half-open", a["max-half-open"], 1, 1000) } : {}),
      halfOpenTimeoutMs: a["half-open-timeout"] * 1000,
      silenceRetries: 2,
      minIntervalMs: 0,
    },
    rate: a.rate,
    concurrency: intOption("concurrency", a.concurrency, 1, 256),
    sourcePort: intOption("source-port", a["source-port"], 0, 65535),
    timeoutMs: a.timeout * 1000,
    retries: intOption("retries", a.retries, 0, 10),
  };
  if (a.id !== undefined) o.id = parseIdentity(a.id);
  const fam = family(a);
  if (fam !== undefined) o.family = fam;
  if (!(a["backoff-seconds"] > 0 && a["backoff-seconds"] <= 600)) throw new UsageError(`--backoff-seconds ${a["backoff-seconds"]}: must be more than 0 and at most 600`);
  if (a.backoff) o.backoffMs = a["backoff-seconds"] * 1000;
  o.certWarnDays = intOption("cert-warn-days", a["cert-warn-days"], 0, 3650);
  return o;
}

export async function runScanCommand(a: ScanArgs, io: IO): Promise<number> {
  const opts = await buildScanOptions(a, a.catalogue ?? "full");
  await loadVendorIds(a["vendor-ids"]);
  const color = useColor(a, io);
  const { runScan } = await import("../../scan/scan.js");
  const { VERSION } = await import("../../probe/probe.js");
  if (a.jsonl) opts.onTarget = (t) => io.stdout(`${JSON.stringify(t)}\n`);
  const report = await interruptible(io, opts, () =>
    withSpinner(io, !a.json && !a.jsonl, `scanning ${opts.targets.length} target(s)`, (progress) => {
      if (progress !== undefined) opts.onProgress = progress;
      return runScan(opts, VERSION);
    }),
  );
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (!a.jsonl) {
    const { renderScanTable } = await import("../../report/render/scan.js");
    io.stdout(renderScanTable(report, color));
  }
  return opts.signal?.aborted === true ? ExitCode.INTERRUPTED : report.exitCode;
}


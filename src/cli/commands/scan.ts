/** `ikeprobe scan`: options, parse, the scan API, render, exit code. */
import { readFileSync } from "node:fs";
import type { Argv } from "yargs";
import { parseIdentity } from "../../config/identity.js";
import { UsageError } from "../../errors.js";
import { parseIpv4Network, parseShard } from "../../scan/addresses.js";
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
  rate?: number;
  exclude?: string;
  shard?: string;
  seed?: string;
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
    .positional("hosts", { describe: "gateway addresses, names or IPv4 networks (CIDR, any size: discovered first at --rate, then each responder enumerated)", type: "string", array: true })
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
    .option("rate", { type: "number", describe: `packets per second over all targets: the discovery's of a network (default ${DEFAULT_DISCOVERY_RATE}; a network larger than a /16 needs it given) and the enumeration's (default: no limit)` })
    .option("exclude", { type: "string", describe: "file of networks and addresses never to probe, one per line (# comments)" })
    .option("shard", { type: "string", describe: "probe only part I of N of the networks' addresses (e.g. 2/4): N machines with the same targets, seed and N cover the range together, disjointly" })
    .option("seed", { type: "string", describe: "the seed of the discovery's address order (default: from the targets; every shard of a survey must use the same)" })
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

/** The discovery's default rate: ~1.5 Mbit/s of ~300-byte probes, safe on a slow uplink, and 30 times ike-scan's default 56 kbit/s. */
export const DEFAULT_DISCOVERY_RATE = 600;
/** A list longer than this is discovered first, like a network. */
const LONG_LIST = 16;

function readLines(option: string, file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== "");
}

/** Discovery for networks and long lists of IPv4 addresses; undefined for a single host or a short list (enumerated at once). */
function discoveryOptions(a: ScanArgs, targets: string[]): ScanOptions["discovery"] {
  const networks = targets.map((t) => parseIpv4Network(t, "target")).filter((r) => r !== undefined);
  const isRange = networks.some((r) => r.count > 1);
  if (!isRange && networks.length <= LONG_LIST) {
    for (const [name, given] of [["--exclude", a.exclude], ["--shard", a.shard], ["--seed", a.seed]] as const) if (given !== undefined) throw new UsageError(`${name} applies to the discovery of networks (or lists of more than ${LONG_LIST} addresses): give a network such as 198.18.0.0/16`);
    return undefined;
  }
  const total = networks.reduce((n, r) => n + r.count, 0);
  if (a.rate === 0) throw new UsageError("--rate 0 (no limit) is refused for the discovery of a network: it would flood the path; give packets per second, e.g. --rate 1000");
  if (total > 65536 && a.rate === undefined) throw new UsageError(`the networks hold ${total} addresses, more than a /16: give --rate explicitly (packets per second your uplink and the targets' carry, e.g. --rate 10000); at the default ${DEFAULT_DISCOVERY_RATE} this would take ${Math.round((total * 4) / DEFAULT_DISCOVERY_RATE / 60)} minutes`);
  const exclude = a.exclude !== undefined ? readLines("--exclude", a.exclude).map((l) => parseIpv4Network(l, "--exclude") ?? badExclude(a.exclude!, l)) : [];
  return {
    networks,
    exclude,
    shard: a.shard !== undefined ? parseShard(a.shard) : { index: 1, count: 1 },
    seed: a.seed ?? [...targets].sort().join(","),
    rate: a.rate ?? DEFAULT_DISCOVERY_RATE,
    sends: 2,
  };
}

function badExclude(file: string, line: string): never {
  throw new UsageError(`--exclude ${file}: "${line}" is not an IPv4 address or network`);
}

export async function buildScanOptions(a: ScanArgs, catalogueSpec: string): Promise<ScanOptions> {
  const { loadCatalogues } = await import("../../scan/catalogue.js");
  const { ikev2Space } = await import("../../scan/ikev2-catalogue.js");
  const targets = [...(a.hosts ?? [])];
  if (a.targets !== undefined) targets.push(...readLines("--targets", a.targets));
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
  if (a.rate !== undefined && !(a.rate >= 0)) throw new UsageError(`--rate ${a.rate}: must be 0 (no limit) or more packets per second`);
  const discovery = discoveryOptions(a, targets);
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
    rate: a.rate ?? 0,
    ...(discovery !== undefined ? { discovery } : {}),
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
  const started = Date.now();
  const report = await interruptible(io, opts, () =>
    withSpinner(io, !a.json && !a.jsonl, `scanning ${opts.targets.length} target(s)`, (progress) => {
      if (progress !== undefined) {
        opts.onProgress = progress;
        // sent / total, answers, rate, time left: on a terminal only (no spinner when piped).
        opts.onDiscovery = (p) => progress(`discovery: ${p.sent}/${p.total} probes sent, ${p.answered} responder(s), ${Math.round(p.rate)} pkt/s, ~${Math.max(0, Math.round((p.total - p.sent) / Math.max(1, p.rate)))} s left (${Math.round((Date.now() - started) / 1000)} s so far)`);
      }
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


/**
 * The command line. The only module that reads process.env, writes stdout/stderr or sets the
 * exit code. Data goes to stdout; progress and diagnostics to stderr; `--json` stdout is pure JSON.
 */
import { readFileSync, writeFileSync } from "node:fs";
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";
import { AUTH_TOKENS, DEFAULT_IKE_PROPOSALS, type Phase1Transform, parseDuration, parseIkeProposal, parseTrans } from "../config/ike.js";
import { parseIdentity } from "../config/identity.js";
import { parseEspLifetime, parsePhase2Proposal } from "../config/esp.js";
import { parseTrafficSelector } from "../config/traffic-selector.js";
import { IkeprobeError, NetworkError, UsageError } from "../errors.js";
import { ExitCode, type Report } from "../report/model.js";
import type { ProbeOptions } from "../probe.js";
import type { CatalogueEntry } from "../scan/catalogue.js";
import type { CheckReport } from "../scan/policy.js";
import type { ScanOptions } from "../scan/scan.js";

const EXIT_CODES = `Exit codes:
  0  every requested step succeeded (probe: an offer was accepted; with a PSK, the identity exchange
     authenticated; every Quick Mode proposal asked for was accepted. scan: every target scanned completely.
     check: every target complies)
  1  the gateway answered but a step failed (nothing accepted, PSK mismatch, identity rejected, a Quick Mode
     proposal refused, malformed answer; scan: transforms left unknown; check: a target does not comply)
  2  usage or configuration error
  3  no IKE answer from the gateway, or a network error
  4  internal error (a bug: please report it)
  130  scan/check interrupted (Ctrl-C): the report covers what was known, the rest unknown`;

interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

interface ProbeArgs {
  host: string;
  ike?: string[];
  trans?: string[];
  auth: string;
  lifetime: string;
  "psk-file"?: string;
  psk?: string;
  id?: string[];
  diagnose: boolean;
  pace: number;
  "nat-t": "auto" | "force" | "off";
  port: number;
  "source-port": number;
  timeout: number;
  retries: number;
  json: boolean;
  color: boolean;
  "show-keys": boolean;
  keys?: string;
  "esp-keys"?: string;
  pcap?: string;
  hold: number;
  "vendor-ids"?: string;
  esp?: string[];
  ah?: string[];
  "esp-lifetime": string;
  mode: "tunnel" | "transport";
  "local-ts"?: string;
  "remote-ts"?: string;
  aggressive: boolean;
  "am3-clear": boolean;
  "save-hash"?: string;
  "xauth-user"?: string;
  "xauth-password-file"?: string;
  "mode-config": boolean;
  dpd: boolean;
  ipv4: boolean;
  ipv6: boolean;
}

/** -4/-6: which family a host name is resolved to (an address literal must match it). */
function familyOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option("ipv4", { alias: "4", type: "boolean", default: false, describe: "resolve host names to IPv4 addresses only" })
    .option("ipv6", { alias: "6", type: "boolean", default: false, describe: "resolve host names to IPv6 addresses only" }) as unknown as Argv<T>;
}

function family(a: { ipv4: boolean; ipv6: boolean }): 4 | 6 | undefined {
  if (a.ipv4 && a.ipv6) throw new UsageError("--ipv4 and --ipv6 both given: choose one (or neither, to take the first address the name has)");
  return a.ipv4 ? 4 : a.ipv6 ? 6 : undefined;
}

function probeOptions(y: Argv): Argv<ProbeArgs> {
  return familyOptions(y)
    .positional("host", { describe: "gateway address or name", type: "string", demandOption: true })
    .option("ike", { type: "string", array: true, describe: "Phase 1 transform set(s) in strongSwan syntax, e.g. aes256-sha256-modp2048 (repeatable; several algorithms of one kind expand to every combination)" })
    .option("trans", { type: "string", array: true, describe: "Phase 1 transform in ike-scan's numeric form enc[/bits],hash,auth,group, e.g. 7/256,4,1,14 = aes256-sha256-modp2048 with PSK (repeatable)" })
    .option("auth", { type: "string", default: "psk", choices: Object.keys(AUTH_TOKENS), describe: "authentication method offered with --ike" })
    .option("lifetime", { type: "string", default: "8h", describe: "Phase 1 lifetime offered (e.g. 8h, 30m, 3600)" })
    .option("psk-file", { type: "string", describe: "file holding the pre-shared key (first line); or set IKEPROBE_PSK" })
    .option("psk", { type: "string", describe: "the pre-shared key itself (discouraged: visible in the process list)" })
    .option("id", { type: "string", array: true, describe: "our identity TYPE:VALUE, TYPE one of ipv4, ipv6, fqdn, user-fqdn, keyid (default: our IP address); repeatable with --diagnose" })
    .option("diagnose", { type: "boolean", default: false, describe: "explain a failing identity exchange step by step: tries each --id and each PSK in --psk-file (one per line), and with --aggressive tests them against the gateway's Aggressive Mode hash" })
    .option("pace", { type: "number", default: 1, describe: "--diagnose: seconds between its probes" })
    .option("nat-t", { type: "string", default: "auto", choices: ["auto", "force", "off"] as const, describe: "NAT-Traversal: float to UDP 4500 when a NAT is detected (auto), always (force), never (off)" })
    .option("port", { type: "number", default: 500, describe: "gateway UDP port" })
    .option("source-port", { type: "number", default: 0, describe: "our UDP source port (0 = ephemeral; 500 needs root)" })
    .option("timeout", { type: "number", default: 5, describe: "seconds to wait for each answer, retransmissions included" })
    .option("retries", { type: "number", default: 2, describe: "retransmissions of each message before giving up" })
    .option("json", { type: "boolean", default: false, describe: "print one JSON document on stdout instead of tables" })
    .option("color", { type: "boolean", default: true, describe: "color the tables (--no-color or NO_COLOR turns it off)" })
    .option("show-keys", { type: "boolean", default: false, describe: "include the Phase 1 keys (SKEYID family, encryption key) in the report" })
    .option("keys", { type: "string", describe: "write the ISAKMP SA's key as Wireshark's ikev1_decryption_table file (a profile's file as is; each line also works as -o uat:ikev1_decryption_table:LINE)" })
    .option("esp-keys", { type: "string", describe: "write the ESP SAs' keys (both directions) as Wireshark's esp_sa file, for decrypting captured ESP" })
    .option("pcap", { type: "string", describe: "write every packet sent and received to this pcap file" })
    .option("esp", { type: "string", array: true, describe: "Quick Mode ESP proposal(s) in strongSwan syntax, e.g. aes256-sha256-modp2048 (PFS), aes128-sha1, aes128gcm16, null-sha256 (repeatable; each in its own Quick Mode)" })
    .option("ah", { type: "string", array: true, describe: "Quick Mode AH proposal(s), e.g. sha256 (repeatable)" })
    .option("esp-lifetime", { type: "string", default: "1h", describe: "IPsec SA lifetime offered: time, optionally /kilobytes (e.g. 1h, 8h/4000000)" })
    .option("mode", { type: "string", default: "tunnel", choices: ["tunnel", "transport"] as const, describe: "IPsec mode offered in Quick Mode" })
    .option("local-ts", { type: "string", describe: "our traffic selector (proxy ID): subnet, address or range, optionally [proto/port], e.g. 203.0.113.0/24[tcp/443]" })
    .option("remote-ts", { type: "string", describe: "the gateway's traffic selector, e.g. 198.51.100.0/24" })
    .option("vendor-ids", { type: "string", describe: "file of more vendor IDs to name: HEX[*] NAME per line (* = prefix)" })
    .option("aggressive", { type: "boolean", default: false, describe: "Aggressive Mode instead of Main Mode: our ID goes in message 1 and the gateway picks the PSK by it; without a PSK, reports the gateway's exposed hash" })
    .option("am3-clear", { type: "boolean", default: false, describe: "Aggressive Mode: send message 3 (HASH_I) unencrypted, for gateways that expect it so" })
    .option("save-hash", { type: "string", describe: "Aggressive Mode: write the gateway's HASH_R and its inputs to this file in psk-crack format (for ikeprobe psk-crack and psk-crack; hashcat 5300/5400 loads lines of groups under 2048 bits, see the finding)" })
    .option("xauth-user", { type: "string", describe: "answer the gateway's XAUTH request with this user name (with --xauth-password-file)" })
    .option("xauth-password-file", { type: "string", describe: "file holding the XAUTH password (first line); or set IKEPROBE_XAUTH_PASSWORD" })
    .option("mode-config", { type: "boolean", default: false, describe: "ask for Mode-Config attributes (address, DNS, domain, banner, split networks) after Phase 1; done anyway after XAUTH" })
    .option("dpd", { type: "boolean", default: false, describe: "after Phase 1, send a Dead Peer Detection R-U-THERE and report the gateway's R-U-THERE-ACK and round trip" })
    .option("hold", { type: "number", default: 0, describe: "keep the authenticated SA up this many seconds before deleting it (Ctrl-C ends the hold and still cleans up)" }) as unknown as Argv<ProbeArgs>;
}

/** Every line of a secret file as bytes (LF or CR LF removed), with its line number. */
function secretLines(option: string, file: string): { line: number; bytes: Buffer }[] {
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const out: { line: number; bytes: Buffer }[] = [];
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf(0x0a, start);
    if (end < 0) end = text.length;
    let bytes = text.subarray(start, end);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    out.push({ line, bytes: Buffer.from(bytes) });
    start = end + 1;
  }
  return out;
}

/** The first line of a secret file, without its line ending. */
function firstLine(option: string, file: string): Buffer {
  const first = secretLines(option, file)[0]!.bytes;
  if (first.length === 0) throw new UsageError(`${option} ${file}: the first line is empty; put the secret there`);
  return first;
}

function readPsk(a: ProbeArgs, io: IO): Buffer | undefined {
  if (a["psk-file"] !== undefined && a.psk !== undefined) throw new UsageError("--psk-file and --psk both given: use one (--psk-file is safer)");
  if (a["psk-file"] !== undefined) return firstLine("--psk-file", a["psk-file"]);
  if (a.psk !== undefined) {
    if (a.psk === "") throw new UsageError("--psk: empty key; give the pre-shared key or use --psk-file");
    io.stderr("ikeprobe: warning: --psk shows the key in the process list; prefer --psk-file or IKEPROBE_PSK\n");
    return Buffer.from(a.psk, "utf8");
  }
  const env = io.env.IKEPROBE_PSK;
  if (env !== undefined && env !== "") return Buffer.from(env, "utf8");
  return undefined;
}

function intOption(name: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} ${v}: must be a whole number from ${min} to ${max}`);
  return v;
}

export function buildProbeOptions(a: ProbeArgs, io: IO): ProbeOptions {
  const lifetime = parseDuration(a.lifetime, "--lifetime");
  const auth = AUTH_TOKENS[a.auth]!;
  const transforms: Phase1Transform[] = [];
  for (const p of a.ike ?? []) transforms.push(...parseIkeProposal(p, auth, lifetime));
  for (const t of a.trans ?? []) transforms.push(parseTrans(t, lifetime));
  if (transforms.length === 0) for (const p of DEFAULT_IKE_PROPOSALS) transforms.push(...parseIkeProposal(p, auth, lifetime));
  const timeout = a.timeout;
  if (!(timeout > 0 && timeout <= 300)) throw new UsageError(`--timeout ${timeout}: must be more than 0 and at most 300 seconds`);
  const opts: ProbeOptions = {
    host: a.host,
    port: intOption("port", a.port, 1, 65535),
    transforms,
    natT: a["nat-t"],
    sourcePort: intOption("source-port", a["source-port"], 0, 65535),
    timeoutMs: timeout * 1000,
    retries: intOption("retries", a.retries, 0, 10),
    showKeys: a["show-keys"],
  };
  const fam = family(a);
  if (fam !== undefined) opts.family = fam;
  const psk = readPsk(a, io);
  if (psk !== undefined) opts.psk = psk;
  const ids = a.id ?? [];
  if (ids.length > 1 && !a.diagnose) throw new UsageError("--id given more than once: several identities are tried only with --diagnose");
  if (ids[0] !== undefined) opts.localId = parseIdentity(ids[0]);
  if (a.keys !== undefined) opts.keysFile = a.keys;
  if (a["esp-keys"] !== undefined) {
    if ((a.esp ?? []).length === 0) throw new UsageError("--esp-keys holds the keys of ESP SAs: add Quick Mode proposals with --esp");
    opts.espKeysFile = a["esp-keys"];
  }
  if (a.pcap !== undefined) opts.pcapFile = a.pcap;
  if ((a.esp ?? []).length > 0 || (a.ah ?? []).length > 0) {
    if (opts.psk === undefined) throw new UsageError("--esp/--ah need an authenticated Phase 1: give the PSK with --psk-file (or IKEPROBE_PSK)");
    const life = parseEspLifetime(a["esp-lifetime"], parseDuration);
    const base = { lifetimeSeconds: life.seconds, mode: a.mode, ...(life.kilobytes !== undefined ? { lifetimeKilobytes: life.kilobytes } : {}) };
    const proposals = [...(a.esp ?? []).flatMap((t) => parsePhase2Proposal("esp", t, base)), ...(a.ah ?? []).flatMap((t) => parsePhase2Proposal("ah", t, base))];
    const phase2: NonNullable<ProbeOptions["phase2"]> = { proposals };
    if (a["local-ts"] !== undefined) phase2.localTs = parseTrafficSelector(a["local-ts"], "--local-ts");
    if (a["remote-ts"] !== undefined) phase2.remoteTs = parseTrafficSelector(a["remote-ts"], "--remote-ts");
    opts.phase2 = phase2;
  } else if (a["local-ts"] !== undefined || a["remote-ts"] !== undefined) {
    throw new UsageError("--local-ts/--remote-ts apply to Quick Mode: add the proposals with --esp or --ah");
  }
  if (!(a.hold >= 0 && a.hold <= 86400)) throw new UsageError(`--hold ${a.hold}: must be from 0 to 86400 seconds`);
  if (a.hold > 0) opts.holdSeconds = a.hold;
  if (a["am3-clear"] && !a.aggressive) throw new UsageError("--am3-clear applies to Aggressive Mode: add --aggressive");
  if (a["save-hash"] !== undefined && !a.aggressive) throw new UsageError("--save-hash needs --aggressive: only Aggressive Mode exposes the gateway's hash");
  if (a.aggressive) opts.aggressive = true;
  if (a["am3-clear"]) opts.am3Clear = true;
  if (a["save-hash"] !== undefined) opts.saveHashFile = a["save-hash"];
  if (a["xauth-user"] !== undefined || a["xauth-password-file"] !== undefined) {
    if (a["xauth-user"] === undefined || a["xauth-user"] === "") throw new UsageError("--xauth-password-file needs --xauth-user NAME");
    const envPassword = io.env.IKEPROBE_XAUTH_PASSWORD;
    const password =
      a["xauth-password-file"] !== undefined ? firstLine("--xauth-password-file", a["xauth-password-file"]) : envPassword !== undefined && envPassword !== "" ? Buffer.from(envPassword, "utf8") : undefined;
    if (password === undefined) throw new UsageError("--xauth-user needs the password: --xauth-password-file FILE (or IKEPROBE_XAUTH_PASSWORD)");
    if (opts.psk === undefined) throw new UsageError("XAUTH follows an authenticated Phase 1: give the PSK with --psk-file (or IKEPROBE_PSK)");
    opts.xauth = { user: a["xauth-user"], password };
  }
  if (a["mode-config"]) opts.modeConfig = true;
  if (a.dpd) opts.dpd = true;
  if ((a["mode-config"] || a.dpd) && opts.psk === undefined) throw new UsageError(`${a.dpd ? "--dpd" : "--mode-config"} runs under an authenticated Phase 1: give the PSK with --psk-file (or IKEPROBE_PSK)`);
  return opts;
}

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

async function runDiagnoseCommand(a: ProbeArgs, io: IO): Promise<number> {
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
  const candidates = readPskCandidates(a, io);
  // The PSKs are the candidates above: the probe options carry none (so none is read twice).
  const rest: ProbeArgs = { ...a, id: (a.id ?? []).slice(0, 1), aggressive: false };
  delete rest["psk-file"];
  delete rest.psk;
  const opts = buildProbeOptions(rest, { ...io, env: { ...io.env, IKEPROBE_PSK: "" } });
  const ids = (a.id ?? []).map((t) => parseIdentity(t));
  const { runDiagnose } = await import("../diagnose.js");
  const report = await withSpinner(io, !a.json, `diagnosing ${a.host}`, (progress) =>
    runDiagnose({ probe: opts, ids, candidates, allowAggressive: a.aggressive, paceMs: a.pace * 1000, onProgress: progress }),
  );
  const color = a.color && io.env.NO_COLOR === undefined && io.isTTY;
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { renderDiagnosis } = await import("../report/render-diagnosis.js");
    io.stdout(renderDiagnosis(report, color));
  }
  return report.exitCode;
}

async function runProbeCommand(a: ProbeArgs, io: IO): Promise<number> {
  if (a.diagnose) return runDiagnoseCommand(a, io);
  const opts = buildProbeOptions(a, io);
  await loadVendorIds(a["vendor-ids"]);
  const color = a.color && io.env.NO_COLOR === undefined && io.isTTY;
  const { runProbe } = await import("../probe.js");
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
  let report: Report;
  try {
    report = await withSpinner(io, !a.json, `probing ${a.host}`, (progress) => {
      opts.onProgress = progress;
      return runProbe(opts);
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (a.json) {
    const { renderJson } = await import("../report/render-json.js");
    io.stdout(renderJson(report));
  } else {
    const { renderTable } = await import("../report/render-table.js");
    io.stdout(renderTable(report, color));
  }
  return report.exitCode;
}

interface ScanArgs {
  /** Positional targets (`--targets` is the file option). */
  hosts?: string[];
  targets?: string;
  catalogue?: string;
  aggressive: boolean;
  ikev2: boolean;
  release: boolean;
  json: boolean;
  jsonl: boolean;
  color: boolean;
  port: number;
  "max-packet": number;
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
}

/** `--vendor-ids FILE`: register more names before anything is named. */
async function loadVendorIds(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`--vendor-ids ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const { parseVendorIdFile, addVendorIds } = await import("../data/vendor-ids.js");
  const { entries, errors } = parseVendorIdFile(text);
  if (errors.length > 0) throw new UsageError(`--vendor-ids ${file}: ${errors[0]}`);
  addVendorIds(entries);
}

function scanOptions(y: Argv, check: boolean): Argv<ScanArgs> {
  return familyOptions(y)
    .positional("hosts", { describe: "gateway addresses, names or IPv4 networks (CIDR, at most /20)", type: "string", array: true })
    .option("targets", { type: "string", describe: "file with more targets, one per line (# comments)" })
    .option("catalogue", { type: "string", describe: `what to offer: full (every combination known, thousands), common, or a file of --ike proposals (one per line, optionally followed by auth methods)${check ? "; default: the policy's, else full" : "; default full"}` })
    .option("aggressive", { type: "boolean", default: false, describe: "also test Aggressive Mode, one DH group per exchange (the KE must match the group)" + (check ? "; implied by \"aggressive\": \"forbid\" in the policy" : "") })
    .option("ikev2", { type: "boolean", default: true, describe: "also detect IKEv2 (one IKE_SA_INIT); --no-ikev2 to skip" })
    .option("release", { type: "boolean", default: true, describe: "end each accepted exchange at once with a message 3 the gateway must refuse, so no half-open SA stays; --no-release leaves them and paces for them" })
    .option("json", { type: "boolean", default: false, describe: "one JSON document on stdout" })
    .option("jsonl", { type: "boolean", default: false, describe: "one JSON line per target on stdout, as each finishes" })
    .option("color", { type: "boolean", default: true, describe: "color the tables (--no-color or NO_COLOR turns it off)" })
    .option("port", { type: "number", default: 500, describe: "gateway UDP port" })
    .option("max-packet", { type: "number", default: 1500, describe: "largest IP packet to send: message 1 is filled with transforms up to this size (1500: no fragmentation on an Ethernet path)" })
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
    .option("vendor-ids", { type: "string", describe: "file of more vendor IDs to name and fingerprint with: HEX[*] NAME per line (* = prefix)" }) as unknown as Argv<ScanArgs>;
}

async function buildScanOptions(a: ScanArgs, catalogueSpec: string, extra: CatalogueEntry[]): Promise<ScanOptions> {
  const { loadCatalogue } = await import("../scan/catalogue.js");
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
  const catalogue = loadCatalogue(catalogueSpec);
  const seen = new Set(catalogue.map((e) => `${e.proposal}/${e.auth}`));
  for (const e of extra) if (!seen.has(`${e.proposal}/${e.auth}`)) catalogue.push(e);
  if (!(a.timeout > 0 && a.timeout <= 300)) throw new UsageError(`--timeout ${a.timeout}: must be more than 0 and at most 300 seconds`);
  if (!(a["half-open-timeout"] >= 0 && a["half-open-timeout"] <= 3600)) throw new UsageError(`--half-open-timeout ${a["half-open-timeout"]}: must be 0 to 3600 seconds`);
  if (!(a.rate >= 0)) throw new UsageError(`--rate ${a.rate}: must be 0 (no limit) or more messages per second`);
  const o: ScanOptions = {
    targets,
    port: intOption("port", a.port, 1, 65535),
    catalogue,
    catalogueName: catalogueSpec,
    aggressive: a.aggressive,
    ikev2: a.ikev2,
    release: a.release,
    maxPacket: intOption("max-packet", a["max-packet"], 576, 65535),
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
  return o;
}

/**
 * Ctrl-C (or SIGTERM) during a scan: stop asking, report what is known (the rest unknown), exit 130.
 * A second Ctrl-C leaves at once.
 */
async function interruptible<T>(io: IO, opts: ScanOptions, run: () => Promise<T>): Promise<T> {
  const abort = new AbortController();
  opts.signal = abort.signal;
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    io.stderr("\nikeprobe: interrupted; finishing the exchanges under way, then the report (Ctrl-C again to quit at once)\n");
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await run();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** An ora spinner on stderr while `run` works: only on a terminal, and not with JSON output. */
async function withSpinner<T>(io: IO, enabled: boolean, text: string, run: (progress: (t: string) => void) => Promise<T>): Promise<T> {
  let spinner: { text: string; start(): unknown; stop(): unknown } | undefined;
  if (enabled && io.isTTY && process.stderr.isTTY) {
    const { default: ora } = await import("ora");
    spinner = ora({ stream: process.stderr, text, color: "cyan", isEnabled: true });
    spinner.start();
  }
  try {
    return await run((t) => {
      if (spinner) spinner.text = t;
    });
  } finally {
    spinner?.stop();
  }
}

async function runScanCommand(a: ScanArgs, io: IO): Promise<number> {
  const opts = await buildScanOptions(a, a.catalogue ?? "full", []);
  await loadVendorIds(a["vendor-ids"]);
  const color = a.color && io.env.NO_COLOR === undefined && io.isTTY;
  const { runScan } = await import("../scan/scan.js");
  const { VERSION } = await import("../probe.js");
  if (a.jsonl) opts.onTarget = (t) => io.stdout(`${JSON.stringify(t)}\n`);
  const report = await interruptible(io, opts, () =>
    withSpinner(io, !a.json && !a.jsonl, `scanning ${opts.targets.length} target(s)`, (progress) => {
      opts.onProgress = progress;
      return runScan(opts, VERSION);
    }),
  );
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (!a.jsonl) {
    const { renderScanTable } = await import("../report/render-scan.js");
    io.stdout(renderScanTable(report, color));
  }
  return opts.signal?.aborted === true ? ExitCode.INTERRUPTED : report.exitCode;
}

async function runCheckCommand(a: ScanArgs, io: IO): Promise<number> {
  const { loadPolicy, requiredEntries, evaluate, junit } = await import("../scan/policy.js");
  if (a.policy === undefined) throw new UsageError("--policy FILE is required: the policy to hold the gateway to (see examples/policies/)");
  if (a.jsonl) throw new UsageError("--jsonl is for scan; check prints one report (--json)");
  const policy = loadPolicy(a.policy);
  await loadVendorIds(a["vendor-ids"]);
  const opts = await buildScanOptions(a, a.catalogue ?? policy.catalogue, requiredEntries(policy));
  if (policy.aggressive === "forbid") opts.aggressive = true;
  const color = a.color && io.env.NO_COLOR === undefined && io.isTTY;
  const { runScan } = await import("../scan/scan.js");
  const { VERSION } = await import("../probe.js");
  const scan = await interruptible(io, opts, () =>
    withSpinner(io, !a.json, `checking ${opts.targets.length} target(s) against ${a.policy}`, (progress) => {
      opts.onProgress = progress;
      return runScan(opts, VERSION);
    }),
  );
  const targets = scan.targets.map((t) => evaluate(policy, t));
  const allSilent = scan.targets.every((t) => t.status === "no-answer" || t.status === "error");
  const report: CheckReport = {
    tool: scan.tool,
    startedAt: scan.startedAt,
    policy: { ...policy, file: a.policy },
    targets,
    exitCode: allSilent ? ExitCode.NO_ANSWER : targets.every((t) => t.compliant) ? ExitCode.OK : ExitCode.STEP_FAILED,
  };
  if (a.junit !== undefined) {
    try {
      writeFileSync(a.junit, junit(report));
    } catch (e) {
      throw new UsageError(`--junit ${a.junit}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
    }
  }
  if (a.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { renderCheckTable } = await import("../report/render-scan.js");
    io.stdout(renderCheckTable(report, color));
  }
  return opts.signal?.aborted === true ? ExitCode.INTERRUPTED : report.exitCode;
}

interface CrackArgs {
  file: string;
  wordlist?: string[];
  "psk-candidates"?: string[];
  threads?: number;
  redact: boolean;
  json: boolean;
  color: boolean;
}

async function runCrackCommand(a: CrackArgs, io: IO): Promise<number> {
  const sources = [...(a["psk-candidates"] ?? []).map((path) => ({ option: "--psk-candidates", path })), ...(a.wordlist ?? []).map((path) => ({ option: "--wordlist", path }))];
  if (sources.length === 0) throw new UsageError("psk-crack needs candidates: --wordlist FILE (one candidate per line) or --psk-candidates FILE");
  if (a.threads !== undefined) intOption("threads", a.threads, 1, 64);
  let text: string;
  try {
    text = readFileSync(a.file, "utf8");
  } catch (e) {
    throw new UsageError(`${a.file}: cannot read the hash file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const { parsePskCrackFile } = await import("../crack/hash-file.js");
  const hashes = parsePskCrackFile(text, a.file);
  const { runCrack } = await import("../crack/crack.js");
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  process.on("SIGINT", onSignal);
  const color = a.color && io.env.NO_COLOR === undefined && io.isTTY;
  let result;
  try {
    result = await withSpinner(io, !a.json, `testing candidates against ${hashes.length} hash(es)`, (progress) =>
      runCrack({
        hashes,
        sources,
        ...(a.threads !== undefined ? { threads: a.threads } : {}),
        signal: abort.signal,
        onProgress: (p) =>
          progress(`${p.tested.toLocaleString("en")} candidates, ${Math.round(p.perSecond).toLocaleString("en")}/s, ${(p.fraction * 100).toFixed(1)}% read${p.etaSeconds !== null ? `, ETA ${formatEta(p.etaSeconds)}` : ""}`),
      }),
    );
  } finally {
    process.off("SIGINT", onSignal);
  }
  if (a.redact) for (const h of result.hashes) {
    delete h.psk;
    delete h.pskHex;
  }
  const exitCode = result.hashes.every((h) => h.found) ? ExitCode.OK : ExitCode.STEP_FAILED;
  const { VERSION } = await import("../probe.js");
  const { renderCrack } = await import("../report/render-crack.js");
  if (a.json) io.stdout(`${JSON.stringify({ tool: { name: "ikeprobe", version: VERSION }, file: a.file, ...result, exitCode }, null, 2)}\n`);
  else io.stdout(renderCrack(result, a.file, color));
  return exitCode;
}

function formatEta(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** The terminal's width, else COLUMNS (set by shells, also for pipes), else 100; at most 110, at least 40. */
function helpWidth(io: IO): number {
  const cols = process.stdout.columns ?? Number(io.env.COLUMNS);
  return Number.isFinite(cols) && cols > 0 ? Math.max(40, Math.min(110, Math.floor(cols))) : 100;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[] = hideBin(process.argv), io?: Partial<IO>): Promise<number> {
  const fullIo: IO = {
    stdout: io?.stdout ?? ((s) => void process.stdout.write(s)),
    stderr: io?.stderr ?? ((s) => void process.stderr.write(s)),
    env: io?.env ?? process.env,
    isTTY: io?.isTTY ?? Boolean(process.stdout.isTTY),
  };
  let code: number = ExitCode.OK;
  let jsonMode = argv.includes("--json");
  const parser = yargs(argv)
    .scriptName("ikeprobe")
    .usage("$0 [probe] <host> [options]\n\nOffers IKEv1 Phase 1 transform sets to a gateway (Main Mode), completes the identity exchange with a pre-shared key, and reports what the gateway accepted.")
    .command(["probe <host>", "$0 <host>"], "probe a gateway (the default command)", probeOptions, async (a) => {
      jsonMode = a.json;
      code = await runProbeCommand(a as unknown as ProbeArgs, fullIo);
    })
    .command("scan [hosts..]", "every Phase 1 transform the gateway(s) accept, rated, in a handful of exchanges", (y) => scanOptions(y, false), async (a) => {
      jsonMode = a.json;
      code = await runScanCommand(a as unknown as ScanArgs, fullIo);
    })
    .command(
      "check [hosts..]",
      "scan and hold the gateway(s) to a policy; exit 1 when one does not comply",
      (y) =>
        scanOptions(y, true)
          .option("policy", { type: "string", describe: "policy file (JSON: require, forbid, maxSeverity, aggressive; see examples/policies/)" })
          .option("junit", { type: "string", describe: "write a JUnit XML report to this file" }),
      async (a) => {
        jsonMode = a.json;
        code = await runCheckCommand(a as unknown as ScanArgs, fullIo);
      },
    )
    .command(
      "psk-crack <file>",
      "test candidate PSKs offline against Aggressive Mode hashes saved with --save-hash (psk-crack format; MD5, SHA1, SHA-2)",
      (y) =>
        y
          .positional("file", { type: "string", describe: "hash file: g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r per line", demandOption: true })
          .option("wordlist", { type: "string", array: true, describe: "word list, one candidate PSK per line (repeatable; streamed, any size)" })
          .option("psk-candidates", { type: "string", array: true, describe: "a short list of candidate PSKs, one per line (tried first)" })
          .option("threads", { type: "number", describe: "worker threads (default: one per core)" })
          .option("redact", { type: "boolean", default: false, describe: "do not print the PSK found, only where it is (file and line)" })
          .option("json", { type: "boolean", default: false, describe: "one JSON document on stdout" })
          .option("color", { type: "boolean", default: true, describe: "color the table (--no-color or NO_COLOR turns it off)" }),
      async (a) => {
        jsonMode = a.json;
        code = await runCrackCommand(a as unknown as CrackArgs, fullIo);
      },
    )
    .example("$0 198.18.1.1 --ike aes256-sha256-modp2048 --ike 3des-sha1-modp1024 --psk-file psk.txt --id fqdn:client.example", "test two offers and the PSK")
    .example("$0 scan 198.18.1.1 --catalogue full --aggressive", "everything the gateway accepts, rated")
    .example("$0 check 198.18.1.1 --policy examples/policies/strict-modern.json --junit report.xml", "CI: pass or fail against a policy")
    .example("$0 probe 198.18.1.1 --ike aes256-sha256-modp2048 --json", "JSON report on stdout")
    .example("$0 GW --psk-file psk.txt --esp aes256-sha256-modp2048 --esp aes128-sha1 --local-ts 203.0.113.0/24 --remote-ts 198.51.100.0/24", "test Quick Mode proposals for that traffic")
    .example("$0 GW --aggressive --id fqdn:vpn.example --save-hash gw.hash && $0 psk-crack gw.hash --wordlist words.txt", "audit: is the Aggressive Mode PSK in a word list?")
    .epilogue(`${EXIT_CODES}\n\nThe PSK never appears in output, JSON, key files or captures (psk-crack prints the key it finds, unless --redact).`)
    .strict()
    .demandCommand(1, "give the gateway's address, e.g. ikeprobe 198.18.1.1")
    .help()
    .alias("h", "help")
    .version(false)
    .option("version", { type: "boolean", describe: "show the version" })
    .wrap(helpWidth(fullIo))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  if (argv.includes("--version")) {
    const { VERSION } = await import("../probe.js");
    fullIo.stdout(`${VERSION}\n`);
    return ExitCode.OK;
  }
  // Tables fit the terminal they are shown on; piped or redirected, they keep their natural width.
  if (fullIo.isTTY && process.stdout.columns !== undefined) {
    const { setTableWidth } = await import("../report/render-table.js");
    setTableWidth(process.stdout.columns);
  }
  // A bug that surfaces in a socket callback must still end as "internal error", exit code 4.
  const onUncaught = (e: unknown): void => {
    fullIo.stderr(`ikeprobe: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(ExitCode.INTERNAL);
  };
  process.once("uncaughtException", onUncaught);
  try {
    const first = argv.find((a) => !a.startsWith("-"));
    if (first !== "scan" && first !== "check" && first !== "psk-crack" && !argv.some((a) => !a.startsWith("-") && a !== "probe") && !argv.some((a) => a === "--help" || a === "-h")) {
      throw new UsageError("give the gateway's address, e.g. ikeprobe 198.18.1.1 --ike aes256-sha256-modp2048");
    }
    let helpShown = false;
    await parser.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) {
        helpShown = true;
        fullIo.stdout(`${output}\n`);
      }
    });
    if (helpShown) return ExitCode.OK;
    return code;
  } catch (e) {
    return reportError(e, fullIo, jsonMode);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
}

function reportError(e: unknown, io: IO, json: boolean): number {
  let code: number;
  let message: string;
  if (e instanceof UsageError || (e instanceof Error && e.name === "YError")) {
    code = ExitCode.USAGE;
    message = `${e.message}\nRun ikeprobe --help for the options.`;
  } else if (e instanceof NetworkError) {
    code = ExitCode.NO_ANSWER;
    message = e.message;
  } else if (e instanceof IkeprobeError) {
    code = ExitCode.STEP_FAILED;
    message = e.message;
  } else {
    code = ExitCode.INTERNAL;
    message = `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  io.stderr(`ikeprobe: ${message}\n`);
  if (json) io.stdout(`${JSON.stringify({ error: { code: e instanceof IkeprobeError ? e.code : "internal", message: message.split("\n")[0] }, exitCode: code }, null, 2)}\n`);
  return code;
}

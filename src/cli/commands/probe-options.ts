/**
 * The probe's command line: its options (for yargs and the fast path alike), and the parsed
 * arguments turned into the API's ProbeOptions. Shared by the probe and --diagnose commands.
 */
import type { Argv } from "yargs";
import { AUTH_TOKENS, DEFAULT_IKE_PROPOSALS, type Phase1Transform, parseDuration, parseIkeProposal, parseTrans } from "../../config/ike.js";
import { parseIdentity } from "../../config/identity.js";
import { parseEspLifetime, parsePhase2Proposal } from "../../config/esp.js";
import { parseTrafficSelector } from "../../config/traffic-selector.js";
import { UsageError } from "../../errors.js";
import type { ProbeOptions } from "../../probe/probe.js";
import { type IO, family, familyOptions, firstLine, intOption } from "../io.js";
import { type OptionSpec, withOptions } from "../options.js";
import { CERTIFICATE_OPTIONS, type CertificateArgs, readCertificateOptions, readFragmentation } from "../certificates.js";

export interface ProbeArgs extends CertificateArgs {
  host: string;
  ike?: string[];
  trans?: string[];
  auth: string;
  lifetime: string;
  "psk-file"?: string;
  psk?: string;
  id?: string[];
  "remote-id"?: string;
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
  ikev2: boolean;
}

/** Every option of the probe command, for yargs and for the fast path alike (cli/options.ts). */
export const PROBE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  ikev2: { type: "boolean", default: false, describe: "IKEv2: one IKE_SA_INIT per --ike offer (strongSwan's IKEv2 syntax, e.g. aes256gcm16-prfsha256-ecp256), the transforms the gateway chose and the extensions it announces; with a PSK or a certificate, IKE_AUTH on the first accepted offer (with --esp: CHILD SAs), then DELETE" },
  ike: { type: "string", array: true, describe: "Phase 1 transform set(s) in strongSwan syntax, e.g. aes256-sha256-modp2048 (repeatable; several algorithms of one kind expand to every combination)" },
  trans: { type: "string", array: true, describe: "Phase 1 transform in ike-scan's numeric form enc[/bits],hash,auth,group, e.g. 7/256,4,1,14 = aes256-sha256-modp2048 with PSK (repeatable)" },
  auth: { type: "string", default: "psk", choices: [...Object.keys(AUTH_TOKENS), "eap"], describe: "authentication method offered with --ike; with --ikev2: our AUTH (psk, rsa, ecdsa256/384/521), or eap to ask which EAP method the gateway wants" },
  lifetime: { type: "string", default: "8h", describe: "Phase 1 lifetime offered (e.g. 8h, 30m, 3600)" },
  "psk-file": { type: "string", describe: "file holding the pre-shared key (first line); or set IKEPROBE_PSK" },
  psk: { type: "string", describe: "the pre-shared key itself (discouraged: visible in the process list)" },
  id: { type: "string", array: true, describe: "our identity TYPE:VALUE, TYPE one of ipv4, ipv6, fqdn, user-fqdn, keyid (default: our IP address; with --cert, its subject DN); repeatable with --diagnose" },
  "remote-id": { type: "string", describe: "IKEv2: the gateway's identity TYPE:VALUE sent as IDr, which many gateways need to pick the connection (TYPE as for --id)" },
  diagnose: { type: "boolean", default: false, describe: "explain a failing identity exchange step by step: tries each --id and each PSK in --psk-file (one per line), and with --aggressive tests them against the gateway's Aggressive Mode hash" },
  pace: { type: "number", default: 1, describe: "--diagnose: seconds between its probes" },
  "nat-t": { type: "string", default: "auto", choices: ["auto", "force", "off"] as const, describe: "NAT-Traversal: float to UDP 4500 when a NAT is detected (auto), always (force), never (off)" },
  port: { type: "number", default: 500, describe: "gateway UDP port" },
  "source-port": { type: "number", default: 0, describe: "our UDP source port (0 = ephemeral; 500 needs root)" },
  timeout: { type: "number", default: 5, describe: "seconds to wait for each answer, retransmissions included" },
  retries: { type: "number", default: 2, describe: "retransmissions of each message before giving up" },
  json: { type: "boolean", default: false, describe: "print one JSON document on stdout instead of tables" },
  color: { type: "boolean", default: true, describe: "color the tables (--no-color or NO_COLOR turns it off)" },
  "show-keys": { type: "boolean", default: false, describe: "include the Phase 1 keys (SKEYID family, encryption key) in the report" },
  keys: { type: "string", describe: "write the ISAKMP SA's key as Wireshark's ikev1_decryption_table file, with --ikev2 the IKE SA's keys as its ikev2_decryption_table (a profile's file as is; each line also works as -o uat:TABLE:LINE)" },
  "esp-keys": { type: "string", describe: "write the ESP SAs' keys (both directions) as Wireshark's esp_sa file, for decrypting captured ESP" },
  pcap: { type: "string", describe: "write every packet sent and received to this pcap file" },
  esp: { type: "string", array: true, describe: "Quick Mode ESP proposal(s) in strongSwan syntax, e.g. aes256-sha256-modp2048 (PFS), aes128-sha1, aes128gcm16, null-sha256 (repeatable; each in its own Quick Mode); with --ikev2 CHILD SAs: the first in IKE_AUTH, each further one in CREATE_CHILD_SA" },
  ah: { type: "string", array: true, describe: "Quick Mode AH proposal(s), e.g. sha256 (repeatable)" },
  "esp-lifetime": { type: "string", default: "1h", describe: "IPsec SA lifetime offered: time, optionally /kilobytes (e.g. 1h, 8h/4000000)" },
  mode: { type: "string", default: "tunnel", choices: ["tunnel", "transport"] as const, describe: "IPsec mode offered in Quick Mode" },
  "local-ts": { type: "string", describe: "our traffic selector (proxy ID): subnet, address or range, optionally [proto/port], e.g. 203.0.113.0/24[tcp/443]" },
  "remote-ts": { type: "string", describe: "the gateway's traffic selector, e.g. 198.51.100.0/24" },
  "vendor-ids": { type: "string", describe: "file of more vendor IDs to name: HEX[*] NAME per line (* = prefix)" },
  aggressive: { type: "boolean", default: false, describe: "Aggressive Mode instead of Main Mode: our ID goes in message 1 and the gateway picks the PSK by it; without a PSK, reports the gateway's exposed hash" },
  "am3-clear": { type: "boolean", default: false, describe: "Aggressive Mode: send message 3 (HASH_I) unencrypted, for gateways that expect it so" },
  "save-hash": { type: "string", describe: "Aggressive Mode: write the gateway's HASH_R and its inputs to this file in psk-crack format (for ikeprobe psk-crack and psk-crack; hashcat 5300/5400 loads lines of groups under 2048 bits, see the finding)" },
  "xauth-user": { type: "string", describe: "answer the gateway's XAUTH request with this user name (with --xauth-password-file)" },
  "xauth-password-file": { type: "string", describe: "file holding the XAUTH password (first line); or set IKEPROBE_XAUTH_PASSWORD" },
  "mode-config": { type: "boolean", default: false, describe: "ask for Mode-Config attributes (address, DNS, domain, banner, split networks) after Phase 1; done anyway after XAUTH" },
  dpd: { type: "boolean", default: false, describe: "after Phase 1, send a Dead Peer Detection R-U-THERE and report the gateway's R-U-THERE-ACK and round trip" },
  hold: { type: "number", default: 0, describe: "keep the authenticated SA up this many seconds before deleting it (Ctrl-C ends the hold and still cleans up)" },
  ...CERTIFICATE_OPTIONS,
};

export function probeOptions(y: Argv): Argv<ProbeArgs> {
  return withOptions(familyOptions(y).positional("host", { describe: "gateway address or name", type: "string", demandOption: true }), PROBE_OPTIONS) as unknown as Argv<ProbeArgs>;
}

export function readPsk(a: ProbeArgs, io: IO): Buffer | undefined {
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

export function buildProbeOptions(a: ProbeArgs, io: IO): ProbeOptions {
  const lifetime = parseDuration(a.lifetime, "--lifetime");
  if (a.auth === "eap") throw new UsageError("--auth eap is IKEv2's (IKE_AUTH without AUTH): add --ikev2; IKEv1 authenticates users with XAUTH (--xauth-user)");
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
  opts.fragmentation = readFragmentation(a);
  const certificates = readCertificateOptions(a, transforms);
  if (certificates !== undefined) opts.certificates = certificates;
  // What the steps under an authenticated Phase 1 need: a PSK, or our certificate and key.
  const credentials = opts.psk !== undefined || opts.certificates?.key !== undefined;
  const needCredentials = opts.certificates !== undefined ? "give our certificate and key with --cert and --key" : "give the PSK with --psk-file (or IKEPROBE_PSK)";
  if (a["remote-id"] !== undefined) throw new UsageError("--remote-id is IKEv2's IDr: add --ikev2 (IKEv1's Main and Aggressive Mode send no responder ID)");
  const ids = a.id ?? [];
  if (ids.length > 1 && !a.diagnose) throw new UsageError("--id given more than once: several identities are tried only with --diagnose");
  if (ids[0] !== undefined) opts.localId = parseIdentity(ids[0]);
  if (a["esp-keys"] !== undefined) {
    if ((a.esp ?? []).length === 0) throw new UsageError("--esp-keys holds the keys of ESP SAs: add Quick Mode proposals with --esp");
  }
  if ((a.esp ?? []).length > 0 || (a.ah ?? []).length > 0) {
    if (!credentials) throw new UsageError(`--esp/--ah need an authenticated Phase 1: ${needCredentials}`);
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
  if (a["save-hash"] !== undefined) opts.captureHash = true;
  if (a["xauth-user"] !== undefined || a["xauth-password-file"] !== undefined) {
    if (a["xauth-user"] === undefined || a["xauth-user"] === "") throw new UsageError("--xauth-password-file needs --xauth-user NAME");
    const envPassword = io.env.IKEPROBE_XAUTH_PASSWORD;
    const password =
      a["xauth-password-file"] !== undefined ? firstLine("--xauth-password-file", a["xauth-password-file"]) : envPassword !== undefined && envPassword !== "" ? Buffer.from(envPassword, "utf8") : undefined;
    if (password === undefined) throw new UsageError("--xauth-user needs the password: --xauth-password-file FILE (or IKEPROBE_XAUTH_PASSWORD)");
    if (!credentials) throw new UsageError(`XAUTH follows an authenticated Phase 1: ${needCredentials}`);
    opts.xauth = { user: a["xauth-user"], password };
  }
  if (a["mode-config"]) opts.modeConfig = true;
  if (a.dpd) opts.dpd = true;
  if ((a["mode-config"] || a.dpd) && !credentials) throw new UsageError(`${a.dpd ? "--dpd" : "--mode-config"} runs under an authenticated Phase 1: ${needCredentials}`);
  return opts;
}

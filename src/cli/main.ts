/**
 * The command line: registers the commands (src/cli/commands/) and runs one. The CLI is the only
 * part that reads process.env, writes stdout/stderr or sets the exit code. Data goes to stdout;
 * progress and diagnostics to stderr; `--json` stdout is pure JSON.
 *
 * This is the full CLI bundle's entry (dist/ikeprobe.cjs). A well-formed probe command line runs
 * from the smaller fast bundle instead (cli/fast.ts, dist/ikeprobe-fast.cjs); both share run.ts.
 */
import type { Argv } from "yargs";
import { UsageError } from "../errors.js";
import { ExitCode } from "../report/model/probe.js";
import { type CrackArgs, crackOptions, fastCrackArgs, runCrackCommand } from "./commands/psk-crack.js";
import { type ProbeArgs, probeOptions } from "./commands/probe-options.js";
import { runProbeCommand } from "./commands/probe.js";
import { type ScanArgs, runScanCommand, scanOptions } from "./commands/scan.js";
import { checkOptions, runCheckCommand } from "./commands/check.js";
import { EXIT_CODES, type IO, helpWidth } from "./io.js";
import { runCli } from "./run.js";
import { COMPLETION_FLAG, completionScript } from "./completion.js";

export { buildProbeOptions } from "./commands/probe-options.js";
export { fastProbeArgs } from "./run.js";

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export function main(argv: string[] = process.argv.slice(2), io?: Partial<IO>): Promise<number> {
  return runCli(argv, io, runWithYargs);
}

/** Every command through yargs: help, usage errors, the other commands. */
async function runWithYargs(argv: string[], fullIo: IO, setJson: (json: boolean) => void): Promise<number> {
  // A well-formed psk-crack command line skips yargs too (the probe's fast path is run.ts's).
  const crack = fastCrackArgs(argv, fullIo.env);
  if (crack !== undefined) {
    setJson(crack.json);
    return runCrackCommand(crack, fullIo);
  }
  const { default: yargs } = await import("yargs");
  let code: number = ExitCode.OK;
  const parser = yargs(argv)
    .scriptName("ikeprobe")
    .usage("$0 [probe] <host> [options]\n\nOffers IKEv1 Phase 1 transform sets to a gateway (Main Mode), completes the identity exchange with a pre-shared key or certificates, and reports what the gateway accepted and presented.")
    .command(["probe <host>", "$0 <host>"], "probe a gateway (the default command)", probeOptions, async (a) => {
      setJson(a.json);
      code = await runProbeCommand(a as unknown as ProbeArgs, fullIo);
    })
    .command("scan [hosts..]", "every Phase 1 transform the gateway(s) accept, rated, in a handful of exchanges", (y: Argv) => scanOptions(y, false), async (a) => {
      setJson(a.json);
      code = await runScanCommand(a as unknown as ScanArgs, fullIo);
    })
    .command("check [hosts..]", "scan and hold the gateway(s) to a policy; exit 1 when one does not comply", checkOptions, async (a) => {
      setJson(a.json);
      code = await runCheckCommand(a as unknown as ScanArgs, fullIo);
    })
    .command("psk-crack <file>", "test candidate PSKs offline against Aggressive Mode hashes saved with --save-hash (psk-crack format; MD5, SHA1, SHA-2)", crackOptions, async (a) => {
      setJson(a.json);
      code = await runCrackCommand(a as unknown as CrackArgs, fullIo);
    })
    .command("completion [shell]", "print a shell completion script: ikeprobe completion >> ~/.bashrc (zsh: ikeprobe completion zsh >> ~/.zshrc)", (y: Argv) =>
      y.positional("shell", { describe: "bash or zsh (default: from $SHELL)", choices: ["bash", "zsh"] as const }), (a) => {
      fullIo.stdout(completionScript(a.shell ?? (/zsh/.test(fullIo.env.SHELL ?? "") ? "zsh" : "bash")));
    })
    .example("$0 198.18.1.1 --ike aes256-sha256-modp2048 --ike 3des-sha1-modp1024 --psk-file psk.txt --id fqdn:client.example", "test two offers and the PSK")
    .example("$0 scan 198.18.1.1 --catalogue full --aggressive", "everything the gateway accepts, rated")
    .example("$0 check 198.18.1.1 --policy examples/policies/strict-modern.json --junit report.xml", "CI: pass or fail against a policy")
    .example("$0 probe 198.18.1.1 --ike aes256-sha256-modp2048 --json", "JSON report on stdout")
    .example("$0 GW --psk-file psk.txt --esp aes256-sha256-modp2048 --esp aes128-sha1 --local-ts 203.0.113.0/24 --remote-ts 198.51.100.0/24", "test Quick Mode proposals for that traffic")
    .example("$0 GW --aggressive --id fqdn:vpn.example --save-hash gw.hash && $0 psk-crack gw.hash --wordlist words.txt", "audit: is the Aggressive Mode PSK in a word list?")
    .example("$0 GW --auth rsa --cert client.pem --key client.key --ca root.pem --id fqdn:client.example", "certificates: authenticate, and check the gateway's chain")
    .example("$0 GW --aggressive --auth rsa --id fqdn:anyone.example --save-certs gw.pem", "audit: the certificate a gateway hands out, without credentials")
    .example("$0 GW --ikev2 --psk-file psk.txt --id fqdn:client.example --esp aes256gcm16 --local-ts 203.0.113.0/24 --remote-ts 198.51.100.0/24", "IKEv2: IKE_AUTH and a CHILD SA for that traffic")
    .example("$0 GW --ikev2 --diagnose --psk-file candidates.txt --id fqdn:client.example --remote-id fqdn:gw.example", "IKEv2: why is IKE_AUTH refused?")
    .epilogue(`${EXIT_CODES}\n\nThe PSK, private key and passphrases never appear in output, JSON, key files or captures (psk-crack prints the key it finds, unless --redact).`)
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
  // The completion scripts call back with the words typed so far; yargs knows the commands and options.
  const ask = argv.indexOf(COMPLETION_FLAG);
  if (ask >= 0) {
    const words = await new Promise<string[]>((res) => void parser.getCompletion(argv.slice(ask + 1), (err, list) => res(err ? [] : [...(list ?? [])])));
    fullIo.stdout(words.length > 0 ? `${words.join("\n")}\n` : "");
    return ExitCode.OK;
  }
  let helpShown = false;
  await parser.parseAsync(argv, {}, (err, _argv, output) => {
    if (output && !err) {
      helpShown = true;
      fullIo.stdout(`${output}\n`);
    }
  });
  return helpShown ? ExitCode.OK : code;
}

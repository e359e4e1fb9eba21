/**
 * SoftEther VPN Server as a third IKEv1 responder (CONTRIBUTING.md, "The lab"): an implementation of its own
 * (its L2TP/IPsec server), not derived from strongSwan or libreswan. It drops what it refuses and a
 * message 1 without a NAT-T vendor ID, fakes NAT-D, and re-sends message 4 when message 5 does not
 * decrypt, which is what the tests need it for.
 *
 * Its state folders are hard-coded (/var/lib/softether, /var/log/softether, /run/softether): it runs
 * in the gateway's namespace inside a private mount namespace with tmpfs over /var/lib, /var/log and
 * /run and those folders bind-mounted from the lab's temp folder, so nothing lands on the host.
 * vpncmd runs the same way (it writes lang.config). The gateway namespace has no route out: the
 * server's update checks and dynamic DNS cannot leave it.
 */
import { E2E_REQUIRED, e2eSkipReason } from "./require.ts";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { killChild, stopChild } from "./process.ts";

export const VPNSERVER = "/usr/libexec/softether/vpnserver/vpnserver";
export const VPNCMD = "/usr/libexec/softether/vpncmd/vpncmd";
export const SOFTETHER_PACKAGES = ["softether-vpnserver", "softether-vpncmd"];

export function haveSoftether(): boolean {
  return existsSync(VPNSERVER) && existsSync(VPNCMD);
}

/** Installs SoftEther from Debian when missing (needs root); throws with the reason when it cannot. */
export function ensureSoftether(): void {
  if (haveSoftether()) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = spawnSync("apt-get", ["install", "-y", "-q", ...SOFTETHER_PACKAGES], { env, encoding: "utf8" });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { env });
    r = spawnSync("apt-get", ["install", "-y", "-q", ...SOFTETHER_PACKAGES], { env, encoding: "utf8" });
  }
  if (r.status !== 0 || !haveSoftether()) throw new Error(`apt-get could not install SoftEther: ${r.stderr.slice(-300)}`);
}

export interface SoftEther {
  /** The server's log so far (its stdout: IPsec events included). */
  log(): string;
  /** Runs a vpncmd /SERVER command, e.g. ["IPsecGet"]. */
  cmd(args: string[]): string;
  stop(): Promise<void>;
  kill(): void;
}

/** The private mount namespace SoftEther's processes run in, then `exec`. */
function privateState(base: string, exec: string): string {
  const mounts = ["lib", "log", "run"].map((d) => {
    const top = d === "run" ? "/run" : `/var/${d}`;
    return `mount -t tmpfs none ${top} && mkdir -p ${top}/softether && mount --bind ${base}/${d} ${top}/softether`;
  });
  return `${mounts.join(" && ")} && ${exec}`;
}

export async function startSoftether(ns: string, dir: string, psk: string): Promise<SoftEther> {
  ensureSoftether();
  const base = join(dir, "softether");
  for (const d of ["lib", "log", "run"]) mkdirSync(join(base, d), { recursive: true });
  let out = "";
  const server: ChildProcess = spawn("ip", ["netns", "exec", ns, "unshare", "-m", "sh", "-c", privateState(base, `exec ${VPNSERVER} start --foreground`)], { stdio: ["ignore", "pipe", "pipe"] });
  server.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  server.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const cmd = (args: string[]): string => {
    const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const r = spawnSync("ip", ["netns", "exec", ns, "unshare", "-m", "sh", "-c", privateState(base, `${VPNCMD} localhost:5555 /SERVER /CMD ${quoted}`)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`vpncmd ${args.join(" ")} failed (${r.status}): ${r.stdout.slice(-400)}${r.stderr}`);
    return r.stdout;
  };
  const stop = (): Promise<void> => stopChild(server);
  try {
    // The admin port first, then IPsec; UDP 500 listens about a second after IPsecEnable.
    const deadline = Date.now() + 20_000;
    const listening = (proto: "t" | "u", port: number): boolean => spawnSync("ip", ["netns", "exec", ns, "ss", `-${proto}lnH`, `sport = :${port}`], { encoding: "utf8" }).stdout.trim() !== "";
    while (!listening("t", 5555)) {
      if (server.exitCode !== null) throw new Error(`vpnserver exited at start: ${out.slice(-400)}`);
      if (Date.now() > deadline) throw new Error(`vpnserver did not open its admin port: ${out.slice(-400)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    cmd(["IPsecEnable", "/L2TP:yes", "/L2TPRAW:no", "/ETHERIP:no", `/PSK:${psk}`, "/DEFAULTHUB:DEFAULT"]);
    while (!listening("u", 500) || !listening("u", 4500)) {
      if (Date.now() > deadline) throw new Error(`vpnserver did not listen on UDP 500/4500: ${out.slice(-400)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { log: () => out, cmd, stop, kill: () => killChild(server) };
}

/** The SPIs SoftEther logged for the IPsec SAs it created (its log is the only view of them). */
export function softetherSpis(log: string): string[] {
  return [...log.matchAll(/A new IPsec SA \(Direction: [^)]*\) is created\. SPI: 0x([0-9A-F]{8})/g)].map((m) => m[1]!.toLowerCase());
}

/** Why the SoftEther tests cannot run here (undefined: they can); it is installed on first use. With IKEPROBE_REQUIRE_E2E=1 a failure to install throws. */
export function softetherSkipReason(): string | undefined {
  const skip = e2eSkipReason();
  if (skip !== undefined) return skip;
  try {
    ensureSoftether();
    return undefined;
  } catch (e) {
    if (E2E_REQUIRED) throw e;
    return `SoftEther could not be installed: ${(e as Error).message}`;
  }
}

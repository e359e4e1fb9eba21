/**
 * A lab gateway: a real strongSwan charon in its own network namespace, with a client namespace
 * wired to it by a veth pair. Used by the end-to-end tests, the demo and the benchmarks.
 *
 * Network safety (CONTRIBUTING.md, "The lab"): nothing is added to the root namespace. Both ends of the
 * veth live in namespaces created here, addressed from 198.18.0.0/15, and deleted by stop().
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Pluto, startPluto } from "./libreswan.ts";
import { startSoftether } from "./softether.ts";
import { killChild, stopChild } from "./process.ts";

export const CHARON = "/usr/lib/ipsec/charon";
export const STRONGSWAN_PACKAGES = [
  "strongswan-charon",
  "strongswan-swanctl",
  "libstrongswan-extra-plugins",
  "libcharon-extra-plugins",
];

/** Plugins charon needs here; without a list it loads everything and touches the host (TESTBED §2). */
const PLUGINS =
  "random nonce openssl pem pkcs1 x509 revocation constraints pubkey curve25519 hmac kdf gmp aes sha1 sha2 md5 kernel-libipsec kernel-netlink socket-default vici xauth-generic attr eap-identity eap-md5";

export interface LabConnection {
  name: string;
  /** strongSwan IKE proposals, e.g. "aes256-sha256-modp2048". */
  proposals: string[];
  /** IKE version: 1 (the default here), 2, or 0 (either). */
  version?: 0 | 1 | 2;
  psk: string;
  /** Gateway identity; default its address. */
  localId?: string;
  /** Identity the gateway expects from us; default %any. */
  remoteId?: string;
  espProposals?: string[];
  localTs?: string;
  remoteTs?: string;
  /** Gateway addresses this connection answers on (default: the lab's gateway addresses). */
  localAddrs?: string[];
  /** psk (default) or pubkey (certificates). */
  auth?: "psk" | "pubkey";
  /** The client's authentication when it differs from the gateway's own, e.g. "eap-md5" (with eap_id = %any: an EAP Identity request first). */
  remoteAuth?: string;
  /** pubkey: the gateway's certificate(s), file names under the lab's x509/ (LabOptions.credentials). */
  certs?: string[];
  /** pubkey: when the gateway sends its certificate (strongSwan's default: ifasked). */
  sendCert?: "always" | "ifasked" | "never";
  /** IKE fragmentation (strongSwan's default: yes). */
  fragmentation?: "yes" | "no" | "accept" | "force";
  /** Let this connection answer Aggressive Mode (charon also needs the global knob, see LabOptions.aggressivePsk). */
  aggressive?: boolean;
  /** IPsec mode of the CHILD_SA; default tunnel. */
  mode?: "tunnel" | "transport";
  /** CHILD_SA life_time in seconds (hard lifetime strongSwan proposes/accepts up to); default strongSwan's. */
  childLifeSeconds?: number;
  /** Phase 1 lifetime in seconds (rekey_time); default 4h. */
  rekeySeconds?: number;
  /** A second authentication round: XAUTH (xauth-generic, users from LabOptions.xauthUsers). */
  xauth?: boolean;
  /** Mode-Config address pools (names from LabOptions.pools). */
  pools?: string[];
  /** Mode-Config push (the gateway sends CFG_SET) instead of strongSwan's default pull. */
  modeConfigPush?: boolean;
}

export interface LabOptions {
  connections: LabConnection[];
  /** charon debug level for the ike subsystem (4 prints keys). */
  ikeLogLevel?: number;
  /** Extra lines inside the charon { } section. */
  charonExtra?: string;
  /** More addresses for the gateway (from 198.18.1.0/24), for connections bound to them. */
  gwExtraAddrs?: string[];
  /**
   * A network routed from the client namespace through the gateway namespace (discovery tests):
   * `live` addresses are the gateway's own (charon answers on them), the rest of the network is
   * blackholed there, so probes to it vanish without a word, as on most real networks.
   */
  routedNet?: { net: string; live: string[] };
  /** Run libreswan's pluto instead of strongSwan, with this ipsec.conf body (conn sections) and secrets. */
  libreswan?: { conns: string; secrets: string; nss?: { ca?: string; cert?: { nickname: string; pem: string; key: string } } };
  /** Run SoftEther VPN Server (L2TP/IPsec, one PSK for every peer) instead of strongSwan. */
  softether?: { psk: string };
  /** XAUTH users the gateway knows (xauth-generic). */
  xauthUsers?: { user: string; password: string }[];
  /** Mode-Config pools: name -> swanctl pool settings (addrs, dns, split_include, or attribute numbers). */
  pools?: Record<string, Record<string, string>>;
  /** Certificates and keys, PEM by file name, written where swanctl --load-all looks (x509/, x509ca/, private/). */
  credentials?: { x509?: Record<string, string>; x509ca?: Record<string, string>; private?: Record<string, string> };
  /**
   * Host names for the client namespace: name -> addresses. `ip netns exec` bind-mounts
   * /etc/netns/NS/hosts over /etc/hosts (and resolv.conf, pointed at the namespace's own loopback,
   * so that a name not listed fails at once and no query leaves the namespace).
   */
  clientHosts?: Record<string, string[]>;
}

export interface Lab {
  gwNs: string;
  clientNs: string;
  gwAddr: string;
  clientAddr: string;
  /** IPv6 addresses from the benchmarking range 2001:2::/48 (RFC 5180). */
  gwAddr6: string;
  clientAddr6: string;
  dir: string;
  logPath: string;
  /** Run swanctl against this gateway; returns stdout. */
  swanctl(args: string[]): string;
  /** The charon log so far. */
  log(): string;
  /** argv prefix that runs a command inside the client namespace. */
  clientExec(argv: string[]): string[];
  /** With `libreswan`: its control tool. */
  whack(args: string[]): string;
  /** A second charon in the client namespace, as an initiator (benchmarks compare against it). */
  startClientCharon(swanctlConf: string): Promise<Charon>;
  stop(): Promise<void>;
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

export function haveStrongswan(): boolean {
  return existsSync(CHARON) && existsSync("/usr/sbin/swanctl");
}

/** Installs strongSwan from Debian when it is missing (needs root). */
export function ensureStrongswan(): void {
  if (haveStrongswan()) return;
  if (!isRoot()) throw new Error("strongSwan is not installed and we are not root to install it");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let r = spawnSync("apt-get", ["install", "-y", "-q", ...STRONGSWAN_PACKAGES], { env, stdio: "inherit" });
  if (r.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { env, stdio: "inherit" });
    r = spawnSync("apt-get", ["install", "-y", "-q", ...STRONGSWAN_PACKAGES], { env, stdio: "inherit" });
  }
  if (r.status !== 0 || !haveStrongswan()) throw new Error("apt-get could not install strongSwan");
}

function run(argv: string[], input?: string): string {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("empty command");
  const r = spawnSync(cmd, args, { encoding: "utf8", input });
  if (r.status !== 0) {
    throw new Error(`${argv.join(" ")} failed (${r.status}): ${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

let labCounter = 0;

function swanctlConf(conns: LabConnection[], gwAddrs: string, opts: Pick<LabOptions, "xauthUsers" | "pools"> = {}): string {
  const blocks = conns.map((c) => {
    const children =
      c.espProposals === undefined
        ? ""
        : `
    children {
      ${c.name}-child {
        local_ts = ${c.localTs ?? "198.51.100.0/24"}
        remote_ts = ${c.remoteTs ?? "dynamic"}
        esp_proposals = ${c.espProposals.join(", ")}
        mode = ${c.mode ?? "tunnel"}${c.childLifeSeconds !== undefined ? `
        life_time = ${c.childLifeSeconds}s
        rekey_time = ${Math.floor(c.childLifeSeconds * 0.9)}s` : ""}
      }
    }`;
    return `
  ${c.name} {
    version = ${c.version ?? 1}
    local_addrs = ${c.localAddrs?.join(", ") ?? gwAddrs}
    proposals = ${c.proposals.join(", ")}
    rekey_time = ${c.rekeySeconds ?? 14400}s
    aggressive = ${c.aggressive ? "yes" : "no"}${c.fragmentation !== undefined ? `
    fragmentation = ${c.fragmentation}` : ""}${c.sendCert !== undefined ? `
    send_cert = ${c.sendCert}` : ""}
    local {
      auth = ${c.auth ?? "psk"}
      id = ${c.localId ?? "%any"}${c.certs !== undefined ? `
      certs = ${c.certs.join(", ")}` : ""}
    }
    remote {
      auth = ${c.remoteAuth ?? c.auth ?? "psk"}
      id = ${c.remoteId ?? "%any"}${c.remoteAuth?.startsWith("eap") === true ? `
      eap_id = %any` : ""}
    }${c.xauth ? `
    remote-xauth {
      auth = xauth
      round = 1
    }` : ""}${c.pools !== undefined ? `
    pools = ${c.pools.join(", ")}` : ""}${c.modeConfigPush ? `
    pull = no` : ""}${children}
  }`;
  });
  const secrets = conns.map(
    (c, i) => `
  ike-${i} {
    secret = "${c.psk.replace(/["\\]/g, "\\$&")}"
    ${c.remoteId !== undefined ? `id-remote = ${c.remoteId}` : ""}
  }`,
  );
  const q = (v: string): string => `"${v.replace(/["\\]/g, "\\$&")}"`;
  for (const [i, u] of (opts.xauthUsers ?? []).entries()) secrets.push(`\n  xauth-${i} {\n    id = ${q(u.user)}\n    secret = ${q(u.password)}\n  }`);
  const pools = Object.entries(opts.pools ?? {}).map(([name, kv]) => `\n  ${name} {\n${Object.entries(kv).map(([k, v]) => `    ${k} = ${v}\n`).join("")}  }`);
  return `connections {${blocks.join("")}\n}\nsecrets {${secrets.join("")}\n}\npools {${pools.join("")}\n}\n`;
}

/** A charon running in a namespace of the lab, with its own config, log and vici socket. */
export interface Charon {
  swanctl(args: string[]): string;
  log(): string;
  logPath: string;
  stop(): Promise<void>;
  /** Synchronous SIGKILL, for process exit handlers. */
  kill(): void;
}

async function startCharon(ns: string, dir: string, name: string, opts: { ikeLogLevel?: number; charonExtra?: string; swanctlConf: string }): Promise<Charon> {
  const logPath = join(dir, `${name}.log`);
  const vici = `unix://${join(dir, `${name}.vici`)}`;
  const conf = join(dir, `${name}-strongswan.conf`);
  const swanctlFile = join(dir, `${name}-swanctl.conf`);
  writeFileSync(
    conf,
    `charon {
  load = ${PLUGINS}
  plugins {
    vici { socket = ${vici} }
  }
  install_virtual_ip = no
  ${opts.charonExtra ?? ""}
  filelog {
    lab {
      path = ${logPath}
      time_format = %T
      default = 1
      ike = ${opts.ikeLogLevel ?? 2}
      chd = ${opts.ikeLogLevel ?? 2}
      cfg = 2
      net = 1
      flush_line = yes
    }
  }
  syslog { daemon { default = -1 } }
}
swanctl { socket = ${vici} }
`,
  );
  writeFileSync(swanctlFile, opts.swanctlConf);
  // A private /run: charon refuses to start when another one's pid file is there (TESTBED §3).
  const charon = spawn("ip", ["netns", "exec", ns, "unshare", "-m", "sh", "-c", `mount -t tmpfs none /run && exec ${CHARON}`], {
    env: { ...process.env, STRONGSWAN_CONF: conf },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  charon.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const env = { ...process.env, STRONGSWAN_CONF: conf };
  const swanctl = (args: string[]): string => {
    const r = spawnSync("swanctl", args, { encoding: "utf8", env });
    if (r.status !== 0) throw new Error(`swanctl ${args.join(" ")}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const stop = (): Promise<void> => stopChild(charon);
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (charon.exitCode !== null) throw new Error(`charon exited at start: ${stderr}`);
      if (spawnSync("swanctl", ["--stats"], { env }).status === 0) break;
      if (Date.now() > deadline) throw new Error(`charon did not open its vici socket: ${stderr}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    swanctl(["--load-all", "--file", swanctlFile]);
  } catch (e) {
    await stop();
    throw e;
  }
  return { swanctl, log: () => (existsSync(logPath) ? readFileSync(logPath, "utf8") : ""), logPath, stop, kill: () => killChild(charon) };
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  if (opts.libreswan === undefined && opts.softether === undefined) ensureStrongswan();
  const id = `${process.pid}x${labCounter++}`;
  const gwNs = `ikpgw${id}`;
  const clientNs = `ikpcl${id}`;
  const gwAddr = "198.18.1.1";
  const clientAddr = "198.18.1.2";
  const gwAddr6 = "2001:2::1";
  const clientAddr6 = "2001:2::2";
  const dir = mkdtempSync(join(tmpdir(), "ikeprobe-lab-"));
  const charons: { stop(): Promise<void>; kill(): void }[] = [];
  let pluto: Pluto | undefined;

  // Last resort when the process ends without stop() (a crash, EPIPE on stdout): the namespaces
  // go, and with them every process inside them.
  const etcNetns = join("/etc/netns", clientNs);
  const onExit = (): void => {
    for (const c of charons) c.kill();
    for (const ns of [gwNs, clientNs]) spawnSync("ip", ["netns", "del", ns]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(etcNetns, { recursive: true, force: true });
  };
  process.once("exit", onExit);
  const cleanup = async (): Promise<void> => {
    process.off("exit", onExit);
    for (const c of charons) await c.stop();
    for (const ns of [gwNs, clientNs]) spawnSync("ip", ["netns", "del", ns]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(etcNetns, { recursive: true, force: true });
  };

  try {
    if (opts.clientHosts !== undefined) {
      mkdirSync(etcNetns, { recursive: true });
      const lines = Object.entries(opts.clientHosts).flatMap(([name, addrs]) => addrs.map((a) => `${a} ${name}`));
      writeFileSync(join(etcNetns, "hosts"), `127.0.0.1 localhost\n${lines.join("\n")}\n`);
      writeFileSync(join(etcNetns, "resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
    }
    run(["ip", "netns", "add", gwNs]);
    run(["ip", "netns", "add", clientNs]);
    run(["ip", "link", "add", "gw0", "netns", gwNs, "type", "veth", "peer", "name", "cl0", "netns", clientNs]);
    run(["ip", "-n", gwNs, "addr", "add", `${gwAddr}/24`, "dev", "gw0"]);
    run(["ip", "-n", clientNs, "addr", "add", `${clientAddr}/24`, "dev", "cl0"]);
    for (const a of opts.gwExtraAddrs ?? []) run(["ip", "-n", gwNs, "addr", "add", `${a}/24`, "dev", "gw0"]);
    // nodad: usable at once, no duplicate address detection delay.
    run(["ip", "-n", gwNs, "addr", "add", `${gwAddr6}/64`, "dev", "gw0", "nodad"]);
    run(["ip", "-n", clientNs, "addr", "add", `${clientAddr6}/64`, "dev", "cl0", "nodad"]);
    for (const [ns, dev] of [
      [gwNs, "gw0"],
      [clientNs, "cl0"],
    ] as const) {
      run(["ip", "-n", ns, "link", "set", "lo", "up"]);
      run(["ip", "-n", ns, "link", "set", dev, "up"]);
    }
    if (opts.routedNet !== undefined) {
      run(["ip", "-n", clientNs, "route", "add", opts.routedNet.net, "via", gwAddr]);
      run(["ip", "-n", gwNs, "route", "add", "blackhole", opts.routedNet.net]);
      for (const a of opts.routedNet.live) run(["ip", "-n", gwNs, "addr", "add", `${a}/32`, "dev", "lo"]);
    }
    // kernel-libipsec routes each policy; a traffic selector's network needs an address on its side (TESTBED §5).
    run(["ip", "-n", gwNs, "addr", "add", "198.51.100.1/32", "dev", "lo"]);
    run(["ip", "-n", clientNs, "addr", "add", "203.0.113.1/32", "dev", "lo"]);

    for (const [sub, files] of Object.entries(opts.credentials ?? {})) {
      mkdirSync(join(dir, sub), { recursive: true });
      for (const [name, pem] of Object.entries(files)) writeFileSync(join(dir, sub, name), pem, { mode: 0o600 });
    }
    let gw: Charon;
    if (opts.softether !== undefined) {
      const se = await startSoftether(gwNs, dir, opts.softether.psk);
      charons.push(se);
      gw = { swanctl: () => { throw new Error("this lab runs SoftEther: it has no SA listing; read log()"); }, log: se.log, logPath: "", stop: se.stop, kill: se.kill };
    } else if (opts.libreswan !== undefined) {
      pluto = await startPluto(gwNs, dir, opts.libreswan.conns, opts.libreswan.secrets, opts.libreswan.nss);
      charons.push(pluto);
      const p = pluto;
      gw = { swanctl: () => { throw new Error("this lab runs libreswan: use whack()"); }, log: p.log, logPath: join(dir, "pluto/pluto.log"), stop: p.stop, kill: p.kill };
    } else {
      gw = await startCharon(gwNs, dir, "charon", {
        ...(opts.ikeLogLevel !== undefined ? { ikeLogLevel: opts.ikeLogLevel } : {}),
        ...(opts.charonExtra !== undefined ? { charonExtra: opts.charonExtra } : {}),
        swanctlConf: swanctlConf(opts.connections, `${gwAddr}, ${gwAddr6}`, opts),
      });
      charons.push(gw);
    }

    return {
      gwNs,
      clientNs,
      gwAddr,
      clientAddr,
      gwAddr6,
      clientAddr6,
      dir,
      logPath: gw.logPath,
      swanctl: gw.swanctl,
      log: gw.log,
      clientExec: (argv) => ["ip", "netns", "exec", clientNs, ...argv],
      whack: (args) => {
        if (pluto === undefined) throw new Error("this lab runs strongSwan: use swanctl()");
        return pluto.whack(args);
      },
      async startClientCharon(swanctlConfText: string): Promise<Charon> {
        const c = await startCharon(clientNs, dir, "client", { swanctlConf: swanctlConfText });
        charons.push(c);
        return c;
      },
      stop: cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

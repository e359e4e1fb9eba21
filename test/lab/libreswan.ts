/**
 * libreswan's pluto (4.10) as a second responder, Phase 1 only (CONTRIBUTING.md, "The lab"): Debian's package
 * conflicts with strongSwan, so it runs unpacked beside it, from a tree made with `apt-get download`
 * and `dpkg -x`. Quick Mode cannot complete against it on this kernel (no ESP, no userspace ESP).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killChild, stopChild } from "./process.ts";
import { E2E_REQUIRED, e2eSkipReason } from "./require.ts";

export const LIBRESWAN_TREE = join(tmpdir(), "ikeprobe-libreswan-4");
const PACKAGES = ["libreswan", "libldns3", "libevent-pthreads-2.1-7"];

function sh(argv: string[], cwd?: string): { status: number | null; out: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", cwd, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Unpacks pluto into LIBRESWAN_TREE (once) and installs certutil; throws with the reason when it cannot. */
export function ensureLibreswan(): void {
  if (spawnSync("sh", ["-c", "command -v certutil"]).status !== 0) {
    let r = sh(["apt-get", "install", "-y", "-q", "libnss3-tools"]);
    if (r.status !== 0) {
      sh(["apt-get", "update", "-q"]);
      r = sh(["apt-get", "install", "-y", "-q", "libnss3-tools"]);
    }
    if (r.status !== 0) throw new Error(`cannot install libnss3-tools: ${r.out.slice(-300)}`);
  }
  if (existsSync(join(LIBRESWAN_TREE, "usr/libexec/ipsec/pluto"))) return;
  const dl = mkdtempSync(join(tmpdir(), "ikeprobe-libreswan-deb-"));
  try {
    let r = sh(["apt-get", "download", ...PACKAGES], dl);
    if (r.status !== 0) {
      sh(["apt-get", "update", "-q"]);
      r = sh(["apt-get", "download", ...PACKAGES], dl);
    }
    if (r.status !== 0) throw new Error(`apt-get download libreswan failed: ${r.out.slice(-300)}`);
    mkdirSync(LIBRESWAN_TREE, { recursive: true });
    for (const f of spawnSync("sh", ["-c", `ls ${dl}/*.deb`], { encoding: "utf8" }).stdout.trim().split("\n")) {
      const x = sh(["dpkg", "-x", f, LIBRESWAN_TREE]);
      if (x.status !== 0) throw new Error(`dpkg -x ${f}: ${x.out}`);
    }
  } finally {
    rmSync(dl, { recursive: true, force: true });
  }
}

export interface Pluto {
  whack(args: string[]): string;
  log(): string;
  stop(): Promise<void>;
  kill(): void;
}

/** Certificates for pluto's NSS database: a trusted CA, and its own certificate and key (as PKCS #12, nickname as given). */
export interface PlutoNss {
  ca?: string;
  cert?: { nickname: string; pem: string; key: string };
}

function loadNss(db: string, dir: string, nss: PlutoNss): void {
  const run = (argv: string[]): void => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${argv[0]}: ${r.stderr || r.stdout}`);
  };
  if (nss.ca !== undefined) {
    writeFileSync(join(dir, "nss-ca.pem"), nss.ca);
    run(["certutil", "-A", "-d", db, "-n", "lab-ca", "-t", "CT,,", "-a", "-i", join(dir, "nss-ca.pem")]);
  }
  if (nss.cert !== undefined) {
    writeFileSync(join(dir, "nss-cert.pem"), nss.cert.pem);
    writeFileSync(join(dir, "nss-cert.key"), nss.cert.key, { mode: 0o600 });
    const p12 = join(dir, "nss-cert.p12");
    run(["openssl", "pkcs12", "-export", "-in", join(dir, "nss-cert.pem"), "-inkey", join(dir, "nss-cert.key"), "-name", nss.cert.nickname, "-out", p12, "-passout", "pass:"]);
    run(["pk12util", "-i", p12, "-d", db, "-W", ""]);
  }
}

export async function startPluto(ns: string, dir: string, ipsecConf: string, secrets: string, nssCerts?: PlutoNss): Promise<Pluto> {
  ensureLibreswan();
  const base = join(dir, "pluto");
  for (const d of ["run", "nss", "ipsec.d"]) mkdirSync(join(base, d), { recursive: true });
  const log = join(base, "pluto.log");
  writeFileSync(join(base, "ipsec.conf"), `config setup\n    ikev1-policy=accept\n    dnssec-enable=no\n    logfile=${log}\n${ipsecConf}`);
  writeFileSync(join(base, "ipsec.secrets"), secrets, { mode: 0o600 });
  const lib = join(LIBRESWAN_TREE, "usr/lib/x86_64-linux-gnu");
  const nss = spawnSync("certutil", ["-N", "-d", `sql:${join(base, "nss")}`, "--empty-password"], { encoding: "utf8" });
  if (nss.status !== 0) throw new Error(`certutil: ${nss.stderr}`);
  if (nssCerts !== undefined) loadNss(`sql:${join(base, "nss")}`, base, nssCerts);
  const T = LIBRESWAN_TREE;
  const cmd =
    `mount -t tmpfs none /run && mount -t overlay overlay -o lowerdir=${T}/usr/libexec:/usr/libexec /usr/libexec && ` +
    `exec env LD_LIBRARY_PATH=${lib} ${T}/usr/libexec/ipsec/pluto --nofork --config ${base}/ipsec.conf --secretsfile ${base}/ipsec.secrets ` +
    `--ipsecdir ${base}/ipsec.d --nssdir ${base}/nss --rundir ${base}/run --dumpdir ${base}/run --logfile ${log}`;
  const pluto = spawn("ip", ["netns", "exec", ns, "unshare", "-m", "sh", "-c", cmd], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  pluto.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const whack = (args: string[]): string => {
    const r = spawnSync(join(T, "usr/libexec/ipsec/whack"), ["--ctlsocket", join(base, "run/pluto.ctl"), ...args], { encoding: "utf8", env: { ...process.env, LD_LIBRARY_PATH: lib } });
    return `${r.stdout}${r.stderr}`;
  };
  const stop = (): Promise<void> => stopChild(pluto);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (pluto.exitCode !== null) throw new Error(`pluto exited at start: ${stderr}`);
    if (existsSync(join(base, "run/pluto.ctl")) && whack(["--status"]).includes("000")) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`pluto did not start: ${stderr}`);
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  return {
    whack,
    log: () => (existsSync(log) ? readFileSync(log, "utf8") : ""),
    stop,
    kill: () => killChild(pluto),
  };
}

/** Why libreswan's end-to-end tests are skipped (the lab's reason, or a tree that cannot be unpacked); undefined to run them. With IKEPROBE_REQUIRE_E2E=1 a failure to unpack throws. */
export function libreswanSkipReason(): string | undefined {
  const skip = e2eSkipReason();
  if (skip !== undefined) return skip;
  try {
    ensureLibreswan();
    return undefined;
  } catch (e) {
    if (E2E_REQUIRED) throw e;
    return `libreswan could not be unpacked: ${(e as Error).message}`;
  }
}

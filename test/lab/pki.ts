/**
 * Certificates for the tests, made by strongSwan's own `pki` (Debian's strongswan-pki): a private CA
 * and end-entity certificates with the names, keys and lifetimes a test asks for. Everything lives in
 * a temporary folder of the caller's; nothing here is a fixture copied from anywhere.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface Issued {
  /** PEM certificate. */
  cert: string;
  /** PEM private key (unencrypted). */
  key: string;
  certFile: string;
  keyFile: string;
  dn: string;
}

function pki(args: string[], input?: Buffer): Buffer {
  const r = spawnSync("pki", args, { input });
  if (r.status !== 0) throw new Error(`pki ${args.join(" ")} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

let serial = 0;

export function keyPair(dir: string, name: string, type: "rsa" | "ecdsa", size: number): { key: string; keyFile: string } {
  const key = pki(["--gen", "--type", type, "--size", String(size), "--outform", "pem"]).toString();
  const keyFile = join(dir, `${name}.key`);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { key, keyFile };
}

/** A self-signed CA (or, with `ca: false`, a self-signed end-entity certificate). */
export function makeCa(dir: string, name: string, dn: string, opts: { type?: "rsa" | "ecdsa"; size?: number; days?: number; ca?: boolean; sans?: string[] } = {}): Issued {
  const { key, keyFile } = keyPair(dir, name, opts.type ?? "rsa", opts.size ?? 2048);
  const args = ["--self", ...(opts.ca === false ? [] : ["--ca"]), "--lifetime", String(opts.days ?? 3650), "--in", keyFile, "--dn", dn, "--outform", "pem"];
  for (const s of opts.sans ?? []) args.push("--san", s);
  const cert = pki(args).toString();
  const certFile = join(dir, `${name}.pem`);
  writeFileSync(certFile, cert);
  return { cert, key, certFile, keyFile, dn };
}

/** A certificate issued by `ca` (a CA itself with `ca: true`). */
export function issue(
  dir: string,
  ca: Issued,
  name: string,
  dn: string,
  opts: { sans?: string[]; type?: "rsa" | "ecdsa"; size?: number; days?: number; ca?: boolean; flags?: string[]; digest?: string; notBefore?: string; notAfter?: string } = {},
): Issued {
  const { key, keyFile } = keyPair(dir, name, opts.type ?? "rsa", opts.size ?? 2048);
  const pub = pki(["--pub", "--in", keyFile]);
  const args = ["--issue", "--cacert", ca.certFile, "--cakey", ca.keyFile, "--dn", dn, "--lifetime", String(opts.days ?? 365), "--serial", (++serial + 4096).toString(16), "--outform", "pem"];
  for (const s of opts.sans ?? []) args.push("--san", s);
  for (const f of opts.flags ?? []) args.push("--flag", f);
  if (opts.ca === true) args.push("--ca");
  if (opts.digest !== undefined) args.push("--digest", opts.digest);
  // Dates as "YYYY-MM-DD HH:MM:SS" (UTC), for certificates outside their validity.
  if (opts.notBefore !== undefined || opts.notAfter !== undefined) args.push("--dateform", "%Y-%m-%d %H:%M:%S");
  if (opts.notBefore !== undefined) args.push("--not-before", opts.notBefore);
  if (opts.notAfter !== undefined) args.push("--not-after", opts.notAfter);
  const cert = pki(args, pub).toString();
  const certFile = join(dir, `${name}.pem`);
  writeFileSync(certFile, cert);
  return { cert, key, certFile, keyFile, dn };
}

export function readPem(file: string): string {
  return readFileSync(file, "utf8");
}

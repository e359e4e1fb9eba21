/**
 * `npm run demo`: starts the lab gateway from examples/lab-gateway.json (a real strongSwan in a
 * network namespace), runs ikeprobe against it from a client namespace as a user would, then
 * tears the lab down.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LabConnection, type LabOptions, startLab } from "../test/lab/lab.ts";
import { issue, makeCa } from "../test/lab/pki.ts";

const def = JSON.parse(readFileSync(new URL("./lab-gateway.json", import.meta.url), "utf8")) as { connections: LabConnection[]; options: Omit<LabOptions, "connections"> };
const conn = def.connections[0]!;
const branch = def.connections.find((c) => c.name === "branch")!;
const road = def.connections.find((c) => c.name === "road")!;
const roadAddr = def.options.gwExtraAddrs![0]!;
const alice = def.options.xauthUsers![0]!;
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;

console.log(`demo: starting the lab gateway (strongSwan) with proposals ${conn.proposals.join(", ")}`);
const lab = await startLab({ ...def.options, connections: def.connections });
const stop = async (): Promise<void> => {
  await lab.stop();
  console.log("demo: lab gateway stopped, namespaces deleted");
};
process.once("SIGINT", () => void stop().then(() => process.exit(130)));
try {
  const pskFile = join(lab.dir, "psk.txt");
  writeFileSync(pskFile, `${conn.psk}\n`, { mode: 0o600 });
  const wrongFile = join(lab.dir, "wrong.txt");
  writeFileSync(wrongFile, "not-the-right-secret\n", { mode: 0o600 });
  const secret = (name: string, text: string): string => {
    const f = join(lab.dir, name);
    writeFileSync(f, `${text}\n`, { mode: 0o600 });
    return f;
  };
  const branchPskFile = secret("branch-psk.txt", branch.psk);
  const roadPskFile = secret("road-psk.txt", road.psk);
  const modern = def.connections.find((c) => c.name === "modern")!;
  const modernPskFile = secret("modern-psk.txt", modern.psk);
  const xauthFile = secret("alice.txt", alice.password);
  const hashFile = join(lab.dir, "branch.hash");
  const wordsFile = secret("words.txt", ["password", "123456", "letmein", "qwerty", "vpn", "cisco", "sunshine", "welcome"].join("\n"));
  const runs: [string, string[]][] = [
    [
      "which offers does the gateway accept, does our PSK authenticate, which Quick Mode proposals does it take for our networks?",
      ["--ike", "aes256-sha256-modp2048", "--ike", "des-md5-modp1024", "--psk-file", pskFile, "--id", `fqdn:${conn.remoteId}`, "--esp", "aes256-sha256-modp2048", "--esp", "aes128-sha1", "--local-ts", conn.remoteTs!, "--remote-ts", conn.localTs!],
    ],
    ["the same with a wrong PSK: what does a mismatch look like?", ["--ike", "aes256-sha256-modp2048", "--psk-file", wrongFile, "--id", `fqdn:${conn.remoteId}`]],
    [
      "IKEv2: which offer does the gateway choose, does our PSK authenticate both ways (IKE_AUTH), which CHILD SAs does it set up for our networks (the second with PFS, in CREATE_CHILD_SA), and is all of it deleted afterwards?",
      ["--ikev2", "--ike", "aes256gcm16-prfsha384-ecp384-curve25519", "--ike", "3des-sha1-modp1024", "--psk-file", modernPskFile, "--id", `fqdn:${modern.remoteId}`, "--remote-id", "fqdn:gw.lab.example", "--esp", "aes256gcm16", "--esp", "aes128-sha256-modp3072", "--local-ts", modern.remoteTs!, "--remote-ts", modern.localTs!],
    ],
    ["audit: everything the gateway accepts from the common catalogue, rated", ["scan", "--catalogue", "common"]],
    [
      "Aggressive Mode without any PSK: does the gateway hand out a crackable hash? (saved for psk-crack)",
      ["--aggressive", "--ike", "3des-sha1-modp1024", "--id", `fqdn:${branch.remoteId}`, "--save-hash", hashFile],
    ],
    ["offline: is that PSK in a word list? (all cores)", ["psk-crack", hashFile, "--wordlist", wordsFile]],
    [
      "debugging a mismatch: the branch's PSK in Main Mode fails; --diagnose says why",
      ["--diagnose", "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", `fqdn:${branch.remoteId}`, "--psk-file", branchPskFile, "--pace", "0.2"],
    ],
    [
      "a remote-access gateway: XAUTH, Mode-Config, Quick Mode from the assigned address, and DPD",
      [roadAddr, "--auth", "xauth-psk", "--ike", "aes256-sha256-modp2048", "--id", `fqdn:${road.remoteId}`, "--psk-file", roadPskFile, "--xauth-user", alice.user, "--xauth-password-file", xauthFile, "--esp", "aes256-sha256", "--remote-ts", road.localTs!, "--dpd"],
    ],
  ];
  for (const [title, args] of runs) {
    // The command first (probe is the default), then the gateway address.
    const full = args[0] === "scan" ? ["scan", lab.gwAddr, ...args.slice(1)] : args[0] === "psk-crack" || args[0] === roadAddr ? args : [lab.gwAddr, ...args];
    const cmd = ["ikeprobe", ...full].join(" ").replaceAll(lab.dir, "$LAB");
    console.log(`\n=== ${title}\n$ ${cmd}\n`);
    const argv = lab.clientExec([process.execPath, bin, ...full]);
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: "inherit" });
    console.log(`(exit code ${r.status})`);
  }
  console.log(`\n=== the gateway's own view afterwards (swanctl --list-sas): ${lab.swanctl(["--list-sas"]).trim() || "no SA left"}`);
} finally {
  await stop();
}

// Certificates: a throwaway CA, a gateway and a client certificate made here with strongSwan's pki,
// and a second lab gateway that authenticates with them.
const pkiDir = mkdtempSync(join(tmpdir(), "ikeprobe-demo-pki-"));
const ca = makeCa(pkiDir, "ca", "C=XX, O=Lab, CN=Lab Root CA");
const gwCert = issue(pkiDir, ca, "gw", "C=XX, O=Lab, CN=gw.lab.example", { sans: ["gw.lab.example"], days: 25 });
const client = issue(pkiDir, ca, "client", "C=XX, O=Lab, CN=client.lab.example", { sans: ["client.lab.example"] });
console.log("\ndemo: starting a certificate gateway (strongSwan, RSA certificates from a lab CA)");
const certLab = await startLab({
  credentials: { x509: { "gw.pem": gwCert.cert }, x509ca: { "ca.pem": ca.cert }, private: { "gw.key": gwCert.key } },
  connections: [
    { name: "certs", proposals: ["aes256-sha256-modp2048"], psk: "unused", auth: "pubkey", certs: ["gw.pem"], localId: "gw.lab.example", espProposals: ["aes256-sha256"], remoteTs: "203.0.113.0/24" },
    { name: "certs-am", proposals: ["aes256-sha256-modp2048"], psk: "unused", auth: "pubkey", certs: ["gw.pem"], localId: "gw.lab.example", aggressive: true, sendCert: "always" },
  ],
});
try {
  const certRuns: [string, string[]][] = [
    ["without any credentials: which certificate does the gateway hand out, and is it any good?", ["--aggressive", "--ike", "aes256-sha256-modp2048", "--auth", "rsa", "--id", "fqdn:anyone.example"]],
    [
      "with our certificate: authenticate, check the gateway's chain against the CA, then Quick Mode",
      ["--ike", "aes256-sha256-modp2048", "--auth", "rsa", "--cert", client.certFile, "--key", client.keyFile, "--ca", ca.certFile, "--id", "fqdn:client.lab.example", "--esp", "aes256-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24"],
    ],
  ];
  for (const [title, args] of certRuns) {
    const full = [certLab.gwAddr, ...args];
    console.log(`\n=== ${title}\n$ ${["ikeprobe", ...full].join(" ").replaceAll(pkiDir, "$PKI")}\n`);
    const argv = certLab.clientExec([process.execPath, bin, ...full]);
    const r = spawnSync(argv[0]!, argv.slice(1), { stdio: "inherit" });
    console.log(`(exit code ${r.status})`);
  }
} finally {
  await certLab.stop();
  rmSync(pkiDir, { recursive: true, force: true });
  console.log("demo: certificate gateway stopped, namespaces deleted");
}

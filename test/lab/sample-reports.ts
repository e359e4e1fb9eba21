/**
 * Regenerates examples/sample-report*.json from the demo lab gateway (examples/lab-gateway.json):
 *   node --import tsx test/lab/sample-reports.ts      (root; after npm run build)
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { issue, makeCa } from "./pki.ts";
import { join } from "node:path";
import { type LabConnection, type LabOptions, startLab } from "./lab.ts";

const def = JSON.parse(readFileSync(new URL("../../examples/lab-gateway.json", import.meta.url), "utf8")) as { connections: LabConnection[]; options: Omit<LabOptions, "connections"> };
const conn = def.connections[0]!;
const branch = def.connections.find((c) => c.name === "branch")!;
const road = def.connections.find((c) => c.name === "road")!;
const bin = new URL("../../bin/ikeprobe.js", import.meta.url).pathname;
const out = new URL("../../examples/", import.meta.url).pathname;
const lab = await startLab({ ...def.options, connections: def.connections });
try {
  const run = (args: string[], psk: string): string => {
    const a = lab.clientExec([process.execPath, bin, ...args]);
    return spawnSync(a[0]!, a.slice(1), { encoding: "utf8", env: { ...process.env, IKEPROBE_PSK: psk } }).stdout;
  };
  const id = `fqdn:${conn.remoteId}`;
  writeFileSync(
    `${out}sample-report.json`,
    run([lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--ike", "des-md5-modp1024", "--id", id, "--esp", "aes256-sha256-modp2048", "--esp", "aes128-sha1", "--local-ts", conn.remoteTs!, "--remote-ts", conn.localTs!, "--json"], conn.psk),
  );
  writeFileSync(`${out}sample-report-psk-mismatch.json`, run([lab.gwAddr, "--ike", "aes256-sha256-modp2048", "--id", id, "--json"], "not-the-lab-secret"));
  writeFileSync(`${out}sample-scan.json`, run(["scan", lab.gwAddr, "--catalogue", "common", "--json"], ""));
  const modern = def.connections.find((c) => c.name === "modern")!;
  writeFileSync(`${out}sample-report-ikev2.json`, run([lab.gwAddr, "--ikev2", "--ike", "aes256gcm16-prfsha384-ecp384", "--ike", "3des-sha1-modp1024", "--id", `fqdn:${modern.remoteId}`, "--esp", "aes256gcm16", "--esp", "aes128-sha256-modp3072", "--local-ts", modern.remoteTs!, "--remote-ts", modern.localTs!, "--json"], modern.psk));
  const hashFile = join(lab.dir, "branch.hash");
  writeFileSync(`${out}sample-report-aggressive.json`, run([lab.gwAddr, "--aggressive", "--ike", "3des-sha1-modp1024", "--id", `fqdn:${branch.remoteId}`, "--save-hash", hashFile, "--json"], "").replaceAll(lab.dir, "/tmp/lab"));
  const words = join(lab.dir, "words.txt");
  writeFileSync(words, "password\nletmein\nsunshine\nwelcome\n");
  writeFileSync(`${out}sample-psk-crack.json`, run(["psk-crack", hashFile, "--wordlist", words, "--json"], "").replaceAll(lab.dir, "/tmp/lab"));
  const pskFile = join(lab.dir, "branch-psk.txt");
  writeFileSync(pskFile, `${branch.psk}\n`);
  writeFileSync(`${out}sample-diagnosis.json`, run([lab.gwAddr, "--diagnose", "--aggressive", "--ike", "aes256-sha256-modp2048", "--id", `fqdn:${branch.remoteId}`, "--psk-file", pskFile, "--pace", "0.2", "--json"], ""));
  const alice = def.options.xauthUsers![0]!;
  const xauthFile = join(lab.dir, "alice.txt");
  writeFileSync(xauthFile, `${alice.password}\n`);
  writeFileSync(
    `${out}sample-report-xauth.json`,
    run([def.options.gwExtraAddrs![0]!, "--auth", "xauth-psk", "--ike", "aes256-sha256-modp2048", "--id", `fqdn:${road.remoteId}`, "--xauth-user", alice.user, "--xauth-password-file", xauthFile, "--esp", "aes256-sha256", "--remote-ts", road.localTs!, "--dpd", "--json"], road.psk),
  );
  console.log("wrote examples/sample-report.json, sample-report-psk-mismatch.json, sample-scan.json, sample-report-ikev2.json, sample-report-aggressive.json, sample-psk-crack.json, sample-diagnosis.json, sample-report-xauth.json");
} finally {
  await lab.stop();
}

// Certificates: a throwaway CA, gateway and client (pki), a gateway that authenticates with them.
const pkiDir = mkdtempSync(join(tmpdir(), "ikeprobe-sample-pki-"));
const ca = makeCa(pkiDir, "ca", "C=XX, O=Lab, CN=Lab Root CA");
const gwCert = issue(pkiDir, ca, "gw", "C=XX, O=Lab, CN=gw.lab.example", { sans: ["gw.lab.example"] });
const client = issue(pkiDir, ca, "client", "C=XX, O=Lab, CN=client.lab.example", { sans: ["client.lab.example"] });
const certLab = await startLab({
  credentials: { x509: { "gw.pem": gwCert.cert }, x509ca: { "ca.pem": ca.cert }, private: { "gw.key": gwCert.key } },
  connections: [{ name: "certs", proposals: ["aes256-sha256-modp2048"], psk: "unused", auth: "pubkey", certs: ["gw.pem"], localId: "gw.lab.example", espProposals: ["aes256-sha256"], remoteTs: "203.0.113.0/24" }],
});
try {
  const a = certLab.clientExec([process.execPath, bin, certLab.gwAddr, "--ike", "aes256-sha256-modp2048", "--auth", "rsa", "--cert", client.certFile, "--key", client.keyFile, "--ca", ca.certFile, "--id", "fqdn:client.lab.example", "--esp", "aes256-sha256", "--local-ts", "203.0.113.0/24", "--remote-ts", "198.51.100.0/24", "--json"]);
  writeFileSync(`${out}sample-report-certificate.json`, spawnSync(a[0]!, a.slice(1), { encoding: "utf8" }).stdout);
  console.log("wrote examples/sample-report-certificate.json");
} finally {
  await certLab.stop();
  rmSync(pkiDir, { recursive: true, force: true });
}

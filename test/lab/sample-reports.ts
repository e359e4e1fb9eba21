/**
 * Regenerates examples/sample-report*.json from the demo lab gateway (examples/lab-gateway.json):
 *   node --import tsx test/lab/sample-reports.ts      (root; after npm run build)
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { type LabConnection, startLab } from "./lab.ts";

const def = JSON.parse(readFileSync(new URL("../../examples/lab-gateway.json", import.meta.url), "utf8")) as { connections: LabConnection[] };
const conn = def.connections[0]!;
const bin = new URL("../../bin/ikeprobe.js", import.meta.url).pathname;
const out = new URL("../../examples/", import.meta.url).pathname;
const lab = await startLab({ connections: def.connections });
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
  console.log("wrote examples/sample-report.json, sample-report-psk-mismatch.json, sample-scan.json");
} finally {
  await lab.stop();
}

/**
 * `npm run demo`: starts the lab gateway from examples/lab-gateway.json (a real strongSwan in a
 * network namespace), runs ikeprobe against it from a client namespace as a user would, then
 * tears the lab down.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LabConnection, startLab } from "../test/lab/lab.ts";

const def = JSON.parse(readFileSync(new URL("./lab-gateway.json", import.meta.url), "utf8")) as { connections: LabConnection[] };
const conn = def.connections[0]!;
const bin = new URL("../bin/ikeprobe.js", import.meta.url).pathname;

console.log(`demo: starting the lab gateway (strongSwan) with proposals ${conn.proposals.join(", ")}`);
const lab = await startLab({ connections: def.connections });
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
  const runs: [string, string[]][] = [
    [
      "which offers does the gateway accept, does our PSK authenticate, which Quick Mode proposals does it take for our networks?",
      ["--ike", "aes256-sha256-modp2048", "--ike", "des-md5-modp1024", "--psk-file", pskFile, "--id", `fqdn:${conn.remoteId}`, "--esp", "aes256-sha256-modp2048", "--esp", "aes128-sha1", "--local-ts", conn.remoteTs!, "--remote-ts", conn.localTs!],
    ],
    ["the same with a wrong PSK: what does a mismatch look like?", ["--ike", "aes256-sha256-modp2048", "--psk-file", wrongFile, "--id", `fqdn:${conn.remoteId}`]],
    ["audit: everything the gateway accepts from the common catalogue, rated", ["scan", "--catalogue", "common"]],
  ];
  for (const [title, args] of runs) {
    // The command first (probe is the default), then the gateway address.
    const full = args[0] === "scan" ? ["scan", lab.gwAddr, ...args.slice(1)] : [lab.gwAddr, ...args];
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

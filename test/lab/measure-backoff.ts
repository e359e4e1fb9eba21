/**
 * Measures how a lab gateway re-sends message 2 when message 3 never comes (back-off), with
 * ike-scan --showbackoff as the independent observer: node --import tsx test/lab/measure-backoff.ts
 * strongswan|libreswan|softether [SECONDS]. Used to write the back-off pattern table.
 */
import { spawnSync } from "node:child_process";
import { startLab } from "./lab.ts";

const which = process.argv[2] ?? "strongswan";
const seconds = Number(process.argv[3] ?? 60);
const psk = "backoff-lab-psk1";
const lab = await startLab(
  which === "softether"
    ? { connections: [], softether: { psk } }
    : which === "libreswan"
      ? { connections: [], libreswan: { conns: "conn lab\n    ikev2=no\n    authby=secret\n    left=198.18.1.1\n    right=%any\n    ike=aes256-sha2_256;modp2048\n    leftupdown=%disabled\n    auto=add\n", secrets: `198.18.1.1 %any : PSK "${psk}"\n` } }
      : { connections: [{ name: "lab", proposals: ["aes256-sha256-modp2048"], psk }] },
);
try {
  const argv = lab.clientExec(["ike-scan", "-M", "--sport=0", `--showbackoff=${seconds}`, "--trans=7/256,4,1,14", ...(which === "softether" ? ["--vendor=4a131c81070358455c5728f20e95452f"] : []), lab.gwAddr]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  console.log(r.stdout, r.stderr);
} finally {
  await lab.stop();
}

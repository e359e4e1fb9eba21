/**
 * Captures real IKEv2 responders' answers to IKE_SA_INIT for the codec's golden vectors
 * (test/fixtures/ikev2-*.hex): an SA answer, INVALID_KE_PAYLOAD and NO_PROPOSAL_CHOSEN, from
 * strongSwan and libreswan in the lab. Run as root: node --import tsx test/lab/capture-ikev2.ts
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { startLab } from "./lab.ts";
import { ensureLibreswan } from "./libreswan.ts";
import { createKeyExchange } from "../../src/crypto/dh.ts";
import { encodeSaInit, newSpi } from "../../src/exchanges/v2/ike-sa-init.ts";
import { ikeNotify } from "../../src/wire/v2/payloads/notify.ts";
import { Ikev2Notify } from "../../src/wire/v2/constants.ts";

const OUT = new URL("../fixtures/", import.meta.url).pathname;
const proposal = (group: number) => [{ number: 1, protocolId: 1, spi: Buffer.alloc(0), transforms: [{ type: 1, id: 12, keyLength: 256 }, { type: 2, id: 5 }, { type: 3, id: 12 }, { type: 4, id: group }] }];

/** Sends one request from inside the client namespace (a small Node child) and returns the answer's hex. */
function ask(clientExec: (a: string[]) => string[], host: string, message: Buffer): string {
  const code = `const s=require("dgram").createSocket("udp4");s.on("message",(m)=>{process.stdout.write(m.toString("hex"));process.exit(0)});s.send(Buffer.from("${message.toString("hex")}","hex"),500,"${host}");setTimeout(()=>process.exit(1),3000);`;
  const argv = clientExec([process.execPath, "-e", code]);
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`no answer from ${host}`);
  return r.stdout;
}

function requests(): Record<string, Buffer> {
  const ke14 = createKeyExchange(14).publicValue;
  const nat = [ikeNotify(Ikev2Notify.NAT_DETECTION_SOURCE_IP, randomBytes(20)), ikeNotify(Ikev2Notify.NAT_DETECTION_DESTINATION_IP, randomBytes(20)), ikeNotify(Ikev2Notify.IKEV2_FRAGMENTATION_SUPPORTED), ikeNotify(Ikev2Notify.SIGNATURE_HASH_ALGORITHMS, Buffer.from("000200030004", "hex"))];
  return {
    sa: encodeSaInit({ spiI: newSpi(), proposals: proposal(14), ke: { group: 14, data: ke14 }, nonce: randomBytes(32), notifies: nat }),
    "invalid-ke": encodeSaInit({ spiI: newSpi(), proposals: proposal(14), ke: { group: 31, data: createKeyExchange(31).publicValue }, nonce: randomBytes(32) }),
    "no-proposal": encodeSaInit({ spiI: newSpi(), proposals: [{ ...proposal(14)[0]!, transforms: [{ type: 1, id: 3 }, { type: 2, id: 1 }, { type: 3, id: 1 }, { type: 4, id: 14 }] }], ke: { group: 14, data: ke14 }, nonce: randomBytes(32) }),
  };
}

const sw = await startLab({ connections: [{ name: "v2", version: 2, proposals: ["aes256-sha256-modp2048"], psk: "capture-only-secret", localId: "gw.lab.example" }], charonExtra: "block_threshold = 50\n  cookie_threshold_ip = 50" });
try {
  for (const [name, m] of Object.entries(requests())) writeFileSync(`${OUT}ikev2-strongswan-${name}.hex`, `${ask(sw.clientExec, sw.gwAddr, m)}\n`);
} finally {
  await sw.stop();
}
ensureLibreswan();
const ls = await startLab({ connections: [], libreswan: { conns: "conn lab\n    ikev2=yes\n    authby=secret\n    left=198.18.1.1\n    leftid=@gw.lab.example\n    right=%any\n    rightid=%any\n    ike=aes256-sha2_256;modp2048\n    leftupdown=%disabled\n    auto=add\n", secrets: '@gw.lab.example %any : PSK "capture-only-secret"\n' } });
try {
  for (const [name, m] of Object.entries(requests())) writeFileSync(`${OUT}ikev2-libreswan-${name}.hex`, `${ask(ls.clientExec, ls.gwAddr, m)}\n`);
} finally {
  await ls.stop();
}

/**
 * Captures an IKEv2 exchange with a known outcome for the key-derivation and SK known-answer tests
 * (test/fixtures/strongswan-ikev2-{cbc,gcm}.json): IKE_SA_INIT and IKE_AUTH with a PSK between
 * ikeprobe's IKEv2 code and strongSwan 5.9.8 at ike = 4, which logs g^ir, SKEYSEED and every SK_*.
 * The gateway's log is the independent source: the tests recompute from the packets and its g^ir.
 * The PSK is a throwaway lab secret. Run as root: node --import tsx test/lab/capture-ikev2-keys.ts cbc|gcm
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { startLab } from "./lab.ts";
import { createKeyExchange } from "../../src/crypto/dh.ts";
import { encodeSaInit, newSpi, readSaInitAnswer } from "../../src/exchanges/v2/ike-sa-init.ts";
import { prfById } from "../../src/crypto/v2/prf.ts";
import { deriveIkev2Keys, encrKeyLength, integKeyLength } from "../../src/crypto/v2/keys.ts";
import { protect, unprotect } from "../../src/crypto/v2/sk.ts";
import { decodeIkev2Message } from "../../src/wire/v2/message.ts";
import { decodeChain } from "../../src/wire/chain.ts";
import { encodeId, decodeId } from "../../src/wire/v2/payloads/identification.ts";
import { encodeAuth, decodeAuth } from "../../src/wire/v2/payloads/auth.ts";
import { decodeNotify } from "../../src/wire/v2/payloads/notify.ts";
const suite = process.argv[2] ?? "cbc";
const PSK = "auth-lab-secret-42";
const enc = suite === "gcm" ? { type: 1, id: 20, keyLength: 128 } : { type: 1, id: 12, keyLength: 256 };
const conf = suite === "gcm" ? "aes128gcm16-prfsha256-ecp256" : "aes256-sha256-modp2048";
const group = suite === "gcm" ? 19 : 14;
const lab = await startLab({ ikeLogLevel: 4, connections: [{ name: "v2", version: 2, proposals: [conf], psk: PSK, localId: "gw.lab.example", remoteId: "client.lab.example" }] });
try {
  const ke = createKeyExchange(group);
  const spiI = newSpi(); const ni = randomBytes(32);
  const transforms = suite === "gcm" ? [enc, { type: 2, id: 5 }, { type: 4, id: group }] : [enc, { type: 2, id: 5 }, { type: 3, id: 12 }, { type: 4, id: group }];
  const m1 = encodeSaInit({ spiI, proposals: [{ number: 1, protocolId: 1, spi: Buffer.alloc(0), transforms }], ke: { group, data: ke.publicValue }, nonce: ni });
  const script = `const s=require("dgram").createSocket("udp4");const rl=require("readline").createInterface({input:process.stdin});s.on("message",(m)=>{console.log(m.toString("hex"))});rl.on("line",(l)=>s.send(Buffer.from(l,"hex"),500,"${lab.gwAddr}"));setTimeout(()=>process.exit(0),4000);`;
  // Two-step exchange through one process: send m1, wait, compute, send m3.
  const argv = lab.clientExec([process.execPath, "-e", script]);
  const p = spawn(argv[0]!, argv.slice(1));
  const answers: string[] = [];
  p.stdout.on("data", (d: Buffer) => answers.push(...d.toString().trim().split("\n")));
  p.stdin.write(m1.toString("hex") + "\n");
  await new Promise((r) => setTimeout(r, 400));
  const m2 = Buffer.from(answers[0]!, "hex");
  const a = readSaInitAnswer(m2);
  if (a.kind !== "sa") throw new Error(a.kind);
  const gir = ke.computeSecret(a.ke!.data);
  const prf = prfById(5);
  const keys = deriveIkev2Keys({ prf, encrKeyLength: encrKeyLength(enc), integKeyLength: integKeyLength(suite === "gcm" ? null : 12), ni, nr: a.nonce!, gir, spiI, spiR: a.spiR });
  const idi = encodeId({ idType: 2, data: Buffer.from("client.lab.example") });
  const signed = Buffer.concat([m1, a.nonce!, prf(keys.skPi, idi)]);
  const auth = prf(prf(Buffer.from(PSK), Buffer.from("Key Pad for IKEv2")), signed);
  const inner = [{ type: 35, body: idi }, { type: 39, body: encodeAuth({ method: 2, data: auth }) }];
  const skSuite = { cipher: { id: enc.id, keyLength: enc.keyLength }, integ: suite === "gcm" ? null : 12 };
  const m3 = protect({ spiI, spiR: a.spiR, exchangeType: 35, flags: 0x08, messageId: 1 }, inner, skSuite, { encKey: keys.skEi, integKey: keys.skAi });
  p.stdin.write(m3.toString("hex") + "\n");
  await new Promise((r) => setTimeout(r, 600));
  const m4 = Buffer.from(answers[1]!, "hex");
  const d = decodeIkev2Message(m4);
  const skOffset = d.raw.length - d.payloads.at(-1)!.raw.length;
  const plain = unprotect(m4, skOffset, skSuite, { encKey: keys.skEr, integKey: keys.skAr });
  const ch = decodeChain(plain.chain, plain.firstType, { flagsAllowed: 0x80 });
  console.log("inner types", ch.payloads.map((x) => x.type));
  const idr = ch.payloads.find((x) => x.type === 36);
  const authR = ch.payloads.find((x) => x.type === 39);
  for (const n of ch.payloads.filter((x) => x.type === 41)) console.log("notify", decodeNotify(n.body).notifyType);
  if (idr && authR) {
    const signedR = Buffer.concat([m2, ni, prf(keys.skPr, idr.body)]);
    const want = prf(prf(Buffer.from(PSK), Buffer.from("Key Pad for IKEv2")), signedR);
    console.log("IDr", decodeId(idr.body, 36).data.toString(), "AUTH_r verifies:", want.equals(decodeAuth(authR.body).data));
  }
  const log = lab.log();
  console.log(log.split("\n").filter((l) => /SKEYSEED|Sk_|Diffie Hellman secret|successful|MAC mismatch|established/.test(l)).slice(0, 20).join("\n"));
  const grab = (name: string): string | undefined => { const i = log.indexOf(name); if (i < 0) return undefined; const lines = log.slice(i).split("\n").slice(1); let hex = ""; for (const l of lines) { const m = /^\S+ \d+\[\w+\]\s+\d+: ((?:[0-9A-F]{2} ){1,16})/.exec(l); if (!m) break; hex += m[1]!.replace(/ /g, ""); } return hex.toLowerCase(); };
  const fx = { description: `IKE_SA_INIT and IKE_AUTH (PSK) between ikeprobe and strongSwan 5.9.8, ${conf}; the gateway's values from its log at ike = 4`, proposal: conf, ni: ni.toString("hex"), nr: a.nonce!.toString("hex"), spiI: spiI.toString("hex"), spiR: a.spiR.toString("hex"), gateway: { gir: grab("shared Diffie Hellman secret"), skeyseed: grab("SKEYSEED"), skD: grab("Sk_d secret"), skAi: grab("Sk_ai secret"), skAr: grab("Sk_ar secret"), skEi: grab("Sk_ei secret"), skEr: grab("Sk_er secret"), skPi: grab("Sk_pi secret"), skPr: grab("Sk_pr secret") }, messages: { m1: m1.toString("hex"), m2: m2.toString("hex"), m3: m3.toString("hex"), m4: m4.toString("hex") }, psk: PSK };
  writeFileSync(new URL(`../fixtures/strongswan-ikev2-${suite}.json`, import.meta.url), `${JSON.stringify(fx, null, 1)}\n`);
    p.kill();
} finally { await lab.stop(); }

/**
 * Aggressive Mode with RSA signatures against the scripted responder signing with a real key and
 * certificate (the throwaway ones of the strongSwan KAT fixture): the gateway's certificate and
 * verified SIG_R without credentials of ours; a forged SIG_R; and hundreds of mutated answers
 * (bit flips and truncations anywhere, the CERT's DER included), each ending in a Step and a
 * well-formed result, never an exception.
 */
import assert from "node:assert/strict";
import { createPrivateKey, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { type Phase1Config, phase1Initiator } from "../../src/exchanges/v1/phase1/index.ts";
import { pemBlocks } from "../../src/x509/pem.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/strongswan-sig-rsa.json", import.meta.url), "utf8")) as { certificates: { gateway: string }; gatewayKey: string };
const rsa = { key: createPrivateKey(fixture.gatewayKey), cert: pemBlocks(fixture.certificates.gateway, "CERTIFICATE")[0]! };

function config(): Phase1Config {
  return {
    transform: parseIkeProposal("aes256-sha256-modp2048", 3, 28800)[0]!,
    localId: { idType: 2, protocolId: 0, port: 0, data: Buffer.from("anyone.example") },
    natT: "off",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
    aggressive: true,
    signer: {},
  };
}

describe("Aggressive Mode with RSA signatures (scripted responder)", () => {
  test("without credentials: the CERTREQ goes out, the certificate comes back, SIG_R verifies, the exchange stops (no identity)", () => {
    const am = phase1Initiator(config());
    const m1 = am.start();
    assert.ok(m1.includes(Buffer.from([0, 0, 5, 4])), "a CERTREQ for any X.509 authority (length 5, type 4)");
    const step = am.receive(new ScriptedGateway("unused").am2(m1, { rsa }));
    assert.equal(step.kind, "done");
    assert.deepEqual(am.result.signature, { algorithm: am.result.signature!.algorithm, verified: true });
    assert.equal(am.result.certificates.length, 1);
    assert.equal(am.result.identity, undefined, "not attempted: we have nothing to prove ourselves with");
    assert.deepEqual(am.result.remoteId, { type: "fqdn", value: "gw.example" });
    assert.equal(am.result.aggressive, undefined, "no PSK hash to capture in a signature exchange");
  });

  test("a forged SIG_R is gateway-signature-invalid (error), with the evidence", () => {
    const am = phase1Initiator(config());
    am.receive(new ScriptedGateway("unused").am2(am.start(), { rsa: { ...rsa, tamperSig: true } }));
    assert.equal(am.result.identity?.status, "error");
    assert.equal(am.result.identity?.cause, "gateway-signature-invalid");
    assert.equal(am.result.signature?.verified, false);
    assert.match(am.result.identity!.evidence, /^SIG_R received [0-9a-f]+; HASH_R computed [0-9a-f]{64}$/);
  });

  test("mutated answers: every one ends in a Step and a result of the known shapes", () => {
    const seed = randomBytes(4).readUInt32BE(0);
    let state = seed;
    const rnd = (n: number): number => ((state = (state * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 150; i++) {
      const am = phase1Initiator(config());
      const good = new ScriptedGateway("unused").am2(am.start(), { rsa });
      const bad = Buffer.from(good);
      if (i % 3 === 0) {
        for (let k = 0; k < 1 + rnd(8); k++) {
          const at = 28 + rnd(bad.length - 28);
          bad[at] = bad[at]! ^ (1 << rnd(8));
        }
      } else if (i % 3 === 1) {
        bad.writeUInt32BE(28 + rnd(bad.length - 28), 24);
      } else {
        // Inside the certificate: the CERT payload's DER, changed byte by byte.
        const at = bad.indexOf(rsa.cert.subarray(0, 16));
        for (let k = 0; k < 1 + rnd(20); k++) bad[at + rnd(rsa.cert.length)] = rnd(256);
      }
      let step;
      assert.doesNotThrow(() => (step = am.receive(bad)), `case ${i} (seed ${seed})`);
      assert.ok(step !== undefined && ["done", "ignore", "final", "send"].includes((step as { kind: string }).kind));
      const r = am.result;
      assert.ok(["accepted", "malformed", "no-response", "rejected"].includes(r.offer), r.offer);
      if (r.identity !== undefined) assert.ok(["error", "rejected", "authenticated"].includes(r.identity.status), JSON.stringify(r.identity));
      assert.notEqual(r.identity?.status, "authenticated", "a mutated answer never authenticates us");
      if (r.signature?.verified === true) assert.ok(r.certificates.length > 0);
    }
  });
});

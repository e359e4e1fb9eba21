/** Aggressive Mode (the same state machine with `aggressive`) against a scripted gateway. */
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { describe, test } from "node:test";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { parseIdentity } from "../../src/config/identity.ts";
import { crackEngine } from "../../src/crack/engine.ts";
import { formatPskCrackLine, parsePskCrackFile } from "../../src/crack/hash-file.ts";
import { phase1Initiator, type Phase1Config } from "../../src/exchanges/v1/phase1/index.ts";
import { ExchangeType, NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { decodeMessage } from "../../src/wire/v1/message.ts";
import { encodeId } from "../../src/wire/v1/payloads/identification.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";

const ID = parseIdentity("fqdn:client.example");

function config(proposal: string, psk: string | null, over: Partial<Phase1Config> = {}): Phase1Config {
  const c: Phase1Config = {
    transform: parseIkeProposal(proposal, 1, 28800)[0]!,
    localId: ID,
    natT: "off",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
    aggressive: true,
    ...over,
  };
  if (psk !== null) c.psk = Buffer.from(psk);
  return c;
}

describe("Aggressive Mode initiator", () => {
  test("message 1 carries SA, KE for the offered group, nonce and our ID, in exchange type 4", () => {
    const am = phase1Initiator(config("aes128-sha1-modp1024", "gateway-psk"));
    const m = decodeMessage(am.start());
    assert.equal(m.header.exchangeType, ExchangeType.AGGRESSIVE);
    assert.deepEqual(m.payloads.slice(0, 4).map((p) => p.type), [PayloadType.SA, PayloadType.KE, PayloadType.NONCE, PayloadType.ID]);
    assert.equal(m.payloads[1]!.body.length, 128, "a modp1024 KE is 128 bytes");
    assert.deepEqual(m.payloads[3]!.body, encodeId(ID));
  });

  for (const proposal of ["aes256-sha256-modp2048", "3des-md5-modp1024", "aes128-sha1-ecp256", "aes256-sha512-curve25519"]) {
    test(`same PSK: HASH_R verifies and message 3 carries a HASH_I the gateway accepts, encrypted (${proposal})`, () => {
      const gw = new ScriptedGateway();
      const am = phase1Initiator(config(proposal, "gateway-psk"));
      const step = am.receive(gw.am2(am.start()));
      assert.equal(step.kind, "final");
      const am3 = (step as { message: Buffer }).message;
      assert.equal(decodeMessage(am3).header.flags & 1, 1, "message 3 is encrypted by default");
      const [hashP] = gw.readAm3(am3);
      assert.equal(hashP?.type, PayloadType.HASH);
      assert.deepEqual(hashP.body, gw.expectedHashI(encodeId(ID)));
      assert.equal(am.result.identity?.status, "authenticated");
      assert.equal(am.result.identity?.cause, "ok");
      assert.deepEqual(am.isakmpSa().phase1LastBlock, gw.phase1LastBlock, "later exchanges start from message 3's last block");
    });
  }

  test("--am3-clear sends HASH_I without encryption", () => {
    const gw = new ScriptedGateway();
    const am = phase1Initiator(config("aes256-sha256-modp2048", "gateway-psk", { am3Clear: true }));
    const step = am.receive(gw.am2(am.start()));
    const am3 = (step as { message: Buffer }).message;
    assert.equal(decodeMessage(am3).header.flags & 1, 0);
    assert.deepEqual(gw.readAm3(am3)[0]!.body, gw.expectedHashI(encodeId(ID)));
  });

  test("another PSK on the gateway: psk-mismatch from HASH_R, and no message 3", () => {
    const gw = new ScriptedGateway("the-gateway-holds-this");
    const am = phase1Initiator(config("aes256-sha256-modp2048", "but-we-have-this"));
    assert.equal(am.receive(gw.am2(am.start())).kind, "done");
    assert.equal(am.result.identity?.status, "psk-mismatch");
    assert.equal(am.result.identity?.cause, "hash-r-mismatch");
    assert.match(am.result.identity!.detail, /fqdn client\.example/);
    assert.notEqual(am.result.aggressive, undefined, "the hash is captured all the same");
  });

  test("without a PSK the gateway's hash is captured; its fields frame HASH_R exactly (independent HMAC)", () => {
    for (const proposal of ["aes128-md5-modp1024", "aes128-sha1-modp1024", "aes256-sha256-modp2048", "aes256-sha384-ecp384", "aes256-sha512-modp2048"]) {
      const gw = new ScriptedGateway("captured-secret");
      const am = phase1Initiator(config(proposal, null));
      assert.equal(am.receive(gw.am2(am.start())).kind, "done");
      const cap = am.result.aggressive!;
      assert.ok(cap !== undefined);
      const [h] = parsePskCrackFile(formatPskCrackLine(cap), "capture");
      const test1 = crackEngine(crypto).tester(h!).test;
      const right = Buffer.from("captured-secret");
      const wrong = Buffer.from("captured-secreT");
      assert.equal(test1(right, 0, right.length), true, proposal);
      assert.equal(test1(wrong, 0, wrong.length), false, proposal);
    }
  });

  test("AUTHENTICATION-FAILED in reply to message 1 is a refused offer (strongSwan: Aggressive Mode PSK disabled)", () => {
    const gw = new ScriptedGateway();
    const am = phase1Initiator(config("aes256-sha256-modp2048", "gateway-psk"));
    am.start();
    gw.initiatorCookie = am.initiatorCookie;
    assert.equal(am.receive(gw.notify(NotifyType.AUTHENTICATION_FAILED)).kind, "done");
    assert.equal(am.result.offer, "rejected");
    assert.equal(am.result.notify?.name, "AUTHENTICATION-FAILED");
  });

  for (const [name, drop] of [
    ["KE", PayloadType.KE],
    ["nonce", PayloadType.NONCE],
    ["ID", PayloadType.ID],
    ["HASH", PayloadType.HASH],
  ] as const) {
    test(`message 2 without its ${name} payload is an error, not a crash`, () => {
      const gw = new ScriptedGateway();
      const am = phase1Initiator(config("aes256-sha256-modp2048", "gateway-psk"));
      assert.equal(am.receive(gw.am2(am.start(), { drop })).kind, "done");
      assert.match(am.result.error?.message ?? "", new RegExp(`lacks its ${name} payload`));
      assert.notEqual(am.result.identity?.status, "authenticated");
    });
  }

  test("a gateway that answers another DH group than our KE's is reported, not trusted", () => {
    const gw = new ScriptedGateway();
    const am = phase1Initiator(config("aes256-sha256-modp2048", "gateway-psk"));
    assert.equal(am.receive(gw.am2(am.start(), { group: 14 + 1 })).kind, "done");
    assert.match(am.result.error?.message ?? "", /group 15 in Aggressive Mode/);
  });

  test("NAT-D in message 2 is evaluated without a PSK (it needs no keys); a gateway claiming a NAT is reported so", () => {
    const natd = { initiator: { address: "198.18.1.2", port: 40000 }, gateway: { address: "198.18.1.1", port: 500 } };
    for (const [claim, gatewayBehind] of [[false, false], [true, true]] as const) {
      const gw = new ScriptedGateway();
      const am = phase1Initiator(config("aes128-sha1-modp2048", null, { natT: "auto" }));
      am.receive(gw.am2(am.start(), { natd: { ...natd, claim } }));
      assert.equal(am.result.offer, "accepted");
      assert.equal(am.result.natT?.detected, gatewayBehind);
      assert.equal(am.result.natT?.localBehindNat, false);
      assert.equal(am.result.natT?.gatewayBehindNat, gatewayBehind);
    }
    // No NAT-D in message 2: not tested, which is not "no NAT".
    const gw = new ScriptedGateway();
    const am = phase1Initiator(config("aes128-sha1-modp2048", null, { natT: "auto" }));
    am.receive(gw.am2(am.start()));
    assert.equal(am.result.natT?.detected, null);
    assert.equal(am.result.natT?.localBehindNat, null);
  });

  for (const [name, idBody] of [["empty", Buffer.alloc(0)], ["3 bytes", Buffer.from([2, 0, 0])]] as const) {
    test(`an ID payload in message 2 that does not decode (${name}): a malformed answer, and nothing captured for --save-hash`, () => {
      for (const psk of [null, "gateway-psk"]) {
        const gw = new ScriptedGateway();
        const am = phase1Initiator(config("aes128-sha1-modp1024", psk));
        const step = am.receive(gw.am2(am.start(), { idBody }));
        assert.equal(step.kind, "done");
        assert.equal(am.result.aggressive, undefined, "no capture of a message we could not read");
        assert.ok(am.result.offer === "malformed" || am.result.identity?.status === "error", JSON.stringify(am.result));
      }
    });
  }

  test("no answer to message 1 is no-response", () => {
    const am = phase1Initiator(config("aes256-sha256-modp2048", "gateway-psk"));
    am.start();
    assert.equal(am.timeout().kind, "done");
    assert.equal(am.result.offer, "no-response");
  });
});

/** Main Mode state machine against a scripted gateway: normal, refused, broken and hostile answers. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { addressIdentity } from "../../src/config/identity.ts";
import { phase1Initiator, type Phase1Config, type Step } from "../../src/exchanges/v1/phase1/index.ts";
import { ExchangeType, NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeAttributes } from "../../src/wire/v1/attributes.ts";
import { decodeMessage } from "../../src/wire/v1/message.ts";
import { encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";

function config(proposal = "aes256-sha256-modp2048", psk: string | null = "gateway-psk", over: Partial<Phase1Config> = {}): Phase1Config {
  const c: Phase1Config = {
    transform: parseIkeProposal(proposal, 1, 28800)[0]!,
    localId: addressIdentity("198.18.1.2"),
    natT: "auto",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
    ...over,
  };
  if (psk !== null) c.psk = Buffer.from(psk);
  return c;
}

function sent(s: Step): Buffer {
  assert.equal(s.kind, "send", `expected a message to send, got ${JSON.stringify(s)}`);
  return (s as { message: Buffer }).message;
}

/** Runs MM1..MM4 and returns the initiator with message 5 in hand. */
function toMm5(gw: ScriptedGateway, cfg = config(), mm4opts: Parameters<ScriptedGateway["mm4"]>[1] = {}) {
  const mm = phase1Initiator(cfg);
  const mm3 = sent(mm.receive(gw.mm2(mm.start())));
  const s5 = mm.receive(gw.mm4(mm3, mm4opts));
  return { mm, mm5: sent(s5), float: (s5 as { float: boolean }).float };
}

describe("Main Mode initiator", () => {
  for (const proposal of ["aes256-sha256-modp2048", "3des-sha1-modp1024", "aes128-md5-ecp256", "aes192-sha512-curve25519", "des-sha1-modp768", "aes256-sha384-modp2048s256"]) {
    test(`authenticates against a gateway with the same PSK (${proposal})`, () => {
      const gw = new ScriptedGateway();
      const { mm, mm5 } = toMm5(gw, config(proposal));
      const payloads = gw.readMm5(mm5);
      assert.deepEqual(payloads.map((p) => p.type), [PayloadType.ID, PayloadType.HASH]);
      assert.equal(mm.receive(gw.mm6()).kind, "done");
      assert.equal(mm.result.identity?.status, "authenticated");
      assert.deepEqual(mm.result.identity?.remoteId, { type: "fqdn", value: "gw.example" });
      assert.deepEqual(mm.result.keys, gw.keys);
      assert.equal(mm.result.offer, "accepted");
    });
  }

  test("a gateway that re-sends message 4 instead of answering message 5 (SoftEther with another PSK): evidence, not noise", () => {
    const gw = new ScriptedGateway("another-psk");
    const mm = phase1Initiator(config());
    const mm3 = sent(mm.receive(gw.mm2(mm.start())));
    const mm4 = gw.mm4(mm3);
    sent(mm.receive(mm4));
    for (let i = 0; i < 2; i++) assert.deepEqual(mm.receive(mm4), { kind: "ignore", reason: "the gateway re-sent message 4", seen: true });
    mm.timeout();
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.equal(mm.result.identity?.cause, "mm4-resent");
    assert.match(mm.result.identity!.detail, /re-sent message 4 \(2 times\) instead of answering message 5: it received our message 5 but could not decrypt or verify it/);
    assert.equal(mm.result.gatewayResent, 2);
  });

  test("stops after message 2 without a PSK", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config(undefined, null));
    assert.equal(mm.receive(gw.mm2(mm.start())).kind, "done");
    assert.equal(mm.result.offer, "accepted");
    assert.equal(mm.result.identity, undefined);
    assert.equal(mm.result.natT?.variant, "rfc3947");
  });

  test("NO-PROPOSAL-CHOSEN is a rejection with the notify", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    gw.mm2(mm.start());
    assert.equal(mm.receive(gw.notify(NotifyType.NO_PROPOSAL_CHOSEN)).kind, "done");
    assert.equal(mm.result.offer, "rejected");
    assert.equal(mm.result.notify?.name, "NO-PROPOSAL-CHOSEN");
  });

  test("a gateway answering with a transform we did not offer is flagged", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config(undefined, null));
    mm.receive(
      gw.mm2(mm.start(), (sa) => {
        const a = sa.proposals[0]!.transforms[0]!.attributes.find((x) => x.type === 2)!;
        a.value = 1; // MD5 instead of SHA-256
      }),
    );
    assert.match(mm.result.selected!.mismatches.join(), /matches none of our offers/);
  });

  test("a shorter lifetime in the answer is reported", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config(undefined, null));
    mm.receive(
      gw.mm2(mm.start(), (sa) => {
        sa.proposals[0]!.transforms[0]!.attributes.find((x) => x.type === 12)!.value = 3600;
      }),
    );
    assert.equal(mm.result.selected!.transform.lifetimeSeconds, 3600);
    assert.equal(mm.result.selected!.offeredLifetimeSeconds, 28800);
  });

  test("a RESPONDER-LIFETIME notify in message 2 sets the lifetime", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config(undefined, null));
    const lifetime = encodeAttributes([
      { type: 11, value: 1 },
      { type: 12, value: 7200 },
      { type: 11, value: 2 },
      { type: 12, value: 100000 },
    ]);
    const notify = encodeNotification({ doi: 1, protocolId: 1, notifyType: NotifyType.RESPONDER_LIFETIME, spi: Buffer.alloc(16), data: lifetime });
    mm.receive(gw.mm2(mm.start(), undefined, [{ type: PayloadType.NOTIFICATION, body: notify }]));
    assert.equal(mm.result.selected!.transform.lifetimeSeconds, 7200);
    assert.equal(mm.result.selected!.lifetimeKilobytes, 100000);
    assert.equal(mm.result.selected!.offeredLifetimeSeconds, 28800);
  });

  test("an SA with two transforms in message 2 is malformed, not a crash", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    const mm1 = mm.start();
    const reply = gw.mm2(mm1, (sa) => sa.proposals[0]!.transforms.push({ ...sa.proposals[0]!.transforms[0]!, number: 2 }));
    assert.equal(mm.receive(reply).kind, "done");
    assert.equal(mm.result.offer, "malformed");
    assert.match(mm.result.error!.message, /one transform/);
  });

  test("garbage, truncations and bit flips of every answer never throw", () => {
    for (let round = 0; round < 30; round++) {
      const gw = new ScriptedGateway();
      const mm = phase1Initiator(config());
      const mm2 = gw.mm2(mm.start());
      const cookie = mm2.subarray(0, 8);
      const variants = [Buffer.concat([cookie, randomBytes(40)]), mm2.subarray(0, 28 + (round % 40)), Buffer.from(mm2).fill(0xff, 28 + round)];
      const flipped = Buffer.from(mm2);
      flipped[28 + ((round * 7) % (mm2.length - 28))]! ^= 1 << round % 8;
      variants.push(flipped);
      for (const v of variants) {
        const fresh = phase1Initiator({ ...config(), initiatorCookie: mm.initiatorCookie });
        fresh.start();
        assert.doesNotThrow(() => fresh.receive(v));
      }
    }
  });

  test("a KE of the wrong length in message 4 is an error naming it", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    const mm3 = sent(mm.receive(gw.mm2(mm.start())));
    assert.equal(mm.receive(gw.mm4(mm3, { keBody: Buffer.alloc(100, 1) })).kind, "done");
    assert.equal(mm.result.identity?.status, "error");
    assert.match(mm.result.identity!.detail, /KE value has 100 bytes; group 14 needs 256/);
  });

  test("a retransmitted message 2 during message 4's wait is ignored", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    const mm2 = gw.mm2(mm.start());
    sent(mm.receive(mm2));
    assert.equal(mm.receive(mm2).kind, "ignore");
  });

  test("datagrams for another cookie do not match", () => {
    const mm = phase1Initiator(config());
    mm.start();
    assert.equal(mm.matches(randomBytes(60)), false);
    assert.equal(mm.matches(Buffer.alloc(10)), false);
  });

  test("NAT-D: the gateway claiming a NAT makes us float to 4500", () => {
    const gw = new ScriptedGateway();
    const { mm, float } = toMm5(gw, config(), { natd: "claim-nat" });
    assert.equal(float, true);
    assert.equal(mm.result.natT?.gatewayBehindNat, true);
    assert.equal(mm.result.natT?.localBehindNat, false);
  });

  test("NAT-D: honest hashes, no NAT, no float", () => {
    const gw = new ScriptedGateway();
    const { mm, float } = toMm5(gw, config(), { natd: "honest" });
    assert.equal(float, false);
    assert.equal(mm.result.natT?.detected, false);
  });

  test("NAT-D not exchanged (no PSK: Main Mode stops at message 2): NAT detection is null, not false", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config("aes256-sha256-modp2048", null));
    mm.receive(gw.mm2(mm.start()));
    assert.equal(mm.result.offer, "accepted");
    assert.equal(mm.result.natT?.supported, true);
    assert.equal(mm.result.natT?.detected, null);
    assert.equal(mm.result.natT?.gatewayBehindNat, null);
  });

  test("--nat-t off sends no NAT-T vendor ID and no NAT-D", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config(undefined, "gateway-psk", { natT: "off" }));
    const mm1 = mm.start();
    assert.ok(!mm1.includes(Buffer.from("4a131c81070358455c5728f20e95452f", "hex")));
    const mm3 = sent(mm.receive(gw.mm2(mm1)));
    assert.deepEqual(decodeMessage(mm3).payloads.map((p) => p.type), [PayloadType.KE, PayloadType.NONCE]);
    assert.equal(mm.result.natT?.supported, false);
  });

  test("wrong PSK: message 6 does not decrypt -> psk-mismatch", () => {
    const gw = new ScriptedGateway("another-psk");
    const { mm, mm5 } = toMm5(gw);
    assert.throws(() => gw.readMm5(mm5)); // the gateway cannot read it either
    // Answer with a message 6 under the gateway's (different) keys.
    mm.receive(gw.mm6());
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.match(mm.result.identity!.detail, /different keys/);
  });

  test("HASH_R that does not verify -> psk-mismatch with both values as evidence", () => {
    const gw = new ScriptedGateway();
    const { mm, mm5 } = toMm5(gw);
    gw.readMm5(mm5);
    mm.receive(gw.mm6({ tamperHash: true }));
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.match(mm.result.identity!.evidence, /HASH_R received [0-9a-f]+, computed [0-9a-f]+/);
  });

  test("silence after message 5 -> psk-mismatch, naming the source-address PSK lookup", () => {
    const gw = new ScriptedGateway();
    const { mm } = toMm5(gw);
    mm.timeout();
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.match(mm.result.identity!.detail, /went silent after message 5/);
    assert.match(mm.result.identity!.detail, /source address/);
  });

  for (const [type, status, re] of [
    [NotifyType.PAYLOAD_MALFORMED, "psk-mismatch", /could not decrypt message 5/],
    [NotifyType.INVALID_ID_INFORMATION, "rejected", /refuses our identity/],
    [NotifyType.AUTHENTICATION_FAILED, "psk-mismatch", /refused our authentication \(AUTHENTICATION-FAILED\).*ipv4 198.18.1.2/],
    [NotifyType.INVALID_HASH_INFORMATION, "psk-mismatch", /refused our authentication/],
  ] as const) {
    test(`an unencrypted ${type} after message 5 -> ${status}`, () => {
      const gw = new ScriptedGateway();
      const { mm } = toMm5(gw);
      mm.receive(gw.notify(type));
      assert.equal(mm.result.identity?.status, status);
      assert.match(mm.result.identity!.detail, re);
      assert.equal(mm.result.identity?.notify?.protected, false);
    });
  }

  test("a protected AUTHENTICATION-FAILED that verifies is read as such", () => {
    const gw = new ScriptedGateway();
    const { mm, mm5 } = toMm5(gw);
    gw.readMm5(mm5);
    mm.receive(gw.protectedNotify(NotifyType.AUTHENTICATION_FAILED));
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.equal(mm.result.identity?.notify?.name, "AUTHENTICATION-FAILED");
    assert.equal(mm.result.identity?.notify?.protected, true);
  });

  test("an encrypted Informational under other keys -> psk-mismatch (undecryptable)", () => {
    const gw = new ScriptedGateway("not-the-same");
    const { mm } = toMm5(gw);
    mm.receive(gw.protectedNotify(NotifyType.PAYLOAD_MALFORMED));
    assert.equal(mm.result.identity?.status, "psk-mismatch");
    assert.match(mm.result.identity!.evidence, /encrypted Informational \(message ID 0x51a2b3c4, \d+ bytes\) in reply to message 5 that neither decrypts nor verifies/);
  });

  test("an unencrypted message 6 is accepted and flagged", () => {
    const gw = new ScriptedGateway();
    const { mm, mm5 } = toMm5(gw);
    gw.readMm5(mm5);
    mm.receive(gw.mm6({ unencrypted: true }));
    assert.equal(mm.result.identity?.status, "authenticated");
    assert.match(mm.result.warnings.join(), /unencrypted/);
  });

  test("an answer in IKEv2's version is reported as such", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    const reply = gw.notify(NotifyType.INVALID_MAJOR_VERSION);
    reply[17] = 0x20;
    gw.mm2(mm.start());
    mm.receive(Buffer.concat([mm.initiatorCookie, reply.subarray(8)]));
    assert.equal(mm.result.offer, "malformed");
    assert.match(mm.result.error!.message, /version 2\.0 instead of 1\.0 \(it may speak IKEv2 only\)/);
  });

  test("an unexpected exchange type is ignored", () => {
    const gw = new ScriptedGateway();
    const mm = phase1Initiator(config());
    gw.mm2(mm.start());
    assert.equal(mm.receive(gw.plain([{ type: PayloadType.VENDOR_ID, body: Buffer.alloc(16) }], ExchangeType.AGGRESSIVE)).kind, "ignore");
  });
});

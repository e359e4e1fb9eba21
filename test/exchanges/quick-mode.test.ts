/** Quick Mode state machine against a scripted gateway: normal, refused, broken and hostile answers. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePhase2Proposal } from "../../src/config/esp.ts";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { addressIdentity } from "../../src/config/identity.ts";
import { parseTrafficSelector } from "../../src/config/traffic-selector.ts";
import { type IsakmpSa } from "../../src/exchanges/v1/isakmp-sa.ts";
import { phase1Initiator } from "../../src/exchanges/v1/phase1/index.ts";
import { EncapsulationMode, QuickModeInitiator, quickModeKeymat } from "../../src/exchanges/v1/quick-mode.ts";
import { encodeAttributes } from "../../src/wire/v1/attributes.ts";
import { NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";

/** A scripted gateway and our side, through an authenticated Main Mode. */
function established(): { gw: ScriptedGateway; sa: IsakmpSa } {
  const gw = new ScriptedGateway();
  const mm = phase1Initiator({
    transform: parseIkeProposal("aes256-sha256-modp2048", 1, 28800)[0]!,
    psk: Buffer.from("gateway-psk"),
    localId: addressIdentity("198.18.1.2"),
    natT: "auto",
    local: { address: "198.18.1.2", port: 40000 },
    remote: { address: "198.18.1.1", port: 500 },
  });
  const mm3 = mm.receive(gw.mm2(mm.start()));
  const mm5 = mm.receive(gw.mm4((mm3 as { message: Buffer }).message, { natd: "claim-nat" }));
  gw.readMm5((mm5 as { message: Buffer }).message);
  mm.receive(gw.mm6());
  assert.equal(mm.result.identity?.status, "authenticated");
  return { gw, sa: mm.isakmpSa() };
}

const base = { lifetimeSeconds: 3600, mode: "tunnel" as const };
const esp = (t: string, mode: "tunnel" | "transport" = "tunnel") => parsePhase2Proposal("esp", t, { ...base, mode })[0]!;
const ts = { localTs: parseTrafficSelector("203.0.113.0/24", "--local-ts"), remoteTs: parseTrafficSelector("198.51.100.0/24", "--remote-ts") };

describe("Quick Mode initiator", () => {
  for (const proposal of ["aes128-sha1", "aes256-sha256-modp2048", "aes128gcm16-ecp256", "3des-md5", "null-sha256", "aes192-sha512-curve25519"]) {
    test(`accepted: ${proposal}; KEYMAT matches the gateway's for both directions`, () => {
      const { gw, sa } = established();
      const qm = new QuickModeInitiator(sa, { proposal: esp(proposal), ...ts });
      const a = gw.qm2(qm.start());
      const step = qm.receive(a.message);
      assert.equal(step.kind, "final");
      const r = qm.result;
      assert.equal(r.status, "accepted");
      const child = r.sa!;
      assert.deepEqual(child.spiOut, a.responderSpi);
      assert.deepEqual(child.spiIn, a.initiatorSpi);
      assert.equal(child.localTs, "203.0.113.0/24");
      assert.equal(child.remoteTs, "198.51.100.0/24");
      assert.equal(child.encapsulation, EncapsulationMode.UDP_TUNNEL);
      assert.deepEqual(child.mismatches, []);
      // The gateway derives the same KEYMAT: its outbound (our inbound) with our SPI.
      const len = Buffer.from(child.keys.in.encryptionKey + child.keys.in.integrityKey, "hex").length;
      const theirs = quickModeKeymat(sa.hash, sa.keys.skeyidD, a.gxy, 3, a.initiatorSpi, a.niB, a.nrB, len);
      assert.equal(theirs.toString("hex"), child.keys.in.encryptionKey + child.keys.in.integrityKey);
      assert.equal(child.pfsGroup !== null, a.gxy !== undefined);
    });
  }

  test("a tampered HASH(2) is refused, not trusted", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    qm.receive(gw.qm2(qm.start(), { tamperHash: true }).message);
    assert.equal(qm.result.status, "malformed");
    assert.match(qm.result.detail!, /HASH\(2\) does not verify/);
    assert.equal(qm.result.sa, undefined);
  });

  test("PFS asked for but no KE in the answer", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1-modp2048"), ...ts });
    qm.receive(gw.qm2(qm.start(), { dropKe: true }).message);
    assert.equal(qm.result.status, "malformed");
    assert.match(qm.result.detail!, /no KE payload/);
  });

  test("an AH answer to an ESP proposal is malformed", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    qm.receive(gw.qm2(qm.start(), { protocolId: 2 }).message);
    assert.equal(qm.result.status, "malformed");
    assert.match(qm.result.detail!, /protocol 2/);
  });

  test("RESPONDER-LIFETIME shortens the lifetimes; a changed attribute is reported", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    const life = encodeAttributes([
      { type: 1, value: 1 },
      { type: 2, value: 1200 },
      { type: 1, value: 2 },
      { type: 2, value: 250000 },
    ]);
    qm.receive(
      gw.qm2(qm.start(), {
        lifetimeNotify: life,
        alterAttrs: (a) => {
          a.find((x) => x.type === 6)!.value = 256;
        },
      }).message,
    );
    assert.equal(qm.result.sa!.lifetimeSeconds, 1200);
    assert.equal(qm.result.sa!.lifetimeKilobytes, 250000);
    assert.match(qm.result.sa!.mismatches.join(), /key length 256 answered, 128 offered/);
  });

  test("the commit bit is reported", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    qm.receive(gw.qm2(qm.start(), { commit: true }).message);
    assert.equal(qm.result.sa!.commitBit, true);
  });

  test("a protected INVALID-ID-INFORMATION is a proxy ID mismatch; NO-PROPOSAL-CHOSEN a refusal", () => {
    for (const [type, re] of [
      [NotifyType.INVALID_ID_INFORMATION, /proxy ID mismatch: the gateway has no policy for 203\.0\.113\.0\/24 <-> 198\.51\.100\.0\/24/],
      [NotifyType.NO_PROPOSAL_CHOSEN, /accepts none of this proposal's transforms/],
    ] as const) {
      const { gw, sa } = established();
      const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
      qm.start();
      const n = encodeNotification({ doi: 1, protocolId: 3, notifyType: type, spi: Buffer.alloc(4), data: Buffer.alloc(0) });
      assert.equal(qm.receive(gw.informational([{ type: PayloadType.NOTIFICATION, body: n }])).kind, "done");
      assert.equal(qm.result.status, "rejected");
      assert.match(qm.result.detail!, re);
    }
  });

  test("an Informational that does not verify is ignored with a warning", () => {
    const { sa } = established();
    const other = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    qm.start();
    const n = encodeNotification({ doi: 1, protocolId: 3, notifyType: 14, spi: Buffer.alloc(4), data: Buffer.alloc(0) });
    const forged = other.gw.informational([{ type: PayloadType.NOTIFICATION, body: n }]);
    sa.initiatorCookie.copy(forged, 0);
    sa.responderCookie.copy(forged, 8);
    assert.equal(qm.receive(forged).kind, "ignore");
    assert.match(qm.result.warnings.join(), /does not verify/);
  });

  test("silence with selectors is described as what a proxy ID mismatch looks like", () => {
    const { sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    qm.start();
    qm.timeout();
    assert.equal(qm.result.status, "no-response");
    assert.match(qm.result.detail!, /proxy ID \(traffic selector\) mismatch/);
  });

  test("encapsulation follows NAT-T: plain without floating, draft values for draft NAT-T", () => {
    const { sa } = established();
    const plain = new QuickModeInitiator({ ...sa, floated: false }, { proposal: esp("aes128-sha1", "transport") });
    const draft = new QuickModeInitiator({ ...sa, natVariant: "draft-02" }, { proposal: esp("aes128-sha1") });
    const attrs = (q: QuickModeInitiator) => (q as unknown as { attributes(): { type: number; value: number }[] }).attributes();
    assert.equal(attrs(plain).find((a) => a.type === 4)!.value, EncapsulationMode.TRANSPORT);
    assert.equal(attrs(draft).find((a) => a.type === 4)!.value, EncapsulationMode.UDP_TUNNEL_DRAFT);
  });

  test("garbage and truncations never throw", () => {
    const { gw, sa } = established();
    const qm = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts });
    const good = gw.qm2(qm.start()).message;
    for (let i = 0; i < good.length; i += 7) {
      const q = new QuickModeInitiator(sa, { proposal: esp("aes128-sha1"), ...ts, messageId: qm.messageId });
      q.start();
      assert.doesNotThrow(() => q.receive(good.subarray(0, i)));
      const flipped = Buffer.from(good);
      flipped[Math.max(28, i)]! ^= 0x40;
      assert.doesNotThrow(() => q.receive(flipped));
    }
  });
});

/**
 * --diagnose's decision tree against a scripted gateway on loopback, for the conclusions no real lab
 * gateway here produces on demand: "ok" at once, and "aggressive-only" (a peer entry that takes the
 * ID and PSK in Aggressive Mode but refuses them in Main Mode under our keys).
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { parseIkeProposal } from "../src/config/ike.ts";
import { runDiagnose } from "../src/diagnose/diagnose.ts";
import { ExchangeType, NotifyType } from "../src/wire/v1/constants.ts";
import { ScriptedGateway } from "./helpers/scripted-gateway.ts";
import { startUdpPeer } from "./helpers/udp-peer.ts";

const PSK = "gateway-psk";

/** A gateway per initiator cookie; `mainMode`: what it answers message 5 with. */
async function gateway(mainMode: "authenticate" | "authentication-failed") {
  const byCookie = new Map<string, ScriptedGateway>();
  return startUdpPeer((msg, reply) => {
    const cookie = msg.subarray(0, 8).toString("hex");
    const fresh = msg.subarray(8, 16).equals(Buffer.alloc(8));
    const exch = msg[18];
    if (fresh && (exch === ExchangeType.IDENTITY_PROTECTION || exch === ExchangeType.AGGRESSIVE)) {
      const gw = new ScriptedGateway(PSK);
      byCookie.set(cookie, gw);
      return reply(exch === ExchangeType.AGGRESSIVE ? gw.am2(msg) : gw.mm2(msg));
    }
    const gw = byCookie.get(cookie);
    if (gw === undefined || exch !== ExchangeType.IDENTITY_PROTECTION) return; // AM3, DELETEs: nothing to answer
    if (gw.keys === undefined) return reply(gw.mm4(msg));
    gw.readMm5(msg);
    reply(mainMode === "authenticate" ? gw.mm6() : gw.protectedNotify(NotifyType.AUTHENTICATION_FAILED));
  });
}

function options(port: number) {
  return {
    probe: { host: "127.0.0.1", port, transforms: parseIkeProposal("aes128-sha1-modp1024", 1, 3600), natT: "off" as const, sourcePort: 0, timeoutMs: 1000, retries: 0, showKeys: false },
    ids: [{ idType: 2, protocolId: 0, port: 0, data: Buffer.from("client.example") }],
    candidates: [{ line: 1, psk: Buffer.from(PSK) }],
    allowAggressive: true,
    paceMs: 0,
  };
}

describe("--diagnose conclusions (scripted gateway)", () => {
  test("ok: Main Mode authenticates with the first ID and PSK; one probe, exit 0", async () => {
    const peer = await gateway("authenticate");
    after(() => peer.close());
    const d = await runDiagnose(options(peer.port));
    assert.equal(d.conclusion.cause, "ok");
    assert.equal(d.conclusion.pskLine, 1);
    assert.deepEqual(d.conclusion.id, { type: "fqdn", value: "client.example" });
    assert.equal(d.attempts.length, 1);
    assert.equal(d.exitCode, 0);
  });

  test("aggressive-only: Main Mode refused under our keys (AUTHENTICATION-FAILED), Aggressive Mode authenticates the same ID and PSK", async () => {
    const peer = await gateway("authentication-failed");
    after(() => peer.close());
    const d = await runDiagnose(options(peer.port));
    assert.equal(d.conclusion.cause, "aggressive-only", JSON.stringify(d.attempts.map((a) => [a.mode, a.cause])));
    assert.equal(d.conclusion.pskLine, 1);
    assert.match(d.conclusion.explanation, /in Aggressive Mode \(authenticated\), but refuses the same ID and PSK in Main Mode/);
    assert.deepEqual(d.attempts.map((a) => [a.mode, a.cause]).at(-1), ["aggressive", "ok"]);
    assert.ok(d.attempts.some((a) => a.mode === "main" && a.cause === "authentication-failed"));
    assert.equal(d.aggressive[0]?.matchingPskLine, 1);
    assert.equal(d.exitCode, 1);
  });
});

/**
 * Aggressive Mode answers that once replaced the report with an error document: the report is
 * always produced, and nothing is saved from a message we could not read.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ExchangeType, NotifyType, PayloadType } from "../../src/wire/v1/constants.ts";
import { encodeNotification } from "../../src/wire/v1/payloads/notification.ts";
import { assertValidReport } from "../helpers/schema.ts";
import { runCli } from "../helpers/cli.ts";
import { ScriptedGateway } from "../helpers/scripted-gateway.ts";
import { startUdpPeer } from "../helpers/udp-peer.ts";

const dir = mkdtempSync(join(tmpdir(), "ikeprobe-am-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe("Aggressive Mode against hostile answers (CLI)", () => {
  test("message 2 with an ID payload shorter than its 4-byte header: a report with a malformed offer; --save-hash writes nothing", async () => {
    const peer = await startUdpPeer((msg, reply) => {
      if (msg[18] !== ExchangeType.AGGRESSIVE) return;
      reply(new ScriptedGateway().am2(msg, { idBody: Buffer.from([2, 0]) }));
    });
    after(() => peer.close());
    const hashFile = join(dir, "short-id.hash");
    for (const env of [{}, { IKEPROBE_PSK: "gateway-psk" }]) {
      const r = await run(["127.0.0.1", "--port", String(peer.port), "--aggressive", "--ike", "aes128-sha1-modp1024", "--id", "fqdn:client.example", "--save-hash", hashFile, "--json", "--timeout", "1"], env);
      assert.equal(r.code, 1, r.stderr);
      const doc = JSON.parse(r.stdout);
      assertValidReport(doc);
      assert.equal(doc.error, undefined);
      assert.equal(doc.phase1.offers[0].status, "malformed");
      assert.match(doc.phase1.offers[0].error, /ID|offset/);
      assert.equal(doc.phase1.aggressive.hashExposed, false);
      assert.equal(doc.phase1.aggressive.savedTo, null);
      assert.ok(!existsSync(hashFile), "no hash line saved from an unreadable message");
    }
  });

  test("with a PSK, message 3 refused with a protected AUTHENTICATION-FAILED: the identity is refused, the report produced, no DELETE for a dropped SA", async () => {
    const psk = "gateway-psk";
    let gw = new ScriptedGateway(psk);
    const seen: number[] = [];
    const peer = await startUdpPeer((msg, reply) => {
      seen.push(msg[18]!);
      if (msg[18] === ExchangeType.AGGRESSIVE && msg.subarray(8, 16).equals(Buffer.alloc(8))) {
        gw = new ScriptedGateway(psk);
        return reply(gw.am2(msg));
      }
      if (msg[18] === ExchangeType.AGGRESSIVE) {
        gw.readAm3(msg);
        const n = encodeNotification({ doi: 1, protocolId: 1, notifyType: NotifyType.AUTHENTICATION_FAILED, spi: Buffer.alloc(0), data: Buffer.alloc(0) });
        return reply(gw.informational([{ type: PayloadType.NOTIFICATION, body: n }]));
      }
    });
    after(() => peer.close());
    const r = await run(["127.0.0.1", "--port", String(peer.port), "--aggressive", "--ike", "aes128-sha1-modp1024", "--id", "fqdn:client.example", "--esp", "aes128-sha1", "--json", "--timeout", "1"], { IKEPROBE_PSK: psk });
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidReport(doc);
    assert.equal(doc.phase1.offers[0].status, "accepted");
    assert.equal(doc.identity.status, "psk-mismatch");
    assert.equal(doc.identity.cause, "authentication-failed");
    assert.match(doc.identity.detail, /refused our message 3 with AUTHENTICATION-FAILED/);
    assert.equal(doc.phase2.proposals[0].status, "not-attempted");
    assert.equal(doc.cleanup.deleted, false);
    assert.match(doc.cleanup.detail, /refused Aggressive Mode message 3/);
    assert.deepEqual(seen, [ExchangeType.AGGRESSIVE, ExchangeType.AGGRESSIVE], "message 1, message 3, and no DELETE after it");
  });
});

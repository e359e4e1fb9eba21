/** The probe's report builders: the identity result for runs that never reached message 5, the exit code, the Phase 2 placeholder. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseIkeProposal } from "../../src/config/ike.ts";
import { parsePhase2Proposal } from "../../src/config/esp.ts";
import type { ProbeOptions } from "../../src/probe/options.ts";
import { cleanupReport, identityReport, notAttempted } from "../../src/report/build/probe.ts";
import { NotifyType } from "../../src/wire/v1/constants.ts";

const id = { idType: 2, protocolId: 0, port: 0, data: Buffer.from("client.example") };
const opts = (over: Partial<ProbeOptions> = {}): ProbeOptions => ({ host: "gw", port: 500, transforms: parseIkeProposal("aes256-sha256-modp2048", 1, 3600), natT: "auto", sourcePort: 0, timeoutMs: 1000, retries: 0, showKeys: false, ...over });

test("identity: Aggressive Mode refused at message 1 is about our ID; no PSK is not-attempted; nothing accepted says so", () => {
  const refused = identityReport(opts({ aggressive: true, psk: Buffer.from("x") }), id, undefined, false, false, [
    { proposal: "aes256-sha256-modp2048", auth: "psk", status: "rejected", notify: "INVALID-ID-INFORMATION", notifyCode: NotifyType.INVALID_ID_INFORMATION, transmissions: 1 },
  ]);
  assert.equal(refused.status, "rejected");
  assert.equal(refused.cause, "invalid-id");
  assert.match(refused.detail, /fqdn client\.example/);
  const noPsk = identityReport(opts(), id, undefined, true, true, []);
  assert.equal(noPsk.status, "not-attempted");
  assert.equal(noPsk.cause, null);
  const none = identityReport(opts({ psk: Buffer.from("x") }), id, undefined, false, false, []);
  assert.match(none.detail, /accepted none of our offers/);
  const rsaOnly = identityReport(opts({ psk: Buffer.from("x") }), id, undefined, true, false, []);
  assert.match(rsaOnly.detail, /only offers with a signature method \(e.g. rsa\); run them with --auth rsa/);
});

test("cleanup counts half-open SAs left; Quick Modes that never ran are listed with the reason", () => {
  assert.deepEqual(cleanupReport(true, "sent", 0), { deleted: true, detail: "sent", halfOpenLeft: 0 });
  assert.match(cleanupReport(false, "nothing", 2).detail, /2 accepted offer\(s\) stopped before authentication/);
  const p2 = notAttempted({ proposals: parsePhase2Proposal("esp", "aes128-sha1", { lifetimeSeconds: 3600, mode: "tunnel" }) }, "Phase 1 did not authenticate");
  assert.deepEqual(p2.proposals.map((p) => [p.proposal, p.status, p.detail]), [["aes128-sha1", "not-attempted", "Phase 1 did not authenticate"]]);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { CHECKS, PROBE_CHECKS, SCAN_CHECKS, checkTitle, runChecks } from "../../src/checks/index.ts";
import { SEVERITIES } from "../../src/data/ratings.ts";

const t = (proposal: string, auth = "psk", mode: "main" | "aggressive" = "main") => {
  const [encryption, hash, group] = proposal.split("-") as [string, string, string];
  return { proposal, encryption, hash, group, auth, mode };
};

/** A probe or scan that met no certificate. */
const NO_CERTIFICATES = { certificates: [], chain: null, remoteId: null, warnDays: 30, ikev2: null, ikev1Accepted: null };

test("every check has a unique id and a title; findings use one severity vocabulary", () => {
  assert.equal(new Set(CHECKS.map((c) => c.id)).size, CHECKS.length);
  for (const c of CHECKS) assert.ok(c.title.length > 0 && checkTitle(c.id) === c.title);
  const f = runChecks(SCAN_CHECKS, { ...NO_CERTIFICATES, accepted: [t("des-md5-modp768"), t("aes256-sha256-modp2048", "psk", "aggressive")] });
  for (const x of f) assert.ok((SEVERITIES as readonly string[]).includes(x.severity), x.severity);
  assert.deepEqual(f.map((x) => [x.id, x.severity]), [["aggressive-mode-psk", "HIGH"], ["weak-phase1-transform", "CRITICAL"]]);
});

test("weak transforms: nothing for strong ones; one finding naming each reason and the transforms it applies to", () => {
  assert.deepEqual(runChecks(SCAN_CHECKS, { ...NO_CERTIFICATES, accepted: [t("aes256-sha256-modp2048"), t("aes128-sha256-ecp256", "rsa")] }), []);
  const [f] = runChecks(SCAN_CHECKS, { ...NO_CERTIFICATES, accepted: [t("3des-sha256-modp2048"), t("aes256-sha256-modp1024"), t("aes128-sha256-modp1024")] });
  assert.equal(f?.severity, "HIGH");
  assert.match(f!.detail, /3DES: 64-bit block \(Sweet32\), deprecated by NIST \(3des-sha256-modp2048\/psk\)/);
  assert.match(f!.detail, /1024-bit MODP \(group 2\).*\(aes256-sha256-modp1024\/psk, aes128-sha256-modp1024\/psk\)/);
});

test("the probe's checks: no capture and strong offers, no findings; a check that throws reports itself", () => {
  assert.deepEqual(runChecks(PROBE_CHECKS, { ...NO_CERTIFICATES, capture: null, localId: { idType: 1, protocolId: 0, port: 0, data: Buffer.from([198, 18, 1, 2]) }, savedTo: null, accepted: [t("aes256-sha256-modp2048")] }), []);
  const broken = { id: "broken", title: "broken", run: () => { throw new Error("boom"); } };
  assert.deepEqual(runChecks([broken], {}), [{ id: "broken", severity: "INFO", detail: "the check could not run: boom" }]);
});

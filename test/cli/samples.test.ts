/** The sample reports shipped in examples/ match the committed schemas (they are what users read first). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { assertValidCrack, assertValidDiagnosis, assertValidReport, assertValidReportV2, assertValidScan } from "../helpers/schema.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const read = (f: string): any => JSON.parse(readFileSync(new URL(`../../examples/${f}`, import.meta.url), "utf8"));

test("examples/sample-report*.json (IKEv1) match examples/report.schema.json", () => {
  const ok = read("sample-report.json");
  assertValidReport(ok);
  assert.equal(ok.identity.status, "authenticated");
  assert.equal(ok.phase2.proposals.length, 2);
  const bad = read("sample-report-psk-mismatch.json");
  assertValidReport(bad);
  assert.equal(bad.identity.status, "psk-mismatch");
  const am = read("sample-report-aggressive.json");
  assertValidReport(am);
  assert.equal(am.phase1.mode, "aggressive");
  assert.equal(am.findings[0].id, "aggressive-mode-psk-hash");
  const xauth = read("sample-report-xauth.json");
  assertValidReport(xauth);
  assert.equal(xauth.xauth.status, "authenticated");
  assert.equal(xauth.modeConfig.status, "received");
  assert.equal(xauth.dpd.answered, true);
});

test("examples/sample-scan.json matches examples/scan.schema.json, with both versions audited", () => {
  const scan = read("sample-scan.json");
  assertValidScan(scan);
  assert.ok(scan.targets[0].mainMode.accepted.length > 0);
  assert.deepEqual(scan.targets[0].ikev2.proposals, ["aes256gcm16-prfsha384-ecp384-curve25519", "aes256-sha256-modp3072"]);
});

test("examples/sample-report-ikev2.json matches examples/report-ikev2.schema.json", () => {
  const v2 = read("sample-report-ikev2.json");
  assertValidReportV2(v2);
  assert.equal(v2.ikeVersion, 2);
  assert.equal(v2.ikeSa.selected.proposal, "aes256gcm16-prfsha384-ecp384");
});

test("examples/sample-diagnosis.json and sample-psk-crack.json match their schemas", () => {
  const d = read("sample-diagnosis.json");
  assertValidDiagnosis(d);
  assert.equal(d.conclusion.cause, "psk-keyed-by-id");
  const c = read("sample-psk-crack.json");
  assertValidCrack(c);
  assert.equal(c.hashes[0].found, true);
});

/** The sample reports shipped in examples/ match the committed schemas (they are what users read first). */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { assertValidReport, assertValidScan } from "../helpers/schema.ts";

const read = (f: string): unknown => JSON.parse(readFileSync(new URL(`../../examples/${f}`, import.meta.url), "utf8"));

test("examples/sample-report*.json match examples/report.schema.json", () => {
  const ok = read("sample-report.json") as { identity: { status: string }; phase2: { proposals: unknown[] } };
  assertValidReport(ok);
  assert.equal(ok.identity.status, "authenticated");
  assert.equal(ok.phase2.proposals.length, 2);
  const bad = read("sample-report-psk-mismatch.json") as { identity: { status: string } };
  assertValidReport(bad);
  assert.equal(bad.identity.status, "psk-mismatch");
});

test("examples/sample-scan.json matches examples/scan.schema.json", () => {
  assertValidScan(read("sample-scan.json"));
});

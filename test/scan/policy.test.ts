import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { UsageError } from "../../src/errors.ts";
import { commonCatalogue, fileCatalogues } from "../../src/scan/catalogue.ts";
import { type CheckReport, evaluate, junit, parsePolicy, requiredEntries } from "../../src/scan/policy.ts";
import type { ModeResult, TargetScan } from "../../src/scan/scan.ts";
import { expandTargets } from "../../src/scan/addresses.ts";
import { ratePhase1 } from "../../src/data/ratings.ts";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function target(accepted: string[], extra: Partial<TargetScan> = {}): TargetScan & { mainMode: ModeResult } {
  const t: TargetScan = {
    target: { host: "gw", port: 500, address: "198.18.1.1", addresses: ["198.18.1.1"] },
    status: "scanned",
    mainMode: {
      accepted: accepted.map((a) => {
        const [proposal = "", auth = "psk"] = a.split("/");
        const [encryption = "", hash = "", group = ""] = proposal.split("-");
        return { proposal, auth, encryption, hash, group, ...ratePhase1({ encryption, hash, group, auth }) };
      }),
      unknown: [],
      dropped: [],
      rejectedCount: 10,
      notifies: {},
      malformed: [],
      notes: [],
    },
    aggressiveMode: null,
    certificates: [],
    vendorIds: [],
    fingerprint: { implementation: null, evidence: [], basis: [] },
    capabilities: { natT: null, dpd: false, xauth: false, fragmentation: false, ciscoUnity: false },
    ikev2: null,
    backoff: null,
    severity: "OK",
    findings: [],
    warnings: [],
    stats: { exchanges: 1, packetsSent: 1, packetsReceived: 1, seconds: 1, waitedSeconds: 0, halfOpenReleased: 0, livenessChecks: 0 },
    ...extra,
  };
  return t as TargetScan & { mainMode: ModeResult };
}

const strict = parsePolicy(readFileSync(new URL("../../examples/policies/strict-modern.json", import.meta.url), "utf8"), "strict-modern.json");

describe("policy", () => {
  test("the shipped policies parse", () => {
    assert.deepEqual(strict.require, ["aes256-sha256-modp2048"]);
    assert.equal(strict.aggressive, "forbid");
    parsePolicy(readFileSync(new URL("../../examples/policies/legacy-tolerant.json", import.meta.url), "utf8"), "legacy-tolerant.json");
  });

  test("a compliant gateway", () => {
    const t = target(["aes256-sha256-modp2048/psk", "aes256-sha384-ecp384/psk"], { aggressiveMode: { accepted: [], unknown: [], dropped: [], rejectedCount: 5, notifies: { "AUTHENTICATION-FAILED": 5 }, malformed: [], notes: [], groupsAnswered: [] } });
    const c = evaluate(strict, t);
    assert.deepEqual(c.violations, []);
    assert.equal(c.compliant, true);
  });

  test("violations are named: forbidden algorithm, severity, missing requirement, aggressive, unknowns", () => {
    const t = target(["3des-sha1-modp1024/psk"], { aggressiveMode: null });
    t.mainMode.unknown = [{ proposal: "aes256-sha256-modp2048", auth: "psk" }];
    const c = evaluate(strict, t);
    const rules = c.violations.map((v) => v.rule);
    assert.ok(rules.includes("require aes256-sha256-modp2048"));
    assert.match(c.violations.find((v) => v.rule === "require aes256-sha256-modp2048")!.message, /could not be verified/);
    for (const r of ["forbid 3des", "forbid sha1", "forbid modp1024", "maxSeverity LOW", "aggressive forbid", "complete scan"]) assert.ok(rules.includes(r), r);
    assert.equal(c.compliant, false);
  });

  test("a whole proposal can be forbidden, with or without its auth method", () => {
    const p = parsePolicy('{"forbid": ["aes128-sha1-modp2048/xauth-psk", "aes256-sha256-modp2048"]}', "p.json");
    const c = evaluate(p, target(["aes128-sha1-modp2048/psk", "aes128-sha1-modp2048/xauth-psk", "aes256-sha256-modp2048/rsa"]));
    assert.deepEqual(c.violations.map((v) => v.message), ["Main Mode accepts aes128-sha1-modp2048/xauth-psk", "Main Mode accepts aes256-sha256-modp2048/rsa"]);
    assert.deepEqual(c.violations.map((v) => v.mode), ["main", "main"]);
  });

  test("each violation names its mode: a forbidden algorithm accepted in both modes is two violations", () => {
    const t = target(["3des-sha1-modp2048/psk"]);
    t.aggressiveMode = { ...t.mainMode, accepted: t.mainMode.accepted.map((a) => ({ ...a })), groupsAnswered: ["modp2048"] };
    const c = evaluate(parsePolicy('{"forbid": ["3des"]}', "p.json"), t);
    assert.deepEqual(c.violations.map((v) => [v.rule, v.mode, v.message]), [
      ["forbid 3des", "main", "Main Mode accepts 3des-sha1-modp2048/psk"],
      ["forbid 3des", "aggressive", "Aggressive Mode accepts 3des-sha1-modp2048/psk"],
    ]);
    const r: CheckReport = { tool: { name: "ikeprobe", version: "x" }, startedAt: "", policy: { ...strict, file: "p.json" }, targets: [c], exitCode: 1 };
    assert.match(junit(r), /name="forbid 3des \(Aggressive Mode\)"/);
  });

  test("silently refused transforms count as refused: a required one is refused (not unknown), and the scan is complete", () => {
    const t = target(["aes256-sha384-ecp384/psk"], { aggressiveMode: { accepted: [], unknown: [], dropped: [], rejectedCount: 0, notifies: {}, malformed: [], notes: [], groupsAnswered: [] } });
    t.mainMode.dropped = [{ proposal: "aes256-sha256-modp2048", auth: "psk" }, { proposal: "des-md5-modp768", auth: "psk" }];
    const c = evaluate(strict, t);
    assert.deepEqual(c.violations.map((v) => v.rule), ["require aes256-sha256-modp2048"]);
    assert.match(c.violations[0]!.message, /refuses aes256-sha256-modp2048 in Main Mode \(silently/);
    assert.ok(c.passed.includes("forbid des: refused"));
    assert.ok(!c.violations.some((v) => v.rule === "complete scan"));
  });

  test("mistakes in a policy file name the key and the fix", () => {
    const bad: [string, RegExp][] = [
      ["{", /not valid JSON/],
      ["[]", /expected a JSON object/],
      ['{"forbid": "des"}', /"forbid" must be an array of strings/],
      ['{"forbid": ["rot13"]}', /unknown algorithm "rot13"/],
      ['{"require": ["aes256-sha256"]}', /needs a DH group/],
      ['{"maxSeverity": "BAD"}', /"maxSeverity" must be one of OK, INFO, LOW, MEDIUM, HIGH, CRITICAL/],
      ['{"aggressive": "maybe"}', /"aggressive" must be "forbid" or "allow"/],
      ['{"forbidden": []}', /unknown key "forbidden"/],
      ['{"require": ["aes256-sha256-modp2048/kerberos"]}', /unknown auth method "kerberos"/],
    ];
    for (const [text, re] of bad) assert.throws(() => parsePolicy(text, "p.json"), (e: unknown) => e instanceof UsageError && re.test(e.message) && e.message.startsWith("--policy p.json"), text);
  });

  test("required proposals missing from the catalogue are added to the scan", () => {
    const p = parsePolicy('{"require": ["camellia256-sha512-modp8192/rsa"]}', "p.json");
    assert.deepEqual(requiredEntries(p).map((e) => `${e.proposal}/${e.auth}`), ["camellia256-sha512-modp8192/rsa"]);
  });

  test("JUnit: one suite per target, one case per rule, failures counted, XML escaped", () => {
    const t = target(["3des-md5-modp1024/psk"]);
    t.target.host = 'gw<"&>';
    const c = evaluate(strict, t);
    const r: CheckReport = { tool: { name: "ikeprobe", version: "x" }, startedAt: "", policy: { ...strict, file: "strict.json" }, targets: [c], exitCode: 1 };
    const xml = junit(r);
    assert.match(xml, /<testsuite name="gw&lt;&quot;&amp;&gt;:500" tests="\d+" failures="(\d+)"/);
    assert.equal((xml.match(/<failure /g) ?? []).length, c.violations.length);
    assert.equal((xml.match(/<testcase /g) ?? []).length, c.violations.length + c.passed.length);
    assert.doesNotMatch(xml, /gw<"&>/);
  });
});

describe("targets and catalogues", () => {
  test("CIDR expands to hosts; limits", () => {
    assert.deepEqual(expandTargets(["198.18.1.0/30", "gw.example"]), ["198.18.1.1", "198.18.1.2", "gw.example"]);
    assert.deepEqual(expandTargets(["198.18.1.7/32"]), ["198.18.1.7"]);
    assert.equal(expandTargets(["198.18.0.0/20"]).length, 4094);
    assert.throws(() => expandTargets(["198.18.0.0/16"]), /at most 4096/);
  });

  test("a catalogue file: proposals with optional auth methods, comments", () => {
    const dir = mkdtempSync(join(tmpdir(), "ikeprobe-cat-"));
    const f = join(dir, "cat.txt");
    writeFileSync(f, "# ours\naes256-sha256-modp2048 psk rsa\n3des-sha1-modp1024\n\naes128-aes256-sha1-ecp256   # two\n");
    assert.deepEqual(fileCatalogues(f).ikev1.map((e) => `${e.proposal}/${e.auth}`), ["aes256-sha256-modp2048/psk", "aes256-sha256-modp2048/rsa", "3des-sha1-modp1024/psk", "aes128-sha1-ecp256/psk", "aes256-sha1-ecp256/psk"]);
    writeFileSync(f, "aes256-sha256-modp2048 kerberos\n");
    assert.throws(() => fileCatalogues(f), /line 1: unknown auth method "kerberos"/);
    assert.throws(() => fileCatalogues(join(dir, "none")), /cannot read it \(ENOENT\)/);
    assert.ok(commonCatalogue().every((e) => e.proposal.split("-").length === 3));
  });
});

/**
 * `--diagnose --ikev2` against real responders: a wrong PSK (the right one among the candidates),
 * a wrong --id, a wrong --remote-id, an ID the gateway authenticates with EAP, and an ID it has no
 * PSK for, each concluded with its evidence (strongSwan); the first two against libreswan too.
 * The PSK candidates never appear in the output.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Lab, startLab } from "../lab/lab.ts";
import { e2eSkipReason } from "../lab/require.ts";
import { libreswanSkipReason } from "../lab/libreswan.ts";
import { libreswanPsk } from "../lab/libreswan-conn.ts";
import { spawnIkeprobe } from "../helpers/e2e.ts";

const RIGHT = "ikev2-diagnose-right";
const WRONG = "ikev2-diagnose-wrong";

interface Diagnosis {
  ikeVersion: number;
  attempts: { mode: string; id: { type: string; value: string }; remoteId?: { type: string; value: string } | null; auth: string; pskLine: number | null; cause: string }[];
  conclusion: { cause: string; explanation: string; fix: string; pskLine: number | null; id: { type: string; value: string } | null };
  exitCode: number;
}

async function diagnose(lab: Lab, psks: string[], args: string[]): Promise<Diagnosis> {
  const file = join(lab.dir, `psks-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, `${psks.join("\n")}\n`, { mode: 0o600 });
  const r = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--diagnose", "--psk-file", file, ...args, "--json"], {}).done;
  const t = await spawnIkeprobe(lab, [lab.gwAddr, "--ikev2", "--diagnose", "--psk-file", file, ...args], {}).done;
  for (const p of psks) assert.ok(![r.stdout, r.stderr, t.stdout, t.stderr].some((x) => x.includes(p)), "no PSK candidate is printed");
  const doc = r.json as Diagnosis;
  assert.equal(r.code, doc.exitCode);
  assert.equal(doc.ikeVersion, 2);
  assert.match(t.stdout, new RegExp(`Diagnosis: ${doc.conclusion.cause}`));
  return doc;
}

describe("--diagnose --ikev2 against strongSwan", { skip: e2eSkipReason() }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({
      connections: [
        { name: "v2", version: 2, proposals: ["aes256-sha256-modp2048"], psk: RIGHT, localId: "gw.lab.example", remoteId: "client.lab.example" },
        { name: "eap", version: 2, proposals: ["aes256-sha256-modp2048"], psk: "gateway-side", localId: "gw.lab.example", remoteId: "alice.lab.example", remoteAuth: "eap-md5" },
      ],
    });
  });
  after(async () => {
    await lab?.stop();
  });
  const ike = ["--ike", "aes256-sha256-modp2048"];

  test("as given: ok, one attempt", async () => {
    const d = await diagnose(lab, [RIGHT], [...ike, "--id", "fqdn:client.lab.example"]);
    assert.deepEqual([d.conclusion.cause, d.attempts.length, d.exitCode], ["ok", 1, 0]);
  });

  test("a wrong PSK with the right one on line 2: wrong-psk, line 2", async () => {
    const d = await diagnose(lab, [WRONG, RIGHT], [...ike, "--id", "fqdn:client.lab.example"]);
    assert.deepEqual([d.conclusion.cause, d.conclusion.pskLine, d.conclusion.id], ["wrong-psk", 2, { type: "fqdn", value: "client.lab.example" }]);
    assert.deepEqual(d.attempts.map((a) => [a.pskLine, a.cause]), [[1, "authentication-failed"], [2, "ok"]]);
    assert.equal(d.exitCode, 1);
  });

  test("an ID the gateway has no PSK for, the right one second: wrong-id", async () => {
    const d = await diagnose(lab, [RIGHT], [...ike, "--id", "fqdn:other.lab.example", "--id", "fqdn:client.lab.example"]);
    assert.deepEqual([d.conclusion.cause, d.conclusion.id], ["wrong-id", { type: "fqdn", value: "client.lab.example" }]);
    assert.match(d.conclusion.fix, /--id fqdn:client\.lab\.example/);
  });

  test("an IDr the gateway does not have: wrong-idr, and the IDr it names", async () => {
    const d = await diagnose(lab, [RIGHT], [...ike, "--id", "fqdn:client.lab.example", "--remote-id", "fqdn:wrong.lab.example"]);
    assert.equal(d.conclusion.cause, "wrong-idr");
    assert.match(d.conclusion.fix, /--remote-id fqdn:gw\.lab\.example/);
    assert.deepEqual(d.attempts.map((a) => a.remoteId), [{ type: "fqdn", value: "wrong.lab.example" }, null]);
  });

  test("an ID the gateway authenticates with EAP: eap-only, naming the method", async () => {
    const d = await diagnose(lab, [RIGHT], [...ike, "--id", "fqdn:alice.lab.example"]);
    assert.equal(d.conclusion.cause, "eap-only");
    assert.match(d.conclusion.explanation, /MD5-Challenge/);
    assert.deepEqual(d.attempts.map((a) => a.auth), ["psk", "eap"]);
  });

  test("an ID it has nothing for: every candidate refused, EAP refused too: unknown-id-or-psk", async () => {
    const d = await diagnose(lab, [WRONG, `${WRONG}-2`], [...ike, "--id", "fqdn:nobody.lab.example"]);
    assert.equal(d.conclusion.cause, "unknown-id-or-psk");
    assert.deepEqual(d.attempts.map((a) => a.cause), ["authentication-failed", "authentication-failed", "eap-not-offered"]);
  });
});

describe("--diagnose --ikev2 against libreswan (pluto 4.10)", { skip: libreswanSkipReason() }, () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ connections: [], libreswan: libreswanPsk({ ikev2: true, ike: "aes256-sha2_256;modp2048", rightid: "@client.lab.example", psk: RIGHT }) });
  });
  after(async () => {
    await lab?.stop();
  });

  test("a wrong PSK: wrong-psk with the right line; a wrong ID: wrong-id", async () => {
    const ike = ["--ike", "aes256-sha256-modp2048"];
    const p = await diagnose(lab, [WRONG, RIGHT], [...ike, "--id", "fqdn:client.lab.example"]);
    assert.deepEqual([p.conclusion.cause, p.conclusion.pskLine], ["wrong-psk", 2]);
    const i = await diagnose(lab, [RIGHT], [...ike, "--id", "fqdn:other.lab.example", "--id", "fqdn:client.lab.example"]);
    assert.equal(i.conclusion.cause, "wrong-id");
  });
});

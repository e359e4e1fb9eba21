/**
 * The built CLI's IKEv2 audit against scripted responders (test/helpers/ikev2-responder.ts) for what
 * real gateways will not do on demand: every report is produced, matches the schema, and says what
 * happened; the accepted set stays exact wherever the answers allow it.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { combos, comboToken, parseIkev2Proposal } from "../../src/config/ikev2.ts";
import { runCli } from "../helpers/cli.ts";
import { type ResponderBehaviour, type ScriptedResponder, startIkev2Responder } from "../helpers/ikev2-responder.ts";
import { assertValidScan } from "../helpers/schema.ts";

const PROPOSALS = ["aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp256"];
const expected = [...new Set(PROPOSALS.flatMap((p) => combos(parseIkev2Proposal(p)).map(comboToken)))].sort();

interface V2Report {
  answered: boolean;
  accepted: { proposal: string }[];
  groups: string[];
  complete: boolean;
  stateless: boolean;
  cookie: { required: boolean; count: number };
  notifies: { fragmentation: boolean; other: string[] } | null;
  vendorIds: { hex: string }[];
  notes: string[];
  errors: Record<string, number>;
  stats: { exchanges: number; halfOpen: number; questions: number };
}

describe("IKEv2 audit against scripted responders", () => {
  const open: ScriptedResponder[] = [];
  after(() => {
    for (const r of open) r.close();
  });

  async function scan(b: Partial<ResponderBehaviour>, catalogue = "common"): Promise<{ code: number | null; v2: V2Report; status: string; responder: ScriptedResponder }> {
    const responder = await startIkev2Responder({ proposals: PROPOSALS, ...b });
    open.push(responder);
    const r = await runCli(["scan", "127.0.0.1", "--port", String(responder.port), "--no-ikev1", "--catalogue", catalogue, "--json", "--timeout", "0.4", "--retries", "0"]);
    assert.equal(r.stderr.includes("Error:"), false, r.stderr);
    const doc = JSON.parse(r.stdout);
    assertValidScan(doc);
    return { code: r.code, v2: doc.targets[0].ikev2, status: doc.targets[0].status, responder };
  }

  test("a well-behaved responder: exact, stateless, its extensions and vendor ID reported", async () => {
    const { code, v2, status } = await scan({});
    assert.equal(code, 0);
    assert.equal(status, "scanned");
    assert.deepEqual(v2.accepted.map((a) => a.proposal).sort(), expected);
    assert.deepEqual(v2.groups, ["modp2048", "ecp256"]);
    assert.equal(v2.stateless, true);
    assert.equal(v2.stats.halfOpen, 1);
    assert.equal(v2.notifies?.fragmentation, true);
    assert.deepEqual(v2.notifies?.other, ["PRIVATE_STATUS_50000"]);
    assert.deepEqual(v2.vendorIds.map((v) => Buffer.from(v.hex, "hex").toString()), ["scripted-responder"]);
  });

  test("a COOKIE on every request: echoed first with the same SPI, counted, and the set still exact", async () => {
    const { code, v2 } = await scan({ cookie: true });
    assert.equal(code, 0);
    assert.deepEqual(v2.accepted.map((a) => a.proposal).sort(), expected);
    assert.equal(v2.cookie.required, true);
    assert.equal(v2.cookie.count, v2.stats.questions + 1, "one COOKIE per question and one for the extensions exchange");
    assert.equal(v2.stats.exchanges, 2 * (v2.stats.questions + 1));
  });

  test("INVALID_SYNTAX for a KE outside the offer: the KE goes inside it, the set is still exact, and the report says so", async () => {
    const { code, v2 } = await scan({ syntaxForUnlisted: true });
    assert.equal(code, 0);
    assert.deepEqual(v2.accepted.map((a) => a.proposal).sort(), expected);
    assert.equal(v2.stateless, false);
    assert.match(v2.notes.join(" "), /answered INVALID_SYNTAX to a KE for a group outside the offer/);
    assert.equal(v2.errors.INVALID_SYNTAX, 1);
  });

  test("INVALID_KE_PAYLOAD naming a group never offered: not taken for a yes; the scan says it is incomplete", async () => {
    const { code, v2, status } = await scan({ nameGroup: 37 });
    assert.equal(code, 1);
    assert.equal(status, "incomplete");
    assert.equal(v2.complete, false);
    assert.deepEqual(v2.accepted, []);
    assert.match(v2.notes.join(" "), /group 37, which was not offered/);
  });

  test("silence after a few answers: what was proven is kept, the scan is incomplete, no hang", async () => {
    const { code, v2, status } = await scan({ silentAfter: 6 });
    assert.equal(code, 1);
    assert.equal(status, "incomplete");
    assert.equal(v2.complete, false);
    assert.ok(v2.accepted.every((a) => expected.includes(a.proposal)));
    assert.match(v2.notes.join(" "), /unanswered \(no answer to IKE_SA_INIT\)/);
  });

  test("large IKE_SA_INITs lost on the way: asked again in smaller messages, exact, and the report says which size went unanswered", async () => {
    const { code, v2 } = await scan({ maxSize: 700 }, "full");
    assert.equal(code, 0);
    assert.deepEqual(v2.accepted.map((a) => a.proposal).sort(), expected);
    assert.match(v2.notes.join(" "), /did not answer an IKE_SA_INIT of \d+ bytes but answers smaller ones: questions were kept under \d+ bytes/);
  });

  test("a truncated SA in the SA answer, and a proposal number out of order: reported, never a crash", async () => {
    const t = await scan({ truncateSa: true });
    assert.deepEqual(t.v2.accepted.map((a) => a.proposal).sort(), expected, "the questions are answered statelessly");
    assert.equal(t.v2.notifies, null);
    assert.match(t.v2.notes.join(" "), /the extensions exchange .* was answered malformed/);
    const n = await scan({ proposalNumber: 9 });
    assert.equal(n.code, 0);
    assert.match(n.v2.notes.join(" "), /proposal 9/);
  });
});

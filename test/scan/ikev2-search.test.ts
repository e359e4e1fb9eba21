/**
 * The IKEv2 search against models of responders (test/helpers/ikev2-model.ts): the exact accepted set
 * and the group order, whichever order the gateway prefers, in few questions; an unanswered question
 * stops it with what was proven.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type V2Combo, combos, comboKey, comboToken, compactProposals, parseIkev2Proposal, v2ProposalToken } from "../../src/config/ikev2.ts";
import { ikev2Space } from "../../src/scan/ikev2-catalogue.ts";
import { type V2Verdict, searchIkev2 } from "../../src/scan/ikev2-search.ts";
import { queryProposals } from "../../src/scan/ikev2.ts";
import { Ikev2Model } from "../helpers/ikev2-model.ts";

/** The search against a model; the KE of every question is group 31's unless 31 is offered (then the next carrier's). */
async function run(model: Ikev2Model, space = ikev2Space("full")) {
  const carriers = [31, 19, 28, 20, 32, 1, 2, 5, 14];
  const ask = async (q: Parameters<Parameters<typeof searchIkev2>[1]>[0]): Promise<V2Verdict> => {
    const ke = carriers.find((g) => !q.groups.includes(g)) ?? q.groups[0]!;
    const a = model.answer(queryProposals(q), ke);
    return a.kind === "no-proposal" ? { kind: "no" } : { kind: "yes", group: a.group };
  };
  return searchIkev2(space, ask);
}

const keys = (cs: V2Combo[]): string[] => cs.map(comboKey).sort();
const expected = (proposals: string[]): string[] => [...new Set(proposals.flatMap((p) => combos(parseIkev2Proposal(p)).map(comboKey)))].sort();

describe("IKEv2 search", () => {
  const configs: [string, string[]][] = [
    ["one AEAD, one not, one legacy (strongSwan's own example)", ["aes192-sha384-ecp521", "aes256gcm16-prfsha512-curve25519", "3des-sha1-modp1536"]],
    ["a product with two of each", ["aes128-aes256-sha256-sha384-modp2048-ecp256"]],
    ["four proposals sharing a cipher and a group", ["aes256-sha384-ecp384", "aes256-sha256-modp2048", "aes128gcm16-prfsha256-ecp384", "chacha20poly1305-prfsha256-curve25519"]],
    ["a PRF that is not the integrity algorithm's", ["aes256-sha256-prfsha512-modp3072"]],
    ["Brainpool and Curve448", ["aes256-sha512-ecp256bp-curve448"]],
  ];
  for (const prefer of ["own", "ours"] as const) {
    for (const [name, proposals] of configs) {
      test(`${name} (${prefer === "own" ? "gateway's" : "our"} order): exactly the configured combinations`, async () => {
        const model = new Ikev2Model(proposals, prefer);
        const r = await run(model);
        assert.equal(r.complete, true);
        assert.deepEqual(keys(r.accepted), expected(proposals));
        assert.equal(r.questions, model.asked);
      });
    }
  }

  test("the groups in the gateway's order of preference, its own proposals' order", async () => {
    const r = await run(new Ikev2Model(["aes256-sha256-ecp384-modp3072", "aes128-sha256-curve25519", "aes128-sha1-modp2048"]));
    assert.deepEqual(r.groupOrder, [20, 15, 31, 14]);
  });

  test("up to four proposals, the full catalogue: at most 60 questions", async () => {
    for (const [, proposals] of configs) {
      const r = await run(new Ikev2Model(proposals));
      assert.ok(r.questions <= 60, `${proposals.join(", ")}: ${r.questions} questions`);
    }
  });

  test("a gateway that accepts nothing: one question per group chain, nothing accepted", async () => {
    const r = await run(new Ikev2Model(["camellia256-aesxcbc-modp8192"]), ikev2Space("common"));
    assert.deepEqual(r.accepted, []);
    assert.deepEqual(r.groupOrder, []);
    assert.ok(r.questions <= 3, `${r.questions}`);
  });

  test("a question left unanswered stops the search: what was proven stays, the result is incomplete", async () => {
    const model = new Ikev2Model(["aes256-sha256-modp2048", "aes128-sha1-ecp256"]);
    let n = 0;
    const r = await searchIkev2(ikev2Space("full"), async (q) => {
      if (++n > 8) return { kind: "unknown", reason: "silence" };
      const a = model.answer(queryProposals(q), 31);
      return a.kind === "no-proposal" ? { kind: "no" } : { kind: "yes", group: a.group };
    });
    assert.equal(r.complete, false);
    assert.match(r.notes.join(" "), /unanswered \(silence\)/);
    assert.ok(keys(r.accepted).every((k) => expected(["aes256-sha256-modp2048", "aes128-sha1-ecp256"]).includes(k)));
  });

  test("proposal strings: the PRF written only where it is not the integrity algorithm's", () => {
    assert.deepEqual(combos(parseIkev2Proposal("aes256-sha384-ecp384")).map(comboToken), ["aes256-sha384-ecp384"]);
    assert.deepEqual(combos(parseIkev2Proposal("aes128gcm16-prfsha256-curve25519")).map(comboToken), ["aes128gcm16-prfsha256-curve25519"]);
    assert.deepEqual(combos(parseIkev2Proposal("aes256-sha256-prfsha512-modp3072")).map(comboToken), ["aes256-sha256-prfsha512-modp3072"]);
    // In an AEAD proposal an integrity token names a PRF (as strongSwan reads it).
    assert.deepEqual(combos(parseIkev2Proposal("aes256gcm16-sha384-ecp384")).map(comboToken), ["aes256gcm16-prfsha384-ecp384"]);
  });

  test("the accepted set written back as the proposals configured", async () => {
    for (const [proposals, want] of [
      [["aes192-sha384-ecp521", "aes256gcm16-prfsha512-curve25519", "3des-sha1-modp1536"], ["aes192-sha384-ecp521", "aes256gcm16-prfsha512-curve25519", "3des-sha1-modp1536"]],
      [["aes128-aes256-sha256-sha384-modp2048-ecp256"], ["aes128-aes256-sha256-sha384-modp2048-ecp256"]],
      [["aes256-sha256-prfsha512-modp3072"], ["aes256-sha256-prfsha512-modp3072"]],
    ] as const) {
      const r = await run(new Ikev2Model([...proposals]));
      const compact = compactProposals(r.accepted);
      assert.deepEqual(compact.map(v2ProposalToken).sort(), [...want].sort());
      // Whatever the form, the proposals hold exactly the accepted combinations.
      assert.deepEqual([...new Set(compact.flatMap(combos).map(comboKey))].sort(), keys(r.accepted));
    }
  });
});

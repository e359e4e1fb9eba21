/**
 * A model of how IKEv2 responders choose in IKE_SA_INIT (RFC 7296 §3.3), for tests of the search
 * without sockets: configured proposals (strongSwan's syntax), and the rule strongSwan and libreswan
 * follow by default (their own proposals in their order, the first that matches any offered one;
 * within it, their own order of algorithms) or, with `prefer: "ours"`, the initiator's order.
 * Answers: INVALID_KE_PAYLOAD with the selected proposal's group when the KE is for another, an SA
 * when it is for that one, NO_PROPOSAL_CHOSEN when nothing matches.
 */
import { type V2Proposal, V2_CIPHERS, parseIkev2Proposal } from "../../src/config/ikev2.ts";
import { TransformType } from "../../src/wire/v2/constants.ts";
import type { Ikev2Proposal, Ikev2Transform } from "../../src/wire/v2/payloads/sa.ts";

export type ModelAnswer = { kind: "invalid-ke"; group: number } | { kind: "no-proposal" } | { kind: "sa"; encr: Ikev2Transform; prf: number; integ: number | null; group: number };

const isAead = (t: Ikev2Transform): boolean => [...V2_CIPHERS.values()].some((c) => c.aead && c.id === t.id);

export class Ikev2Model {
  readonly config: V2Proposal[];
  readonly prefer: "own" | "ours";
  asked = 0;
  constructor(proposals: string[], prefer: "own" | "ours" = "own") {
    this.config = proposals.map((p) => parseIkev2Proposal(p));
    this.prefer = prefer;
  }

  private match(cp: V2Proposal, op: Ikev2Proposal): ModelAnswer | undefined {
    const of = (type: number): Ikev2Transform[] => op.transforms.filter((t) => t.type === type);
    const encrs = of(TransformType.ENCR);
    const cpAead = cp.ciphers[0]!.aead;
    if (encrs.some((e) => isAead(e) !== cpAead)) return undefined;
    const ownFirst = <A, B>(mine: A[], theirs: B[], eq: (a: A, b: B) => boolean): B | undefined =>
      this.prefer === "own" ? mine.map((m) => theirs.find((t) => eq(m, t))).find((x) => x !== undefined) : theirs.find((t) => mine.some((m) => eq(m, t)));
    const encr = ownFirst(cp.ciphers, encrs, (c, t) => c.id === t.id && c.keyLength === t.keyLength);
    const prf = ownFirst(cp.prfs, of(TransformType.PRF), (a, t) => a === t.id);
    const group = ownFirst(cp.groups, of(TransformType.KE), (a, t) => a === t.id);
    const integs = of(TransformType.INTEG);
    const integ = cpAead ? null : ownFirst(cp.integs, integs, (a, t) => a === t.id);
    if (encr === undefined || prf === undefined || group === undefined || integ === undefined) return undefined;
    return { kind: "sa", encr, prf: prf.id, integ: integ === null ? null : integ.id, group: group.id };
  }

  answer(offered: Ikev2Proposal[], keGroup: number): ModelAnswer {
    this.asked++;
    const pairs = this.prefer === "own" ? this.config.flatMap((cp) => offered.map((op) => [cp, op] as const)) : offered.flatMap((op) => this.config.map((cp) => [cp, op] as const));
    for (const [cp, op] of pairs) {
      const m = this.match(cp, op);
      if (m === undefined || m.kind !== "sa") continue;
      return m.group === keGroup ? m : { kind: "invalid-ke", group: m.group };
    }
    return { kind: "no-proposal" };
  }
}

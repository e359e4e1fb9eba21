/**
 * The IKEv2 audit's search, over an oracle (no sockets): which single combinations (one cipher with
 * its key length, one PRF, one integrity algorithm or none with AEAD, one group) a gateway accepts.
 *
 * The oracle is an IKE_SA_INIT whose KE is for a group outside the offer: a responder that finds an
 * acceptable proposal answers INVALID_KE_PAYLOAD with that proposal's group and keeps no state
 * (RFC 7296 §1.3), one that finds none answers NO_PROPOSAL_CHOSEN. So each question "does anything in
 * this box (ciphers × PRFs × integrity × groups) match?" costs one stateless exchange, and a yes names
 * the group of the proposal the gateway preferred. The search:
 *  1. groups: ask with everything; the group named is the gateway's first choice; ask again without
 *     it, until NO_PROPOSAL_CHOSEN: the accepted groups in the gateway's order of preference (the
 *     oracle's own KE group is asked on its own and placed in that order by comparisons);
 *  2. the ciphers, PRFs and integrity algorithms that take part in any accepted combination, each
 *     by binary splitting (a half that is refused is refused whole);
 *  3. per cipher its groups, its PRFs, per PRF its integrity algorithms, and (where the cipher has
 *     several groups) per triple its groups.
 * Every combination reported was answered yes on its own; every one left out lies in a box answered
 * no: the result is the exact accepted set, whatever order the gateway prefers.
 */
import type { V2Cipher, V2Combo } from "../config/ikev2.js";

/** One question: the box of ciphers × PRFs × integrity algorithms (null: the AEAD side) × groups. */
export interface V2Query {
  ciphers: V2Cipher[];
  prfs: number[];
  integs: (number | null)[];
  groups: number[];
}

export type V2Verdict = { kind: "yes"; group: number } | { kind: "no" } | { kind: "unknown"; reason: string };

export type V2Ask = (q: V2Query) => Promise<V2Verdict>;

export interface V2Space {
  ciphers: V2Cipher[];
  prfs: number[];
  integs: number[];
  groups: number[];
  /**
   * The group whose KE the oracle sends when it may (the cheapest): it is kept out of the question
   * that offers every other group, so that the KE stays outside the offer, and asked on its own.
   */
  carrier?: number;
}

export interface V2SearchResult {
  accepted: V2Combo[];
  /** Accepted groups, the gateway's first choice first. */
  groupOrder: number[];
  /** false: a question stayed unanswered; what is reported was proven, the rest is unknown. */
  complete: boolean;
  notes: string[];
  questions: number;
}

/** Whether a box holds any combination at all (AEAD ciphers pair with null only, the others with an integrity algorithm). */
export function boxHoldsCombination(q: V2Query): boolean {
  if (q.prfs.length === 0 || q.groups.length === 0) return false;
  const aead = q.ciphers.some((c) => c.aead) && q.integs.includes(null);
  const plain = q.ciphers.some((c) => !c.aead) && q.integs.some((i) => i !== null);
  return aead || plain;
}

class Unanswered extends Error {}

/** The search; `ask` is the oracle (one IKE_SA_INIT, or a model of a gateway in tests). */
export async function searchIkev2(space: V2Space, ask: V2Ask, onProgress?: (what: string) => void): Promise<V2SearchResult> {
  const notes: string[] = [];
  let questions = 0;
  const accepted: V2Combo[] = [];
  const groupOrder: number[] = [];
  const allIntegs: (number | null)[] = [...space.integs, null];

  const yes = async (q: V2Query): Promise<V2Verdict & { kind: "yes" | "no" }> => {
    if (!boxHoldsCombination(q)) return { kind: "no" };
    questions++;
    const v = await ask(q);
    if (v.kind === "unknown") throw new Unanswered(v.reason);
    return v;
  };
  /** The groups of `groups` that accept something of the box, in the gateway's order (each yes names the next). */
  const chain = async (base: Omit<V2Query, "groups">, groups: number[], firstKnown?: number): Promise<number[]> => {
    const rest = [...groups];
    const found: number[] = [];
    let known = firstKnown;
    while (rest.length > 0) {
      const v = known !== undefined ? { kind: "yes" as const, group: known } : await yes({ ...base, groups: rest });
      known = undefined;
      if (v.kind === "no") break;
      const i = rest.indexOf(v.group);
      // The group of a proposal the gateway selected is one we offered (RFC 7296 §1.3); any other answers nothing.
      if (i < 0) throw new Unanswered(`the gateway named group ${v.group}, which was not offered`);
      found.push(v.group);
      rest.splice(i, 1);
    }
    return found;
  };
  /**
   * The members of `items` for which `test` says yes, by binary splitting; `knownYes`: the whole list
   * is known to hold one. `named`: the group each member asked on its own was answered with (the
   * gateway's first choice for it), for the chains that follow.
   */
  const split = async <T>(items: T[], test: (subset: T[]) => Promise<V2Verdict>, knownYes: boolean, named?: Map<T, number>): Promise<T[]> => {
    if (items.length === 0) return [];
    if (!knownYes) {
      const v = await test(items);
      if (v.kind !== "yes") return [];
      if (items.length === 1) named?.set(items[0]!, v.group);
    }
    if (items.length === 1) return items;
    const mid = Math.ceil(items.length / 2);
    const left = await split(items.slice(0, mid), test, false, named);
    const right = await split(items.slice(mid), test, left.length === 0, named);
    return [...left, ...right];
  };

  try {
    onProgress?.("groups");
    const everything = { ciphers: space.ciphers, prfs: space.prfs, integs: allIntegs };
    const carrier = space.carrier !== undefined && space.groups.includes(space.carrier) ? space.carrier : undefined;
    groupOrder.push(...(await chain(everything, space.groups.filter((g) => g !== carrier))));
    if (carrier !== undefined && (await yes({ ...everything, groups: [carrier] })).kind === "yes") {
      // Its place in the gateway's order: offered beside one other group, the answer names the preferred.
      let lo = 0;
      let hi = groupOrder.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const v = await yes({ ...everything, groups: [carrier, groupOrder[mid]!] });
        if (v.kind === "yes" && v.group === carrier) hi = mid;
        else lo = mid + 1;
      }
      groupOrder.splice(lo, 0, carrier);
    }
    if (groupOrder.length === 0) return { accepted, groupOrder, complete: true, notes, questions };
    const G = groupOrder;
    onProgress?.("ciphers");
    const cipherGroup = new Map<V2Cipher, number>();
    const E = await split(space.ciphers, (s) => yes({ ciphers: s, prfs: space.prfs, integs: allIntegs, groups: G }), true, cipherGroup);
    // The PRFs and integrity algorithms that take part at all; each cipher's are sought among them.
    onProgress?.("PRFs");
    const P = await split(space.prfs, (s) => yes({ ciphers: E, prfs: s, integs: allIntegs, groups: G }), true);
    onProgress?.("integrity");
    const I = await split(allIntegs.filter((i) => (i === null ? E.some((c) => c.aead) : E.some((c) => !c.aead))), (s) => yes({ ciphers: E, prfs: P, integs: s, groups: G }), true);
    onProgress?.("combinations");
    for (const cipher of E) {
      const integsFor = I.filter((i) => (i === null) === cipher.aead);
      // The cipher's groups first (its first choice may be known from asking it alone): with one,
      // every combination of the cipher has it.
      const Ge = G.length === 1 ? G : await chain({ ciphers: [cipher], prfs: P, integs: integsFor }, G, cipherGroup.get(cipher));
      const prfs = await split(P, (s) => yes({ ciphers: [cipher], prfs: s, integs: integsFor, groups: Ge }), true);
      for (const prf of prfs) {
        const integGroup = new Map<number | null, number>();
        const integs = await split(integsFor, (s) => yes({ ciphers: [cipher], prfs: [prf], integs: s, groups: Ge }), true, integGroup);
        for (const integ of integs) {
          const groups = Ge.length === 1 ? Ge : await chain({ ciphers: [cipher], prfs: [prf], integs: [integ] }, Ge, integGroup.get(integ));
          for (const group of groups) accepted.push({ cipher, prf, integ, group });
        }
      }
    }
    return { accepted, groupOrder, complete: true, notes, questions };
  } catch (e) {
    if (!(e instanceof Unanswered)) throw e;
    notes.push(`stopped: a question went unanswered (${e.message}); the combinations found so far are proven, the rest unknown`);
    return { accepted, groupOrder, complete: false, notes, questions };
  }
}

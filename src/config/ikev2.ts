/**
 * IKEv2 proposals in strongSwan's syntax (swanctl.conf `proposals`), read from the algorithm registry
 * (src/data/algorithms.ts): `aes256-sha384-ecp384`, `aes128gcm16-prfsha256-curve25519`.
 *
 * A proposal is a product: every cipher with every PRF, integrity algorithm and group it lists. As
 * strongSwan reads it, a non-AEAD proposal without a `prf…` token takes the PRFs of its integrity
 * algorithms, and in an AEAD proposal an integrity token names a PRF (an AEAD proposal carries no
 * integrity transform, RFC 7296 §3.3). AEAD and non-AEAD ciphers never share a proposal.
 */
import { AEAD, ENCRYPTION, GROUPS, GROUP_BY_NUMBER, HASHES, encryptionTokenFor } from "../data/algorithms.js";
import { UsageError } from "../errors.js";

/** An IKEv2 cipher: its ENCR transform ID, key length (bits) when it has the attribute, and whether it is AEAD. */
export interface V2Cipher {
  token: string;
  id: number;
  keyLength?: number;
  aead: boolean;
}

/** One combination: a cipher, a PRF, an integrity algorithm (null with AEAD) and a group. */
export interface V2Combo {
  cipher: V2Cipher;
  prf: number;
  integ: number | null;
  group: number;
}

/** A proposal as strongSwan reads one: the product of its lists. */
export interface V2Proposal {
  ciphers: V2Cipher[];
  prfs: number[];
  integs: number[];
  groups: number[];
}

function cipherOf(token: string, id: number, keyBits: number | undefined, aead: boolean): V2Cipher {
  return keyBits !== undefined ? { token, id, keyLength: keyBits, aead } : { token, id, aead };
}

/** Every IKEv2 cipher by token (aliases included), canonical tokens first. */
export const V2_CIPHERS: ReadonlyMap<string, V2Cipher> = new Map([
  ...ENCRYPTION.filter((e) => e.ikev2 !== undefined && e.offered !== false).flatMap((e) =>
    e.tokens.map((t) => [t, cipherOf(encryptionTokenFor(e, e.keyBits), e.ikev2!, e.variable ? e.keyBits : undefined, false)] as const),
  ),
  ...AEAD.flatMap((a) => a.tokens.map((t) => [t, cipherOf(a.tokens[0]!, a.ikev2, a.fixedKey === true ? undefined : a.keyBits, true)] as const)),
]);

/** PRF and integrity transform IDs by token (`sha256` → integrity 12, `prfsha256` → PRF 5). */
export const V2_INTEGS: ReadonlyMap<string, number> = new Map(HASHES.filter((h) => h.ikev2 !== undefined).flatMap((h) => h.tokens.map((t) => [t, h.ikev2!.integ] as const)));
export const V2_PRFS: ReadonlyMap<string, number> = new Map(HASHES.filter((h) => h.ikev2 !== undefined).flatMap((h) => h.tokens.map((t) => [`prf${t}`, h.ikev2!.prf] as const)));
/** The PRF of the same family as an integrity algorithm (strongSwan's rule for proposals without a prf token). */
const PRF_OF_INTEG: ReadonlyMap<number, number> = new Map(HASHES.filter((h) => h.ikev2 !== undefined).map((h) => [h.ikev2!.integ, h.ikev2!.prf] as const));
export const V2_GROUPS: ReadonlyMap<string, number> = new Map(GROUPS.flatMap((g) => g.tokens.map((t) => [t, g.number] as const)));

const canonical = (m: ReadonlyMap<string, number>, id: number, prefix = ""): string => {
  for (const [t, v] of m) if (v === id && t.startsWith(prefix)) return t;
  return `${prefix}${id}`;
};
export const integToken = (id: number): string => canonical(V2_INTEGS, id);
export const prfToken = (id: number): string => canonical(V2_PRFS, id, "prf");
export const groupTokenV2 = (id: number): string => GROUP_BY_NUMBER.get(id)?.tokens[0] ?? `ke${id}`;

/** The cipher's token for an ENCR transform as a gateway names it (ID and key length). */
export function cipherToken(id: number, keyLength: number | undefined): string {
  for (const c of V2_CIPHERS.values()) if (c.id === id && c.keyLength === keyLength) return c.token;
  return keyLength !== undefined ? `encr${id}-${keyLength}` : `encr${id}`;
}

export function parseIkev2Proposal(text: string, option = "--ike"): V2Proposal {
  const cleaned = text.trim().replace(/!$/, "").toLowerCase();
  if (cleaned === "") throw new UsageError(`${option}: empty proposal; write e.g. ${option} aes256-sha256-modp2048`);
  const p: V2Proposal = { ciphers: [], prfs: [], integs: [], groups: [] };
  const add = <T>(list: T[], v: T): void => void (list.includes(v) || list.push(v));
  for (const tok of cleaned.split("-")) {
    const cipher = V2_CIPHERS.get(tok);
    if (cipher !== undefined) add(p.ciphers, cipher);
    else if (V2_INTEGS.has(tok)) add(p.integs, V2_INTEGS.get(tok)!);
    else if (V2_PRFS.has(tok)) add(p.prfs, V2_PRFS.get(tok)!);
    else if (V2_GROUPS.has(tok)) add(p.groups, V2_GROUPS.get(tok)!);
    else throw new UsageError(`${option} ${text}: unknown token "${tok}" (ciphers: ${[...new Set([...V2_CIPHERS.values()].map((c) => c.token))].join(", ")}; integrity: ${[...V2_INTEGS.keys()].join(", ")}; PRF: ${[...V2_PRFS.keys()].join(", ")}; groups: ${[...V2_GROUPS.keys()].join(", ")})`);
  }
  const aead = p.ciphers.filter((c) => c.aead);
  if (p.ciphers.length === 0) throw new UsageError(`${option} ${text}: no cipher; add one, e.g. aes256 or aes128gcm16`);
  if (aead.length > 0 && aead.length < p.ciphers.length) throw new UsageError(`${option} ${text}: AEAD and non-AEAD ciphers in one proposal; give them as two proposals (RFC 7296 §3.3)`);
  if (p.groups.length === 0) throw new UsageError(`${option} ${text}: no key exchange group; add one, e.g. modp2048 or ecp256`);
  if (aead.length > 0) {
    // An integrity token in an AEAD proposal names a PRF; the proposal carries no integrity transform.
    for (const i of p.integs) add(p.prfs, PRF_OF_INTEG.get(i)!);
    p.integs = [];
    if (p.prfs.length === 0) throw new UsageError(`${option} ${text}: an AEAD proposal needs a PRF, e.g. prfsha256`);
  } else {
    if (p.integs.length === 0) throw new UsageError(`${option} ${text}: no integrity algorithm; add one, e.g. sha256`);
    if (p.prfs.length === 0) for (const i of p.integs) add(p.prfs, PRF_OF_INTEG.get(i)!);
  }
  return p;
}

/** Every combination of a proposal, in its order. */
export function combos(p: V2Proposal): V2Combo[] {
  const integs: (number | null)[] = p.ciphers[0]?.aead === true ? [null] : p.integs;
  return p.ciphers.flatMap((cipher) => p.prfs.flatMap((prf) => integs.flatMap((integ) => p.groups.map((group) => ({ cipher, prf, integ, group })))));
}

/** One combination in strongSwan's syntax: the PRF token only where it is not the integrity algorithm's own. */
export function comboToken(c: V2Combo): string {
  if (c.integ === null) return `${c.cipher.token}-${prfToken(c.prf)}-${groupTokenV2(c.group)}`;
  const own = PRF_OF_INTEG.get(c.integ) === c.prf;
  return `${c.cipher.token}-${integToken(c.integ)}${own ? "" : `-${prfToken(c.prf)}`}-${groupTokenV2(c.group)}`;
}

/** A stable key for a combination (cipher ID and key length, PRF, integrity, group). */
export function comboKey(c: V2Combo): string {
  return `${c.cipher.id}/${c.cipher.keyLength ?? 0}/${c.prf}/${c.integ ?? 0}/${c.group}`;
}

/** A proposal's strongSwan string: ciphers, then integrity (and PRFs where they are not the integrity algorithms' own), then groups. */
export function v2ProposalToken(p: V2Proposal): string {
  const ciphers = p.ciphers.map((c) => c.token);
  const groups = p.groups.map(groupTokenV2);
  if (p.ciphers[0]?.aead === true || p.integs.length === 0) return [...ciphers, ...p.prfs.map(prfToken), ...groups].join("-");
  const derived = [...new Set(p.integs.map((i) => PRF_OF_INTEG.get(i)))];
  const own = derived.length === p.prfs.length && p.prfs.every((x) => derived.includes(x));
  return [...ciphers, ...p.integs.map(integToken), ...(own ? [] : p.prfs.map(prfToken)), ...groups].join("-");
}

/**
 * Accepted combinations written back as the proposals a person would configure: combinations with
 * the same groups, then the same PRFs and integrity algorithms, gathered into products. Every
 * proposal returned holds only accepted combinations, and together they hold all of them.
 */
export function compactProposals(accepted: readonly V2Combo[]): V2Proposal[] {
  const key = (xs: readonly (number | string)[]): string => [...xs].map(String).sort().join(",");
  // (cipher, prf, integ) -> its groups
  const triples = new Map<string, { cipher: V2Cipher; prf: number; integ: number | null; groups: number[] }>();
  for (const c of accepted) {
    const k = `${c.cipher.id}/${c.cipher.keyLength ?? 0}/${c.prf}/${c.integ ?? 0}`;
    const t = triples.get(k) ?? { cipher: c.cipher, prf: c.prf, integ: c.integ, groups: [] };
    if (!t.groups.includes(c.group)) t.groups.push(c.group);
    triples.set(k, t);
  }
  // Same groups and same cipher: the (prf, integ) pairs; then ciphers with the same pairs.
  const byCipher = new Map<string, { cipher: V2Cipher; groups: number[]; pairs: [number, number | null][] }>();
  for (const t of triples.values()) {
    const k = `${key(t.groups)}|${t.cipher.id}/${t.cipher.keyLength ?? 0}`;
    const e = byCipher.get(k) ?? { cipher: t.cipher, groups: t.groups, pairs: [] };
    e.pairs.push([t.prf, t.integ]);
    byCipher.set(k, e);
  }
  const out = new Map<string, V2Proposal[]>();
  for (const e of byCipher.values()) {
    // The pairs as products of PRFs x integrity algorithms: by integrity, the PRFs it goes with; integrity algorithms with the same PRFs together.
    const prfsByInteg = new Map<number | null, number[]>();
    for (const [prf, integ] of e.pairs) prfsByInteg.set(integ, [...(prfsByInteg.get(integ) ?? []), prf]);
    const blocks = new Map<string, { prfs: number[]; integs: (number | null)[] }>();
    for (const [integ, prfs] of prfsByInteg) {
      const k = key(prfs);
      const b = blocks.get(k) ?? { prfs, integs: [] };
      b.integs.push(integ);
      blocks.set(k, b);
    }
    for (const b of blocks.values()) {
      const k = `${key(e.groups)}|${key(b.prfs)}|${key(b.integs.map((i) => i ?? 0))}`;
      const list = out.get(k) ?? [];
      const same = list.find((x) => x.ciphers[0]?.aead === e.cipher.aead);
      if (same !== undefined) same.ciphers.push(e.cipher);
      else list.push({ ciphers: [e.cipher], prfs: b.prfs, integs: b.integs.filter((i): i is number => i !== null), groups: e.groups });
      out.set(k, list);
    }
  }
  return [...out.values()].flat();
}

/**
 * A CHILD SA (ESP) proposal for IKEv2 in strongSwan's `esp_proposals` syntax: `aes256-sha256`,
 * `aes128gcm16`, `aes256-sha256-modp2048` (PFS with that group in CREATE_CHILD_SA), `null-sha256`,
 * `…-esn`. The transform IDs are IKEv2's (RFC 7296 §3.3.2): ENCR, INTEG, KE and ESN; an ESP
 * proposal carries no PRF. Unlike an IKEv1 proposal it is not expanded: one IKEv2 proposal holds
 * every alternative of each type.
 */
export interface V2ChildProposal {
  ciphers: V2Cipher[];
  integs: number[];
  /** PFS groups (KE in CREATE_CHILD_SA); empty: no PFS. In IKE_AUTH the CHILD SA's keys come from the IKE SA's exchange, so no KE is sent there. */
  groups: number[];
  /** ESN transform values offered (0: no ESN, 1: ESN), in order. */
  esn: number[];
}

/** ENCR_NULL (RFC 7296 §3.3.2, ID 11): ESP with integrity only. */
const ENCR_NULL: V2Cipher = { token: "null", id: 11, aead: false };

export function parseChildProposal(text: string, option = "--esp"): V2ChildProposal {
  const cleaned = text.trim().replace(/!$/, "").toLowerCase();
  if (cleaned === "") throw new UsageError(`${option}: empty proposal; write e.g. ${option} aes256-sha256`);
  const p: V2ChildProposal = { ciphers: [], integs: [], groups: [], esn: [] };
  const add = <T>(list: T[], v: T): void => void (list.includes(v) || list.push(v));
  for (const tok of cleaned.split("-")) {
    const cipher = tok === "null" ? ENCR_NULL : V2_CIPHERS.get(tok);
    if (cipher !== undefined) add(p.ciphers, cipher);
    else if (V2_INTEGS.has(tok)) add(p.integs, V2_INTEGS.get(tok)!);
    else if (V2_GROUPS.has(tok)) add(p.groups, V2_GROUPS.get(tok)!);
    else if (tok === "esn") add(p.esn, 1);
    else if (tok === "noesn") add(p.esn, 0);
    else if (V2_PRFS.has(tok)) throw new UsageError(`${option} ${text}: "${tok}" is a PRF, which an ESP proposal does not carry (the CHILD SA's keys come from the IKE SA's PRF)`);
    else throw new UsageError(`${option} ${text}: unknown token "${tok}" (ciphers: null, ${[...new Set([...V2_CIPHERS.values()].map((c) => c.token))].join(", ")}; integrity: ${[...V2_INTEGS.keys()].join(", ")}; PFS groups: ${[...V2_GROUPS.keys()].join(", ")}; esn, noesn)`);
  }
  const aead = p.ciphers.filter((c) => c.aead);
  if (p.ciphers.length === 0) throw new UsageError(`${option} ${text}: no cipher; add one, e.g. aes256, aes128gcm16, or null for integrity only`);
  if (aead.length > 0 && aead.length < p.ciphers.length) throw new UsageError(`${option} ${text}: AEAD and non-AEAD ciphers in one proposal; give them as two --esp (RFC 7296 §3.3)`);
  if (aead.length > 0 && p.integs.length > 0) throw new UsageError(`${option} ${text}: ${aead[0]!.token} is an AEAD cipher: drop the integrity algorithm`);
  if (aead.length === 0 && p.integs.length === 0) throw new UsageError(`${option} ${text}: needs an integrity algorithm with ${p.ciphers[0]!.token} (e.g. ${p.ciphers[0]!.token}-sha256)`);
  if (p.esn.length === 0) p.esn.push(0);
  return p;
}

/** A CHILD SA proposal in strongSwan's syntax. */
export function childProposalToken(p: V2ChildProposal): string {
  const esn = p.esn.length === 1 && p.esn[0] === 0 ? [] : p.esn.map((e) => (e === 1 ? "esn" : "noesn"));
  return [...p.ciphers.map((c) => c.token), ...p.integs.map(integToken), ...p.groups.map(groupTokenV2), ...esn].join("-");
}

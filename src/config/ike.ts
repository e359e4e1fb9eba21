/**
 * Phase 1 transform sets in strongSwan's proposal syntax (`aes256-sha256-modp2048`; several
 * algorithms of one kind expand to every combination) and in ike-scan's numeric `--trans` form
 * (`7/256,5,1,14`: encryption[/key bits], hash, auth, group).
 */
import type { Phase1Transform } from "../exchanges/v1/phase1/types.js";
import { UsageError } from "../errors.js";
import { groupInfo } from "../crypto/dh.js";
import { AUTH_BY_NUMBER, AUTH_METHODS, ENCRYPTION, GROUPS, GROUP_BY_NUMBER, HASHES, HASH_BY_IKE, encryptionTokenFor } from "../data/algorithms.js";

export type { Phase1Transform };

interface Alg { id: number; keyBits?: number }

/** Tokens of the Phase 1 syntax, from the algorithm registry (src/data/algorithms.ts). */
export const ENCRYPTION_TOKENS: Readonly<Record<string, Alg>> = Object.fromEntries(
  ENCRYPTION.filter((e) => e.ike !== null && e.offered !== false).flatMap((e) => e.tokens.map((t) => [t, e.variable ? { id: e.ike!, keyBits: e.keyBits } : { id: e.ike! }])),
);

export const HASH_TOKENS: Readonly<Record<string, number>> = Object.fromEntries(HASHES.filter((h) => h.ike !== null).flatMap((h) => h.tokens.map((t) => [t, h.ike!])));

export const GROUP_TOKENS: Readonly<Record<string, number>> = Object.fromEntries(GROUPS.filter((g) => g.ikev1 !== false).flatMap((g) => g.tokens.map((t) => [t, g.number])));

export const AUTH_TOKENS: Readonly<Record<string, number>> = Object.fromEntries(AUTH_METHODS.flatMap((m) => m.tokens.map((t) => [t, m.number])));

/** `aes256`, `3des`, `cast128`: a variable-length cipher's family name with its key length. */
export function encryptionToken(id: number, keyBits?: number): string {
  const e = ENCRYPTION.find((x) => x.ike === id);
  return e === undefined ? `enc${id}` : encryptionTokenFor(e, keyBits);
}

export function hashToken(id: number): string {
  return HASH_BY_IKE.get(id)?.tokens[0] ?? `hash${id}`;
}

export function groupToken(id: number): string {
  return GROUP_BY_NUMBER.get(id)?.tokens[0] ?? `group${id}`;
}

export function authToken(id: number): string {
  return AUTH_BY_NUMBER.get(id)?.tokens[0] ?? `auth${id}`;
}

/** `aes256-sha256-modp2048` (auth is not part of strongSwan's proposal syntax). */
export function proposalToken(t: Phase1Transform): string {
  return `${encryptionToken(t.encryption, t.keyBits)}-${hashToken(t.hash)}-${groupToken(t.group)}`;
}

/** Expands one `--ike` value into transforms, in the order strongSwan would list them. */
export function parseIkeProposal(text: string, auth: number, lifetimeSeconds: number): Phase1Transform[] {
  const encs: Alg[] = [];
  const hashes: number[] = [];
  const groups: number[] = [];
  const cleaned = text.trim().replace(/!$/, "").toLowerCase();
  if (cleaned === "") throw new UsageError("--ike: empty proposal; write e.g. --ike aes256-sha256-modp2048");
  for (const tok of cleaned.split("-")) {
    const enc = ENCRYPTION_TOKENS[tok];
    const hash = HASH_TOKENS[tok];
    const group = GROUP_TOKENS[tok];
    if (enc !== undefined) encs.push(enc);
    else if (hash !== undefined) hashes.push(hash);
    else if (group !== undefined) groups.push(group);
    else if (/^prf/.test(tok) && HASH_TOKENS[tok.slice(3)] !== undefined) continue; // IKEv1's PRF is the hash's HMAC
    else {
      throw new UsageError(
        `--ike ${text}: unknown algorithm "${tok}". Encryption: ${Object.keys(ENCRYPTION_TOKENS).join(", ")}; ` +
          `hash: ${Object.keys(HASH_TOKENS).join(", ")}; DH group: ${Object.keys(GROUP_TOKENS).join(", ")}`,
      );
    }
  }
  const missing = [encs.length === 0 && "an encryption algorithm (e.g. aes256)", hashes.length === 0 && "a hash (e.g. sha256)", groups.length === 0 && "a DH group (e.g. modp2048)"].filter(Boolean);
  if (missing.length > 0) throw new UsageError(`--ike ${text}: needs ${missing.join(", ")}; e.g. --ike aes256-sha256-modp2048`);
  const out: Phase1Transform[] = [];
  for (const e of encs) for (const h of hashes) for (const g of groups) {
    const t: Phase1Transform = { encryption: e.id, hash: h, auth, group: g, lifetimeSeconds };
    if (e.keyBits !== undefined) t.keyBits = e.keyBits;
    out.push(t);
  }
  return out;
}

/** ike-scan's `--trans e[/bits],h,a,g`. */
export function parseTrans(text: string, lifetimeSeconds: number): Phase1Transform {
  const m = /^(\d+)(?:\/(\d+))?,(\d+),(\d+),(\d+)$/.exec(text.trim());
  if (m === null) throw new UsageError(`--trans ${text}: expected ike-scan's form enc[/bits],hash,auth,group, e.g. --trans 7/256,5,1,14`);
  const [enc, bits, hash, auth, group] = [m[1], m[2], m[3], m[4], m[5]].map((x) => (x === undefined ? undefined : Number(x)));
  for (const [name, v] of [["encryption", enc], ["hash", hash], ["auth", auth], ["group", group]] as const) {
    if (v === undefined || v < 1 || v > 0xffff) throw new UsageError(`--trans ${text}: ${name} must be 1..65535`);
  }
  if (bits !== undefined && (bits < 1 || bits > 0xffff)) throw new UsageError(`--trans ${text}: key length must be 1..65535 bits`);
  const t: Phase1Transform = { encryption: enc!, hash: hash!, auth: auth!, group: group!, lifetimeSeconds };
  if (bits !== undefined) t.keyBits = bits;
  else if (enc === 7) t.keyBits = 128;
  return t;
}

export const DEFAULT_IKE_PROPOSALS = ["aes256-sha256-modp2048", "aes256-sha256-ecp256", "aes128-sha256-modp2048", "aes256-sha1-modp2048"];

/** Whether ikeprobe can complete the exchange with this group (KE computable). */
export function groupSupported(group: number): boolean {
  return groupInfo(group) !== undefined;
}

/** "8h", "30m", "3600", "3600s", "1d" -> seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(String(text).trim());
  if (m === null) throw new UsageError(`${option} ${text}: expected a duration such as 8h, 30m, 3600s or 3600`);
  const n = Number(m[1]) * ({ "": 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2] ?? ""]!;
  if (n < 1 || n > 0xffffffff) throw new UsageError(`${option} ${text}: must be between 1 second and 136 years`);
  return n;
}

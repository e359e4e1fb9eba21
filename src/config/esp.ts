/**
 * Quick Mode proposals in strongSwan's syntax: `--esp aes256-sha256-modp2048` (ESP, AES-256-CBC,
 * HMAC-SHA2-256-128, PFS with modp2048), `aes128gcm16` (AES-GCM, 16-byte ICV, no separate
 * integrity), `null-sha256` (integrity-only ESP), `--ah sha256`. Several algorithms of one kind
 * expand to every combination. Numbers: RFC 2407 §4.4, §4.5 and the IANA IPsec registry.
 */
import { UsageError } from "../errors.js";
import { GROUP_TOKENS, groupToken } from "./ike.js";
import { AEAD, ENCRYPTION, HASHES, HASH_BY_AUTH_ALG, encryptionTokenFor, espAead } from "../data/algorithms.js";

import type { Phase2Proposal, Phase2Protocol } from "../exchanges/v1/phase2.js";

export type { Phase2Proposal, Phase2Protocol } from "../exchanges/v1/phase2.js";
export { keymatLengths } from "../data/algorithms.js";

interface EncAlg {
  id: number;
  keyBits?: number;
  aead?: boolean;
}

/**
 * ESP encryption tokens and integrity tokens (-> Authentication Algorithm attribute and AH
 * transform ID), from the algorithm registry (src/data/algorithms.ts): built on first use, as most
 * probes ask for no Quick Mode.
 */
let tables: { enc: Record<string, EncAlg>; integrity: Record<string, { authAlg: number; ahId: number }> } | undefined;
function espTables(): NonNullable<typeof tables> {
  return (tables ??= {
    enc: Object.fromEntries([
      ...ENCRYPTION.filter((e) => e.esp !== null).flatMap((e) => e.tokens.map((t) => [t, e.variable ? { id: e.esp!, keyBits: e.keyBits } : { id: e.esp! }] as const)),
      ...AEAD.flatMap((a) => a.tokens.map((t) => [t, { id: a.esp, keyBits: a.keyBits, aead: true }] as const)),
    ]),
    integrity: Object.fromEntries(HASHES.filter((h) => h.authAlg !== null && h.ah !== null).flatMap((h) => h.tokens.map((t) => [t, { authAlg: h.authAlg!, ahId: h.ah! }] as const))),
  });
}

/** `aes256`, `aes128ctr`, `aes256gcm16`, `3des`, `null`. */
export function espEncryptionToken(id: number, keyBits?: number): string {
  const aead = espAead(id, keyBits) ?? AEAD.find((a) => a.esp === id);
  if (aead !== undefined) return `aes${keyBits ?? 128}${aead.mode}${aead.icv}`;
  const e = ENCRYPTION.find((x) => x.esp === id);
  return e === undefined ? `enc${id}` : encryptionTokenFor(e, keyBits);
}

export function integrityToken(authAlg: number | undefined): string | null {
  return authAlg === undefined ? null : (HASH_BY_AUTH_ALG.get(authAlg)?.tokens[0] ?? `auth${authAlg}`);
}

export function isAead(transformId: number): boolean {
  return AEAD.some((a) => a.esp === transformId);
}

/** `aes256-sha256-modp2048`, `aes128gcm16`, AH `sha256`. */
export function phase2Token(p: Pick<Phase2Proposal, "protocol" | "transformId" | "keyBits" | "authAlg" | "pfsGroup" | "esn">): string {
  const parts: string[] = [];
  if (p.protocol === "esp") parts.push(espEncryptionToken(p.transformId, p.keyBits));
  const integ = integrityToken(p.authAlg);
  if (integ !== null) parts.push(integ);
  if (p.pfsGroup !== undefined) parts.push(groupToken(p.pfsGroup));
  if (p.esn) parts.push("esn");
  return parts.join("-");
}

export function parsePhase2Proposal(
  protocol: Phase2Protocol,
  text: string,
  base: Pick<Phase2Proposal, "lifetimeSeconds" | "lifetimeKilobytes" | "mode">,
): Phase2Proposal[] {
  const opt = `--${protocol}`;
  const encs: EncAlg[] = [];
  const integs: number[] = [];
  const ahIds: number[] = [];
  const groups: number[] = [];
  let esn = false;
  const cleaned = text.trim().replace(/!$/, "").toLowerCase();
  if (cleaned === "") throw new UsageError(`${opt}: empty proposal; write e.g. ${opt} ${protocol === "esp" ? "aes256-sha256" : "sha256"}`);
  const { enc: encTokens, integrity: integrityTokens } = espTables();
  for (const tok of cleaned.split("-")) {
    const enc = encTokens[tok];
    const integ = integrityTokens[tok];
    const group = GROUP_TOKENS[tok];
    if (enc !== undefined && protocol === "esp") encs.push(enc);
    else if (integ !== undefined) {
      integs.push(integ.authAlg);
      ahIds.push(integ.ahId);
    } else if (group !== undefined) groups.push(group);
    else if (tok === "esn") esn = true;
    else if (tok === "noesn") continue;
    else {
      throw new UsageError(
        `${opt} ${text}: unknown algorithm "${tok}". ${protocol === "esp" ? `Encryption: ${Object.keys(encTokens).filter((k) => !/gcm(64|96|128)|ccm(64|96|128)/.test(k)).join(", ")}; ` : ""}` +
          `integrity: ${Object.keys(integrityTokens).join(", ")}; PFS group: ${Object.keys(GROUP_TOKENS).join(", ")}`,
      );
    }
  }
  const out: Phase2Proposal[] = [];
  const pfs: (number | undefined)[] = groups.length > 0 ? groups : [undefined];
  if (protocol === "ah") {
    if (integs.length === 0) throw new UsageError(`--ah ${text}: needs an integrity algorithm, e.g. --ah sha256`);
    integs.forEach((authAlg, i) => {
      for (const g of pfs) out.push(withOptional({ protocol, transformId: ahIds[i]!, authAlg, esn, ...base }, undefined, g));
    });
    return out;
  }
  if (encs.length === 0) throw new UsageError(`--esp ${text}: needs an encryption algorithm (aes256, aes128gcm16, or null for integrity only)`);
  for (const e of encs) {
    if (e.aead && integs.length > 0) throw new UsageError(`--esp ${text}: ${espEncryptionToken(e.id, e.keyBits)} is an AEAD cipher: drop the integrity algorithm`);
    if (!e.aead && integs.length === 0) throw new UsageError(`--esp ${text}: needs an integrity algorithm with ${espEncryptionToken(e.id, e.keyBits)} (e.g. ${espEncryptionToken(e.id, e.keyBits)}-sha256)`);
    for (const authAlg of e.aead ? [undefined] : integs) {
      for (const g of pfs) out.push(withOptional({ protocol, transformId: e.id, authAlg, esn, ...base }, e.keyBits, g));
    }
  }
  return out;
}

function withOptional(p: Omit<Phase2Proposal, "keyBits" | "pfsGroup" | "authAlg" | "lifetimeKilobytes"> & { authAlg: number | undefined; lifetimeKilobytes?: number | undefined }, keyBits: number | undefined, pfsGroup: number | undefined): Phase2Proposal {
  const { authAlg, lifetimeKilobytes, ...rest } = p;
  const out: Phase2Proposal = { ...rest };
  if (authAlg !== undefined) out.authAlg = authAlg;
  if (keyBits !== undefined) out.keyBits = keyBits;
  if (pfsGroup !== undefined) out.pfsGroup = pfsGroup;
  if (lifetimeKilobytes !== undefined) out.lifetimeKilobytes = lifetimeKilobytes;
  return out;
}

/** `--esp-lifetime 1h` or `1h/500000` (seconds / kilobytes). */
export function parseEspLifetime(text: string, parseDuration: (t: string, o: string) => number): { seconds: number; kilobytes?: number } {
  const [t, kb] = text.split("/");
  const seconds = parseDuration(t ?? "", "--esp-lifetime");
  if (kb === undefined) return { seconds };
  if (!/^\d+$/.test(kb) || Number(kb) < 1) throw new UsageError(`--esp-lifetime ${text}: the kilobytes after / must be a positive whole number, e.g. 1h/500000`);
  return { seconds, kilobytes: Number(kb) };
}

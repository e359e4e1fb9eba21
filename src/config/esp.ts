/**
 * Quick Mode proposals in strongSwan's syntax: `--esp aes256-sha256-modp2048` (ESP, AES-256-CBC,
 * HMAC-SHA2-256-128, PFS with modp2048), `aes128gcm16` (AES-GCM, 16-byte ICV, no separate
 * integrity), `null-sha256` (integrity-only ESP), `--ah sha256`. Several algorithms of one kind
 * expand to every combination. Numbers: RFC 2407 §4.4, §4.5 and the IANA IPsec registry.
 */
import { UsageError } from "../errors.js";
import { GROUP_TOKENS, groupToken } from "./ike.js";

export type Phase2Protocol = "esp" | "ah";

export interface Phase2Proposal {
  protocol: Phase2Protocol;
  /** ESP transform ID (RFC 2407 §4.4.4); for AH the AH transform ID. */
  transformId: number;
  keyBits?: number;
  /** Authentication Algorithm attribute (RFC 2407 §4.5); none for AEAD or integrity-free ESP. */
  authAlg?: number;
  /** PFS group (Group Description attribute); none without PFS. */
  pfsGroup?: number;
  esn: boolean;
  lifetimeSeconds: number;
  lifetimeKilobytes?: number;
  mode: "tunnel" | "transport";
}

interface EncAlg {
  id: number;
  keyBits?: number;
  aead?: boolean;
}

const ESP_ENC: Record<string, EncAlg> = {
  des: { id: 2 },
  "3des": { id: 3 },
  cast128: { id: 6, keyBits: 128 },
  blowfish: { id: 7, keyBits: 128 },
  blowfish128: { id: 7, keyBits: 128 },
  blowfish192: { id: 7, keyBits: 192 },
  blowfish256: { id: 7, keyBits: 256 },
  null: { id: 11 },
  aes: { id: 12, keyBits: 128 },
  aes128: { id: 12, keyBits: 128 },
  aes192: { id: 12, keyBits: 192 },
  aes256: { id: 12, keyBits: 256 },
  aes128ctr: { id: 13, keyBits: 128 },
  aes192ctr: { id: 13, keyBits: 192 },
  aes256ctr: { id: 13, keyBits: 256 },
  camellia: { id: 22, keyBits: 128 },
  camellia128: { id: 22, keyBits: 128 },
  camellia192: { id: 22, keyBits: 192 },
  camellia256: { id: 22, keyBits: 256 },
};
// AES-GCM (RFC 4106) and AES-CCM (RFC 4309): ICV 8/12/16 bytes; strongSwan also spells them in bits.
for (const bits of [128, 192, 256]) {
  for (const [icv, gcmId, ccmId] of [[8, 18, 14], [12, 19, 15], [16, 20, 16]] as const) {
    ESP_ENC[`aes${bits}gcm${icv}`] = { id: gcmId, keyBits: bits, aead: true };
    ESP_ENC[`aes${bits}gcm${icv * 8}`] = { id: gcmId, keyBits: bits, aead: true };
    ESP_ENC[`aes${bits}ccm${icv}`] = { id: ccmId, keyBits: bits, aead: true };
    ESP_ENC[`aes${bits}ccm${icv * 8}`] = { id: ccmId, keyBits: bits, aead: true };
  }
}

/** Integrity token -> Authentication Algorithm attribute and AH transform ID. */
const INTEGRITY: Record<string, { authAlg: number; ahId: number }> = {
  md5: { authAlg: 1, ahId: 2 },
  sha1: { authAlg: 2, ahId: 3 },
  sha: { authAlg: 2, ahId: 3 },
  sha256: { authAlg: 5, ahId: 5 },
  sha2_256: { authAlg: 5, ahId: 5 },
  sha384: { authAlg: 6, ahId: 6 },
  sha2_384: { authAlg: 6, ahId: 6 },
  sha512: { authAlg: 7, ahId: 7 },
  sha2_512: { authAlg: 7, ahId: 7 },
  aesxcbc: { authAlg: 9, ahId: 9 },
};

const ENC_NAMES: Record<number, string> = { 2: "des", 3: "3des", 6: "cast", 7: "blowfish", 11: "null", 12: "aes", 13: "aes", 14: "aes", 15: "aes", 16: "aes", 18: "aes", 19: "aes", 20: "aes", 22: "camellia" };
const AUTH_NAMES: Record<number, string> = { 1: "md5", 2: "sha1", 5: "sha256", 6: "sha384", 7: "sha512", 9: "aesxcbc" };

export function espEncryptionToken(id: number, keyBits?: number): string {
  const base = ENC_NAMES[id] ?? `enc${id}`;
  if (id === 2 || id === 3 || id === 11) return base;
  if (id === 6) return `cast${keyBits ?? 128}`;
  const bits = keyBits ?? 128;
  if (id >= 18 && id <= 20) return `aes${bits}gcm${[8, 12, 16][id - 18]}`;
  if (id >= 14 && id <= 16) return `aes${bits}ccm${[8, 12, 16][id - 14]}`;
  if (id === 13) return `aes${bits}ctr`;
  return `${base}${bits}`;
}

export function integrityToken(authAlg: number | undefined): string | null {
  return authAlg === undefined ? null : (AUTH_NAMES[authAlg] ?? `auth${authAlg}`);
}

export function isAead(transformId: number): boolean {
  return (transformId >= 14 && transformId <= 16) || (transformId >= 18 && transformId <= 20);
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
  for (const tok of cleaned.split("-")) {
    const enc = ESP_ENC[tok];
    const integ = INTEGRITY[tok];
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
        `${opt} ${text}: unknown algorithm "${tok}". ${protocol === "esp" ? `Encryption: ${Object.keys(ESP_ENC).filter((k) => !/gcm(64|96|128)|ccm(64|96|128)/.test(k)).join(", ")}; ` : ""}` +
          `integrity: ${Object.keys(INTEGRITY).join(", ")}; PFS group: ${Object.keys(GROUP_TOKENS).join(", ")}`,
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

/** KEYMAT lengths (IKEV1.md §3.10): encryption key (+ salt for GCM/CTR/CCM), integrity key. */
export function keymatLengths(p: Pick<Phase2Proposal, "protocol" | "transformId" | "keyBits" | "authAlg">): { enc: number; integ: number } {
  const integ = p.authAlg === undefined ? 0 : ({ 1: 16, 2: 20, 5: 32, 6: 48, 7: 64, 9: 16 } as Record<number, number>)[p.authAlg] ?? 0;
  if (p.protocol === "ah") return { enc: 0, integ };
  const id = p.transformId;
  let enc: number;
  if (id === 2) enc = 8;
  else if (id === 3) enc = 24;
  else if (id === 11) enc = 0;
  else enc = (p.keyBits ?? 128) / 8;
  if (id === 13 || (id >= 18 && id <= 20)) enc += 4;
  else if (id >= 14 && id <= 16) enc += 3;
  return { enc, integ };
}

/** `--esp-lifetime 1h` or `1h/500000` (seconds / kilobytes). */
export function parseEspLifetime(text: string, parseDuration: (t: string, o: string) => number): { seconds: number; kilobytes?: number } {
  const [t, kb] = text.split("/");
  const seconds = parseDuration(t ?? "", "--esp-lifetime");
  if (kb === undefined) return { seconds };
  if (!/^\d+$/.test(kb) || Number(kb) < 1) throw new UsageError(`--esp-lifetime ${text}: the kilobytes after / must be a positive whole number, e.g. 1h/500000`);
  return { seconds, kilobytes: Number(kb) };
}

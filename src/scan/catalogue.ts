/**
 * What a scan offers. `full`: every combination ikeprobe knows (encryption with key lengths x hash x
 * auth method x DH group); `common`: what gateways are commonly configured with, old and new;
 * or a file of `--ike` proposals, one per line (`#` comments), optionally `proposal auth`.
 */
import { readFileSync } from "node:fs";
import { type V2Proposal, parseIkev2Proposal } from "../config/ikev2.js";
import { ikev2Space, spaceOf } from "./ikev2-catalogue.js";
import type { V2Space } from "./ikev2-search.js";
import { AUTH_TOKENS, type Phase1Transform, parseIkeProposal, proposalToken, authToken } from "../config/ike.js";
import { UsageError } from "../errors.js";

const LIFETIME = 28800;

export const FULL = {
  encryption: ["des", "3des", "aes128", "aes192", "aes256", "blowfish128", "cast128", "camellia128", "camellia192", "camellia256"],
  hash: ["md5", "sha1", "sha256", "sha384", "sha512"],
  auth: ["psk", "rsa", "xauth-psk", "xauth-rsa"],
  group: ["modp768", "modp1024", "modp1536", "modp2048", "modp3072", "modp4096", "modp6144", "modp8192", "ecp256", "ecp384", "ecp521", "modp1024s160", "modp2048s224", "modp2048s256", "ecp192", "ecp224", "curve25519"],
} as const;

export const COMMON_PROPOSALS = [
  "aes256-sha256-modp2048",
  "aes128-sha256-modp2048",
  "aes256-sha1-modp2048",
  "aes128-sha1-modp2048",
  "aes256-sha512-modp4096",
  "aes256-sha384-ecp384",
  "aes128-sha256-ecp256",
  "aes256-sha256-curve25519",
  "aes256-sha1-modp1536",
  "aes128-sha1-modp1536",
  "aes256-sha1-modp1024",
  "aes128-sha1-modp1024",
  "3des-sha1-modp1024",
  "3des-md5-modp1024",
  "3des-sha1-modp1536",
  "des-md5-modp768",
  "des-sha1-modp1024",
  "des-md5-modp1024",
];
export const COMMON_AUTH = ["psk", "rsa", "xauth-psk"];

export interface CatalogueEntry {
  transform: Phase1Transform;
  proposal: string;
  auth: string;
}

function entry(t: Phase1Transform): CatalogueEntry {
  return { transform: t, proposal: proposalToken(t), auth: authToken(t.auth) };
}

export function fullCatalogue(): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  for (const a of FULL.auth) {
    for (const g of FULL.group) for (const e of FULL.encryption) for (const h of FULL.hash) out.push(entry(parseIkeProposal(`${e}-${h}-${g}`, AUTH_TOKENS[a]!, LIFETIME)[0]!));
  }
  return out;
}

export function commonCatalogue(): CatalogueEntry[] {
  return COMMON_AUTH.flatMap((a) => COMMON_PROPOSALS.map((p) => entry(parseIkeProposal(p, AUTH_TOKENS[a]!, LIFETIME)[0]!)));
}

/**
 * A file: one `--ike` proposal per line, optionally followed by auth methods (default: psk), and IKEv2
 * proposals as `ikev2 PROPOSAL` lines (strongSwan's IKEv2 syntax). Either part may be empty.
 */
export function fileCatalogues(path: string): Catalogues {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`--catalogue ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); use full, common or a file of proposals`, { cause: e });
  }
  const out: CatalogueEntry[] = [];
  const v2: V2Proposal[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const [proposal = "", ...auths] = line.split(/\s+/);
    if (proposal.toLowerCase() === "ikev2") {
      if (auths.length !== 1) throw new UsageError(`--catalogue ${path} line ${i + 1}: an IKEv2 line is "ikev2 PROPOSAL", e.g. ikev2 aes256-sha256-modp2048`);
      try {
        v2.push(parseIkev2Proposal(auths[0]!, "ikev2"));
      } catch (e) {
        throw new UsageError(`--catalogue ${path} line ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
      return;
    }
    for (const a of auths.length > 0 ? auths : ["psk"]) {
      const auth = AUTH_TOKENS[a];
      if (auth === undefined) throw new UsageError(`--catalogue ${path} line ${i + 1}: unknown auth method "${a}" (${Object.keys(AUTH_TOKENS).join(", ")})`);
      try {
        for (const t of parseIkeProposal(proposal, auth, LIFETIME)) out.push(entry(t));
      } catch (e) {
        throw new UsageError(`--catalogue ${path} line ${i + 1}: ${(e as Error).message}`, { cause: e });
      }
    }
  });
  if (out.length === 0 && v2.length === 0) throw new UsageError(`--catalogue ${path}: no proposals in it`);
  return { ikev1: out, ikev2: v2.length > 0 ? spaceOf(v2) : null };
}

/** What a scan offers in each version; null: nothing for that version (the file named none). */
export interface Catalogues {
  ikev1: CatalogueEntry[];
  ikev2: V2Space | null;
}

export function loadCatalogues(spec: string): Catalogues {
  if (spec === "full") return { ikev1: fullCatalogue(), ikev2: ikev2Space("full") };
  if (spec === "common") return { ikev1: commonCatalogue(), ikev2: ikev2Space("common") };
  return fileCatalogues(spec);
}

/** The IKEv1 part alone (the API's `loadCatalogue`). */
export function loadCatalogue(spec: string): CatalogueEntry[] {
  return loadCatalogues(spec).ikev1;
}

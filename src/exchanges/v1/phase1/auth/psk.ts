/**
 * Pre-shared key authentication (RFC 2409 §5.4): SKEYID = prf(pre-shared-key, Ni_b | Nr_b), and the
 * proofs are HASH_I and HASH_R. Also XAUTH's PSK variants (XAUTHInitPreShared), which differ only
 * in what follows Phase 1.
 */
import { timingSafeEqual } from "node:crypto";
import { hashI, hashR, skeyidPsk } from "../../../../crypto/v1/keys.js";
import type { HashAlg } from "../../../../crypto/prf.js";
import { PayloadType } from "../../../../wire/v1/constants.js";
import type { OutgoingPayload, RawPayload } from "../../../../wire/v1/message.js";
import type { AuthContext, Phase1Auth, ProofCheck } from "../auth.js";

/** Auth methods whose SKEYID is prf(PSK, Ni_b | Nr_b): PSK and the XAUTH PSK variants. */
export const PSK_METHODS: ReadonlySet<number> = new Set([1, 65001, 65002]);

export function pskAuth(psk: Buffer): Phase1Auth {
  return {
    canProve: true,
    skeyid: (h: HashAlg, ni: Buffer, nr: Buffer) => skeyidPsk(h, psk, ni, nr),
    requests: () => [],
    proof(ctx: AuthContext, idiiB: Buffer): OutgoingPayload[] {
      return [{ type: PayloadType.HASH, body: hashI(ctx.hash, ctx.keys.skeyid, ctx.gxi, ctx.gxr, ctx.initiatorCookie, ctx.responderCookie, ctx.saiB, idiiB) }];
    },
    verify(ctx: AuthContext, idirB: Buffer, payloads: readonly RawPayload[]): ProofCheck {
      const got = payloads.find((p) => p.type === PayloadType.HASH);
      if (got === undefined) return { kind: "missing", what: "HASH_R" };
      const computed = hashR(ctx.hash, ctx.keys.skeyid, ctx.gxi, ctx.gxr, ctx.initiatorCookie, ctx.responderCookie, ctx.saiB, idirB);
      const ok = got.body.length === computed.length && timingSafeEqual(got.body, computed);
      return ok ? { kind: "verified" } : { kind: "mismatch", received: got.body, computed };
    },
    findings: {
      "mm4-resent": "psk-mm4-resent",
      "silence-after-mm5": "psk-silence-after-mm5",
      "mm6-undecryptable": "psk-mm6-undecryptable",
      "notify-undecryptable": "psk-notify-undecryptable",
      "payload-malformed": "psk-payload-malformed",
      "authentication-failed": "psk-authentication-failed",
      "mm6-mismatch": "psk-mm6-hash-mismatch",
      "am2-mismatch": "psk-am2-hash-mismatch",
      "proof-unverifiable": "mm6-incomplete",
      "certificate-refused": "mm5-refused",
      "signature-refused": "mm5-refused",
      "mm-authenticated": "psk-mm-authenticated",
      "am-authenticated": "psk-am-authenticated",
    },
  };
}

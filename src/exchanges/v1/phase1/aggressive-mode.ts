/**
 * Aggressive Mode (exchange type 4) initiator, RFC 2409 §5:
 *
 *   AM1  HDR, SA, KE, Ni, IDii, VID...          ->  (one group: the KE must match it)
 *   AM2                                         <-  HDR, SA, KE, Nr, IDir, HASH_R, [NAT-D...]
 *   AM3  HDR*, HASH_I, [NAT-D, NAT-D]           ->  (no answer: the exchange ends here)
 *
 * With a signature method AM1 carries our CERTREQ(s), AM2 the gateway's [CERT...] SIG_R in place
 * of HASH_R, and AM3 our [CERT...] SIG_I; without our credentials the exchange stops after checking
 * SIG_R (what a gateway's certificate audit needs).
 *
 * A PSK method's HASH_R in AM2 is computed from the gateway's PSK for our ID and everything else is
 * on the wire: it is captured (`result.aggressive`) for offline PSK tests, whether or not we hold a PSK.
 */
import { randomBytes } from "node:crypto";
import { encrypt, lastBlock } from "../../../crypto/cipher.js";
import { type KeyExchange, createKeyExchange } from "../../../crypto/dh.js";
import { hashAlg } from "../../../crypto/prf.js";
import { signatureMethod } from "../../../crypto/signature.js";
import { IkeprobeError } from "../../../errors.js";
import { ExchangeType, Flags, PayloadType } from "../../../wire/v1/constants.js";
import { type Message, type RawPayload, encodeChain } from "../../../wire/v1/message.js";
import { encodeId } from "../../../wire/v1/payloads/identification.js";
import { decodeKeyExchange } from "../../../wire/v1/payloads/key-exchange.js";
import { decodeNonce } from "../../../wire/v1/payloads/nonce.js";
import type { Phase1Auth } from "./auth.js";
import { Phase1Initiator, remoteIdOf } from "./initiator.js";
import { messageOnePayloads } from "./message-one.js";
import { evaluateNatD, natDPayloads } from "./nat-t.js";
import type { Phase1Config, Phase1Stage, Step } from "./types.js";

const PAYLOAD_NAMES: Record<number, string> = { [PayloadType.KE]: "KE", [PayloadType.NONCE]: "nonce", [PayloadType.ID]: "ID", [PayloadType.HASH]: "HASH" };

type AggressiveState = { stage: "am1"; kex: KeyExchange; ni: Buffer } | { stage: "done" };

export class AggressiveModeInitiator extends Phase1Initiator {
  protected readonly exchangeType = ExchangeType.AGGRESSIVE;
  private state: AggressiveState;

  constructor(cfg: Phase1Config, auth: Phase1Auth | undefined) {
    super(cfg, auth);
    this.state = { stage: "am1", kex: createKeyExchange(cfg.transform.group), ni: randomBytes(cfg.nonceLength ?? 32) };
  }

  get currentStage(): Phase1Stage {
    return this.state.stage;
  }

  protected setDone(): void {
    this.state = { stage: "done" };
  }

  start(): Buffer {
    if (this.state.stage !== "am1") throw new IkeprobeError("bad-state", "Aggressive Mode already started");
    const { kex, ni } = this.state;
    return this.message(
      messageOnePayloads(this.saiB, this.cfg, [
        { type: PayloadType.KE, body: kex.publicValue },
        { type: PayloadType.NONCE, body: ni },
        { type: PayloadType.ID, body: encodeId(this.cfg.localId) },
        ...(this.auth?.requests() ?? []),
      ]),
    );
  }

  protected onAnswer(msg: Message): Step {
    return this.state.stage === "am1" ? this.onAM2(msg, this.state) : { kind: "ignore", reason: "exchange already finished" };
  }

  timeout(): Step {
    if (this.state.stage === "am1") this.result.offer = "no-response";
    return this.finish();
  }

  protected informationalIv(): Buffer | undefined {
    return undefined;
  }

  private onAM2(msg: Message, s: Extract<AggressiveState, { stage: "am1" }>): Step {
    const sa = this.acceptSa(msg);
    if ("kind" in sa) return sa;
    const t = sa.selected;
    if (t.group !== this.cfg.transform.group) throw new IkeprobeError("bad-sa", `the gateway chose group ${t.group} in Aggressive Mode although our KE is for group ${this.cfg.transform.group}`);
    const find = (type: number): RawPayload => {
      const p = msg.payloads.find((x) => x.type === type);
      if (p === undefined) throw new IkeprobeError("missing-payload", `Aggressive Mode message 2 lacks its ${PAYLOAD_NAMES[type] ?? type} payload`);
      return p;
    };
    const gxr = decodeKeyExchange(find(PayloadType.KE).body).keyExchangeData;
    const nr = decodeNonce(find(PayloadType.NONCE).body).nonceData;
    const idP = find(PayloadType.ID);
    // A signature method's answer carries SIG_R (its module checks it); any other must carry HASH_R.
    const hashP = signatureMethod(t.auth) !== undefined ? msg.payloads.find((x) => x.type === PayloadType.HASH) : find(PayloadType.HASH);
    // The ID decodes before anything is captured: a capture is only ever made of well-formed payloads.
    const remoteId = remoteIdOf(idP.body);
    this.result.remoteId = remoteId;
    if (hashP !== undefined) this.result.aggressive = { gxr, gxi: s.kex.publicValue, ckyR: this.responderCookie, ckyI: this.initiatorCookie, saiB: this.saiB, idirB: idP.body, niB: s.ni, nrB: nr, hashR: hashP.body, hash: t.hash, remoteId };
    // NAT-D needs no keys (a hash of cookies, address and port): evaluated with or without a PSK.
    this.floated = evaluateNatD(sa.natT, msg.payloads, this.natDInputs(hashAlg(t.hash)), this.result.warnings);
    if (this.auth === undefined) return this.finish();
    const alg = this.algorithms(t, sa.natT);
    if ("kind" in alg) return alg;
    const keyed = this.deriveKeys(alg, this.auth, s.kex, s.ni, gxr, nr);
    const check = this.auth.verify(keyed.ctx, idP.body, msg.payloads);
    if (check.kind !== "missing" && check.kind !== "unverifiable" && check.signature !== undefined) this.result.signature = check.signature;
    if (check.kind === "mismatch") return this.authIdentity("am2-mismatch", { ...this.facts(), received: check.received, computed: check.computed }, undefined, remoteId);
    if (check.kind === "missing") throw new IkeprobeError("missing-payload", `Aggressive Mode message 2 lacks its ${check.what}`);
    if (check.kind === "unverifiable") return this.authIdentity("proof-unverifiable", { ...this.facts(), text: check.why }, undefined, remoteId);
    // No credentials of ours: the gateway's identity and certificate are what this exchange was for.
    if (!this.auth.canProve) return this.finish();
    // AM3: the method's proof (HASH_I) and our NAT-D pair.
    const idiiB = encodeId(this.cfg.localId);
    const payloads = [...this.auth.proof(keyed.ctx, idiiB), ...natDPayloads(this.natDInputs(alg.hash), alg.natT.variant, this.cfg.natT)];
    let message: Buffer;
    if (this.cfg.am3Clear === true) {
      message = this.message(payloads);
      this.phase1LastBlock = keyed.iv; // nothing was encrypted: the chain stays at IV0
    } else {
      const ct = encrypt(alg.cipher, keyed.ctx.keys.encryptionKey, keyed.iv, encodeChain(payloads).bytes);
      this.phase1LastBlock = lastBlock(ct, alg.cipher.blockSize);
      message = this.message(payloads, Flags.ENCRYPTION, ct);
    }
    this.authIdentity("am-authenticated", { ...this.facts(), clear: this.cfg.am3Clear === true }, undefined, remoteId);
    return { kind: "final", message: this.outgoing(message), float: this.floated };
  }
}

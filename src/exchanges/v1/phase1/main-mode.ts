/**
 * Main Mode (Identity Protection, exchange type 2) initiator, RFC 2409 §5, with NAT-Traversal
 * (RFC 3947). The authentication method (auth.ts) supplies SKEYID and both proofs.
 *
 *   MM1  HDR, SA, VID...                      ->
 *   MM2                                        <-  HDR, SA, VID...     (or N(NO-PROPOSAL-CHOSEN))
 *   MM3  HDR, KE, Ni, [NAT-D, NAT-D]           ->
 *   MM4                                        <-  HDR, KE, Nr, [NAT-D, NAT-D]
 *   MM5  HDR*, IDii, HASH_I | [CERT...] SIG_I  ->  (to port 4500 with the non-ESP marker if NAT)
 *   MM6                                        <-  HDR*, IDir, HASH_R | [CERT...] SIG_R
 *
 * A signature method without our credentials stops after MM4 (the gateway's CERTREQs are read).
 */
import { randomBytes } from "node:crypto";
import { cipherAvailable, cipherSpec, decrypt, encrypt, lastBlock, warmCipher } from "../../../crypto/cipher.js";
import { type KeyExchange, createKeyExchange } from "../../../crypto/dh.js";
import { hashAlg } from "../../../crypto/prf.js";
import { IkeprobeError } from "../../../errors.js";
import { ExchangeType, Flags, PayloadType } from "../../../wire/v1/constants.js";
import { type Message, type RawPayload, decodeChain, encodeChain } from "../../../wire/v1/message.js";
import { encodeId } from "../../../wire/v1/payloads/identification.js";
import { decodeKeyExchange } from "../../../wire/v1/payloads/key-exchange.js";
import { decodeNonce } from "../../../wire/v1/payloads/nonce.js";
import type { Phase1Auth } from "./auth.js";
import { type Algorithms, type Keyed, Phase1Initiator, collectCertificates, remoteIdOf } from "./initiator.js";
import { evaluateNatD, natDPayloads } from "./nat-t.js";
import { messageOnePayloads } from "./message-one.js";
import type { Phase1Config, Phase1Stage, Step } from "./types.js";

type MainState =
  | { stage: "mm1" }
  | { stage: "mm3"; alg: Algorithms; auth: Phase1Auth; kex: KeyExchange; ni: Buffer }
  | { stage: "mm5"; keyed: Keyed; auth: Phase1Auth }
  | { stage: "done" };

export class MainModeInitiator extends Phase1Initiator {
  protected readonly exchangeType = ExchangeType.IDENTITY_PROTECTION;
  private state: MainState = { stage: "mm1" };
  /** The DH pair made while message 1 was answered (start()). */
  private early: KeyExchange | undefined;

  constructor(cfg: Phase1Config, auth: Phase1Auth | undefined) {
    super(cfg, auth);
  }

  get currentStage(): Phase1Stage {
    return this.state.stage;
  }

  protected setDone(): void {
    this.state = { stage: "done" };
  }

  start(): Buffer {
    const m1 = this.message(messageOnePayloads(this.saiB, this.cfg, []));
    // Our DH pair while message 1 is on the wire (the immediate runs after the send): message 2
    // then costs only what depends on it. The gateway can only choose the group we offered.
    if (this.auth !== undefined) {
      setImmediate(() => {
        try {
          const t = this.cfg.transform;
          this.early ??= createKeyExchange(t.group);
          // OpenSSL looks a cipher up on its first use (then cached): the one we offered, not while
          // message 2 waits for an answer. The same for the hash that message 3's NAT-D takes.
          cipherAvailable(cipherSpec(t.encryption, t.keyBits));
          hashAlg(t.hash).hash();
        } catch {
          // An unsupported group or cipher fails again, and is reported, when message 2 needs it.
        }
      });
    }
    return m1;
  }

  protected onAnswer(msg: Message): Step {
    switch (this.state.stage) {
      case "mm1":
        return this.onMM2(msg);
      case "mm3":
        return this.onMM4(msg, this.state);
      case "mm5":
        return this.onMM6(msg, this.state);
      case "done":
        return { kind: "ignore", reason: "exchange already finished" };
    }
  }

  timeout(): Step {
    const s = this.state;
    switch (s.stage) {
      case "mm1":
        this.result.offer = "no-response";
        return this.finish();
      case "mm3":
        return this.identity("silence-after-mm3", this.facts());
      case "mm5":
        // SoftEther re-sends message 4, as if our message 5 had not arrived.
        if (this.result.gatewayResent > 0) return this.authIdentity("mm4-resent", { ...this.facts(), count: this.result.gatewayResent });
        return this.authIdentity("silence-after-mm5", this.facts());
      case "done":
        return this.finish();
    }
  }

  protected informationalIv(): Buffer | undefined {
    // A Phase 1 error after MM5 is keyed from the last Phase 1 block both sides saw: MM5's.
    return this.state.stage === "mm5" ? this.state.keyed.iv : undefined;
  }

  private onMM2(msg: Message): Step {
    const sa = this.acceptSa(msg);
    if ("kind" in sa) return sa;
    if (this.auth === undefined) return this.finish();
    const alg = this.algorithms(sa.selected, sa.natT);
    if ("kind" in alg) return alg;
    const kex = this.early?.group.number === sa.selected.group ? this.early : createKeyExchange(sa.selected.group);
    this.early = kex;
    const ni = randomBytes(this.cfg.nonceLength ?? 32);
    const payloads = [
      { type: PayloadType.KE, body: kex.publicValue },
      { type: PayloadType.NONCE, body: ni },
      ...this.auth.requests(),
      ...natDPayloads(this.natDInputs(alg.hash), alg.natT.variant, this.cfg.natT),
    ];
    this.state = { stage: "mm3", alg, auth: this.auth, kex, ni };
    return {
      kind: "send",
      message: this.message(payloads),
      float: false,
      floatNext: alg.natT.supported || alg.natT.forced,
      // Message 4's keys and message 5's encryption use the PRF and the cipher for the first time.
      // Best effort: what fails here fails again, and is reported, where it is needed.
      whileAnswered: () => {
        try {
          alg.hash.prf(Buffer.alloc(alg.hash.length));
          warmCipher(alg.cipher);
        } catch {
          // reported when message 4 or 5 needs it
        }
      },
    };
  }

  private onMM4(msg: Message, s: Extract<MainState, { stage: "mm3" }>): Step {
    const ke = msg.payloads.find((p) => p.type === PayloadType.KE);
    const nonce = msg.payloads.find((p) => p.type === PayloadType.NONCE);
    if (ke === undefined || nonce === undefined) {
      if (msg.payloads.some((p) => p.type === PayloadType.SA)) return this.resent("message 2");
      throw new IkeprobeError("missing-payload", "message 4 lacks its KE or nonce payload");
    }
    const gxr = decodeKeyExchange(ke.body).keyExchangeData;
    collectCertificates(this.result, msg.payloads);
    const keyed = this.deriveKeys(s.alg, s.auth, s.kex, s.ni, gxr, decodeNonce(nonce.body).nonceData);
    this.floated = evaluateNatD(s.alg.natT, msg.payloads, this.natDInputs(s.alg.hash), this.result.warnings);
    // Nothing to prove ourselves with (an audit of a certificate gateway): its CERTREQs are in.
    if (!s.auth.canProve) return this.finish();
    // MM5: IDii and the method's proof, encrypted.
    const idiiB = encodeId(this.cfg.localId);
    const payloads = [{ type: PayloadType.ID, body: idiiB }, ...s.auth.proof(keyed.ctx, idiiB)];
    const ciphertext = encrypt(s.alg.cipher, keyed.ctx.keys.encryptionKey, keyed.iv, encodeChain(payloads).bytes);
    keyed.iv = lastBlock(ciphertext, s.alg.cipher.blockSize);
    this.state = { stage: "mm5", keyed, auth: s.auth };
    return { kind: "send", message: this.outgoing(this.message(payloads, Flags.ENCRYPTION, ciphertext)), float: this.floated };
  }

  private onMM6(msg: Message, s: Extract<MainState, { stage: "mm5" }>): Step {
    const k = s.keyed;
    let payloads: RawPayload[];
    if (msg.ciphertext === undefined) {
      if (msg.payloads.some((p) => p.type === PayloadType.KE)) return this.resent("message 4");
      this.result.warnings.push("the gateway sent message 6 unencrypted: its identity and HASH_R are exposed on the wire");
      payloads = msg.payloads;
    } else {
      try {
        payloads = decodeChain(decrypt(k.alg.cipher, k.ctx.keys.encryptionKey, k.iv, msg.ciphertext), msg.header.nextPayload).payloads;
      } catch (e) {
        if (!(e instanceof IkeprobeError)) throw e;
        return this.authIdentity("mm6-undecryptable", { ...this.facts(), text: e.message });
      }
      this.phase1LastBlock = lastBlock(msg.ciphertext, k.alg.cipher.blockSize);
    }
    collectCertificates(this.result, payloads);
    const idP = payloads.find((p) => p.type === PayloadType.ID);
    const check = idP !== undefined ? s.auth.verify(k.ctx, idP.body, payloads) : undefined;
    if (idP === undefined || check === undefined || check.kind === "missing") {
      return this.identity("mm6-incomplete", { ...this.facts(), text: payloads.map((p) => p.type).join(",") });
    }
    const remoteId = remoteIdOf(idP.body);
    if (check.kind === "unverifiable") return this.authIdentity("proof-unverifiable", { ...this.facts(), text: check.why }, undefined, remoteId);
    if (check.signature !== undefined) this.result.signature = check.signature;
    if (check.kind === "mismatch") return this.authIdentity("mm6-mismatch", { ...this.facts(), received: check.received, computed: check.computed }, undefined, remoteId);
    return this.authIdentity("mm-authenticated", this.facts(), undefined, remoteId);
  }
}

/**
 * Mode-Config (draft-dukes-ike-mode-cfg §3) as a machine: a CFG_SET the gateway pushes is taken and
 * acknowledged (CFG_ACK); otherwise, after `pushWaitMs`, we ask (CFG_REQUEST) and take its CFG_REPLY
 * (or a push that was only late: a push-mode gateway may ignore our request).
 */
import { randomBytes } from "node:crypto";
import { CfgType, tlvAttr } from "../../wire/v1/payloads/attribute.js";
import type { AttributePayload } from "../../wire/v1/payloads/attribute.js";
import type { Machine, Step } from "../drive.js";
import { type SessionPort, takeTransaction } from "./session-port.js";
import type { TransactionIn } from "./transaction.js";

export type ModeConfigOutcome = { kind: "push"; cfg: AttributePayload } | { kind: "reply"; cfg: AttributePayload } | { kind: "no-response" };

export class ModeConfigMachine implements Machine {
  outcome: ModeConfigOutcome = { kind: "no-response" };
  private stage: "listen" | "request" | "done" = "listen";
  private requestId = 0;
  private readonly session: SessionPort;
  private readonly ask: readonly number[];
  private readonly pushWaitMs: number;

  constructor(session: SessionPort, ask: readonly number[], pushWaitMs: number) {
    this.session = session;
    this.ask = ask;
    this.pushWaitMs = pushWaitMs;
  }

  get currentStage(): string {
    return `mode-config-${this.stage}`;
  }

  start(): Step {
    const queued = this.session.nextQueued();
    if (queued !== undefined) return queued.cfg.cfgType === CfgType.SET ? this.acknowledge(queued) : this.request();
    return this.pushWaitMs > 0 ? { kind: "listen", ms: this.pushWaitMs } : this.request();
  }

  /** Everything goes to the session first: it tells ours from the rest. */
  matches(): boolean {
    return true;
  }

  receive(d: Buffer): Step {
    const t = takeTransaction(this.session, d);
    if ("kind" in t) return t;
    if (t.cfg.cfgType === CfgType.SET) return this.acknowledge(t);
    if (this.stage === "listen") return this.request();
    if (t.messageId !== this.requestId) return { kind: "ignore", reason: "another Transaction", kept: true };
    this.outcome = { kind: "reply", cfg: t.cfg };
    this.stage = "done";
    return { kind: "done" };
  }

  timeout(): Step {
    if (this.stage === "listen") return this.request();
    this.stage = "done";
    return { kind: "done" };
  }

  private request(): Step {
    const identifier = randomBytes(2).readUInt16BE();
    const { message, messageId } = this.session.codec.seal({ cfgType: CfgType.REQUEST, identifier, attributes: this.ask.map((t) => tlvAttr(t)) });
    this.requestId = messageId;
    this.stage = "request";
    return { kind: "send", message, float: false };
  }

  private acknowledge(pushed: TransactionIn): Step {
    this.outcome = { kind: "push", cfg: pushed.cfg };
    this.stage = "done";
    const ack = pushed.cfg.attributes.map((a) => tlvAttr(a.type));
    return { kind: "final", message: this.session.codec.seal({ cfgType: CfgType.ACK, identifier: pushed.cfg.identifier, attributes: ack }, pushed.messageId).message, float: false };
  }
}

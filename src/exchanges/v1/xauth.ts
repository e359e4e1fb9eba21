/**
 * XAUTH as the client (draft-beaulieu-ike-xauth-02 §4) as a machine: the gateway's
 * CFG_REQUEST, our CFG_REPLY, its CFG_SET with the status, our CFG_ACK. The gateway starts it, so
 * the machine listens first. Without credentials it only learns what the gateway demands.
 */
import { CfgAttr, attrInt } from "../../wire/v1/attributes.js";
import { CfgType, tlvAttr, tvAttr } from "../../wire/v1/payloads/attribute.js";
import type { Attribute } from "../../wire/v1/attributes.js";
import type { Machine, Step } from "../drive.js";
import { type SessionPort, takeTransaction } from "./session-port.js";
import type { TransactionIn } from "./transaction.js";

export interface XauthCredentials {
  user: string;
  /** Never copied into the report. */
  password: Buffer;
}

const XAUTH_ANSWERABLE = new Set<number>([CfgAttr.XAUTH_TYPE, CfgAttr.XAUTH_USER_NAME, CfgAttr.XAUTH_USER_PASSWORD, CfgAttr.XAUTH_MESSAGE, CfgAttr.XAUTH_DOMAIN]);

export type XauthOutcome =
  /** No XAUTH request came (or the first Transaction was something else, left for Mode-Config). */
  | { kind: "not-requested" }
  | { kind: "required"; request: TransactionIn }
  /** The request asks for what we cannot answer (`unanswerable` names, or a non-generic XAUTH type). */
  | { kind: "unanswerable"; request: TransactionIn; unanswerable: number[]; xauthType: number }
  | { kind: "no-status"; request: TransactionIn }
  | { kind: "no-status-attribute"; request: TransactionIn; set: TransactionIn }
  | { kind: "status"; request: TransactionIn; set: TransactionIn; ok: boolean };

export class XauthMachine implements Machine {
  outcome: XauthOutcome = { kind: "not-requested" };
  private stage: "listen" | "reply" | "done" = "listen";
  private request: TransactionIn | undefined;
  private readonly session: SessionPort;
  private readonly creds: XauthCredentials | undefined;
  private readonly waitMs: number;
  private readonly timeoutMs: number;

  constructor(session: SessionPort, creds: XauthCredentials | undefined, waitMs: number, timeoutMs: number) {
    this.session = session;
    this.creds = creds;
    this.waitMs = waitMs;
    this.timeoutMs = timeoutMs;
  }

  get currentStage(): string {
    return `xauth-${this.stage}`;
  }

  start(): Step {
    const queued = this.session.nextQueued();
    if (queued !== undefined) return this.onRequest(queued);
    return { kind: "listen", ms: this.waitMs };
  }

  matches(): boolean {
    return true;
  }

  receive(d: Buffer): Step {
    const t = takeTransaction(this.session, d);
    if ("kind" in t) return t;
    if (this.stage === "listen" || this.request === undefined) return this.onRequest(t);
    return this.onSet(this.request, t);
  }

  timeout(): Step {
    if (this.stage === "reply" && this.request !== undefined) this.outcome = { kind: "no-status", request: this.request };
    this.stage = "done";
    return { kind: "done" };
  }

  private onRequest(req: TransactionIn): Step {
    const xauthAttrs = req.cfg.attributes.filter((a) => a.type >= CfgAttr.XAUTH_TYPE && a.type <= CfgAttr.XAUTH_ANSWER);
    this.stage = "done";
    if (req.cfg.cfgType !== CfgType.REQUEST || xauthAttrs.length === 0) {
      // Not XAUTH (a Mode-Config push, say): leave it for Mode-Config.
      this.session.requeue(req);
      return { kind: "done" };
    }
    if (this.creds === undefined) {
      this.outcome = { kind: "required", request: req };
      return { kind: "done" };
    }
    const typeAttr = req.cfg.attributes.find((a) => a.type === CfgAttr.XAUTH_TYPE);
    const xauthType = typeAttr !== undefined ? attrInt(typeAttr) : 0;
    const unanswerable = req.cfg.attributes.filter((a) => !XAUTH_ANSWERABLE.has(a.type)).map((a) => a.type);
    if (unanswerable.length > 0 || xauthType !== 0) {
      this.outcome = { kind: "unanswerable", request: req, unanswerable, xauthType };
      return { kind: "done" };
    }
    const reply: Attribute[] = [];
    for (const a of req.cfg.attributes) {
      if (a.type === CfgAttr.XAUTH_TYPE) reply.push(tvAttr(CfgAttr.XAUTH_TYPE, 0));
      else if (a.type === CfgAttr.XAUTH_USER_NAME) reply.push(tlvAttr(a.type, this.creds.user));
      else if (a.type === CfgAttr.XAUTH_USER_PASSWORD) reply.push(tlvAttr(a.type, this.creds.password));
    }
    this.request = req;
    this.stage = "reply";
    // Our reply answers the gateway's request: sent once (the gateway re-sends its request if it is lost), then its CFG_SET awaited.
    return { kind: "listen", ms: this.timeoutMs, message: this.session.codec.seal({ cfgType: CfgType.REPLY, identifier: req.cfg.identifier, attributes: reply }, req.messageId).message };
  }

  private onSet(req: TransactionIn, set: TransactionIn): Step {
    this.stage = "done";
    const statusAttr = set.cfg.attributes.find((a) => a.type === CfgAttr.XAUTH_STATUS);
    if (set.cfg.cfgType !== CfgType.SET || statusAttr === undefined) {
      this.outcome = { kind: "no-status-attribute", request: req, set };
      return { kind: "done" };
    }
    const status = attrInt(statusAttr);
    this.outcome = { kind: "status", request: req, set, ok: status === 1 };
    return { kind: "final", message: this.session.codec.seal({ cfgType: CfgType.ACK, identifier: set.cfg.identifier, attributes: [tvAttr(CfgAttr.XAUTH_STATUS, status)] }, set.messageId).message, float: false };
  }
}

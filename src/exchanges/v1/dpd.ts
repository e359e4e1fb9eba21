/**
 * Dead Peer Detection (RFC 3706) as a machine: our R-U-THERE with a random sequence number, the
 * gateway's R-U-THERE-ACK echoing it.
 */
import { randomBytes } from "node:crypto";
import { NotifyType } from "../../wire/v1/constants.js";
import type { Machine, Step } from "../drive.js";
import type { InformationalContent } from "./isakmp-sa.js";
import type { SessionPort } from "./session-port.js";

export class DpdMachine implements Machine {
  readonly sequence = randomBytes(4);
  acked = false;
  readonly currentStage = "dpd";
  private readonly session: SessionPort;
  private readonly informational: readonly InformationalContent[];
  private readonly message: (type: number, seq: Buffer) => Buffer;

  constructor(session: SessionPort, informational: readonly InformationalContent[], message: (type: number, seq: Buffer) => Buffer) {
    this.session = session;
    this.informational = informational;
    this.message = message;
  }

  start(): Buffer {
    return this.message(NotifyType.R_U_THERE, this.sequence);
  }

  matches(): boolean {
    return true;
  }

  receive(d: Buffer): Step {
    if (!this.session.take(d)) return { kind: "ignore", reason: "not for our ISAKMP SA" };
    const last = this.informational.at(-1);
    this.acked = last?.notifies.some((n) => n.type === NotifyType.R_U_THERE_ACK && n.data === this.sequence.toString("hex")) ?? false;
    return this.acked ? { kind: "done" } : { kind: "ignore", reason: "not our R-U-THERE-ACK", kept: true };
  }

  timeout(): Step {
    return { kind: "done" };
  }
}

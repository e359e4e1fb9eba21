/**
 * A one-message exchange as a machine: send, retransmit, take the first datagram for our cookie that
 * `read` makes sense of. The scan's offers and releases and the IKEv2 detection are this.
 */
import type { IkeTransport } from "../transport/udp.js";
import { type Datagrams, type DriveStats, type Exchanged, type Machine, type Step, drive } from "./drive.js";

export class RequestMachine<T> implements Machine {
  answer: T | undefined;
  readonly currentStage: string;
  private readonly message: Datagrams;
  private readonly cookie: Buffer;
  private readonly read: (datagram: Buffer) => T | undefined;

  /** `read`: the answer in a datagram for our cookie, or undefined for one that is not it. */
  constructor(message: Datagrams, cookie: Buffer, read: (datagram: Buffer) => T | undefined, stage = "request") {
    this.message = message;
    this.cookie = cookie;
    this.read = read;
    this.currentStage = stage;
  }

  start(): Buffer | Step {
    // Several datagrams (IKE fragments) go as one send step; the path (floated or not) is the drive's.
    return Buffer.isBuffer(this.message) ? this.message : { kind: "send", message: this.message, float: false };
  }

  matches(d: Buffer): boolean {
    return d.length >= 28 && d.subarray(0, 8).equals(this.cookie);
  }

  receive(d: Buffer): Step {
    const a = this.read(d);
    if (a === undefined) return { kind: "ignore", reason: "not an answer" };
    this.answer = a;
    return { kind: "done" };
  }

  timeout(): Step {
    return { kind: "done" };
  }
}

/** Runs one request to its answer or timeout; `floated`: on the port-4500 path (with the non-ESP marker). */
export async function request<T>(transport: IkeTransport, machine: RequestMachine<T>, stats: DriveStats, timeoutMs?: number, floated = false): Promise<{ answer: T | undefined; rt: Exchanged }> {
  const driven = await drive(machine, transport, { floated, stats, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  return { answer: machine.answer, rt: driven.exchanged[0] ?? { stage: machine.currentStage, answered: false, rttMs: 0, transmissions: 0 } };
}

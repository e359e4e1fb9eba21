/**
 * The one driver: runs any exchange machine over the UDP transport. A machine is socket-free: it
 * says what to do first (send a message and wait for the answer, send one and expect none, or
 * listen), takes datagrams and timeouts, and answers each with the next Step; the driver sends,
 * retransmits, listens, floats to port 4500 when a step asks, counts packets and times every round
 * trip.
 *
 *   socket -> IkeTransport (gateway's address and port checked, non-ESP marker removed)
 *          -> drive -> machine.matches / machine.receive -> Step
 *          -> drive -> IkeTransport.roundTrip | send | waitFor -> socket
 */
import type { IkeTransport } from "../transport/udp.js";

/** One message on the wire: one datagram, or its IKE fragments (sent together, retransmitted together). */
export type Datagrams = Buffer | readonly Buffer[];

/** How many datagrams a message takes. */
export const datagramCount = (m: Datagrams): number => (Buffer.isBuffer(m) ? 1 : m.length);

/** What a machine wants next. */
export type Step =
  /**
   * Not an answer to go on with. `seen`: the peer's, re-sending its previous message (counted as
   * received, it is evidence). `kept`: taken by the machine (e.g. an Informational it recorded), so
   * not to be passed on as unsolicited; the machine counted it.
   */
  | { kind: "ignore"; reason: string; seen?: boolean; kept?: boolean }
  /**
   * Send this and wait for the answer, retransmitting (several datagrams: an IKE-fragmented message).
   * `floatNext`: the next message may go to port 4500 (the gateway does NAT-T), so that path is
   * opened while this one is answered. `whileAnswered`: work the next message needs that does not
   * depend on the answer (first uses of its algorithms), run once this one is on the wire.
   */
  | { kind: "send"; message: Datagrams; float: boolean; floatNext?: boolean; whileAnswered?: () => void }
  /** Send this last message; no answer is expected (Aggressive Mode message 3, Quick Mode message 3). */
  | { kind: "final"; message: Datagrams; float: boolean }
  /** Wait up to `ms` for a datagram, after sending `message` once if given (no retransmission). */
  | { kind: "listen"; ms: number; message?: Buffer }
  | { kind: "done" };

export interface Machine {
  /** The first step; a Buffer is a message to send and get answered. */
  start(): Buffer | Step;
  /** Whether a datagram belongs to this exchange (its cookies, message ID). */
  matches(datagram: Buffer): boolean;
  receive(datagram: Buffer): Step;
  /** No answer after all retransmissions, or nothing within a listen. */
  timeout(): Step;
  /** The stage the next message is sent from (for the timings), e.g. "mm3". */
  readonly currentStage?: string;
}

export interface DriveStats {
  packetsSent: number;
  packetsReceived: number;
}

/** One message sent for an answer, and what came of it. */
export interface Exchanged {
  stage: string;
  answered: boolean;
  rttMs: number;
  transmissions: number;
}

export interface DriveOptions {
  /** We already moved to port 4500. */
  floated: boolean;
  stats: DriveStats;
  /** This exchange's own answer timeout (default: the transport's). */
  timeoutMs?: number;
  /** false: the machine counts the answers it takes itself (a session that records every message). */
  countAnswers?: boolean;
  /** Called before each message that wants an answer goes out, with the stage it is sent from. */
  onSend?: (stage: string) => void;
}

export interface DriveResult {
  exchanged: Exchanged[];
  /** Whether we are on port 4500 now. */
  floated: boolean;
  /** A final message went out (nothing answers it). */
  finalSent: boolean;
}

/** Runs `machine` to its end. A bug inside `receive` is rethrown here, not in the socket callback. */
export async function drive(machine: Machine, transport: IkeTransport, opts: DriveOptions): Promise<DriveResult> {
  const out: DriveResult = { exchanged: [], floated: opts.floated, finalSent: false };
  const first = machine.start();
  let step: Step = Buffer.isBuffer(first) ? { kind: "send", message: first, float: false } : first;
  for (;;) {
    switch (step.kind) {
      case "send": {
        await float(step, transport, out);
        const stage = machine.currentStage ?? "request";
        opts.onSend?.(stage);
        const answer = ask(transport, step.message, out.floated, machine, opts);
        // After the message is on the wire (ask sent it), before its answer can be read.
        if (step.floatNext === true && !out.floated) setImmediate(() => transport.prepareFloat());
        if (step.whileAnswered !== undefined) setImmediate(step.whileAnswered);
        const { rt, got } = await answer;
        out.exchanged.push({ stage, answered: rt.answered, rttMs: rt.rttMs, transmissions: rt.transmissions });
        step = rt.answered && got !== undefined ? got : machine.timeout();
        break;
      }
      case "final":
        await float(step, transport, out);
        await transport.send(step.message, out.floated);
        opts.stats.packetsSent += datagramCount(step.message);
        out.finalSent = true;
        return out;
      case "listen":
        if (step.message !== undefined) {
          await transport.send(step.message, out.floated);
          opts.stats.packetsSent++;
        }
        step = (await listen(machine, transport, step.ms, opts)) ?? machine.timeout();
        break;
      case "done":
      case "ignore":
        return out;
    }
  }
}

async function float(step: { float: boolean }, transport: IkeTransport, out: DriveResult): Promise<void> {
  if (step.float && !out.floated) {
    await transport.float();
    out.floated = true;
  }
}

interface Offered {
  taken: boolean | "seen";
  step?: Step;
  failure?: unknown;
}

/** One datagram to the machine: not ours (false), ours but not the answer ("seen"), or its answer (true). */
function offer(machine: Machine, d: Buffer, stats: DriveStats): Offered {
  if (!machine.matches(d)) return { taken: false };
  try {
    const s = machine.receive(d);
    if (s.kind !== "ignore") return { taken: true, step: s };
    if (s.seen === true) {
      stats.packetsReceived++;
      return { taken: "seen" };
    }
    return { taken: s.kept === true ? "seen" : false };
  } catch (e) {
    return { taken: true, failure: e };
  }
}

/** Sends `message` (retransmitting) until `machine` takes an answer, counting packets. */
async function ask(transport: IkeTransport, message: Datagrams, floated: boolean, machine: Machine, opts: DriveOptions): Promise<{ rt: { answered: boolean; rttMs: number; transmissions: number }; got: Step | undefined }> {
  let last: Offered | undefined;
  const rt = await transport.roundTrip(
    message,
    floated,
    (d) => {
      const r = offer(machine, d, opts.stats);
      if (r.taken === true) last = r;
      return r.taken;
    },
    opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {},
  );
  if (last?.failure !== undefined) throw last.failure;
  opts.stats.packetsSent += rt.transmissions * datagramCount(message);
  if (rt.answered && opts.countAnswers !== false) opts.stats.packetsReceived++;
  return { rt, got: last?.step };
}

/** Waits (sending nothing) up to `ms` for the machine to take a datagram; undefined when none came. */
async function listen(machine: Machine, transport: IkeTransport, ms: number, opts: DriveOptions): Promise<Step | undefined> {
  if (ms <= 0) return undefined;
  let last: Offered | undefined;
  const got = await transport.waitFor((d) => {
    const r = offer(machine, d, opts.stats);
    if (r.taken === true) last = r;
    return r.taken;
  }, ms);
  if (last?.failure !== undefined) throw last.failure;
  if (got && opts.countAnswers !== false) opts.stats.packetsReceived++;
  return got ? last?.step : undefined;
}

/**
 * A machine that only listens: up to `ms` for a datagram `accept` takes (e.g. the gateway's
 * CONNECTED notify after a Quick Mode with the commit bit). True when one came.
 */
export async function listenFor(transport: IkeTransport, accept: (datagram: Buffer) => boolean, ms: number, stats: DriveStats): Promise<boolean> {
  let got = false;
  await drive(
    {
      start: () => ({ kind: "listen", ms }),
      matches: () => true,
      receive: (d) => {
        if (!accept(d)) return { kind: "ignore", reason: "not the awaited message" };
        got = true;
        return { kind: "done" };
      },
      timeout: () => ({ kind: "done" }),
    },
    transport,
    { floated: false, stats, countAnswers: false },
  );
  return got;
}

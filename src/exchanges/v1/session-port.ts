/**
 * What the machines that run under an established ISAKMP SA (XAUTH, Mode-Config, DPD) need from the
 * session that owns it: to hand it a datagram (it records Informationals, answers the gateway's
 * R-U-THEREs and queues Transactions), the next queued Transaction, and the Transaction codec.
 */
import type { TransactionCodec, TransactionIn } from "./transaction.js";

export interface SessionPort {
  /** Takes a datagram for our SA; false when it is not ours. The session counts what it takes. */
  take(datagram: Buffer): boolean;
  /** The oldest Transaction the gateway sent that no machine has taken yet. */
  nextQueued(): TransactionIn | undefined;
  /** Puts a Transaction back at the front (it belongs to a later machine). */
  requeue(t: TransactionIn): void;
  readonly codec: TransactionCodec;
}

/**
 * A datagram handed to the session first (it records it); the Transaction it queued, if any, or
 * the Step that says why there is none.
 */
export function takeTransaction(session: SessionPort, d: Buffer): TransactionIn | { kind: "ignore"; reason: string; kept?: boolean } {
  if (!session.take(d)) return { kind: "ignore", reason: "not for our ISAKMP SA" };
  return session.nextQueued() ?? { kind: "ignore", reason: "not a Transaction", kept: true };
}

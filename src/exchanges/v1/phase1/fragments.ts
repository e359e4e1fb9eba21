/**
 * Reassembly of the gateway's IKE fragments (payload 132), bounded: at most MAX_FRAGMENTS pieces
 * and MAX_BYTES in all per message; pieces matched on the fragment ID (the cookies are checked by
 * the exchange before); a duplicate is counted, one that differs from the first copy or numbers
 * past the last is reported; a new fragment ID drops an unfinished message. Nothing here waits:
 * an incomplete message simply never completes, and the exchange times out as for silence.
 */
import { DecodeError } from "../../../errors.js";
import { type FragmentPayload, decodeFragmentMessage, fragmentMessage } from "../../../wire/v1/payloads/fragment.js";
import type { FragmentationResult, Phase1Config } from "./types.js";

/** strongSwan cuts at 1280 bytes; a 16 KiB certificate chain takes 14 pieces. */
export const MAX_FRAGMENTS = 32;
export const MAX_BYTES = 64 * 1024;

export class Reassembler {
  private id: number | undefined;
  private readonly pieces = new Map<number, Buffer>();
  private lastNumber: number | undefined;
  private bytes = 0;
  /** Fragments received (each datagram counted once, duplicates included). */
  received = 0;
  readonly warnings: string[] = [];

  /** Takes one fragment message; the whole message when it completes, otherwise undefined. Throws DecodeError on a malformed one. */
  add(datagram: Buffer): Buffer | undefined {
    const f = decodeFragmentMessage(datagram);
    this.received++;
    if (this.id !== f.fragmentId) {
      if (this.id !== undefined && this.pieces.size > 0) this.warnings.push(`fragments of message ${this.id} left incomplete (${this.pieces.size} received) when fragment ID ${f.fragmentId} began`);
      this.reset(f.fragmentId);
    }
    return this.place(f);
  }

  private reset(id: number): void {
    this.id = id;
    this.pieces.clear();
    this.lastNumber = undefined;
    this.bytes = 0;
  }

  private place(f: FragmentPayload): Buffer | undefined {
    const seen = this.pieces.get(f.number);
    if (seen !== undefined) {
      if (!seen.equals(f.data)) this.warnings.push(`fragment ${f.number} of message ${f.fragmentId} came twice with different data (the first copy kept)`);
      return undefined;
    }
    if (f.number > MAX_FRAGMENTS || this.bytes + f.data.length > MAX_BYTES) {
      this.warnings.push(`fragment ${f.number} of message ${f.fragmentId} dropped: more than ${MAX_FRAGMENTS} fragments or ${MAX_BYTES} bytes`);
      return undefined;
    }
    if (this.lastNumber !== undefined && (f.number > this.lastNumber || f.last)) {
      this.warnings.push(`fragment ${f.number} of message ${f.fragmentId} conflicts with the last fragment, number ${this.lastNumber} (dropped)`);
      return undefined;
    }
    if (f.last) {
      const beyond = [...this.pieces.keys()].find((n) => n > f.number);
      if (beyond !== undefined) {
        this.warnings.push(`fragment ${f.number} of message ${f.fragmentId} is flagged last, but fragment ${beyond} came before it (dropped)`);
        return undefined;
      }
      this.lastNumber = f.number;
    }
    this.pieces.set(f.number, f.data);
    this.bytes += f.data.length;
    if (this.lastNumber === undefined || this.pieces.size !== this.lastNumber) return undefined;
    const whole = Buffer.concat(Array.from({ length: this.lastNumber }, (_, i) => this.pieces.get(i + 1)!));
    this.reset(-1);
    return whole;
  }
}

/** One exchange's IKE fragmentation: the gateway's fragments in, ours out, counted in the result. */
export class Fragmentation {
  private readonly reassembler = new Reassembler();
  private fragmentId = 0;
  private readonly cfg: Phase1Config["fragmentation"];
  private readonly result: FragmentationResult;
  private readonly warnings: string[];

  constructor(cfg: Phase1Config["fragmentation"], result: FragmentationResult, warnings: string[]) {
    this.cfg = cfg;
    this.result = result;
    this.warnings = warnings;
  }

  /** A fragment datagram: the whole message once it is complete; "partial" while pieces are missing; "malformed" (reported). */
  take(datagram: Buffer): Buffer | "partial" | "malformed" {
    try {
      return this.reassembler.add(datagram) ?? "partial";
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.warnings.push(`a malformed IKE fragment was dropped: ${e.message}`);
      return "malformed";
    } finally {
      this.result.received = this.reassembler.received;
      this.warnings.push(...this.reassembler.warnings.splice(0));
    }
  }

  /**
   * A message of ours as it goes out: whole, or cut into fragments when the gateway announced
   * fragmentation and the datagram would be larger than the fragment size (or always, with force).
   * `overhead`: what the IP datagram adds to the message (IP, UDP, the non-ESP marker), as
   * strongSwan's fragment_size counts the whole datagram.
   */
  cut(message: Buffer, overhead: number): Buffer | Buffer[] {
    const f = this.cfg;
    if (f === undefined || f.mode === "off") return message;
    if (f.mode === "auto" && (!this.result.supported || message.length + overhead <= f.size)) return message;
    const fragments = fragmentMessage(message, ++this.fragmentId & 0xffff, f.size - overhead);
    this.result.sent += fragments.length;
    return fragments;
  }
}

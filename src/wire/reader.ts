import { DecodeError } from "../errors.js";

/**
 * Bounds-checked cursor over a byte buffer. Every read checks the remaining length first and throws
 * a DecodeError (never a RangeError) naming the offset and what was being read.
 */
export class Reader {
  private pos: number;
  readonly buf: Buffer;
  readonly end: number;
  readonly payloadType: number | undefined;
  constructor(buf: Buffer, start = 0, end = buf.length, payloadType?: number) {
    this.buf = buf;
    this.end = end;
    this.payloadType = payloadType;
    if (end > buf.length || start > end) {
      throw new DecodeError("truncated", "region exceeds the buffer", start, payloadType);
    }
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) {
      throw new DecodeError(
        "truncated",
        `cannot read ${what}: need ${n} bytes, ${this.end - this.pos} left`,
        this.pos,
        this.payloadType,
      );
    }
  }

  u8(what = "byte"): number {
    this.need(1, what);
    return this.buf.readUInt8(this.pos++);
  }

  u16(what = "16-bit field"): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = "32-bit field"): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number, what = "data"): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** A reader over the next n bytes; this reader skips past them. */
  sub(n: number, what: string, payloadType = this.payloadType): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n, payloadType);
    this.pos += n;
    return r;
  }
}

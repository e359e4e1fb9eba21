/**
 * Append-only byte builder. The bytes go straight into one buffer, grown by doubling, so that a
 * field costs no Buffer of its own (a message is dozens of fields; a Buffer per field was most of
 * what encoding one cost; bench/README.md). `finish()` returns the bytes written so far; writing on after
 * it never changes them.
 */
export class Writer {
  private buf: Buffer;
  private len = 0;

  constructor(sizeHint = 64) {
    this.buf = Buffer.allocUnsafe(sizeHint);
  }

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    this.room(1)[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.room(2).writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
    return this;
  }

  u32(v: number): this {
    this.room(4).writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length).set(b, this.len);
    this.len += b.length;
    return this;
  }

  finish(): Buffer {
    // Later writes land past `len` (or in a new buffer): these bytes stay as they are.
    return this.buf.subarray(0, this.len);
  }

  /** The buffer, with room for `n` more bytes. Only written bytes are ever handed out. */
  private room(n: number): Buffer {
    if (this.len + n > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    return this.buf;
  }
}

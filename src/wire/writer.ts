/** Append-only byte builder; `finish()` concatenates once. */
export class Writer {
  private readonly parts: Buffer[] = [];
  private len = 0;

  get length(): number {
    return this.len;
  }

  u8(v: number): this {
    return this.bytes(Buffer.from([v & 0xff]));
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff);
    return this.bytes(b);
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return this.bytes(b);
  }

  bytes(b: Uint8Array): this {
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
    this.parts.push(buf);
    this.len += buf.length;
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.len);
  }
}

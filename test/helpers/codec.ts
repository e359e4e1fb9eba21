import assert from "node:assert/strict";
import { DecodeError } from "../../src/errors.ts";

/**
 * Round trip in the manner of dns-packet's test helper: encode, decode, compare; re-encode gives
 * the same bytes; the encoding survives being placed at an offset inside a larger buffer.
 */
export function roundTrip<T>(value: T, encode: (v: T) => Buffer, decode: (b: Buffer) => T, strip: (v: T) => unknown = (v) => v): void {
  const bytes = encode(value);
  const decoded = decode(bytes);
  assert.deepEqual(strip(decoded), strip(value));
  assert.deepEqual(encode(decoded), bytes, "re-encoding gives the same bytes");
  const padded = Buffer.concat([Buffer.from([0xaa, 0xbb, 0xcc]), bytes, Buffer.from([0xdd])]);
  assert.deepEqual(strip(decode(padded.subarray(3, 3 + bytes.length))), strip(value), "decodes at an offset");
}

/**
 * Every proper prefix must fail with a DecodeError, never a RangeError or TypeError. For bodies that
 * end in free-length data (ID, notification data) only prefixes inside the fixed part can be wrong.
 */
export function truncateAtEveryOffset(bytes: Buffer, decode: (b: Buffer) => unknown, fixedPart = bytes.length): void {
  for (let i = 0; i < fixedPart; i++) {
    assert.throws(() => decode(Buffer.from(bytes.subarray(0, i))), (e: unknown) => e instanceof DecodeError, `prefix of ${i} bytes`);
  }
}

export const noRaw = <T extends object>(v: T): unknown => {
  const { raw: _raw, ...rest } = v as T & { raw?: unknown };
  return rest;
};


/** Back-off patterns: measured gaps match the pattern at each place, within 15 % or 0.3 s. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BACKOFF_PATTERNS, matchBackoff } from "../../src/data/backoff.ts";

describe("back-off matching", () => {
  test("SoftEther's re-sends every 2 s, five times, seen to the end: a strong match", () => {
    assert.deepEqual(matchBackoff([2, 2.1, 1.9, 2, 2], true)?.implementation, "SoftEther VPN Server");
    assert.equal(matchBackoff([2, 2.1, 1.9, 2, 2], true)?.strength, "strong");
  });

  test("no re-send at all: strongSwan's and libreswan's pattern (measured), weak evidence", () => {
    assert.deepEqual(matchBackoff([], true), { implementation: "strongSwan 5.x or libreswan 4.x", strength: "weak", source: BACKOFF_PATTERNS[0]!.source });
  });

  test("one gap off, one too many, or one too few at the end: no match", () => {
    assert.equal(matchBackoff([2, 2, 3, 2, 2], true), null);
    assert.equal(matchBackoff([2, 2, 2, 2, 2, 2], true), null);
    assert.equal(matchBackoff([2, 2, 2, 2], true), null);
  });

  test("cut short by the bound: a prefix of three or more gaps still matches, fewer do not", () => {
    assert.equal(matchBackoff([2, 2, 2], false)?.implementation, "SoftEther VPN Server");
    assert.equal(matchBackoff([2, 2], false), null);
    assert.equal(matchBackoff([], false), null, "silence until the bound is not 'never re-sends'");
  });
});

/**
 * The two functions yargs takes from node:assert. Loading node:assert costs about 5 ms at start-up
 * (it pulls in the colour and inspection machinery), a tenth of our budget; the bundle uses this.
 */
export function strictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) throw new Error(message ?? `expected ${String(expected)}, got ${String(actual)}`);
}

export function notStrictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (Object.is(actual, expected)) throw new Error(message ?? `did not expect ${String(actual)}`);
}

/**
 * Milliseconds from a monotonic clock, for round trips and durations. process.hrtime rather than
 * the `performance` global, whose first use loads perf_hooks (~0.5 ms of start-up; bench/README.md).
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

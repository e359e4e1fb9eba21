/** The scan's rate limit (--rate). */
import { type Clock, realClock } from "./eliminate.js";

/**
 * A token bucket shared by every sender of a scan (the discovery's sockets, the enumeration's
 * targets): at most `rate` packets a second overall, in bursts of at most 10 ms worth, as timers tick
 * in milliseconds; `rate` 0 is no limit.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly capacity: number;
  private readonly clock: Clock;

  constructor(rate: number, clock: Clock = realClock) {
    this.rate = rate;
    this.capacity = Math.max(1, rate / 100);
    this.clock = clock;
    this.tokens = 1;
    this.last = clock.now();
  }

  /** Resolves when one packet may go. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.rate <= 0) return;
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      if (signal?.aborted === true) return;
      await this.clock.sleep(Math.max(1, ((1 - this.tokens) * 1000) / this.rate), signal);
    }
  }
}

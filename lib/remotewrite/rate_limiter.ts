/**
 * `-remoteWrite.rateLimit`: a per-second budget of bytes, as vmagent's
 * `ratelimiter.RateLimiter`. A sender registers a block's size before sending it
 * and waits while the budget of the current second is spent.
 *
 * @module
 */
import type { Counter } from "../metrics/registry.ts";
import { type Clock, sleep } from "../util/clock.ts";

/**
 * Limits the bytes sent per second (`-remoteWrite.rateLimit`): callers take from a
 * budget refilled each second and wait, one at a time, while it is spent.
 *
 * @example
 * ```ts
 * const rl = new RateLimiter(1_000_000, realClock); // 1 MB/s
 * await rl.register(block.length, stopSignal); // resolves at once while budget remains
 * ```
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #clock: Clock;
  readonly #limitReached?: Counter;
  #budget = 0;
  #deadline = 0;
  #tail: Promise<void> = Promise.resolve();

  /**
   * @param bytesPerSecond the limit; 0 or less disables limiting
   * @param options.limitReached counter bumped each time a caller has to wait
   */
  constructor(bytesPerSecond: number, clock: Clock, options: { limitReached?: Counter } = {}) {
    this.#limit = bytesPerSecond;
    this.#clock = clock;
    this.#limitReached = options.limitReached;
  }

  /**
   * Takes `count` bytes from the budget, first waiting for the next second while it
   * is spent. Callers are served one at a time. Resolves early when `signal` aborts.
   *
   * @example
   * ```ts
   * const rl = new RateLimiter(1_000_000, realClock);
   * await rl.register(block.length, stopSignal);
   * ```
   */
  register(count: number, signal?: AbortSignal): Promise<void> {
    if (this.#limit <= 0) return Promise.resolve();
    const run = this.#tail.then(() => this.#take(count, signal));
    this.#tail = run;
    return run;
  }

  async #take(count: number, signal?: AbortSignal): Promise<void> {
    while (this.#budget <= 0) {
      const d = this.#deadline - this.#clock.now();
      if (d > 0) {
        this.#limitReached?.inc();
        if (!await sleep(this.#clock, d, signal)) return;
      }
      this.#budget += this.#limit;
      this.#deadline = this.#clock.now() + 1000;
    }
    this.#budget -= count;
  }
}

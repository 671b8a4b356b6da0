/**
 * Exponential backoff with jitter, as vmagent's `timeutil.BackoffTimer`: the
 * delay starts at the minimum, doubles after each wait up to the maximum, and
 * each wait adds up to 10 % (at most 10 s) of random jitter. Remote write retries
 * a block with it; the Kubernetes API watcher waits with it between failed requests.
 *
 * @module
 */
import { type Clock, sleep } from "./clock.ts";

/**
 * Returns `d` plus up to 10 % of it (capped at 10 s) of jitter; `random` is in [0, 1).
 *
 * @example
 * ```ts
 * addJitter(1000, () => 0.5); // 1050
 * addJitter(200_000, () => 0.5); // 205000 (jitter capped at 10 s)
 * addJitter(1000, Math.random); // somewhere in [1000, 1100)
 * ```
 */
export function addJitter(d: number, random: () => number): number {
  return d + random() * Math.min(d / 10, 10_000);
}

/**
 * Retry delays of one retrying loop: doubling from min to max, with jitter; see the module docs.
 *
 * @example
 * ```ts
 * const bt = new Backoff(1000, 4000, () => 0);
 * bt.next(); // 1000
 * bt.next(); // 2000
 * bt.next(); // 4000
 * bt.next(); // 4000 (capped)
 * bt.reset(); // after a success: the next delay is 1000 again
 * ```
 */
export class Backoff {
  readonly #min: number;
  readonly #max: number;
  #current: number;
  readonly #random: () => number;

  /**
   * @param minMs first delay (`-remoteWrite.retryMinInterval`); lowered to `maxMs` when above it
   * @param maxMs largest delay (`-remoteWrite.retryMaxInterval`)
   */
  constructor(minMs: number, maxMs: number, random: () => number = Math.random) {
    this.#max = Math.max(0, maxMs);
    this.#min = Math.min(Math.max(0, minMs), this.#max);
    this.#current = this.#min;
    this.#random = random;
  }

  /** The delay the next {@linkcode wait} uses, before jitter. */
  get currentDelay(): number {
    return this.#current;
  }

  /** Overrides the next delay (a `Retry-After` value), clamped to [min, max]. */
  setDelay(ms: number): void {
    this.#current = Math.min(Math.max(ms, this.#min), this.#max);
  }

  /** Back to the minimum delay (after a success). */
  reset(): void {
    this.#current = this.#min;
  }

  /**
   * Returns the current delay with jitter and doubles the delay for next time; for callers
   * that sleep on their own (an injected sleep function instead of a {@linkcode Clock}).
   *
   * @example
   * ```ts
   * const bt = new Backoff(1000, 30_000, () => 0);
   * bt.next(); // 1000
   * bt.next(); // 2000
   * ```
   */
  next(): number {
    const d = addJitter(this.#current, this.#random);
    this.#current = Math.min(this.#current * 2, this.#max);
    return d;
  }

  /**
   * Waits {@linkcode next} milliseconds on `clock`.
   * Resolves false when `signal` aborts (at once if it already has).
   *
   * @example
   * ```ts
   * const bt = new Backoff(1000, 60_000);
   * while (!(await trySend())) if (!await bt.wait(realClock, stop)) return false;
   * ```
   */
  wait(clock: Clock, signal?: AbortSignal): Promise<boolean> {
    return sleep(clock, this.next(), signal);
  }
}

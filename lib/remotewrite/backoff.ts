/**
 * Exponential backoff with jitter, as vmagent's `timeutil.BackoffTimer`: the
 * delay starts at the minimum, doubles after each wait up to the maximum, and
 * each wait adds up to 10 % (at most 10 s) of random jitter.
 *
 * @module
 */
import { type Clock, sleep } from "./clock.ts";

/** Returns `d` plus up to 10 % of it (capped at 10 s) of jitter; `random` is in [0, 1). */
export function addJitter(d: number, random: () => number): number {
  return d + random() * Math.min(d / 10, 10_000);
}

/** One block's retry delays; see the module docs. */
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

  /**
   * Waits the current delay with jitter and doubles it for next time.
   * Resolves false when `signal` aborts (at once if it already has).
   *
   * @example
   * ```ts
   * const bt = new Backoff(1000, 60_000);
   * while (!(await trySend())) if (!await bt.wait(realClock, stop)) return false;
   * ```
   */
  wait(clock: Clock, signal?: AbortSignal): Promise<boolean> {
    const d = addJitter(this.#current, this.#random);
    this.#current = Math.min(this.#current * 2, this.#max);
    return sleep(clock, d, signal);
  }
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds,
 * or 0 when absent or invalid (vmagent's `parseRetryAfterHeader`).
 *
 * @example
 * ```ts
 * parseRetryAfter("120", Date.now()); // 120000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")); // 60000
 * ```
 */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  if (value === null) return 0;
  const s = value.trim();
  if (s === "") return 0;
  if (/^[+-]?\d+$/.test(s)) {
    const secs = parseInt(s, 10);
    return secs > 0 ? secs * 1000 : 0;
  }
  // IMF-fixdate, as Go's http.TimeFormat: "Mon, 02 Jan 2006 15:04:05 GMT".
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(s)) {
    const t = Date.parse(s);
    if (Number.isNaN(t)) return 0;
    // Go truncates to whole seconds: time.Duration(time.Until(t).Seconds()) * time.Second.
    const secs = Math.trunc((t - nowMs) / 1000);
    return secs > 0 ? secs * 1000 : 0;
  }
  return 0;
}

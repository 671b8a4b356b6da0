/**
 * Abortable sleep and the exponential backoff vmagent's API watcher uses between failed
 * requests (1s doubling to 30s, plus up to 10% jitter; reset after a good response).
 *
 * @module
 */

/** Sleeps `ms` milliseconds or until `signal` aborts; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The real {@linkcode Sleep}: a timer cleared on abort. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });

/** Exponential backoff with jitter between `min` and `max` milliseconds. */
export class Backoff {
  #current: number;
  constructor(
    readonly min: number,
    readonly max: number,
    readonly sleep: Sleep,
    readonly random: () => number = Math.random,
  ) {
    this.#current = min;
  }

  /** Waits the current delay plus jitter (up to 10%, at most 10s), then doubles the delay. */
  wait(signal: AbortSignal): Promise<void> {
    const d = this.#current;
    this.#current = Math.min(d * 2, this.max);
    return this.sleep(d + this.random() * Math.min(d / 10, 10_000), signal);
  }

  /** Back to the minimum delay. */
  reset(): void {
    this.#current = this.min;
  }
}

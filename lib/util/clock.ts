/**
 * Wall time, one-shot timers and abortable sleeps, injected so that unit tests drive
 * batching, retries, backoff and re-read intervals without real time passing.
 *
 * @module
 */

/** Wall-clock time and one-shot timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns an id for {@linkcode Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): number;
  /** Cancels a timer; unknown ids are ignored. */
  clearTimeout(id: number): void;
}

/**
 * The real clock: `Date.now` and the global timers.
 *
 * @example
 * ```ts
 * const start = realClock.now(); // ms since the epoch
 * const id = realClock.setTimeout(() => flush(), 1000);
 * realClock.clearTimeout(id); // flush() never runs
 * ```
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => Number(setTimeout(fn, ms)),
  clearTimeout: (id) => clearTimeout(id),
};

/**
 * Waits `ms` milliseconds on `clock`. Resolves true when the time passed, false when
 * `signal` aborted first (at once if it already has); never rejects.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * if (!await sleep(realClock, 1000, ac.signal)) return; // stopped
 * ```
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clock.clearTimeout(id);
      resolve(false);
    };
    const id = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Waits `ms` milliseconds or until `signal` aborts, whichever is first; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * The real {@linkcode Sleep}: {@linkcode sleep} on {@linkcode realClock}, the timer cleared
 * on abort.
 *
 * @example
 * ```ts
 * await realSleep(30_000, AbortSignal.timeout(1000)); // returns after 1s
 * ```
 */
export const realSleep: Sleep = async (ms, signal) => {
  await sleep(realClock, ms, signal);
};

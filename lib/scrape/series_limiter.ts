/**
 * `series_limit`: at most N unique series per target within a 24 h window, as
 * vmagent's limiter (a Bloom filter there; an exact set here, so no false
 * positives). Series beyond the limit are dropped one by one; the window
 * restarts empty every 24 hours.
 *
 * @module
 */

/**
 * The length of the `series_limit` window in milliseconds (24 h): after it the set of admitted
 * series starts empty again.
 *
 * @example
 * ```ts
 * let t = 0;
 * const l = new SeriesLimiter(1, { now: () => t });
 * l.add("a"); // true
 * l.add("b"); // false: the limit is reached
 * t += SERIES_LIMIT_WINDOW_MS;
 * l.add("b"); // true: a new window has started
 * ```
 */
export const SERIES_LIMIT_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Tracks admitted series by key.
 *
 * @example
 * ```ts
 * const l = new SeriesLimiter(1, { now: () => 0 });
 * l.add("a"); // true
 * l.add("a"); // true (already admitted)
 * l.add("b"); // false
 * ```
 */
export class SeriesLimiter {
  readonly #max: number;
  readonly #now: () => number;
  #set = new Set<string>();
  #started: number;
  #epoch = 1;

  /** A limiter of `maxItems` series; `now` is the clock of the 24 h window. */
  constructor(maxItems: number, options: { now?: () => number } = {}) {
    if (!(maxItems > 0)) throw new RangeError(`series limit must be > 0; got ${maxItems}`);
    this.#max = maxItems;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
  }

  /** The limit. */
  get maxItems(): number {
    return this.#max;
  }

  /** Series admitted in the current window. */
  get currentItems(): number {
    return this.#set.size;
  }

  /** Changes whenever the window restarts, so callers may cache decisions per epoch. */
  get epoch(): number {
    this.#rotate();
    return this.#epoch;
  }

  #rotate(): void {
    if (this.#now() - this.#started >= SERIES_LIMIT_WINDOW_MS) {
      this.#set = new Set();
      this.#started = this.#now();
      this.#epoch++;
    }
  }

  /** Admits `key`; returns false when the limit is reached and `key` is new. */
  add(key: string): boolean {
    this.#rotate();
    if (this.#set.has(key)) return true;
    if (this.#set.size >= this.#max) return false;
    this.#set.add(key);
    return true;
  }
}

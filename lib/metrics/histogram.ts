/**
 * VictoriaMetrics' histogram: log-scale buckets named by `vmrange`.
 *
 * @module
 */

/** The buckets, sum and count of a {@linkcode Histogram}, as {@linkcode Histogram.state} gives them. */
export interface HistogramState {
  /** Observations below the first bucket. */
  lower: number;
  /** Observations above the last bucket. */
  upper: number;
  /** `[bucket index, count]` of each non-empty bucket. */
  buckets: [number, number][];
  /** Sum of the observations. */
  sum: number;
  /** Number of observations. */
  count: number;
}

const E10_MIN = -9;
const E10_MAX = 18;
const BUCKETS_PER_DECIMAL = 18;
const DECIMAL_BUCKETS = (E10_MAX - E10_MIN) * BUCKETS_PER_DECIMAL;
const LOWER_RANGE = "0...1.000e-09";
const UPPER_RANGE = "1.000e+18...+Inf";

function formatE(v: number): string {
  // Go's %.3e: mantissa with 3 decimals and an exponent of at least two digits.
  const [m, e] = v.toExponential(3).split("e");
  const sign = e[0] === "-" ? "-" : "+";
  const digits = e.replace(/^[+-]/, "").padStart(2, "0");
  return `${m}e${sign}${digits}`;
}

const VMRANGES: string[] = (() => {
  const out: string[] = [];
  let start = formatE(10 ** E10_MIN);
  for (let i = 0; i < DECIMAL_BUCKETS; i++) {
    const end = formatE(10 ** (E10_MIN + (i + 1) / BUCKETS_PER_DECIMAL));
    out.push(`${start}...${end}`);
    start = end;
  }
  return out;
})();

/**
 * A VictoriaMetrics histogram: log-scale buckets (18 per decimal order), exposed
 * as `name_bucket{vmrange="a...b"}` plus `_sum` and `_count`.
 *
 * @example
 * ```ts
 * const h = new Histogram();
 * h.update(0.25);
 * h.visit((vmrange, n) => console.log(vmrange, n)); // logs "2.448e-01...2.783e-01 1"
 * // returns { sum: 0.25, count: 1 }
 * ```
 */
export class Histogram {
  #buckets = new Map<number, number>();
  #lower = 0;
  #upper = 0;
  #sum = 0;
  #count = 0;

  /** Records one observation; negative and NaN values are ignored, as VictoriaMetrics does. */
  update(v: number): void {
    if (!(v >= 0)) return;
    this.#sum += v;
    this.#count++;
    const idxF = (Math.log10(v) - E10_MIN) * BUCKETS_PER_DECIMAL;
    if (idxF < 0) {
      this.#lower++;
    } else if (idxF >= DECIMAL_BUCKETS) {
      this.#upper++;
    } else {
      let idx = Math.floor(idxF);
      if (idx === idxF && idx > 0) idx--; // upper bounds are inclusive
      this.#buckets.set(idx, (this.#buckets.get(idx) ?? 0) + 1);
    }
  }

  /** Records the seconds elapsed since `startMs`. */
  updateDuration(startMs: number, nowMs: number = Date.now()): void {
    this.update((nowMs - startMs) / 1000);
  }

  /** A copy of the buckets, sum and count that {@linkcode merge} takes (structured-cloneable). */
  state(): HistogramState {
    return {
      lower: this.#lower,
      upper: this.#upper,
      buckets: [...this.#buckets],
      sum: this.#sum,
      count: this.#count,
    };
  }

  /** Adds the observations of `s` (another histogram's {@linkcode state}). */
  merge(s: HistogramState): void {
    this.#lower += s.lower;
    this.#upper += s.upper;
    for (const [idx, n] of s.buckets) this.#buckets.set(idx, (this.#buckets.get(idx) ?? 0) + n);
    this.#sum += s.sum;
    this.#count += s.count;
  }

  /** Visits each non-empty bucket as (vmrange, count), then returns sum and count. */
  visit(fn: (vmrange: string, count: number) => void): { sum: number; count: number } {
    if (this.#lower > 0) fn(LOWER_RANGE, this.#lower);
    for (const idx of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      fn(VMRANGES[idx], this.#buckets.get(idx)!);
    }
    if (this.#upper > 0) fn(UPPER_RANGE, this.#upper);
    return { sum: this.#sum, count: this.#count };
  }
}

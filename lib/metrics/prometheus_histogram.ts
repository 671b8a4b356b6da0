/**
 * The classic Prometheus histogram: fixed upper bounds, exposed as cumulative
 * `name_bucket{le="..."}` counts plus `le="+Inf"`, `_sum` and `_count`, as
 * VictoriaMetrics' `metrics` package writes its `PrometheusHistogram`. For
 * consumers that cannot read `vmrange` buckets.
 *
 * @module
 */

import { formatGoFloat, formatValue } from "./format_value.ts";

/**
 * The default upper bounds (seconds), those of Prometheus' client libraries.
 *
 * @example
 * ```ts
 * new PrometheusHistogram(PROMETHEUS_DEFAULT_BUCKETS);
 * ```
 */
export const PROMETHEUS_DEFAULT_BUCKETS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/** The bounds and counts of a {@linkcode PrometheusHistogram}, as `state()` gives them. */
export interface PrometheusHistogramState {
  /** Upper bounds, strictly increasing, without `+Inf`. */
  upperBounds: number[];
  /** Observations per bound (not cumulative), aligned with `upperBounds`. */
  buckets: number[];
  /** Sum of the observations. */
  sum: number;
  /** Number of observations, those above the last bound included. */
  count: number;
}

/**
 * A histogram with fixed `le` buckets.
 *
 * @example
 * ```ts
 * const h = new PrometheusHistogram([0.1, 1]);
 * h.update(0.5);
 * h.write("req_seconds", "");
 * // ['req_seconds_bucket{le="0.1"} 0', 'req_seconds_bucket{le="1"} 1',
 * //  'req_seconds_bucket{le="+Inf"} 1', "req_seconds_sum 0.5", "req_seconds_count 1"]
 * ```
 */
export class PrometheusHistogram {
  readonly #bounds: number[];
  readonly #buckets: number[];
  #sum = 0;
  #count = 0;

  /**
   * Takes the upper bounds; a last `+Inf` is dropped (it is always written).
   * Throws a RangeError when they are empty or not strictly increasing.
   */
  constructor(upperBounds: readonly number[] = PROMETHEUS_DEFAULT_BUCKETS) {
    const bounds = upperBounds.at(-1) === Infinity ? upperBounds.slice(0, -1) : [...upperBounds];
    if (upperBounds.length === 0) throw new RangeError("histogram upper bounds can't be empty");
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i - 1] < bounds[i])) {
        throw new RangeError(
          `histogram upper bounds must be strictly increasing: ${JSON.stringify(upperBounds)}`,
        );
      }
    }
    this.#bounds = bounds;
    this.#buckets = new Array(bounds.length).fill(0);
  }

  /** Records one observation; negative and NaN values are ignored, as VictoriaMetrics does. */
  update(v: number): void {
    if (!(v >= 0)) return;
    this.#sum += v;
    this.#count++;
    const b = this.#bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) {
        this.#buckets[i]++;
        return;
      }
    }
  }

  /** Records the seconds elapsed since `startMs`. */
  updateDuration(startMs: number, nowMs: number = Date.now()): void {
    this.update((nowMs - startMs) / 1000);
  }

  /** A copy of the bounds, counts, sum and count (structured-cloneable), for `merge`. */
  state(): PrometheusHistogramState {
    return {
      upperBounds: [...this.#bounds],
      buckets: [...this.#buckets],
      sum: this.#sum,
      count: this.#count,
    };
  }

  /** Adds the observations of `s`; throws a RangeError when its bounds differ. */
  merge(s: PrometheusHistogramState): void {
    const b = this.#bounds;
    if (s.upperBounds.length !== b.length || s.upperBounds.some((v, i) => v !== b[i])) {
      throw new RangeError("cannot merge histograms with different upper bounds");
    }
    for (let i = 0; i < b.length; i++) this.#buckets[i] += s.buckets[i];
    this.#sum += s.sum;
    this.#count += s.count;
  }

  /**
   * Returns the exposition lines for `name` with the label text `labels` (inside the
   * braces, "" for none). Written even when empty, as VictoriaMetrics does.
   */
  write(name: string, labels: string): string[] {
    const prefix = labels === "" ? "" : `${labels},`;
    const lines: string[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#buckets[i];
      lines.push(`${name}_bucket{${prefix}le="${formatGoFloat(this.#bounds[i])}"} ${cumulative}`);
    }
    lines.push(`${name}_bucket{${prefix}le="+Inf"} ${this.#count}`);
    const suffix = labels === "" ? "" : `{${labels}}`;
    // An integral sum as an integer, else Go's %g, as VictoriaMetrics writes it.
    lines.push(`${name}_sum${suffix} ${formatValue(this.#sum)}`);
    lines.push(`${name}_count${suffix} ${this.#count}`);
    return lines;
  }
}

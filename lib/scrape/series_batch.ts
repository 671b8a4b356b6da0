/**
 * A reusable batch of single-sample series of one target, on their way to the
 * sink: the final series (whose labels live encoded in the target's
 * {@linkcode SeriesCache} arena) with parallel arrays of values and timestamps,
 * so a scrape allocates no object per sample. It is handed to sinks as an
 * {@linkcode EncodedSeriesBatch}, or converted to `TimeSeries[]` for sinks that
 * only take those.
 *
 * @module
 */
import type { EncodedSeriesBatch, TimeSeries } from "../util/series.ts";
import type { FinalSeries, SeriesCache } from "./series_cache.ts";

/** See the module docs. */
export class SeriesBatch {
  /** The series, in push order. */
  series: FinalSeries[] = [];
  #values = new Float64Array(256);
  #timestamps = new Float64Array(256);
  #n = 0;
  readonly #out: EncodedSeriesBatch = {
    length: 0,
    labelBuf: new Uint8Array(0),
    labelStart: new Int32Array(256),
    labelLen: new Int32Array(256),
    labelCount: new Int32Array(256),
    values: this.#values,
    timestamps: this.#timestamps,
    tail: new Uint8Array(0),
    withTail: new Uint8Array(256),
  };

  /** Number of series in the batch. */
  get length(): number {
    return this.#n;
  }

  /** Appends one sample of `fs`. */
  add(fs: FinalSeries, value: number, timestamp: number): void {
    const n = this.#n;
    if (n === this.#values.length) this.#grow();
    this.series[n] = fs;
    this.#values[n] = value;
    this.#timestamps[n] = timestamp;
    this.#n = n + 1;
  }

  /** Keeps item `from` at position `to` (for in-place filtering, `to <= from`). */
  move(from: number, to: number): void {
    this.series[to] = this.series[from];
    this.#values[to] = this.#values[from];
    this.#timestamps[to] = this.#timestamps[from];
  }

  /** Cuts the batch to its first `n` items. */
  truncate(n: number): void {
    this.#n = n;
    this.series.length = n;
  }

  /** Empties the batch (its buffers are kept). */
  clear(): void {
    this.truncate(0);
  }

  #grow(): void {
    const cap = this.#values.length * 2;
    const v = new Float64Array(cap);
    v.set(this.#values);
    const t = new Float64Array(cap);
    t.set(this.#timestamps);
    this.#values = v;
    this.#timestamps = t;
  }

  /**
   * The batch as an encoded batch over `arena`, whose series with
   * {@linkcode FinalSeries.tail} end with `tail` (valid until the batch changes).
   */
  encoded(arena: Uint8Array, tail: Uint8Array): EncodedSeriesBatch {
    const o = this.#out;
    const n = this.#n;
    if (o.labelStart.length < n) {
      const cap = this.#values.length;
      o.labelStart = new Int32Array(cap);
      o.labelLen = new Int32Array(cap);
      o.labelCount = new Int32Array(cap);
      o.withTail = new Uint8Array(cap);
    }
    const s = this.series;
    const withTail = o.withTail!;
    for (let i = 0; i < n; i++) {
      const fs = s[i];
      o.labelStart[i] = fs.labelStart;
      o.labelLen[i] = fs.labelLen;
      o.labelCount[i] = fs.labelCount;
      withTail[i] = fs.tail ? 1 : 0;
    }
    o.length = n;
    o.labelBuf = arena;
    o.tail = tail;
    o.values = this.#values;
    o.timestamps = this.#timestamps;
    return o;
  }

  /** The batch as series with decoded labels (for sinks that take only `TimeSeries[]`). */
  toSeries(cache: SeriesCache): TimeSeries[] {
    const out: TimeSeries[] = new Array(this.#n);
    for (let i = 0; i < this.#n; i++) {
      out[i] = {
        labels: cache.labels(this.series[i]),
        samples: [{ value: this.#values[i], timestamp: this.#timestamps[i] }],
      };
    }
    return out;
  }
}

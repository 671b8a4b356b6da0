/**
 * A reusable batch of single-sample series of one target, on their way to the
 * sink: the final series numbers (whose labels live encoded in the target's
 * {@linkcode SeriesCache} arena) with parallel arrays of values and timestamps,
 * so a scrape allocates no object per sample. It is handed to sinks as an
 * {@linkcode EncodedSeriesBatch}, or converted to `TimeSeries[]` for sinks that
 * only take those.
 *
 * @module
 */
import type { EncodedSeriesBatch, TimeSeries } from "../util/series.ts";
import type { SeriesCache } from "./series_cache.ts";

/**
 * Samples of one target's scrape on their way to the sink: final series numbers
 * with parallel value and timestamp arrays.
 *
 * @example
 * ```ts
 * const b = new SeriesBatch();
 * b.add(cache.finalOf(cache.lookup("up", 1)), 1, Date.now());
 * sink.pushEncoded(b.encoded(cache)); // labels as bytes from the cache's arena
 * b.clear();
 * ```
 */
export class SeriesBatch {
  /** The final series numbers, in push order (the first {@linkcode SeriesBatch.length}). */
  series = new Int32Array(256);
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
  add(f: number, value: number, timestamp: number): void {
    const n = this.#n;
    if (n === this.#values.length) this.#grow();
    this.series[n] = f;
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
    const f = new Int32Array(cap);
    f.set(this.series);
    this.#values = v;
    this.#timestamps = t;
    this.series = f;
  }

  /** The batch as an encoded batch over `cache`'s arena and tail (valid until the batch changes). */
  encoded(cache: SeriesCache): EncodedSeriesBatch {
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
    const { labelStart, labelLen, labelCount } = cache.finals;
    for (let i = 0; i < n; i++) {
      const f = s[i];
      o.labelStart[i] = labelStart[f];
      o.labelLen[i] = labelLen[f];
      o.labelCount[i] = labelCount[f];
      withTail[i] = cache.hasTail(f) ? 1 : 0;
    }
    o.length = n;
    o.labelBuf = cache.arena;
    o.tail = cache.tail;
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

/**
 * The batch shared by every target's processor, so its buffers exist once, sized
 * to the largest scrape, instead of once per target. A scrape fills its batch
 * and hands it to the sink with no await in between: a whole non-streaming
 * scrape runs from `begin()` to `finish()` synchronously, and a streaming one
 * empties its batch before each `feed()` returns.
 */
const shared = { batch: new SeriesBatch(), owner: undefined as object | undefined };

/**
 * The shared batch for `owner`'s scrape, or a new private one when another owner
 * holds it (calls of two processors interleaved, as only tests do). Give it back
 * with {@linkcode releaseBatch}.
 *
 * @example
 * ```ts
 * const b = takeSharedBatch(processor);
 * b.add(f, 1, Date.now());
 * releaseBatch(b); // emptied; the next scrape may take it
 * ```
 */
export function takeSharedBatch(owner: object): SeriesBatch {
  if (shared.owner !== undefined) return new SeriesBatch();
  shared.owner = owner;
  return shared.batch;
}

/**
 * Empties `batch` and, if it is the shared one, frees it for the next scrape.
 *
 * @example
 * ```ts
 * releaseBatch(takeSharedBatch(processor));
 * ```
 */
export function releaseBatch(batch: SeriesBatch): void {
  batch.clear();
  if (batch === shared.batch) shared.owner = undefined;
}

/**
 * A batch for work that fills and pushes it within one synchronous call
 * (staleness markers), shared by every processor.
 *
 * @example
 * ```ts
 * STALE_BATCH.clear();
 * STALE_BATCH.add(f, STALE_NAN, ts);
 * ```
 */
export const STALE_BATCH: SeriesBatch = new SeriesBatch();

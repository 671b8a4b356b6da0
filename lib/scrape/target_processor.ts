/**
 * The synchronous core of one target's scraping: turns response text into
 * series, adds the auto series, applies the limits and produces staleness
 * markers, pushing batches to a {@linkcode Sink}. No I/O and no clock reads
 * besides the injected `now` (for the 24 h series-limit window).
 *
 * Hot path: each distinct raw series text (`name{labels}` as written) is parsed,
 * merged with the target labels and metric-relabeled once; later scrapes find it
 * in a per-target cache, so a known series costs a map lookup and a number
 * parse. The final labels are kept protobuf-encoded in the cache; a sink that
 * takes encoded batches (`EncodedSeriesBatch`) gets them as bytes with parallel arrays
 * of values and timestamps (no object per sample), other sinks get
 * `TimeSeries[]` with decoded labels.
 *
 * Staleness is tracked on the final series (after relabeling), so a series that
 * is merely re-ordered or re-spaced by the target is not marked stale.
 * `scrape_series_added` follows vmagent instead: it counts raw rows (before
 * relabeling and limits) new compared with the last successful response
 * (see row_count.ts).
 *
 * @module
 */
import { isEncodedSink, STALE_NAN } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import { type RowVisitor, scanPrometheusText } from "./parser.ts";
import { type AutoMetricValues, visitAutoMetrics, ZERO_AUTO_METRICS } from "./auto_metrics.ts";
import { autoSeriesLabels } from "./series_labels.ts";
import type {
  ScrapeResult,
  TargetProcessorConfig,
  TargetProcessorOptions,
} from "./target_processor_types.ts";

export type {
  ScrapeResult,
  TargetProcessorConfig,
  TargetProcessorOptions,
} from "./target_processor_types.ts";
import { SeriesCache } from "./series_cache.ts";
import { releaseBatch, type SeriesBatch, STALE_BATCH, takeSharedBatch } from "./series_batch.ts";
import { SeriesLimiter } from "./series_limiter.ts";

/**
 * Per-target scrape processing. Call {@linkcode begin}, then {@linkcode feed}
 * with blocks of whole lines, then {@linkcode finish}.
 *
 * @example
 * ```ts
 * const p = new TargetProcessor(cfg, { sink });
 * p.begin(1_700_000_000_000, false);
 * p.feed("foo 1\n");
 * const r = p.finish(undefined, 0.012, 6); // pushes foo and the auto series
 * ```
 */
export class TargetProcessor implements RowVisitor {
  readonly #cfg: TargetProcessorConfig;
  readonly #opts: TargetProcessorOptions;
  readonly #cache: SeriesCache;
  readonly #limiter?: SeriesLimiter;
  /** Final numbers of the auto series (undefined: over label_limit), by name. */
  readonly #autoLabels = new Map<string, number | undefined>();
  /** Scrape generation, from 1; the last successful one (0 = none yet). */
  #gen = 0;
  #lastOkGen = 0;
  /** vmagent keeps the previous response unless stale markers and series_limit are both off. */
  readonly #trackRows: boolean;
  #lastSuccess = false;
  #lastStaled = false;
  #scrapes = 0;
  /** Final numbers pushed by the last successful scrape, and by the current one. */
  #last: number[] = [];
  #current: number[] = [];
  // Per-scrape state.
  #scrapeTs = 0;
  #realTs = 0;
  #streaming = false;
  #line = 1;
  #scraped = 0;
  #post = 0;
  #added = 0;
  #dropped = 0;
  #pushed = 0;
  #failed = "";
  #failedBy: "" | "sample_limit" | "label_limit" = "";
  /** The batch this scrape fills (see {@linkcode takeSharedBatch}); undefined when none is held. */
  #batch: SeriesBatch | undefined;

  /** Creates the processor of one target. */
  constructor(cfg: TargetProcessorConfig, opts: TargetProcessorOptions) {
    this.#cfg = cfg;
    this.#opts = opts;
    this.#cache = new SeriesCache(cfg);
    this.#trackRows = !(cfg.noStaleMarkers && cfg.seriesLimit <= 0);
    if (cfg.seriesLimit > 0) this.#limiter = new SeriesLimiter(cfg.seriesLimit, { now: opts.now });
  }

  /** Starts a scrape whose samples get `scrapeTimestamp` (ms) and stale markers `realTimestamp`. */
  begin(
    scrapeTimestamp: number,
    streaming: boolean,
    realTimestamp: number = scrapeTimestamp,
  ): void {
    this.#gen++;
    this.#scrapes++;
    this.#scrapeTs = scrapeTimestamp;
    this.#realTs = realTimestamp;
    this.#streaming = streaming;
    this.#line = 1;
    this.#scraped =
      this.#post =
      this.#added =
      this.#dropped =
      this.#pushed =
        0;
    this.#failed = "";
    this.#failedBy = "";
    this.#releaseBatch();
    this.#current.length = 0;
  }

  /**
   * Processes a block of whole lines (the last may lack its line break only at
   * the end of the body). In streaming mode the block's series are pushed at once.
   * Returns the error that fails the scrape (a limit), if any.
   */
  feed(text: string): string | undefined {
    if (this.#failed !== "" && this.#streaming) return this.#failed;
    const postBefore = this.#post;
    this.#cache.expect(text.length);
    this.#takeBatch();
    this.#line += scanPrometheusText(text, this, { firstLine: this.#line });
    if (this.#streaming) {
      if (this.#failed === "" && this.#cfg.sampleLimit > 0 && this.#post > this.#cfg.sampleLimit) {
        this.#fail("sample_limit");
      }
      if (this.#failed !== "") {
        if (this.#failedBy === "label_limit") this.#post = postBefore;
        this.#releaseBatch();
        return this.#failed;
      }
      this.#flush(false);
    }
    return this.#failed === "" ? undefined : this.#failed;
  }

  /** @internal RowVisitor: one sample line. */
  row(
    text: string,
    start: number,
    end: number,
    value: number,
    timestamp: number,
  ): string | undefined {
    const c = this.#cache;
    const e = c.lookup(text.substring(start, end), this.#gen);
    const err = c.error(e);
    if (err !== "") return err;
    this.#scraped++;
    if (this.#failed !== "") return undefined;
    // Every valid row counts, even one relabeling or a limit drops later (vmagent's GetRowsDiff).
    if (this.#trackRows && c.addRow(e, this.#gen, this.#lastOkGen)) this.#added++;
    if (c.labelLimited(e)) {
      this.#fail("label_limit");
      return undefined;
    }
    const f = c.finalOf(e);
    if (f < 0) return undefined;
    this.#post++;
    c.finals.seenGen[f] = this.#gen;
    const ts = this.#cfg.honorTimestamps && timestamp !== 0 ? timestamp : this.#scrapeTs;
    this.#batch!.add(f, value, ts); // taken by feed()
    return undefined;
  }

  /** @internal RowVisitor: one malformed line. */
  error(message: string, line: number): void {
    this.#opts.onParseError?.(message, line);
  }

  #fail(which: "sample_limit" | "label_limit"): void {
    const c = this.#cfg;
    this.#failedBy = which;
    this.#failed = which === "sample_limit"
      ? `the response from ${quoteGo(c.scrapeUrl)} exceeds sample_limit=${c.sampleLimit}; ` +
        `either reduce the sample count for the target or increase sample_limit`
      : `the response from ${
        quoteGo(c.scrapeUrl)
      } contains samples with a number of labels exceeding ` +
        `label_limit=${c.labelLimit}; either reduce the labels count for the target or increase label_limit`;
    this.#opts.onLimitExceeded?.(which);
  }

  /** Applies the series limit to the batch, records pushed series, and pushes unless `hold`. */
  #flush(hold: boolean): void {
    const batch = this.#batch;
    if (batch === undefined) return; // no rows
    const series = batch.series;
    const lim = this.#limiter;
    let n = batch.length;
    if (lim !== undefined) {
      const epoch = lim.epoch;
      const admit = (key: string) => lim.add(key);
      let w = 0;
      for (let i = 0; i < n; i++) {
        if (!this.#cache.limitOk(series[i], epoch, admit)) {
          this.#dropped++;
          continue;
        }
        batch.move(i, w);
        w++;
      }
      batch.truncate(w);
      n = w;
    }
    const pushedGen = this.#cache.finals.pushedGen;
    for (let i = 0; i < n; i++) {
      const f = series[i];
      if (pushedGen[f] !== this.#gen) {
        pushedGen[f] = this.#gen;
        this.#current.push(f);
      }
    }
    this.#pushed += n;
    if (!hold) {
      if (n > 0) this.#push(batch);
      this.#releaseBatch();
    }
  }

  /** Takes the shared batch for this scrape (see {@linkcode takeSharedBatch}). */
  #takeBatch(): SeriesBatch {
    return this.#batch ??= takeSharedBatch(this);
  }

  /** Empties and gives back the batch this scrape holds. */
  #releaseBatch(): void {
    if (this.#batch === undefined) return;
    releaseBatch(this.#batch);
    this.#batch = undefined;
  }

  /** Hands `batch` to the sink: encoded when it takes that, else as series. */
  #push(batch: SeriesBatch): void {
    const sink = this.#opts.sink;
    if (isEncodedSink(sink)) sink.pushEncoded(batch.encoded(this.#cache));
    else sink.push(batch.toSeries(this.#cache));
  }

  /**
   * Ends the scrape: `fetchError` is the transport/HTTP error text, if any.
   * Pushes the remaining series, the auto series and the stale markers.
   */
  finish(
    fetchError: string | undefined,
    durationSeconds: number,
    responseSize: number,
  ): ScrapeResult {
    const c = this.#cfg;
    let err = fetchError ?? "";
    if (
      err === "" && this.#failed === "" && !this.#streaming && c.sampleLimit > 0 &&
      this.#post > c.sampleLimit
    ) {
      this.#fail("sample_limit");
    }
    if (err === "") err = this.#failed;
    if (err !== "" && this.#failedBy === "label_limit" && !this.#streaming) this.#post = 0;
    const up = err === "";
    if (up) {
      this.#flush(!this.#streaming);
    } else {
      this.#releaseBatch();
    }
    const values: AutoMetricValues = {
      up: up ? 1 : 0,
      scrapeDurationSeconds: durationSeconds,
      scrapeResponseSize: up ? responseSize : 0,
      samplesScraped: this.#scraped,
      samplesPostRelabeling: this.#post,
      // A failed scrape counts 0 and is not compared against later (HEAD, #10653).
      seriesAdded: up && this.#trackRows ? this.#added : 0,
      seriesLimitSamplesDropped: this.#dropped,
    };
    try {
      const out = this.#takeBatch();
      this.#appendAuto(out, values, this.#scrapeTs, false);
      if (out.length > 0) this.#push(out);
    } finally {
      this.#releaseBatch();
    }
    this.#updateStaleness(up);
    return {
      up,
      error: err,
      samplesScraped: this.#scraped,
      samplesPostRelabeling: this.#post,
      seriesAdded: values.seriesAdded,
      seriesPushed: this.#pushed,
    };
  }

  #updateStaleness(up: boolean): void {
    const sendStale = !this.#cfg.noStaleMarkers;
    if (up) {
      const gen = this.#gen;
      const okGen = this.#cache.finals.okGen;
      for (const f of this.#current) okGen[f] = gen;
      if (sendStale && !this.#lastStaled) {
        let gone: number[] | undefined;
        for (const f of this.#last) {
          if (okGen[f] !== gen) (gone ??= []).push(f);
        }
        if (gone !== undefined) this.#pushStale(gone, this.#realTs, false);
      }
      const prev = this.#last;
      this.#last = this.#current;
      this.#current = prev;
      this.#current.length = 0;
      this.#lastOkGen = gen;
      this.#lastStaled = false;
      this.#lastSuccess = true;
      this.#cache.sweep(this.#gen, this.#scraped, this.#post);
    } else {
      if (sendStale && this.#lastSuccess && !this.#lastStaled && this.#last.length > 0) {
        this.#pushStale(this.#last, this.#realTs, false);
        this.#lastStaled = true;
      }
      this.#lastSuccess = false;
      this.#current.length = 0;
    }
  }

  #appendAuto(out: SeriesBatch, v: Readonly<AutoMetricValues>, ts: number, stale: boolean): void {
    const c = this.#cfg;
    const lim = this.#limiter;
    visitAutoMetrics(
      {
        sampleLimit: c.sampleLimit,
        labelLimit: c.labelLimit,
        scrapeTimeoutSeconds: c.scrapeTimeoutSeconds,
        seriesLimit: lim ? { current: lim.currentItems, max: lim.maxItems } : undefined,
      },
      v,
      (name, value) => {
        let f = this.#autoLabels.get(name);
        if (f === undefined && !this.#autoLabels.has(name)) {
          const labels = autoSeriesLabels(name, c);
          f = labels === undefined ? undefined : this.#cache.pin(labels);
          this.#autoLabels.set(name, f);
        }
        if (f === undefined) return;
        out.add(f, stale ? STALE_NAN : value, ts);
      },
    );
  }

  #pushStale(series: readonly number[], ts: number, withAuto: boolean): void {
    const out = STALE_BATCH;
    out.clear();
    for (const f of series) out.add(f, STALE_NAN, ts);
    if (withAuto) this.#appendAuto(out, ZERO_AUTO_METRICS, ts, true);
    const n = out.length;
    if (n === 0) return;
    this.#push(out);
    out.clear();
    this.#opts.onStaleSamples?.(n);
  }

  /**
   * The target went away (not a shutdown): stale markers at `timestamp` for the
   * series of the last successful scrape and for every auto series.
   */
  sendStaleMarkers(timestamp: number): void {
    if (this.#cfg.noStaleMarkers || this.#scrapes === 0) return;
    this.#pushStale(this.#lastStaled ? [] : this.#last, timestamp, true);
    this.#lastStaled = true;
  }

  /** Series known to the cache (for tests and debugging). */
  get cacheSize(): number {
    return this.#cache.size;
  }
}

/**
 * vmagent's scrape self-metrics (`vm_promscrape_*`), with its exact names.
 *
 * @module
 */
import {
  type Counter,
  type Histogram,
  metrics,
  type MetricsRegistry,
} from "../metrics/registry.ts";
import {
  type EncodedSeriesBatch,
  type EncodedSink,
  isEncodedSink,
  type Sink,
  type TimeSeries,
} from "../util/series.ts";

/** Handles of the process-wide scrape metrics. */
export interface ScrapeMetrics {
  /** `vm_promscrape_scrape_requests_total`. */
  scrapeRequests: Counter;
  /** `vm_promscrape_scrapes_timed_out_total`. */
  scrapesTimedOut: Counter;
  /** `vm_promscrape_scrapes_failed_total`. */
  scrapesFailed: Counter;
  /** `vm_promscrape_max_scrape_size_exceeded_errors_total`. */
  maxScrapeSizeExceeded: Counter;
  /** `vm_promscrape_scrapes_skipped_by_sample_limit_total`. */
  skippedBySampleLimit: Counter;
  /** `vm_promscrape_scrapes_skipped_by_label_limit_total`. */
  skippedByLabelLimit: Counter;
  /** `vm_promscrape_stale_samples_created_total`. */
  staleSamplesCreated: Counter;
  /** `vm_promscrape_scrape_duration_seconds`. */
  scrapeDuration: Histogram;
  /** `vm_promscrape_scrape_response_size_bytes`. */
  responseSize: Histogram;
  /** `vm_promscrape_scraped_samples`. */
  scrapedSamples: Histogram;
  /** `vm_promscrape_push_data_duration_seconds`: time spent handing a batch to the sink. */
  pushDataDuration: Histogram;
  /** `vm_promscrape_scrapes_total{status_code="N"}`. */
  scrapesByStatus(code: number): Counter;
  /** `vm_rows_invalid_total{type="prometheus"}`: malformed lines. */
  invalidLines: Counter;
}

const cache = new WeakMap<MetricsRegistry, ScrapeMetrics>();

/**
 * Registers (once per registry) and returns the handles of vmagent's scrape self-metrics in
 * `registry` (the process registry by default); later calls return the same handles.
 *
 * @example
 * ```ts
 * const m = scrapeMetrics();
 * m.scrapeRequests.inc(); // vm_promscrape_scrape_requests_total
 * m.scrapesByStatus(404).inc(); // vm_promscrape_scrapes_total{status_code="404"}
 * scrapeMetrics() === m; // true
 * ```
 */
export function scrapeMetrics(registry: MetricsRegistry = metrics): ScrapeMetrics {
  let m = cache.get(registry);
  if (m !== undefined) return m;
  const byStatus = new Map<number, Counter>();
  m = {
    scrapeRequests: registry.counter("vm_promscrape_scrape_requests_total"),
    scrapesTimedOut: registry.counter("vm_promscrape_scrapes_timed_out_total"),
    scrapesFailed: registry.counter("vm_promscrape_scrapes_failed_total"),
    maxScrapeSizeExceeded: registry.counter("vm_promscrape_max_scrape_size_exceeded_errors_total"),
    skippedBySampleLimit: registry.counter("vm_promscrape_scrapes_skipped_by_sample_limit_total"),
    skippedByLabelLimit: registry.counter("vm_promscrape_scrapes_skipped_by_label_limit_total"),
    staleSamplesCreated: registry.counter("vm_promscrape_stale_samples_created_total"),
    scrapeDuration: registry.histogram("vm_promscrape_scrape_duration_seconds"),
    responseSize: registry.histogram("vm_promscrape_scrape_response_size_bytes"),
    scrapedSamples: registry.histogram("vm_promscrape_scraped_samples"),
    pushDataDuration: registry.histogram("vm_promscrape_push_data_duration_seconds"),
    invalidLines: registry.counter('vm_rows_invalid_total{type="prometheus"}'),
    scrapesByStatus(code: number): Counter {
      let c = byStatus.get(code);
      if (c === undefined) {
        c = registry.counter(`vm_promscrape_scrapes_total{status_code="${code}"}`);
        byStatus.set(code, c);
      }
      return c;
    },
  };
  m.scrapesByStatus(200);
  cache.set(registry, m);
  return m;
}

/**
 * Wraps `sink` so that each push is timed into `histogram` (vmagent's
 * `vm_promscrape_push_data_duration_seconds`); a sink that takes encoded batches
 * keeps taking them.
 *
 * @example
 * ```ts
 * const sink = timedSink(remoteWrite, scrapeMetrics().pushDataDuration);
 * sink.push(series); // handed on to remoteWrite, its duration recorded
 * ```
 */
export function timedSink(sink: Sink, histogram: Histogram): Sink {
  const push = (series: TimeSeries[]): boolean => {
    const start = performance.now();
    try {
      return sink.push(series);
    } finally {
      histogram.update((performance.now() - start) / 1000);
    }
  };
  if (!isEncodedSink(sink)) return { push };
  const timed: EncodedSink = {
    push,
    pushEncoded(batch: EncodedSeriesBatch): boolean {
      const start = performance.now();
      try {
        return sink.pushEncoded(batch);
      } finally {
        histogram.update((performance.now() - start) / 1000);
      }
    },
  };
  return timed;
}

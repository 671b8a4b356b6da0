/**
 * Scraping: the Prometheus text / OpenMetrics parser, the per-target processor
 * (series cache, metric relabeling, auto series, staleness, limits), the fetch
 * with vmagent's headers and errors, the scheduler and the {@linkcode ScrapePool}.
 *
 * @example
 * ```ts
 * import { ScrapePool } from "./mod.ts";
 *
 * const pool = new ScrapePool({ sink, clusterName: "", memberNum: 0 });
 * await pool.sync(targets);
 * ```
 *
 * @module
 */
export { DEFAULT_MAX_SCRAPE_SIZE, ScrapePool, type ScrapePoolOptions } from "./scrape_pool.ts";
export {
  type ParsedMetadata,
  type ParsedRow,
  type ParseError,
  parsePrometheusText,
  type ParseResult,
  type RowVisitor,
  type ScanOptions,
  scanPrometheusText,
} from "./parser.ts";
export { type ParsedSeries, parseSeries } from "./parse_series.ts";
export { NOT_A_NUMBER, parseNumberSpan } from "./parse_number.ts";
export {
  type ScrapeResult,
  TargetProcessor,
  type TargetProcessorConfig,
  type TargetProcessorOptions,
} from "./target_processor.ts";
export { ScrapeError, ScrapeFetcher, type ScrapeFetcherOptions } from "./scrape_fetch.ts";
export { ScrapeLoop, type ScrapeLoopOptions, type Timers } from "./scrape_loop.ts";
export { firstScrapeDelay, nextScrapeTimestamp, scrapePhase, scrapePhaseKey } from "./schedule.ts";
export { isAutoMetric } from "./auto_metrics.ts";
export { appendExtraLabels, type RelabelFn } from "./series_labels.ts";
export { SeriesLimiter } from "./series_limiter.ts";
export { FinalFields } from "./_series_fields.ts";
export { SeriesCache } from "./series_cache.ts";
export { RowCount, rowKey } from "./row_count.ts";
export { type ScrapeMetrics, scrapeMetrics } from "./self_metrics.ts";

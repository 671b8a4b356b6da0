/**
 * The series vmagent adds to every scrape (`up`, `scrape_*`), in its order.
 *
 * @module
 */

/** Names a scraped metric without labels may not take unless `honor_labels: true`. */
const AUTO_METRICS: ReadonlySet<string> = new Set([
  "up",
  "scrape_duration_seconds",
  "scrape_response_size_bytes",
  "scrape_samples_limit",
  "scrape_samples_post_metric_relabeling",
  "scrape_samples_scraped",
  "scrape_series_added",
  "scrape_series_current",
  "scrape_series_limit_samples_dropped",
  "scrape_series_limit",
  "scrape_labels_limit",
  "scrape_timeout_seconds",
]);

/**
 * Tells whether `name` is one of the series vmagent generates per scrape; scraped series of
 * such names become `exported_<name>` unless `honor_labels: true`.
 *
 * @example
 * ```ts
 * isAutoMetric("up"); // true
 * isAutoMetric("scrape_series_added"); // true
 * isAutoMetric("scrape_foo"); // false
 * ```
 */
export function isAutoMetric(name: string): boolean {
  return AUTO_METRICS.has(name);
}

/** The values of one scrape's auto series. */
export interface AutoMetricValues {
  up: number;
  scrapeDurationSeconds: number;
  scrapeResponseSize: number;
  samplesScraped: number;
  samplesPostRelabeling: number;
  seriesAdded: number;
  seriesLimitSamplesDropped: number;
}

/** Target settings that decide which auto series exist. */
export interface AutoMetricConfig {
  sampleLimit: number;
  labelLimit: number;
  scrapeTimeoutSeconds: number;
  /** The series limiter's state, when `series_limit` is active. */
  seriesLimit?: { current: number; max: number };
}

/**
 * Calls `emit(name, value)` for each auto series, in vmagent's order: the limit
 * series only when their limits are set.
 *
 * @example
 * ```ts
 * const names: string[] = [];
 * const cfg = { sampleLimit: 0, labelLimit: 0, scrapeTimeoutSeconds: 10 };
 * visitAutoMetrics(cfg, ZERO_AUTO_METRICS, (n) => names.push(n));
 * // names: ["scrape_duration_seconds", "scrape_response_size_bytes",
 * //   "scrape_samples_post_metric_relabeling", "scrape_samples_scraped", "scrape_series_added",
 * //   "scrape_timeout_seconds", "up"]
 * ```
 */
export function visitAutoMetrics(
  cfg: AutoMetricConfig,
  v: AutoMetricValues,
  emit: (name: string, value: number) => void,
): void {
  emit("scrape_duration_seconds", v.scrapeDurationSeconds);
  emit("scrape_response_size_bytes", v.scrapeResponseSize);
  if (cfg.sampleLimit > 0) emit("scrape_samples_limit", cfg.sampleLimit);
  emit("scrape_samples_post_metric_relabeling", v.samplesPostRelabeling);
  emit("scrape_samples_scraped", v.samplesScraped);
  emit("scrape_series_added", v.seriesAdded);
  if (cfg.seriesLimit !== undefined) {
    emit("scrape_series_current", cfg.seriesLimit.current);
    emit("scrape_series_limit_samples_dropped", v.seriesLimitSamplesDropped);
    emit("scrape_series_limit", cfg.seriesLimit.max);
  }
  if (cfg.labelLimit > 0) emit("scrape_labels_limit", cfg.labelLimit);
  emit("scrape_timeout_seconds", cfg.scrapeTimeoutSeconds);
  emit("up", v.up);
}

/**
 * All-zero auto series values, used where no scrape result exists, e.g. to emit the names
 * for the stale markers sent when a target goes away.
 *
 * @example
 * ```ts
 * visitAutoMetrics(cfg, ZERO_AUTO_METRICS, (name) => staleNames.push(name));
 * ZERO_AUTO_METRICS.up; // 0
 * ```
 */
export const ZERO_AUTO_METRICS: Readonly<AutoMetricValues> = {
  up: 0,
  scrapeDurationSeconds: 0,
  scrapeResponseSize: 0,
  samplesScraped: 0,
  samplesPostRelabeling: 0,
  seriesAdded: 0,
  seriesLimitSamplesDropped: 0,
};

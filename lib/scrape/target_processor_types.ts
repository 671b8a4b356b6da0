/**
 * The configuration, hooks and result of a {@linkcode TargetProcessor}.
 *
 * @module
 */
import type { Sink } from "../util/series.ts";
import type { SeriesLabelsConfig } from "./series_labels.ts";

/** Everything about the target that shapes its series. */
export interface TargetProcessorConfig extends SeriesLabelsConfig {
  /** The target's URL (for error texts). */
  scrapeUrl: string;
  /** `honor_timestamps`. */
  honorTimestamps: boolean;
  /** 0 = no limit. */
  sampleLimit: number;
  /** 0 = no limit. */
  seriesLimit: number;
  /** The value of `scrape_timeout_seconds`. */
  scrapeTimeoutSeconds: number;
  /** `no_stale_markers` / `-promscrape.noStaleMarkers`. */
  noStaleMarkers: boolean;
}

/** Hooks for logging and self-metrics. */
export interface TargetProcessorOptions {
  /** Where series go. */
  sink: Sink;
  /** Clock for the series limiter window. @default Date.now */
  now?: () => number;
  /** A malformed line (already in vmagent's wording) and its line number. */
  onParseError?: (message: string, line: number) => void;
  /** Called with the number of stale markers produced. */
  onStaleSamples?: (n: number) => void;
  /** Called when a scrape is rejected by `sample_limit` or `label_limit`. */
  onLimitExceeded?: (which: "sample_limit" | "label_limit") => void;
}

/** The outcome of one scrape. */
export interface ScrapeResult {
  /** The value of `up`. */
  up: boolean;
  /** "" on success. */
  error: string;
  /** `scrape_samples_scraped`. */
  samplesScraped: number;
  /** `scrape_samples_post_metric_relabeling`. */
  samplesPostRelabeling: number;
  /** `scrape_series_added`. */
  seriesAdded: number;
  /** Series pushed (after limits), for the status pages. */
  seriesPushed: number;
}

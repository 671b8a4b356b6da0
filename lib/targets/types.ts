/**
 * Scrape targets: what the target stage hands to the scraper and to the status pages.
 *
 * @module
 */
import type { ScrapeConfig } from "../config/types.ts";
import type { Label } from "../util/series.ts";

/** One target to scrape, with everything its scrape loop needs. */
export interface ScrapeTarget {
  /**
   * Identity for diffing on reload: equal keys mean the same scrape work
   * (job, URL, interval, timeout, final labels, and the job's scrape options).
   */
  key: string;
  /** A short stable id for `/target_response?id=`. */
  id: string;
  job: string;
  scrapeUrl: string;
  /** Final target labels (no `__` labels), sorted by name; include `job` and `instance`. */
  labels: Label[];
  /** Labels before relabeling, for `/service-discovery` and `discoveredLabels`. */
  discoveredLabels: Label[];
  /** Milliseconds, after `__scrape_interval__`. */
  scrapeInterval: number;
  /** Milliseconds, after `__scrape_timeout__`. */
  scrapeTimeout: number;
  /** After `__series_limit__`. */
  seriesLimit: number;
  /** After `__sample_limit__`. */
  sampleLimit: number;
  /** After `__stream_parse__`. */
  streamParse: boolean;
  /** The job's config. */
  config: ScrapeConfig;
}

/** Why a discovered target is not scraped by this member. */
export type DropReason = "relabeling" | "missing scrape URL" | "duplicate" | "sharding";

/** A discovered target that is not scraped here. */
export interface DroppedTarget {
  job: string;
  discoveredLabels: Label[];
  reason: DropReason;
  /** For `sharding`: the members that do scrape it. */
  clusterMembers?: number[];
}

/** What the scraper knows about one target, read by the status pages. */
export interface ScrapeStatus {
  health: "up" | "down" | "unknown";
  /** The last error, "" when the last scrape succeeded. */
  lastError: string;
  /** Milliseconds since the epoch of the last scrape's start; 0 before the first. */
  lastScrape: number;
  /** Milliseconds the last scrape took. */
  lastScrapeDuration: number;
  lastSamplesScraped: number;
  scrapesTotal: number;
  scrapesFailed: number;
  /** Series the target sent in its last successful scrape (after metric relabeling). */
  seriesCount: number;
}

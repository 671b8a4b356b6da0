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
  /** The `job_name` of its scrape config (the scrape pool), whatever its `job` label became. */
  job: string;
  /** The URL to scrape, from `__scheme__`, `__address__`, `__metrics_path__` and `__param_*`. */
  scrapeUrl: string;
  /** Final target labels (no `__` labels), sorted by name; include `job` and `instance`. */
  labels: Label[];
  /**
   * Labels before relabeling, for `/service-discovery` and `discoveredLabels`; empty under
   * `-promscrape.dropOriginalLabels`.
   */
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
  /** After `__label_limit__` (else the job's `label_limit`); 0 = no limit. Set by `buildScrapeTargets`. */
  labelLimit?: number;
  /** Bytes, after `__max_scrape_size__` (else the job's `max_scrape_size`); 0 = use `-promscrape.maxScrapeSize`. */
  maxScrapeSize?: number;
  /** The config section it was discovered by (`static_configs`, `file_sd_configs`, ...): vmagent's `type` label. */
  discoveryType?: string;
}

/** Why a discovered target is not scraped by this member. */
export type DropReason = "relabeling" | "missing scrape URL" | "duplicate" | "sharding";

/** A discovered target that is not scraped here. */
export interface DroppedTarget {
  /** The `job_name` of the scrape config that discovered it. */
  job: string;
  /** Labels before relabeling, as shown on `/service-discovery`. */
  discoveredLabels: Label[];
  /** Why it is not scraped here. */
  reason: DropReason;
  /** For `sharding`: the members that do scrape it. */
  clusterMembers?: number[];
  /** Final labels it would have (for `sharding` and `duplicate`); absent when relabeling dropped it. */
  labels?: Label[];
  /** The config section it was discovered by. */
  discoveryType?: string;
}

/**
 * A target as any member of the cluster builds it, with its shard hash: every member
 * discovers every target, so each can show the whole cluster (`/cluster`).
 */
export interface ClusterTarget {
  /** The target as built on this member. */
  target: ScrapeTarget;
  /** xxHash64 of the shard key, 16 lower-case hex digits. */
  shardHash: string;
  /** The members that scrape it under the current cluster options. */
  members: number[];
}

/** What the scraper knows about one target, read by the status pages. */
export interface ScrapeStatus {
  /** The result of the last scrape; "unknown" before the first. */
  health: "up" | "down" | "unknown";
  /** The last error, "" when the last scrape succeeded. */
  lastError: string;
  /** Milliseconds since the epoch of the last scrape's start; 0 before the first. */
  lastScrape: number;
  /** Milliseconds the last scrape took. */
  lastScrapeDuration: number;
  /** Samples the last scrape returned (`scrape_samples_scraped`). */
  lastSamplesScraped: number;
  /** Scrapes since the target started. */
  scrapesTotal: number;
  /** Scrapes since the target started that failed (`up` 0). */
  scrapesFailed: number;
  /** Series the target sent in its last successful scrape (after metric relabeling). */
  seriesCount: number;
  /** Bytes of the last response (uncompressed); 0 or absent before the first. */
  lastResponseSize?: number;
}

/**
 * The status of a target before its first scrape.
 *
 * @example
 * ```ts
 * unknownScrapeStatus().health; // "unknown"
 * ```
 */
export function unknownScrapeStatus(): ScrapeStatus {
  return {
    health: "unknown",
    lastError: "",
    lastScrape: 0,
    lastScrapeDuration: 0,
    lastSamplesScraped: 0,
    scrapesTotal: 0,
    scrapesFailed: 0,
    seriesCount: 0,
  };
}

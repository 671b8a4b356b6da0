/**
 * Identity of a scrape target: the key that decides whether two targets are the same
 * scrape work (diffing on reload, duplicate detection; reference 3.8) and a short stable id.
 *
 * @module
 */
import type { ScrapeConfig } from "../config/types.ts";
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import { formatGoDuration } from "../util/duration.ts";
import { xxhash64Hex } from "../util/xxhash64.ts";

/** The per-target fields of the key (everything else comes from the job). */
export interface TargetKeyFields {
  discoveryType: string;
  scrapeUrl: string;
  scrapeInterval: number;
  scrapeTimeout: number;
  /** Final labels, sorted. */
  labels: readonly Label[];
  maxScrapeSize: number;
  sampleLimit: number;
  seriesLimit: number;
  labelLimit: number;
  streamParse: boolean;
}

/**
 * Returns the part of the key that depends on the job only. Credentials and rule lists
 * enter as hashes so that the key never holds secrets in clear text.
 *
 * @example
 * ```ts
 * jobKeyPart(job);
 * // "JobNameOriginal=node, HonorLabels=false, HonorTimestamps=true, DenyRedirects=false, HTTP=…, ..."
 * ```
 */
export function jobKeyPart(job: ScrapeConfig): string {
  const rules = job.metricRelabelConfigs.map((r) => r.source);
  return `JobNameOriginal=${job.jobName}, HonorLabels=${job.honorLabels}, ` +
    `HonorTimestamps=${job.honorTimestamps}, DenyRedirects=${!job.http.followRedirects}, ` +
    `HTTP=${xxhash64Hex(JSON.stringify(job.http))}, ` +
    `MetricRelabelConfigs=${xxhash64Hex(JSON.stringify(rules))}, ` +
    `DisableCompression=${job.disableCompression}, DisableKeepAlive=${job.disableKeepalive}, ` +
    `ScrapeAlignInterval=${formatGoDuration(job.scrapeAlignInterval)}, ` +
    `ScrapeOffset=${formatGoDuration(job.scrapeOffset)}, NoStaleMarkers=${job.noStaleMarkers}`;
}

/**
 * Builds the key: equal keys mean the same scrape work. Besides what vmagent's
 * `ScrapeWork.key()` holds it names the discovery type, since vmagent runs one scraper
 * group per type and so never merges targets of different types.
 *
 * @example
 * ```ts
 * const key = targetKey(jobKeyPart(job), fields);
 * targetId(key); // e.g. "5f0c3b2a9d1e4c7b"
 * ```
 */
export function targetKey(jobPart: string, f: TargetKeyFields): string {
  return `${jobPart}, Type=${f.discoveryType}, ScrapeURL=${f.scrapeUrl}, ` +
    `ScrapeInterval=${formatGoDuration(f.scrapeInterval)}, ` +
    `ScrapeTimeout=${formatGoDuration(f.scrapeTimeout)}, Labels=${formatLabels(f.labels)}, ` +
    `MaxScrapeSize=${f.maxScrapeSize}, SampleLimit=${f.sampleLimit}, SeriesLimit=${f.seriesLimit}, ` +
    `LabelLimit=${f.labelLimit}, StreamParse=${f.streamParse}`;
}

/**
 * Derives the short id for `/target_response?id=`: 16 lower-case hex digits of xxHash64 of
 * the key, so it is equal on every member and across restarts. Needs `initXXHash64()` first.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * targetId("x"); // "5c80c09683041123"
 * ```
 */
export function targetId(key: string): string {
  return xxhash64Hex(key).toLowerCase();
}

/**
 * Formats labels as vmagent's `Labels.String()`: `{a="1",b="2"}` in the given order, values Go-quoted.
 *
 * @example
 * ```ts
 * formatLabels([{ name: "job", value: "node" }, { name: "instance", value: "h:9100" }]);
 * // '{job="node",instance="h:9100"}'
 * ```
 */
export function formatLabels(labels: readonly Label[]): string {
  let s = "{";
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) s += ",";
    s += labels[i].name + "=" + quoteGo(labels[i].value);
  }
  return s + "}";
}

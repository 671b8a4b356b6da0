/**
 * When a target is scraped: vmagent's stable, hash-derived start offset, the
 * `scrape_align_interval` / `scrape_offset` alignment, and the sample timestamps
 * of successive scrapes.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { labelsToString } from "../util/labels.ts";
import { xxhash64Fraction } from "../util/xxhash64.ts";

/**
 * The text vmagent hashes to place a target's scrapes within the interval:
 * `clusterName=<name>, clusterMemberID=<n>, ScrapeURL=<url>, Labels={a="b",...}`
 * (labels: the final target labels, sorted, Go-quoted values).
 *
 * @example
 * ```ts
 * scrapePhaseKey("", 0, "http://10.0.0.1:9100/metrics", [
 *   { name: "instance", value: "10.0.0.1:9100" }, { name: "job", value: "node" },
 * ]);
 * // 'clusterName=, clusterMemberID=0, ScrapeURL=http://10.0.0.1:9100/metrics, Labels={instance="10.0.0.1:9100",job="node"}'
 * ```
 */
export function scrapePhaseKey(
  clusterName: string,
  memberNum: number,
  scrapeUrl: string,
  labels: readonly Label[],
): string {
  return `clusterName=${clusterName}, clusterMemberID=${memberNum}, ScrapeURL=${scrapeUrl}, Labels=${
    labelsToString(labels)
  }`;
}

/** Inputs of {@linkcode firstScrapeDelay}. */
export interface FirstScrapeOptions {
  /** Milliseconds since the epoch. */
  now: number;
  /** `scrape_interval`, milliseconds. */
  interval: number;
  /** `scrape_align_interval`, milliseconds; 0 = unset. */
  alignInterval: number;
  /** `scrape_offset`, milliseconds; 0 = unset. */
  offset: number;
  /** {@linkcode scrapePhaseKey} of the target (requires `initXXHash64()`). */
  phaseKey: string;
}

/**
 * Returns the phase of the target within its interval: `interval × xxh64(key) / 2^64`, in ms
 * (fractional, in `[0, interval)`). Requires `await initXXHash64()` once beforehand.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * const key = scrapePhaseKey("", 0, "http://10.0.0.1:9100/metrics", [
 *   { name: "instance", value: "10.0.0.1:9100" }, { name: "job", value: "node" },
 * ]);
 * scrapePhase(60_000, key); // ≈ 75.003: this target is scraped about 75 ms into each minute
 * ```
 */
export function scrapePhase(interval: number, phaseKey: string): number {
  return interval * xxhash64Fraction(phaseKey);
}

/**
 * Milliseconds to wait before the first scrape, as vmagent computes it: without
 * alignment, until the next instant whose offset within the interval equals the
 * target's phase; with `scrape_align_interval: d`, until the next multiple of d;
 * with `scrape_offset: o`, until the next multiple of the interval plus o.
 *
 * @example
 * ```ts
 * firstScrapeDelay({ now: 60_000, interval: 60_000, alignInterval: 0, offset: 5_000, phaseKey: "" }); // 5000
 * ```
 */
export function firstScrapeDelay(o: FirstScrapeOptions): number {
  const interval = o.interval;
  let align = o.alignInterval;
  if (o.offset > 0) align = interval;
  if (align <= 0) {
    let delay = scrapePhase(interval, o.phaseKey);
    const sleepOffset = ((o.now % interval) + interval) % interval;
    if (delay < sleepOffset) delay += interval;
    return delay - sleepOffset;
  }
  let delay = align - (((o.now % align) + align) % align);
  if (o.offset > 0) delay += o.offset;
  return delay % interval;
}

/**
 * The timestamp of the next scrape's samples: the previous one plus the
 * interval, unless the real tick time differs from it by more than 10% of the
 * interval (then the real time), as vmagent keeps timestamps evenly spaced.
 *
 * @example
 * ```ts
 * nextScrapeTimestamp(1_000, 10_000, 11_500); // 11000: 500 ms of jitter is within 10%
 * nextScrapeTimestamp(1_000, 10_000, 12_500); // 12500: 1.5 s late, so the real time is used
 * ```
 */
export function nextScrapeTimestamp(prev: number, interval: number, tickTime: number): number {
  const expected = prev + interval;
  const d = Math.abs(tickTime - expected);
  return d > 0 && d / interval > 0.1 ? tickTime : expected;
}

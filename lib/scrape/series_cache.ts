/**
 * The per-target series cache: raw series text as the target writes it
 * (`name{labels}`) → its final series (labels after the honor_labels merge,
 * metric relabeling and external labels), so a known series costs one map
 * lookup. Final series are interned by their label set, so two spellings of the
 * same series share one entry (and one staleness state). Each entry also points
 * to the {@linkcode RowCount} of its vmagent row key (`scrape_series_added`),
 * shared by every spelling of that key.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { parseSeries } from "./parse_series.ts";
import { RowCount, rowKey } from "./row_count.ts";
import {
  buildSeriesLabels,
  LABEL_LIMIT_EXCEEDED,
  seriesKey,
  type SeriesLabelsConfig,
} from "./series_labels.ts";

/** One final series and its per-target bookkeeping. */
export interface FinalSeries {
  /** Final labels, shared by every sample pushed for it: read-only. */
  labels: Label[];
  /** {@linkcode seriesKey} of the labels. */
  key: string;
  /** Last scrape generation that saw it (for forgetting it). */
  seenGen: number;
  /** Last generation in which it was pushed (for staleness). */
  pushedGen: number;
  /** Last successful generation that pushed it. */
  okGen: number;
  /** Series-limiter epoch of {@linkcode FinalSeries.limitOk}. */
  limitEpoch: number;
  /** Whether the series limiter admitted it in `limitEpoch`. */
  limitOk: boolean;
}

/** What the cache knows about one raw series text. */
export interface CacheEntry {
  /** The final series; null when metric relabeling drops it. */
  series: FinalSeries | null;
  /** The series has more labels than `label_limit`. */
  labelLimited: boolean;
  /** Parse error reason, "" when the series text is valid. */
  error: string;
  /** Occurrences of the row key (`scrape_series_added`); null exactly when `error` is set. */
  row: RowCount | null;
  /** Last scrape generation that looked it up. */
  gen: number;
}

/**
 * Maps raw series text to final series for one target.
 *
 * @example
 * ```ts
 * const c = new SeriesCache(cfg);
 * const e = c.lookup('foo{a="b"}', 1); // parsed, merged, relabeled once
 * c.lookup('foo{a="b"}', 2) === e; // true
 * ```
 */
export class SeriesCache {
  readonly #cfg: SeriesLabelsConfig;
  readonly #entries = new Map<string, CacheEntry>();
  readonly #finals = new Map<string, FinalSeries>();
  /** Row counts of row keys that have a spelling other than the key itself. */
  readonly #aliases = new Map<string, RowCount>();

  /** Creates an empty cache for a target with these label settings. */
  constructor(cfg: SeriesLabelsConfig) {
    this.#cfg = cfg;
  }

  /** Returns the entry of `raw`, building it on first sight, and marks it seen in `gen`. */
  lookup(raw: string, gen: number): CacheEntry {
    let e = this.#entries.get(raw);
    // The key is copied out of the body, so the cache does not keep whole bodies alive.
    if (e === undefined) e = this.#build((" " + raw).slice(1));
    e.gen = gen;
    return e;
  }

  #build(raw: string): CacheEntry {
    const e: CacheEntry = { series: null, labelLimited: false, error: "", row: null, gen: 0 };
    const parsed = parseSeries(raw);
    if (typeof parsed === "string") {
      e.error = parsed;
    } else {
      e.row = this.#rowCount(raw, rowKey(parsed));
      const labels = buildSeriesLabels(parsed, this.#cfg);
      if (labels === LABEL_LIMIT_EXCEEDED) {
        e.labelLimited = true;
      } else if (labels !== null) {
        const key = seriesKey(labels);
        let fs = this.#finals.get(key);
        if (fs === undefined) {
          fs = { labels, key, seenGen: 0, pushedGen: 0, okGen: -1, limitEpoch: 0, limitOk: false };
          this.#finals.set(key, fs);
        }
        e.series = fs;
      }
    }
    this.#entries.set(raw, e);
    return e;
  }

  /** The row count of `key`, shared by every spelling `raw` of it. */
  #rowCount(raw: string, key: string): RowCount {
    const aliases = this.#aliases;
    // Most targets write each series in canonical form: one entry per key, no alias.
    if (key === raw) return (aliases.size > 0 ? aliases.get(key) : undefined) ?? new RowCount();
    const row = this.#entries.get(key)?.row ?? aliases.get(key) ?? new RowCount();
    // Registered so that the canonical spelling, even if built (again) later, shares it.
    aliases.set(key, row);
    return row;
  }

  /**
   * Forgets entries and series not seen in generation `gen`, when they outnumber
   * twice what that scrape had (`rows` lines, `series` series) by 1024.
   */
  sweep(gen: number, rows: number, series: number): void {
    if (this.#entries.size > 2 * rows + 1024) {
      for (const [k, e] of this.#entries) if (e.gen !== gen) this.#entries.delete(k);
      // A row count still referenced by a kept entry was counted in `gen`.
      for (const [k, r] of this.#aliases) if (r.gen !== gen) this.#aliases.delete(k);
    }
    if (this.#finals.size > 2 * series + 1024) {
      for (const [k, fs] of this.#finals) if (fs.seenGen !== gen) this.#finals.delete(k);
    }
  }

  /** Number of raw series texts cached. */
  get size(): number {
    return this.#entries.size;
  }
}

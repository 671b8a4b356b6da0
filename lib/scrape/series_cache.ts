/**
 * The per-target series cache: raw series text as the target writes it
 * (`name{labels}`) → its final series (labels after the honor_labels merge,
 * metric relabeling and external labels), so a known series costs one map
 * lookup. Final series are interned by their label set, so two spellings of the
 * same series share one entry (and one staleness state). Each entry also points
 * to the {@linkcode RowCount} of its vmagent row key (`scrape_series_added`),
 * shared by every spelling of that key.
 *
 * Memory per series is kept small: the final labels are not kept as objects but
 * as their protobuf encoding (what remote write sends) in one byte arena per
 * target, and final series are interned under a 32-bit hash of their label set
 * (checked against the stored labels on a hit) instead of a key string. The
 * target and external labels that end most series (the "tail") are encoded once
 * per target, not once per series: a series whose final labels end with exactly
 * those label objects stores only the labels before them.
 *
 * @module
 */
import { decodeLabels, encodedLabelsLength, encodeLabels, type Label } from "../util/series.ts";
import { parseSeries } from "./parse_series.ts";
import { RowCount, rowKey } from "./row_count.ts";
import {
  buildSeriesLabels,
  LABEL_LIMIT_EXCEEDED,
  seriesKey,
  type SeriesLabelsConfig,
} from "./series_labels.ts";

/** One final series and its per-target bookkeeping. */
export class FinalSeries {
  /** Offset of the encoded labels in the cache's arena ({@linkcode SeriesCache.arena}); moves on compaction. */
  labelStart = 0;
  /** Byte length of the encoded labels; -1 once the cache forgot the series. */
  labelLen = 0;
  /** Number of labels, the tail's included. */
  labelCount = 0;
  /** The labels end with the cache's tail ({@linkcode SeriesCache.tail}), not stored in the arena. */
  tail = false;
  /** Last scrape generation that saw it (for forgetting it). */
  seenGen = 0;
  /** Last generation in which it was pushed (for staleness). */
  pushedGen = 0;
  /** Last successful generation that pushed it. */
  okGen = -1;
  /** Series-limiter epoch of {@linkcode FinalSeries.limitOk}. */
  limitEpoch = 0;
  /** Whether the series limiter admitted it in `limitEpoch`. */
  limitOk = false;
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

const copier = { enc: new TextEncoder(), dec: new TextDecoder(), buf: new Uint8Array(4096) };

/** A flat copy of `s` that shares no memory with the body it was cut from. */
function ownCopy(s: string): string {
  // Through a reused buffer: no allocation besides the new string.
  if (copier.buf.length < 3 * s.length) copier.buf = new Uint8Array(3 * s.length);
  const { written } = copier.enc.encodeInto(s, copier.buf);
  const copy = copier.dec.decode(copier.buf.subarray(0, written));
  // Only a lone surrogate (never in decoded bodies) changes on the way: copy it another way.
  return copy === s ? copy : (" " + s).slice(1);
}

/** A 32-bit hash of a series key (FNV-1a); exported for tests. */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * Maps raw series text to final series for one target.
 *
 * @example
 * ```ts
 * const c = new SeriesCache(cfg);
 * const e = c.lookup('foo{a="b"}', 1); // parsed, merged, relabeled once
 * c.lookup('foo{a="b"}', 2) === e; // true
 * c.labels(e.series!); // the final labels
 * ```
 */
export class SeriesCache {
  readonly #cfg: SeriesLabelsConfig;
  readonly #entries = new Map<string, CacheEntry>();
  /** Final series by the hash of their key. */
  readonly #finals = new Map<number, FinalSeries>();
  /** Final series whose key hash collides with another's, by key. */
  readonly #collided = new Map<string, FinalSeries>();
  /** Series kept for good (auto series), not interned. */
  readonly #pinned: FinalSeries[] = [];
  /** Row counts of row keys that have a spelling other than the key itself. */
  readonly #aliases = new Map<string, RowCount>();
  /** Target then external labels, as objects (compared by identity) and encoded. */
  readonly #tail: readonly Label[];
  readonly #tailBytes: Uint8Array;
  #arena = new Uint8Array(16 * 1024);
  #arenaLen = 0;
  /** Series stored since the last sweep (the arena may have grown). */
  #stored = 0;

  /** Creates an empty cache for a target with these label settings. */
  constructor(cfg: SeriesLabelsConfig) {
    this.#cfg = cfg;
    this.#tail = [...cfg.targetLabels, ...cfg.externalLabels];
    this.#tailBytes = new Uint8Array(encodedLabelsLength(this.#tail));
    encodeLabels(this.#tail, this.#tailBytes, 0);
  }

  /**
   * The encoded labels that follow the arena bytes of every series with
   * {@linkcode FinalSeries.tail} set: the target labels, then the external labels.
   */
  get tail(): Uint8Array {
    return this.#tailBytes;
  }

  /** The bytes that {@linkcode FinalSeries.labelStart} points into (replaced when it grows or is compacted). */
  get arena(): Uint8Array {
    return this.#arena;
  }

  /**
   * Tells the cache a response of `bytes` bytes is coming: before the first
   * series, the arena is sized for it at once (instead of doubling step by step).
   */
  expect(bytes: number): void {
    if (this.#arenaLen === 0 && this.#arena.length < bytes) {
      // Encoded labels take about as many bytes as the lines plus the target labels (the
      // slack is given back after the scrape).
      this.#arena = new Uint8Array(Math.min(2 * bytes, 64 * 1024 * 1024));
    }
  }

  /** Returns the entry of `raw`, building it on first sight, and marks it seen in `gen`. */
  lookup(raw: string, gen: number): CacheEntry {
    let e = this.#entries.get(raw);
    if (e === undefined) {
      // The key is copied out of the body, so the cache does not keep whole bodies alive.
      e = this.#build(ownCopy(raw), null);
    } else if (e.series !== null && e.series.labelLen < 0) {
      e = this.#build(ownCopy(raw), e.row);
    }
    e.gen = gen;
    return e;
  }

  /** The final labels of `fs` (decoded: for slow paths only). */
  labels(fs: FinalSeries): Label[] {
    const out = decodeLabels(this.#arena, fs.labelStart, fs.labelStart + fs.labelLen);
    if (fs.tail) { for (const l of this.#tail) out.push(l); }
    return out;
  }

  /** {@linkcode seriesKey} of `fs`. */
  key(fs: FinalSeries): string {
    return seriesKey(this.labels(fs));
  }

  /** Stores `labels` for good (auto series) and returns their series. */
  pin(labels: readonly Label[]): FinalSeries {
    const fs = this.#store(labels);
    this.#pinned.push(fs);
    return fs;
  }

  #store(labels: readonly Label[]): FinalSeries {
    const own = this.#ownLabels(labels);
    const n = encodedLabelsLength(labels, own);
    this.#reserve(n);
    const fs = new FinalSeries();
    this.#stored++;
    fs.labelStart = this.#arenaLen;
    fs.labelLen = n;
    fs.labelCount = labels.length;
    fs.tail = own < labels.length;
    this.#arenaLen = encodeLabels(labels, this.#arena, this.#arenaLen, own);
    return fs;
  }

  /**
   * How many leading labels of `labels` the arena must hold: all of them, or
   * those before the tail when `labels` ends with the very tail label objects
   * (target labels are appended as they are; a renamed or relabeled one is a new object).
   */
  #ownLabels(labels: readonly Label[]): number {
    const tail = this.#tail;
    const own = labels.length - tail.length;
    if (tail.length === 0 || own < 1) return labels.length;
    for (let i = 0; i < tail.length; i++) {
      if (labels[own + i] !== tail[i]) return labels.length;
    }
    return own;
  }

  #reserve(n: number): void {
    if (this.#arenaLen + n <= this.#arena.length) return;
    const next = new Uint8Array(Math.max(this.#arena.length * 2, this.#arenaLen + n));
    next.set(this.#arena.subarray(0, this.#arenaLen));
    this.#arena = next;
  }

  #build(raw: string, row: RowCount | null): CacheEntry {
    const e: CacheEntry = { series: null, labelLimited: false, error: "", row: null, gen: 0 };
    const parsed = parseSeries(raw);
    if (typeof parsed === "string") {
      e.error = parsed;
    } else {
      e.row = row ?? this.#rowCount(raw, rowKey(parsed));
      const labels = buildSeriesLabels(parsed, this.#cfg);
      if (labels === LABEL_LIMIT_EXCEEDED) {
        e.labelLimited = true;
      } else if (labels !== null) {
        e.series = this.#intern(labels);
      }
    }
    this.#entries.set(raw, e);
    return e;
  }

  #intern(labels: Label[]): FinalSeries {
    const key = seriesKey(labels);
    const h = hashKey(key);
    let fs = this.#finals.get(h);
    if (fs === undefined) {
      fs = this.#store(labels);
      this.#finals.set(h, fs);
      return fs;
    }
    if (this.key(fs) === key) return fs;
    fs = this.#collided.get(key);
    if (fs === undefined) {
      fs = this.#store(labels);
      this.#collided.set(key, fs);
    }
    return fs;
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
    if (this.#finals.size + this.#collided.size > 2 * series + 1024) {
      for (const [k, fs] of this.#finals) {
        if (fs.seenGen !== gen) {
          this.#finals.delete(k);
          fs.labelLen = -1; // an entry still pointing to it is rebuilt on its next lookup
        }
      }
      for (const [k, fs] of this.#collided) {
        if (fs.seenGen !== gen) {
          this.#collided.delete(k);
          fs.labelLen = -1;
        }
      }
      this.#compact();
    } else if (
      this.#stored > 0 && this.#arena.length > this.#arenaLen + (this.#arenaLen >> 2) + 4096
    ) {
      // New series were added (the arena doubled on the way): give back the slack.
      const next = new Uint8Array(this.#arenaLen + (this.#arenaLen >> 3) + 1024);
      next.set(this.#arena.subarray(0, this.#arenaLen));
      this.#arena = next;
    }
    this.#stored = 0;
  }

  /** Copies the labels of the series still known into a new arena. */
  #compact(): void {
    let live = 0;
    for (const fs of this.#finals.values()) live += fs.labelLen;
    for (const fs of this.#collided.values()) live += fs.labelLen;
    for (const fs of this.#pinned) live += fs.labelLen;
    const old = this.#arena;
    const next = new Uint8Array(Math.max(16 * 1024, live + (live >> 2)));
    let p = 0;
    const move = (fs: FinalSeries) => {
      next.set(old.subarray(fs.labelStart, fs.labelStart + fs.labelLen), p);
      fs.labelStart = p;
      p += fs.labelLen;
    };
    for (const fs of this.#finals.values()) move(fs);
    for (const fs of this.#collided.values()) move(fs);
    for (const fs of this.#pinned) move(fs);
    this.#arena = next;
    this.#arenaLen = p;
  }

  /** Number of raw series texts cached. */
  get size(): number {
    return this.#entries.size;
  }
}

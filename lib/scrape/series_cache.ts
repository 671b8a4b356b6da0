/**
 * The per-target series cache: raw series text as the target writes it
 * (`name{labels}`) → its final series (labels after the honor_labels merge,
 * metric relabeling and external labels), so a known series costs one map
 * lookup. Final series are interned by their label set, so two spellings of the
 * same series share one final series (and one staleness state). Each raw text
 * also keeps the occurrence counts of its vmagent row key
 * (`scrape_series_added`, see row_count.ts), shared by every spelling of that key.
 *
 * Memory per series is kept small, since a member holds every active series of
 * its targets:
 * - no object per series: a raw text maps to an *entry* number and a final
 *   series is a *final* number, whose fields live in typed arrays (entries and
 *   finals have their own numbering; freed numbers are reused);
 * - the final series, their encoded labels and the shared tail of target
 *   labels live in a {@linkcode FinalStore}.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { type ParsedSeries, parseSeries } from "./parse_series.ts";
import { RowCount, rowKey } from "./row_count.ts";
import { EntryFields, type FinalFields, Numbering } from "./_series_fields.ts";
import { FinalStore } from "./final_store.ts";
import {
  buildSeriesLabels,
  LABEL_LIMIT_EXCEEDED,
  type SeriesLabelsConfig,
} from "./series_labels.ts";

/** Entry flag: the raw text is not a valid series ({@linkcode SeriesCache.error}). */
const E_ERROR = 1;
/** Entry flag: the series has more labels than `label_limit`. */
const E_LABEL_LIMITED = 2;
/** Entry flag: the row count is a {@linkcode RowCount} shared with other spellings. */
const E_SHARED_ROW = 4;

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

/**
 * Maps raw series text to final series for one target.
 *
 * @example
 * ```ts
 * const c = new SeriesCache(cfg);
 * const e = c.lookup('foo{a="b"}', 1); // parsed, merged, relabeled once
 * c.lookup('foo{a="b"}', 2) === e; // true
 * c.labels(c.finalOf(e)); // the final labels
 * ```
 */
export class SeriesCache {
  readonly #cfg: SeriesLabelsConfig;
  /** Entry numbers by raw series text. */
  readonly #entries = new Map<string, number>();
  readonly #e = new EntryFields();
  readonly #eNums = new Numbering();
  /** Parse errors, by entry number (entries with E_ERROR). */
  readonly #errors = new Map<number, string>();
  /** Shared row counts, by entry number (entries with E_SHARED_ROW). */
  readonly #sharedRows = new Map<number, RowCount>();
  /** Shared row counts of row keys that have a spelling other than the key itself. */
  readonly #aliases = new Map<string, RowCount>();
  readonly #store: FinalStore;

  /** Creates an empty cache for a target with these label settings. */
  constructor(cfg: SeriesLabelsConfig) {
    this.#cfg = cfg;
    this.#store = new FinalStore([...cfg.targetLabels, ...cfg.externalLabels]);
  }

  /** The fields of the final series (the arrays are replaced when they grow). */
  get finals(): FinalFields {
    return this.#store.finals;
  }

  /** The bytes that {@linkcode FinalFields.labelStart} points into (replaced when it grows or is compacted). */
  get arena(): Uint8Array {
    return this.#store.arena;
  }

  /** The encoded labels that follow the arena bytes of every final series with {@linkcode SeriesCache.hasTail}. */
  get tail(): Uint8Array {
    return this.#store.tail;
  }

  /** Tells the cache a response of `bytes` bytes is coming (see {@linkcode FinalStore.expect}). */
  expect(bytes: number): void {
    this.#store.expect(bytes);
  }

  /** Returns the entry number of `raw`, building it on first sight, and marks it looked up in `gen`. */
  lookup(raw: string, gen: number): number {
    let e = this.#entries.get(raw);
    if (e === undefined) {
      // The key is copied out of the body, so the cache does not keep whole bodies alive.
      e = this.#newEntry(ownCopy(raw));
    } else {
      const f = this.#e.final[e];
      // Its final series was forgotten: build it again (the row counts stay).
      if (f >= 0 && this.finals.version[f] !== this.#e.finalVersion[e]) this.#link(ownCopy(raw), e);
    }
    this.#e.gen[e] = gen;
    return e;
  }

  /** The parse error of entry `e`, "" when its text is a valid series. */
  error(e: number): string {
    return (this.#e.flags[e] & E_ERROR) === 0 ? "" : this.#errors.get(e)!;
  }

  /** Whether entry `e`'s series has more labels than `label_limit`. */
  labelLimited(e: number): boolean {
    return (this.#e.flags[e] & E_LABEL_LIMITED) !== 0;
  }

  /** The final number of entry `e`; -1 when it has none. */
  finalOf(e: number): number {
    return this.#e.final[e];
  }

  /**
   * Counts one row of entry `e` (a valid series) in scrape `gen`, whose previous
   * successful scrape is `lastOkGen`: {@linkcode RowCount.add} on the entry's counts.
   */
  addRow(e: number, gen: number, lastOkGen: number): boolean {
    const f = this.#e;
    if ((f.flags[e] & E_SHARED_ROW) !== 0) return this.#sharedRows.get(e)!.add(gen, lastOkGen);
    if (f.rowGen[e] !== gen) {
      if (f.rowGen[e] === lastOkGen) {
        f.rowOkGen[e] = f.rowGen[e];
        f.rowOkCount[e] = f.rowCount[e];
      }
      f.rowPrev[e] = f.rowOkGen[e] === lastOkGen ? f.rowOkCount[e] : 0;
      f.rowGen[e] = gen;
      f.rowCount[e] = 0;
    }
    return ++f.rowCount[e] > f.rowPrev[e];
  }

  /** Whether final `f`'s labels end with the tail. */
  hasTail(f: number): boolean {
    return this.#store.hasTail(f);
  }

  /** The series limiter's verdict on final `f` in `epoch` (see {@linkcode FinalStore.limitOk}). */
  limitOk(f: number, epoch: number, admit: (key: string) => boolean): boolean {
    return this.#store.limitOk(f, epoch, admit);
  }

  /** The final labels of `f` (decoded: for slow paths only). */
  labels(f: number): Label[] {
    return this.#store.labels(f);
  }

  /** {@linkcode seriesKey} of final `f`. */
  key(f: number): string {
    return this.#store.key(f);
  }

  /** Stores `labels` for good (auto series) and returns their final number. */
  pin(labels: readonly Label[]): number {
    return this.#store.pin(labels);
  }

  #newEntry(raw: string): number {
    const e = this.#eNums.take();
    const f = this.#e;
    if (e >= f.gen.length) f.grow(2 * f.gen.length);
    f.flags[e] = 0;
    f.final[e] = -1;
    f.rowGen[e] =
      f.rowCount[e] =
      f.rowOkGen[e] =
      f.rowOkCount[e] =
      f.rowPrev[e] =
        0;
    this.#entries.set(raw, e);
    const parsed = this.#link(raw, e);
    if (parsed !== undefined) this.#shareRowCount(raw, e, rowKey(parsed));
    return e;
  }

  /**
   * (Re)builds entry `e`'s final series from `raw`; returns the parsed series,
   * or undefined when `raw` is not a valid series.
   */
  #link(raw: string, e: number): ParsedSeries | undefined {
    const f = this.#e;
    f.final[e] = -1;
    f.flags[e] &= E_SHARED_ROW;
    const parsed = parseSeries(raw);
    if (typeof parsed === "string") {
      f.flags[e] |= E_ERROR;
      this.#errors.set(e, parsed);
      return undefined;
    }
    const labels = buildSeriesLabels(parsed, this.#cfg);
    if (labels === LABEL_LIMIT_EXCEEDED) {
      f.flags[e] |= E_LABEL_LIMITED;
    } else if (labels !== null) {
      const fin = this.#store.intern(labels);
      f.final[e] = fin;
      f.finalVersion[e] = this.finals.version[fin];
    }
    return parsed;
  }

  /**
   * Makes entry `e` (text `raw`, row key `key`) share one row count with every
   * other spelling of `key`. Most targets write each series in canonical form:
   * one entry per key, counting in its own fields.
   */
  #shareRowCount(raw: string, e: number, key: string): void {
    const aliases = this.#aliases;
    let row = aliases.size > 0 ? aliases.get(key) : undefined;
    if (row === undefined) {
      if (key === raw) return;
      row = new RowCount();
      const canonical = this.#entries.get(key);
      if (canonical !== undefined && (this.#e.flags[canonical] & E_ERROR) === 0) {
        // The canonical spelling counted in its own fields so far: move them to the shared count.
        const f = this.#e;
        if ((f.flags[canonical] & E_SHARED_ROW) !== 0) {
          row = this.#sharedRows.get(canonical)!;
        } else {
          row.gen = f.rowGen[canonical];
          row.count = f.rowCount[canonical];
          row.okGen = f.rowOkGen[canonical];
          row.okCount = f.rowOkCount[canonical];
          row.prev = f.rowPrev[canonical];
          f.flags[canonical] |= E_SHARED_ROW;
          this.#sharedRows.set(canonical, row);
        }
      }
      // Registered so that the canonical spelling, even if built (again) later, shares it.
      aliases.set(key, row);
    }
    this.#e.flags[e] |= E_SHARED_ROW;
    this.#sharedRows.set(e, row);
  }

  /**
   * Forgets entries and series not seen in generation `gen`, when they outnumber
   * twice what that scrape had (`rows` lines, `series` series) by 1024.
   */
  sweep(gen: number, rows: number, series: number): void {
    if (this.#entries.size > 2 * rows + 1024) {
      const f = this.#e;
      for (const [k, e] of this.#entries) {
        if (f.gen[e] === gen) continue;
        this.#entries.delete(k);
        if ((f.flags[e] & E_ERROR) !== 0) this.#errors.delete(e);
        if ((f.flags[e] & E_SHARED_ROW) !== 0) this.#sharedRows.delete(e);
        this.#eNums.free.push(e);
      }
      // A row count still used by a kept entry was counted in `gen`.
      for (const [k, r] of this.#aliases) if (r.gen !== gen) this.#aliases.delete(k);
    }
    this.#store.sweep(gen, series);
  }

  /** Number of raw series texts cached. */
  get size(): number {
    return this.#entries.size;
  }
}

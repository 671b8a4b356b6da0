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
 * - the final labels are kept as their protobuf encoding (what remote write
 *   sends) in one byte arena per target, and finals are interned under a 32-bit
 *   hash of their label set (checked against the stored labels on a hit);
 * - the target and external labels that end most series (the "tail") are
 *   encoded once per target: a series whose final labels end with exactly those
 *   label objects stores only the labels before them.
 *
 * @module
 */
import { decodeLabels, encodedLabelsLength, encodeLabels, type Label } from "../util/series.ts";
import { type ParsedSeries, parseSeries } from "./parse_series.ts";
import { RowCount, rowKey } from "./row_count.ts";
import {
  buildSeriesLabels,
  LABEL_LIMIT_EXCEEDED,
  seriesKey,
  type SeriesLabelsConfig,
} from "./series_labels.ts";

/** Entry flag: the raw text is not a valid series ({@linkcode SeriesCache.error}). */
const E_ERROR = 1;
/** Entry flag: the series has more labels than `label_limit`. */
const E_LABEL_LIMITED = 2;
/** Entry flag: the row count is a {@linkcode RowCount} shared with other spellings. */
const E_SHARED_ROW = 4;

/** Final flag: the labels end with the cache's tail. */
const F_TAIL = 1;
/** Final flag: the series limiter admitted it in its `limitEpoch`. */
const F_LIMIT_OK = 2;

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

function grownI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

function grownU8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}

/** Numbers handed out from 0 up, with freed ones reused first. */
class Numbering {
  top = 0;
  free: number[] = [];
  /** The next number, and whether it is new (above every earlier one). */
  take(): number {
    return this.free.length > 0 ? this.free.pop()! : this.top++;
  }
}

/**
 * The fields of the final series, by final number. Read by the scraper's hot
 * path directly; the arrays are replaced when they grow, so read them again
 * after anything that may add a series ({@linkcode SeriesCache.lookup},
 * {@linkcode SeriesCache.pin}).
 */
export class FinalFields {
  /** Offset of the encoded labels in the arena; moves on compaction. */
  labelStart = new Int32Array(64);
  /** Byte length of the encoded labels in the arena (the tail not included). */
  labelLen = new Int32Array(64);
  /** Number of labels, the tail's included. */
  labelCount = new Int32Array(64);
  /** Last scrape generation that saw it (for forgetting it). */
  seenGen = new Int32Array(64);
  /** Last generation in which it was pushed (for staleness). */
  pushedGen = new Int32Array(64);
  /** Last successful generation that pushed it. */
  okGen = new Int32Array(64);
  /** Series-limiter epoch of the limit flag. */
  limitEpoch = new Int32Array(64);
  /** Bumped whenever the number is freed, so entries can tell their final is gone. */
  version = new Int32Array(64);
  /** F_TAIL, F_LIMIT_OK. */
  flags = new Uint8Array(64);

  grow(cap: number): void {
    this.labelStart = grownI32(this.labelStart, cap);
    this.labelLen = grownI32(this.labelLen, cap);
    this.labelCount = grownI32(this.labelCount, cap);
    this.seenGen = grownI32(this.seenGen, cap);
    this.pushedGen = grownI32(this.pushedGen, cap);
    this.okGen = grownI32(this.okGen, cap);
    this.limitEpoch = grownI32(this.limitEpoch, cap);
    this.version = grownI32(this.version, cap);
    this.flags = grownU8(this.flags, cap);
  }
}

/** The fields of the entries (one per raw series text), by entry number. */
class EntryFields {
  /** Last scrape generation that looked it up. */
  gen = new Int32Array(64);
  /** Its final number; -1 when it has none (invalid, over label_limit, dropped by relabeling). */
  final = new Int32Array(64);
  /** The final's version when it was linked (a different one means the final was freed). */
  finalVersion = new Int32Array(64);
  /** E_ERROR, E_LABEL_LIMITED, E_SHARED_ROW. */
  flags = new Uint8Array(64);
  /** Row count fields, as in {@linkcode RowCount} (unless E_SHARED_ROW). */
  rowGen = new Int32Array(64);
  rowCount = new Int32Array(64);
  rowOkGen = new Int32Array(64);
  rowOkCount = new Int32Array(64);
  rowPrev = new Int32Array(64);

  grow(cap: number): void {
    this.gen = grownI32(this.gen, cap);
    this.final = grownI32(this.final, cap);
    this.finalVersion = grownI32(this.finalVersion, cap);
    this.flags = grownU8(this.flags, cap);
    this.rowGen = grownI32(this.rowGen, cap);
    this.rowCount = grownI32(this.rowCount, cap);
    this.rowOkGen = grownI32(this.rowOkGen, cap);
    this.rowOkCount = grownI32(this.rowOkCount, cap);
    this.rowPrev = grownI32(this.rowPrev, cap);
  }
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
  /** The fields of the final series. */
  readonly finals = new FinalFields();
  readonly #fNums = new Numbering();
  /** Final numbers by the hash of their key. */
  readonly #byHash = new Map<number, number>();
  /** Final numbers whose key hash collides with another's, by key. */
  readonly #collided = new Map<string, number>();
  /** Finals kept for good (auto series), not interned. */
  readonly #pinned: number[] = [];
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

  /** The bytes that {@linkcode FinalFields.labelStart} points into (replaced when it grows or is compacted). */
  get arena(): Uint8Array {
    return this.#arena;
  }

  /**
   * The encoded labels that follow the arena bytes of every final series with
   * {@linkcode SeriesCache.hasTail}: the target labels, then the external labels.
   */
  get tail(): Uint8Array {
    return this.#tailBytes;
  }

  /**
   * Tells the cache a response of `bytes` bytes is coming: before the first
   * series, the arena is sized for it at once (instead of doubling step by step).
   */
  expect(bytes: number): void {
    if (this.#arenaLen === 0 && this.#arena.length < bytes) {
      // Encoded labels take about as many bytes as the lines (the slack is given back
      // after the scrape).
      this.#arena = new Uint8Array(Math.min(2 * bytes, 64 * 1024 * 1024));
    }
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
    return (this.finals.flags[f] & F_TAIL) !== 0;
  }

  /**
   * The series limiter's verdict on final `f` in `epoch`, asking `admit` (with
   * the series key) once per epoch.
   */
  limitOk(f: number, epoch: number, admit: (key: string) => boolean): boolean {
    const fin = this.finals;
    if (fin.limitEpoch[f] !== epoch) {
      fin.limitEpoch[f] = epoch;
      if (admit(this.key(f))) fin.flags[f] |= F_LIMIT_OK;
      else fin.flags[f] &= ~F_LIMIT_OK;
    }
    return (fin.flags[f] & F_LIMIT_OK) !== 0;
  }

  /** The final labels of `f` (decoded: for slow paths only). */
  labels(f: number): Label[] {
    const start = this.finals.labelStart[f];
    const out = decodeLabels(this.#arena, start, start + this.finals.labelLen[f]);
    if (this.hasTail(f)) { for (const l of this.#tail) out.push(l); }
    return out;
  }

  /** {@linkcode seriesKey} of final `f`. */
  key(f: number): string {
    return seriesKey(this.labels(f));
  }

  /** Stores `labels` for good (auto series) and returns their final number. */
  pin(labels: readonly Label[]): number {
    const f = this.#store(labels);
    this.#pinned.push(f);
    return f;
  }

  #store(labels: readonly Label[]): number {
    const own = this.#ownLabels(labels);
    const n = encodedLabelsLength(labels, own);
    this.#reserve(n);
    const f = this.#fNums.take();
    const fin = this.finals;
    if (f >= fin.labelStart.length) fin.grow(2 * fin.labelStart.length);
    this.#stored++;
    fin.labelStart[f] = this.#arenaLen;
    fin.labelLen[f] = n;
    fin.labelCount[f] = labels.length;
    fin.seenGen[f] = 0;
    fin.pushedGen[f] = 0;
    fin.okGen[f] = -1;
    fin.limitEpoch[f] = 0;
    fin.flags[f] = own < labels.length ? F_TAIL : 0;
    this.#arenaLen = encodeLabels(labels, this.#arena, this.#arenaLen, own);
    return f;
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
      const fin = this.#intern(labels);
      f.final[e] = fin;
      f.finalVersion[e] = this.finals.version[fin];
    }
    return parsed;
  }

  #intern(labels: Label[]): number {
    const key = seriesKey(labels);
    const h = hashKey(key);
    let f = this.#byHash.get(h);
    if (f === undefined) {
      f = this.#store(labels);
      this.#byHash.set(h, f);
      return f;
    }
    if (this.key(f) === key) return f;
    f = this.#collided.get(key);
    if (f === undefined) {
      f = this.#store(labels);
      this.#collided.set(key, f);
    }
    return f;
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
    if (this.#byHash.size + this.#collided.size > 2 * series + 1024) {
      const fin = this.finals;
      const forget = (f: number) => {
        fin.version[f]++; // an entry still linked to it is rebuilt on its next lookup
        this.#fNums.free.push(f);
      };
      for (const [k, f] of this.#byHash) {
        if (fin.seenGen[f] !== gen) {
          this.#byHash.delete(k);
          forget(f);
        }
      }
      for (const [k, f] of this.#collided) {
        if (fin.seenGen[f] !== gen) {
          this.#collided.delete(k);
          forget(f);
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
    const fin = this.finals;
    let live = 0;
    for (const f of this.#byHash.values()) live += fin.labelLen[f];
    for (const f of this.#collided.values()) live += fin.labelLen[f];
    for (const f of this.#pinned) live += fin.labelLen[f];
    const old = this.#arena;
    const next = new Uint8Array(Math.max(16 * 1024, live + (live >> 2)));
    let p = 0;
    const move = (f: number) => {
      const s = fin.labelStart[f];
      next.set(old.subarray(s, s + fin.labelLen[f]), p);
      fin.labelStart[f] = p;
      p += fin.labelLen[f];
    };
    for (const f of this.#byHash.values()) move(f);
    for (const f of this.#collided.values()) move(f);
    for (const f of this.#pinned) move(f);
    this.#arena = next;
    this.#arenaLen = p;
  }

  /** Number of raw series texts cached. */
  get size(): number {
    return this.#entries.size;
  }
}

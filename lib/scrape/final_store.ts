/**
 * The final series of one target, interned by label set: their labels kept as
 * their protobuf encoding (what remote write sends) in one byte arena, the
 * target and external labels that end most of them (the "tail") encoded once,
 * and their per-series fields in typed arrays ({@linkcode FinalFields}),
 * numbered with reuse. {@linkcode SeriesCache} maps raw series text to these numbers.
 *
 * @module
 */
import { decodeLabels, encodedLabelsLength, encodeLabels, type Label } from "../util/series.ts";
import { seriesKey } from "./series_labels.ts";
import { FinalFields, Numbering } from "./_series_fields.ts";

/** Final flag: the labels end with the store's tail. */
const F_TAIL = 1;
/** Final flag: the series limiter admitted it in its `limitEpoch`. */
const F_LIMIT_OK = 2;

/**
 * A 32-bit hash of a series key (FNV-1a), under which final series are interned.
 *
 * @example
 * ```ts
 * hashKey(seriesKey([{ name: "__name__", value: "up" }])); // a 32-bit integer
 * ```
 */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * Interned final series of one target.
 *
 * @example
 * ```ts
 * const job = { name: "job", value: "j" };
 * const store = new FinalStore([job]);
 * const f = store.intern([{ name: "__name__", value: "up" }, job]);
 * store.hasTail(f); // true: only `__name__` went into the arena
 * store.labels(f); // [{ name: "__name__", value: "up" }, { name: "job", value: "j" }]
 * ```
 */
export class FinalStore {
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

  /** Creates an empty store whose series mostly end with `tail` (target, then external labels). */
  constructor(tail: readonly Label[]) {
    this.#tail = tail;
    this.#tailBytes = new Uint8Array(encodedLabelsLength(tail));
    encodeLabels(tail, this.#tailBytes, 0);
  }

  /** The bytes that {@linkcode FinalFields.labelStart} points into (replaced when it grows or is compacted). */
  get arena(): Uint8Array {
    return this.#arena;
  }

  /**
   * The encoded labels that follow the arena bytes of every final series with
   * {@linkcode FinalStore.hasTail}: the target labels, then the external labels.
   */
  get tail(): Uint8Array {
    return this.#tailBytes;
  }

  /**
   * Tells the store a response of `bytes` bytes is coming: before the first
   * series, the arena is sized for it at once (instead of doubling step by step).
   */
  expect(bytes: number): void {
    if (this.#arenaLen === 0 && this.#arena.length < bytes) {
      // Encoded labels take about as many bytes as the lines (the slack is given back
      // after the scrape).
      this.#arena = new Uint8Array(Math.min(2 * bytes, 64 * 1024 * 1024));
    }
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

  /** The final number of `labels`, storing them on first sight (labels are compared, not just hashed). */
  intern(labels: Label[]): number {
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
   * Forgets the series not seen in generation `gen` when they outnumber twice the
   * `series` that scrape had by 1024 (their numbers get a new version, so entries
   * linked to them rebuild), else gives back the arena's slack after growth.
   */
  sweep(gen: number, series: number): void {
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
}

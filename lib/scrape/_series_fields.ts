/**
 * The typed-array fields behind {@linkcode SeriesCache}: one array per field,
 * indexed by entry or final-series number, grown by doubling, and the numbering
 * that hands out and reuses those numbers. Private to `lib/scrape`.
 *
 * @module
 */

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

/**
 * Numbers handed out from 0 up, with freed ones reused first.
 *
 * @example
 * ```ts
 * const n = new Numbering();
 * n.take(); // 0
 * n.take(); // 1
 * n.free.push(0);
 * n.take(); // 0 again
 * ```
 */
export class Numbering {
  /** One above the highest number handed out so far. */
  top = 0;
  /** Freed numbers, reused before new ones. */
  free: number[] = [];
  /** The next number: a freed one if any, else `top`. */
  take(): number {
    return this.free.length > 0 ? this.free.pop()! : this.top++;
  }
}

/**
 * The fields of the final series, by final number. Read by the scraper's hot
 * path directly; the arrays are replaced when they grow, so read them again
 * after anything that may add a series ({@linkcode SeriesCache.lookup},
 * {@linkcode SeriesCache.pin}).
 *
 * @example
 * ```ts
 * const fin = new FinalFields(); // room for 64 series
 * fin.seenGen[3] = 7;
 * fin.grow(128); // values kept, new arrays
 * fin.seenGen[3]; // 7
 * ```
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

  /** Reallocates every array with room for `cap` numbers, keeping the values. */
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

/**
 * The fields of the entries (one per raw series text), by entry number.
 *
 * @example
 * ```ts
 * const e = new EntryFields();
 * e.final[0] = -1; // entry 0 has no final series
 * e.grow(128);
 * ```
 */
export class EntryFields {
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

  /** Reallocates every array with room for `cap` numbers, keeping the values. */
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

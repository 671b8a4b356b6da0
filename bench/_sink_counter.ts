/**
 * Counts what a Prometheus remote write `WriteRequest` (uncompressed protobuf)
 * carries without building objects: series, samples, staleness markers, the
 * agents' auto series (`up`, `scrape_*`), and the values of `up` and
 * `scrape_duration_seconds`, which give the scrapes delivered, the delivery
 * lag and the scrape durations. Cheap enough for the sink to keep up with
 * hundreds of thousands of samples per second.
 *
 * @module
 */

/** Cumulative counters of a sink (subtract two snapshots for a window). */
export interface SinkCounts {
  requests: number;
  /** Request bodies as received (snappy-compressed). */
  wireBytes: number;
  /** Request bodies after decompression. */
  rawBytes: number;
  series: number;
  samples: number;
  /** Samples of `up` and `scrape_*` series (the agents' auto series). */
  autoSamples: number;
  /** Samples whose value is the Prometheus staleness marker. */
  staleMarkers: number;
  /** Requests that could not be decompressed or decoded. */
  errors: number;
}

/** Samples of `up` and `scrape_duration_seconds`, in arrival order (grown by doubling). */
export class ScrapeLog {
  /** `up` samples: timestamp (ms), value, and lag = arrival - timestamp (ms). */
  upTs: Float64Array<ArrayBuffer> = new Float64Array(1024);
  upValue: Float64Array<ArrayBuffer> = new Float64Array(1024);
  upLag: Float64Array<ArrayBuffer> = new Float64Array(1024);
  upLen = 0;
  /** `scrape_duration_seconds` samples: timestamp (ms) and value (s). */
  durTs: Float64Array<ArrayBuffer> = new Float64Array(1024);
  durValue: Float64Array<ArrayBuffer> = new Float64Array(1024);
  durLen = 0;

  /** Records one `up` sample and its delivery lag (ms). */
  addUp(ts: number, value: number, lag: number): void {
    if (this.upLen === this.upTs.length) {
      this.upTs = grow(this.upTs);
      this.upValue = grow(this.upValue);
      this.upLag = grow(this.upLag);
    }
    this.upTs[this.upLen] = ts;
    this.upValue[this.upLen] = value;
    this.upLag[this.upLen++] = lag;
  }

  /** Samples other than auto series, per second of their timestamp (Unix seconds). */
  readonly targetSamplesBySecond: Map<number, number> = new Map();

  /** Target samples with a timestamp in [fromMs, toMs), counted at whole-second resolution. */
  targetSamplesIn(fromMs: number, toMs: number): number {
    let n = 0;
    for (const [sec, count] of this.targetSamplesBySecond) {
      const ms = sec * 1000;
      if (ms >= fromMs && ms < toMs) n += count;
    }
    return n;
  }

  /** Records one `scrape_duration_seconds` sample. */
  addDuration(ts: number, value: number): void {
    if (this.durLen === this.durTs.length) {
      this.durTs = grow(this.durTs);
      this.durValue = grow(this.durValue);
    }
    this.durTs[this.durLen] = ts;
    this.durValue[this.durLen++] = value;
  }
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** Thrown on a malformed `WriteRequest`. */
export class CountError extends Error {
  constructor(reason: string) {
    super(`malformed WriteRequest: ${reason}`);
    this.name = "CountError";
  }
}

const NAME = bytesOf("__name__");
const UP = bytesOf("up");
const DURATION = bytesOf("scrape_duration_seconds");
const SCRAPE_PREFIX = bytesOf("scrape_");

function bytesOf(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

const KIND_OTHER = 0;
const KIND_AUTO = 1;
const KIND_UP = 2;
const KIND_DURATION = 3;

/** A cursor over one body; methods are small so the JIT inlines them. */
class Cursor {
  buf: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(new ArrayBuffer(0));
  pos = 0;
  end = 0;

  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.end = buf.length;
  }

  varint(): number {
    const buf = this.buf;
    let p = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= this.end) throw new CountError("truncated varint");
      const b = buf[p++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = p;
        return v;
      }
      mul *= 128;
    }
    throw new CountError("varint longer than 10 bytes");
  }

  /** Reads a length prefix; returns the end of the payload. */
  lengthEnd(limit: number): number {
    const len = this.varint();
    const e = this.pos + len;
    if (e > limit) throw new CountError("length runs past its message");
    return e;
  }

  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.pos = this.lengthEnd(limit);
        return;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new CountError(`unsupported wire type ${wireType}`);
    }
    if (this.pos > limit) throw new CountError("field runs past its message");
  }
}

function equalSpan(buf: Uint8Array, from: number, to: number, want: Uint8Array): boolean {
  if (to - from !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (buf[from + i] !== want[i]) return false;
  return true;
}

function hasPrefix(buf: Uint8Array, from: number, to: number, want: Uint8Array): boolean {
  if (to - from < want.length) return false;
  for (let i = 0; i < want.length; i++) if (buf[from + i] !== want[i]) return false;
  return true;
}

/** Counts the content of `WriteRequest` bodies into shared totals; see the module docs. */
export class WriteRequestCounter {
  readonly counts: SinkCounts = {
    requests: 0,
    wireBytes: 0,
    rawBytes: 0,
    series: 0,
    samples: 0,
    autoSamples: 0,
    staleMarkers: 0,
    errors: 0,
  };
  readonly log: ScrapeLog = new ScrapeLog();
  readonly #c = new Cursor();
  // Values and timestamps of the current series, kept until its name is known.
  #vals = new Float64Array(16);
  #ts = new Float64Array(16);
  /** Staleness markers seen in the current body. */
  #stale = 0;
  /** Runs of (second, target samples) of the current body, applied once it decoded fully. */
  #runSec: number[] = [];
  #runCount: number[] = [];

  /**
   * Counts one uncompressed body received at `arrivalMs` (Unix ms). On a malformed
   * body nothing is counted and a {@linkcode CountError} is thrown.
   *
   * @example
   * ```ts
   * const counter = new WriteRequestCounter();
   * counter.count(snappyDecompress(body), Date.now());
   * counter.counts.samples;
   * ```
   */
  count(body: Uint8Array, arrivalMs: number): void {
    // Count into locals first, so a malformed body leaves the totals untouched.
    const c = this.#c;
    c.reset(body);
    let series = 0;
    let samples = 0;
    let auto = 0;
    this.#stale = 0;
    this.#runSec.length = 0;
    this.#runCount.length = 0;
    const upStart = this.log.upLen;
    const durStart = this.log.durLen;
    try {
      while (c.pos < c.end) {
        const key = c.varint();
        if (key !== 0x0a) {
          c.skip(key & 7, c.end);
          continue;
        }
        const end = c.lengthEnd(c.end);
        let kind = KIND_OTHER;
        let n = 0;
        while (c.pos < end) {
          const k = c.varint();
          if (k === 0x0a) {
            const e = c.lengthEnd(end);
            const got = this.#labelKind(e);
            if (got !== KIND_OTHER) kind = got;
            c.pos = e;
          } else if (k === 0x12) {
            const e = c.lengthEnd(end);
            if (n === this.#vals.length) this.#growSamples();
            this.#readSample(e, n++);
            c.pos = e;
          } else {
            c.skip(k & 7, end);
          }
        }
        series++;
        samples += n;
        if (kind === KIND_OTHER) {
          this.#addRuns(n);
        } else {
          auto += n;
          if (kind === KIND_UP) {
            for (let i = 0; i < n; i++) {
              this.log.addUp(this.#ts[i], this.#vals[i], arrivalMs - this.#ts[i]);
            }
          } else if (kind === KIND_DURATION) {
            for (let i = 0; i < n; i++) this.log.addDuration(this.#ts[i], this.#vals[i]);
          }
        }
      }
    } catch (e) {
      this.log.upLen = upStart;
      this.log.durLen = durStart;
      throw e;
    }
    const bySecond = this.log.targetSamplesBySecond;
    for (let i = 0; i < this.#runSec.length; i++) {
      const sec = this.#runSec[i];
      bySecond.set(sec, (bySecond.get(sec) ?? 0) + this.#runCount[i]);
    }
    const t = this.counts;
    t.requests++;
    t.rawBytes += body.length;
    t.series += series;
    t.samples += samples;
    t.autoSamples += auto;
    t.staleMarkers += this.#stale;
  }

  /** Classifies a label [pos, end): the kind of series when it is `__name__`, else KIND_OTHER. */
  #labelKind(end: number): number {
    const c = this.#c;
    let nameFrom = 0;
    let nameTo = 0;
    let valueFrom = 0;
    let valueTo = 0;
    while (c.pos < end) {
      const k = c.varint();
      if (k === 0x0a || k === 0x12) {
        const e = c.lengthEnd(end);
        if (k === 0x0a) {
          nameFrom = c.pos;
          nameTo = e;
        } else {
          valueFrom = c.pos;
          valueTo = e;
        }
        c.pos = e;
      } else {
        c.skip(k & 7, end);
      }
    }
    const buf = c.buf;
    if (!equalSpan(buf, nameFrom, nameTo, NAME)) return KIND_OTHER;
    if (equalSpan(buf, valueFrom, valueTo, UP)) return KIND_UP;
    if (!hasPrefix(buf, valueFrom, valueTo, SCRAPE_PREFIX)) return KIND_OTHER;
    return equalSpan(buf, valueFrom, valueTo, DURATION) ? KIND_DURATION : KIND_AUTO;
  }

  #readSample(end: number, i: number): void {
    const c = this.#c;
    let value = 0;
    let ts = 0;
    while (c.pos < end) {
      const k = c.varint();
      if (k === 0x09) {
        if (c.pos + 8 > end) throw new CountError("truncated sample value");
        // Compare the bits, not the number: NaN payloads need not survive a float round trip.
        if (
          c.view.getUint32(c.pos + 4, true) === 0x7ff00000 && c.view.getUint32(c.pos, true) === 2
        ) {
          this.#stale++;
        }
        value = c.view.getFloat64(c.pos, true);
        c.pos += 8;
      } else if (k === 0x10) {
        ts = c.varint();
        // Negative int64 timestamps (before 1970) are not expected from an agent.
        if (ts >= 2 ** 63) ts -= 2 ** 64;
      } else {
        c.skip(k & 7, end);
      }
    }
    this.#vals[i] = value;
    this.#ts[i] = ts;
  }

  /** Adds the current series' `n` samples to the per-second runs. */
  #addRuns(n: number): void {
    const secs = this.#runSec;
    for (let i = 0; i < n; i++) {
      const sec = Math.floor(this.#ts[i] / 1000);
      const last = secs.length - 1;
      if (last >= 0 && secs[last] === sec) this.#runCount[last]++;
      else {
        secs.push(sec);
        this.#runCount.push(1);
      }
    }
  }

  #growSamples(): void {
    this.#vals = grow(this.#vals);
    this.#ts = grow(this.#ts);
  }
}

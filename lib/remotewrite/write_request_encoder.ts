/**
 * Protobuf encoder for Prometheus remote write `WriteRequest`:
 *
 * ```proto
 * message WriteRequest { repeated TimeSeries timeseries = 1; }
 * message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * message Label        { string name = 1; string value = 2; }
 * message Sample       { double value = 1; int64 timestamp = 2; }
 * ```
 *
 * A `WriteRequest` is the concatenation of its `timeseries` records, so the
 * builder appends one record per series into a single reused buffer: each
 * record is sized first, then written in place. Zero values are omitted, as
 * proto3 (and vmagent) do.
 *
 * @module
 */
import type { Label, Sample, TimeSeries } from "../util/series.ts";
import {
  int64Size,
  utf8Length,
  varintSize,
  writeDouble,
  writeInt64,
  writeString,
  writeVarint,
} from "./_protobuf.ts";

/** Size of one sample message (without its own tag and length). */
function sampleSize(s: Sample, value: number): number {
  let n = value !== 0 ? 9 : 0;
  if (s.timestamp !== 0) n += 1 + int64Size(s.timestamp);
  return n;
}

/**
 * Appends `timeseries` records of a `WriteRequest` to one growing, reused buffer;
 * see the module docs.
 *
 * @example
 * ```ts
 * const b = new WriteRequestBuilder();
 * b.add([{ name: "__name__", value: "up" }], [{ value: 1, timestamp: 1700000000000 }]); // 36 bytes added
 * b.seriesCount; // 1
 * const body = b.bytes(); // the encoded WriteRequest (36 bytes); snappy-compress it to send
 * b.reset();
 * ```
 */
export class WriteRequestBuilder {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;
  #series = 0;
  #samples = 0;
  #labels = 0;
  /** Per label of the current series: UTF-8 lengths of name and value, and the message size. */
  #strLens = new Int32Array(64);
  /** Body length of the record last measured by recordSize. */
  #lastBody = 0;
  readonly #adjust: ((v: number) => number) | undefined;

  /**
   * @param options.initialCapacity first buffer size in bytes (it doubles as needed); default 65536
   * @param options.adjustValue applied to each value before encoding (rounding flags)
   */
  constructor(options: { initialCapacity?: number; adjustValue?: (v: number) => number } = {}) {
    this.#buf = new Uint8Array(options.initialCapacity ?? 64 * 1024);
    this.#view = new DataView(this.#buf.buffer);
    this.#adjust = options.adjustValue;
  }

  /** Encoded bytes so far. */
  get byteLength(): number {
    return this.#len;
  }
  /** Series records so far. */
  get seriesCount(): number {
    return this.#series;
  }
  /** Samples so far. */
  get sampleCount(): number {
    return this.#samples;
  }
  /** Labels so far (counted once per series). */
  get labelCount(): number {
    return this.#labels;
  }

  /**
   * Returns the encoded size of the record for `labels` with `samples[from, to)`,
   * including its tag and length prefix. Caches the string lengths for {@linkcode add}.
   */
  recordSize(
    labels: readonly Label[],
    samples: readonly Sample[],
    from = 0,
    to = samples.length,
  ): number {
    if (this.#strLens.length < labels.length * 3) {
      this.#strLens = new Int32Array(labels.length * 6);
    }
    const lens = this.#strLens;
    let body = 0;
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      const nl = utf8Length(l.name);
      const vl = utf8Length(l.value);
      let m = 0;
      if (nl > 0) m += 1 + (nl < 128 ? 1 : varintSize(nl)) + nl;
      if (vl > 0) m += 1 + (vl < 128 ? 1 : varintSize(vl)) + vl;
      lens[3 * i] = nl;
      lens[3 * i + 1] = vl;
      lens[3 * i + 2] = m;
      body += 1 + (m < 128 ? 1 : varintSize(m)) + m;
    }
    const adjust = this.#adjust;
    for (let i = from; i < to; i++) {
      const s = samples[i];
      const m = sampleSize(s, adjust === undefined ? s.value : adjust(s.value));
      body += 1 + varintSize(m) + m;
    }
    this.#lastBody = body;
    return 1 + varintSize(body) + body;
  }

  /**
   * Appends one series record with `samples[from, to)` and returns its size in bytes.
   *
   * @example
   * ```ts
   * const b = new WriteRequestBuilder();
   * b.add([{ name: "__name__", value: "up" }], [{ value: 1, timestamp: 1700000000000 }]);
   * b.bytes(); // a complete WriteRequest
   * ```
   */
  add(labels: readonly Label[], samples: readonly Sample[], from = 0, to = samples.length): number {
    const size = this.recordSize(labels, samples, from, to);
    this.#ensure(size);
    const buf = this.#buf;
    const view = this.#view;
    const lens = this.#strLens;
    const adjust = this.#adjust;
    let p = this.#len;
    buf[p++] = 0x0a; // WriteRequest.timeseries, length-delimited
    p = writeVarint(buf, p, this.#lastBody);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      const nl = lens[3 * i];
      const vl = lens[3 * i + 1];
      buf[p++] = 0x0a; // TimeSeries.labels
      p = writeVarint(buf, p, lens[3 * i + 2]);
      if (nl > 0) {
        buf[p++] = 0x0a; // Label.name
        p = writeVarint(buf, p, nl);
        p = writeString(buf, p, l.name, nl);
      }
      if (vl > 0) {
        buf[p++] = 0x12; // Label.value
        p = writeVarint(buf, p, vl);
        p = writeString(buf, p, l.value, vl);
      }
    }
    for (let i = from; i < to; i++) {
      const s = samples[i];
      const v = adjust === undefined ? s.value : adjust(s.value);
      buf[p++] = 0x12; // TimeSeries.samples
      p = writeVarint(buf, p, sampleSize(s, v));
      if (v !== 0) {
        buf[p++] = 0x09; // Sample.value, fixed64
        writeDouble(view, p, v);
        p += 8;
      }
      if (s.timestamp !== 0) {
        buf[p++] = 0x10; // Sample.timestamp, varint
        p = writeInt64(buf, p, s.timestamp);
      }
    }
    this.#len = p;
    this.#series++;
    this.#samples += to - from;
    this.#labels += labels.length;
    return size;
  }

  /**
   * Size of the record {@linkcode addEncoded} would append for `labelLen` bytes of
   * encoded labels and one sample (after `adjustValue`), tag and length included.
   */
  encodedRecordSize(labelLen: number, value: number, timestamp: number): number {
    const v = this.#adjust === undefined ? value : this.#adjust(value);
    let m = v !== 0 ? 9 : 0;
    if (timestamp !== 0) m += 1 + int64Size(timestamp);
    const body = labelLen + 1 + varintSize(m) + m;
    return 1 + varintSize(body) + body;
  }

  /**
   * Appends one series record whose labels are already encoded as `TimeSeries.labels`
   * fields (`src[start, start + len)`, then `tail` if given; `count` labels in all)
   * with one sample.
   *
   * @example
   * ```ts
   * b.addEncoded(batch.labelBuf, batch.labelStart[i], batch.labelLen[i], batch.labelCount[i], 1, ts);
   * ```
   */
  addEncoded(
    src: Uint8Array,
    start: number,
    len: number,
    count: number,
    value: number,
    timestamp: number,
    tail?: Uint8Array,
  ): void {
    const v = this.#adjust === undefined ? value : this.#adjust(value);
    let m = v !== 0 ? 9 : 0;
    if (timestamp !== 0) m += 1 + int64Size(timestamp);
    const tailLen = tail === undefined ? 0 : tail.length;
    const body = len + tailLen + 1 + (m < 128 ? 1 : varintSize(m)) + m;
    this.#ensure(1 + varintSize(body) + body);
    const buf = this.#buf;
    let p = this.#len;
    buf[p++] = 0x0a; // WriteRequest.timeseries
    p = writeVarint(buf, p, body);
    if (len < 64) {
      for (let i = 0; i < len; i++) buf[p + i] = src[start + i];
    } else {
      buf.set(src.subarray(start, start + len), p);
    }
    p += len;
    if (tailLen > 0) {
      buf.set(tail!, p);
      p += tailLen;
    }
    buf[p++] = 0x12; // TimeSeries.samples
    p = writeVarint(buf, p, m);
    if (v !== 0) {
      buf[p++] = 0x09; // Sample.value, fixed64
      writeDouble(this.#view, p, v);
      p += 8;
    }
    if (timestamp !== 0) {
      buf[p++] = 0x10; // Sample.timestamp, varint
      p = writeInt64(buf, p, timestamp);
    }
    this.#len = p;
    this.#series++;
    this.#samples++;
    this.#labels += count;
  }

  /** The WriteRequest encoded so far: a view valid until the next `add` or `reset`. */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** Makes room for `bytes` more bytes, so that the following adds do not reallocate. */
  reserve(bytes: number): void {
    this.#ensure(bytes);
  }

  /** Forgets the content, keeping the buffer for reuse. */
  reset(): void {
    this.#len = 0;
    this.#series = 0;
    this.#samples = 0;
    this.#labels = 0;
  }

  #ensure(extra: number): void {
    const need = this.#len + extra;
    if (need <= this.#buf.length) return;
    const cap = Math.max(this.#buf.length * 2, need);
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

/**
 * Encodes `series` as one `WriteRequest` (uncompressed protobuf) in a fresh buffer.
 *
 * @example
 * ```ts
 * const body = encodeWriteRequest([
 *   { labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: 1 }] },
 * ]);
 * ```
 */
export function encodeWriteRequest(series: readonly TimeSeries[]): Uint8Array {
  const b = new WriteRequestBuilder({ initialCapacity: 0 });
  let total = 0;
  for (const ts of series) total += b.recordSize(ts.labels, ts.samples);
  b.reserve(total);
  for (const ts of series) b.add(ts.labels, ts.samples);
  return b.bytes();
}

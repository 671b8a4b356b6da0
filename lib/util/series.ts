/**
 * The data types that flow from the scraper (and the push endpoints) to remote
 * write. Kept here, in a leaf module, so neither stage imports the other.
 *
 * @module
 */

/** One label of a series. The metric name is the label `__name__`. */
export interface Label {
  name: string;
  value: string;
}

/** One sample: a float value and a timestamp in milliseconds since the Unix epoch. */
export interface Sample {
  value: number;
  timestamp: number;
}

/** A series with its samples, as Prometheus remote write's `TimeSeries`. */
export interface TimeSeries {
  labels: Label[];
  samples: Sample[];
}

/**
 * Where finished batches go. `push` must never block on remote storage: it
 * queues (or drops and counts, in stateless mode) and returns at once.
 * It returns false when the data was dropped because the queue was full.
 */
export interface Sink {
  push(series: TimeSeries[]): boolean;
}

/**
 * The staleness marker: a NaN with the bits 0x7ff0000000000002, as Prometheus defines it.
 *
 * @example
 * ```ts
 * // A series that vanished from a scrape gets one stale sample.
 * sink.push([{ labels, samples: [{ value: STALE_NAN, timestamp: Date.now() }] }]);
 * isStaleNaN(STALE_NAN); // true
 * ```
 */
export const STALE_NAN: number = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 0x00000002);
  return view.getFloat64(0);
})();

const NAN_VIEW = new DataView(new ArrayBuffer(8));

/**
 * Returns true when `v` is the staleness marker: the bits of {@linkcode STALE_NAN}, or the
 * same payload with the quiet bit set (`0x7ff8000000000002`), which V8 may produce when it
 * moves the value through a double array. Encoders write the exact marker bits back.
 *
 * @example
 * ```ts
 * isStaleNaN(STALE_NAN); // true
 * isStaleNaN(NaN); // false (an ordinary NaN sample)
 * isStaleNaN(1); // false
 * ```
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  NAN_VIEW.setFloat64(0, v);
  const hi = NAN_VIEW.getUint32(0);
  return (hi === 0x7ff00000 || hi === 0x7ff80000) && NAN_VIEW.getUint32(4) === 2;
}

/**
 * Single-sample series whose labels are already encoded as protobuf
 * `TimeSeries.labels` fields (the scraper's fast path to remote write: no label
 * objects per sample, and the labels are copied into the request as bytes).
 * Series `i` has the labels `labelBuf[labelStart[i], labelStart[i] + labelLen[i])`
 * (`labelCount[i]` of them), the value `values[i]` and the timestamp
 * `timestamps[i]` (ms). The batch and its buffers are only valid during the
 * push call: consumers copy what they keep.
 */
export interface EncodedSeriesBatch {
  /** Number of series (each with one sample). */
  length: number;
  /** Holds the encoded labels of every series. */
  labelBuf: Uint8Array;
  /** Offset of each series' labels in `labelBuf`. */
  labelStart: Int32Array;
  /** Byte length of each series' labels. */
  labelLen: Int32Array;
  /** Number of labels of each series. */
  labelCount: Int32Array;
  /** Sample values. */
  values: Float64Array;
  /** Sample timestamps, milliseconds. */
  timestamps: Float64Array;
  /**
   * Encoded labels that end the label set of every series `i` with
   * `withTail[i] === 1` (the target and external labels, shared by a target's
   * series): they follow its `labelBuf` bytes and are counted in `labelCount[i]`
   * but not in `labelLen[i]`. Absent when no series has them.
   */
  tail?: Uint8Array;
  /** 1 where series `i` ends with {@linkcode EncodedSeriesBatch.tail}; absent = none does. */
  withTail?: Uint8Array;
}

/** A {@linkcode Sink} that also takes {@linkcode EncodedSeriesBatch}es. */
export interface EncodedSink extends Sink {
  /** As {@linkcode Sink.push}, for an encoded batch (valid only during the call). */
  pushEncoded(batch: EncodedSeriesBatch): boolean;
}

/**
 * True when `sink` takes encoded batches (has a `pushEncoded` method).
 *
 * @example
 * ```ts
 * isEncodedSink({ push: () => true }); // false
 * isEncodedSink({ push: () => true, pushEncoded: () => true }); // true
 * ```
 */
export function isEncodedSink(sink: Sink): sink is EncodedSink {
  return typeof (sink as Partial<EncodedSink>).pushEncoded === "function";
}

const labelEncoder = new TextEncoder();
const labelDecoder = new TextDecoder();

function utf8Len(s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) return labelEncoder.encode(s).length;
  }
  return n;
}

function varintLen(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

function putVarint(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[p++] = v;
  return p;
}

function putString(buf: Uint8Array, p: number, s: string, byteLen: number): number {
  if (byteLen === s.length) {
    for (let i = 0; i < byteLen; i++) buf[p + i] = s.charCodeAt(i);
    return p + byteLen;
  }
  labelEncoder.encodeInto(s, buf.subarray(p, p + byteLen));
  return p + byteLen;
}

/**
 * Byte length of `labels` (the first `end` of them) encoded as protobuf
 * `TimeSeries.labels` fields (empty names and values are omitted, as proto3 does).
 *
 * @example
 * ```ts
 * const labels = [{ name: "__name__", value: "up" }, { name: "job", value: "node" }];
 * encodedLabelsLength(labels); // 29
 * encodedLabelsLength(labels, 1); // 16 (only __name__)
 * ```
 */
export function encodedLabelsLength(labels: readonly Label[], end = labels.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const nl = utf8Len(labels[i].name);
    const vl = utf8Len(labels[i].value);
    let m = 0;
    if (nl > 0) m += 1 + varintLen(nl) + nl;
    if (vl > 0) m += 1 + varintLen(vl) + vl;
    n += 1 + varintLen(m) + m;
  }
  return n;
}

/**
 * Writes `labels` (the first `end` of them) as protobuf `TimeSeries.labels` fields into `buf` at `p`
 * (which must have {@linkcode encodedLabelsLength} bytes free); returns the end.
 *
 * @example
 * ```ts
 * const labels = [{ name: "__name__", value: "up" }];
 * const buf = new Uint8Array(encodedLabelsLength(labels));
 * encodeLabels(labels, buf, 0); // buf.length
 * ```
 */
export function encodeLabels(
  labels: readonly Label[],
  buf: Uint8Array,
  p: number,
  end = labels.length,
): number {
  for (let i = 0; i < end; i++) {
    const { name, value } = labels[i];
    const nl = utf8Len(name);
    const vl = utf8Len(value);
    let m = 0;
    if (nl > 0) m += 1 + varintLen(nl) + nl;
    if (vl > 0) m += 1 + varintLen(vl) + vl;
    buf[p++] = 0x0a; // TimeSeries.labels
    p = putVarint(buf, p, m);
    if (nl > 0) {
      buf[p++] = 0x0a; // Label.name
      p = putVarint(buf, p, nl);
      p = putString(buf, p, name, nl);
    }
    if (vl > 0) {
      buf[p++] = 0x12; // Label.value
      p = putVarint(buf, p, vl);
      p = putString(buf, p, value, vl);
    }
  }
  return p;
}

function getString(buf: Uint8Array, p: number, end: number): string {
  let ascii = true;
  for (let i = p; i < end; i++) {
    if (buf[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return labelDecoder.decode(buf.subarray(p, end));
  let s = "";
  for (let i = p; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

function getVarint(buf: Uint8Array, pos: { p: number }): number {
  let v = 0;
  let mul = 1;
  // At most 10 bytes (a 64-bit varint), and never past the end of the buffer.
  for (let i = 0; i < 10 && pos.p < buf.length; i++) {
    const b = buf[pos.p++];
    v += (b & 0x7f) * mul;
    if (b < 0x80) return v;
    mul *= 128;
  }
  throw new RangeError(`truncated or overlong varint at offset ${pos.p}`);
}

/**
 * Decodes labels written by {@linkcode encodeLabels} from `buf[start, end)`,
 * appending them to `out` (a new array by default).
 *
 * @example
 * ```ts
 * decodeLabels(buf, 0, buf.length); // [{ name: "__name__", value: "up" }]
 * ```
 */
export function decodeLabels(
  buf: Uint8Array,
  start: number,
  end: number,
  out: Label[] = [],
): Label[] {
  const pos = { p: start };
  while (pos.p < end) {
    pos.p++; // TimeSeries.labels tag
    const m = getVarint(buf, pos);
    const mEnd = pos.p + m;
    let name = "";
    let value = "";
    while (pos.p < mEnd) {
      const tag = buf[pos.p++];
      const n = getVarint(buf, pos);
      const s = getString(buf, pos.p, pos.p + n);
      pos.p += n;
      if (tag === 0x0a) name = s;
      else value = s;
    }
    out.push({ name, value });
  }
  return out;
}

/**
 * Converts series `[from, to)` of an encoded batch into series with label objects
 * (for sinks and paths that need them), appending each series' tail labels.
 *
 * @example
 * ```ts
 * const labels = [{ name: "__name__", value: "up" }, { name: "job", value: "node" }];
 * const buf = new Uint8Array(encodedLabelsLength(labels));
 * encodeLabels(labels, buf, 0);
 * encodedBatchToSeries({
 *   length: 1,
 *   labelBuf: buf,
 *   labelStart: Int32Array.of(0),
 *   labelLen: Int32Array.of(buf.length),
 *   labelCount: Int32Array.of(2),
 *   values: Float64Array.of(1),
 *   timestamps: Float64Array.of(1700000000000),
 * });
 * // [{ labels, samples: [{ value: 1, timestamp: 1700000000000 }] }]
 * ```
 */
export function encodedBatchToSeries(
  batch: EncodedSeriesBatch,
  from = 0,
  to: number = batch.length,
): TimeSeries[] {
  const out: TimeSeries[] = new Array(Math.max(0, to - from));
  for (let i = from; i < to; i++) {
    const s = batch.labelStart[i];
    const labels = decodeLabels(batch.labelBuf, s, s + batch.labelLen[i]);
    if (batch.withTail !== undefined && batch.withTail[i] === 1) {
      decodeLabels(batch.tail!, 0, batch.tail!.length, labels);
    }
    out[i - from] = {
      labels,
      samples: [{ value: batch.values[i], timestamp: batch.timestamps[i] }],
    };
  }
  return out;
}

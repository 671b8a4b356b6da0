/**
 * Protobuf decoder for Prometheus remote write `WriteRequest` (the uncompressed
 * body): used by the `/api/v1/write` ingest endpoint and the benchmark sink.
 * Fields other than `timeseries.labels` and `timeseries.samples` (metadata,
 * exemplars, native histograms) are skipped.
 *
 * @module
 */
import { type Label, type Sample, STALE_NAN, type TimeSeries } from "../util/series.ts";
import { isStaleMarker, ProtobufError, Reader } from "./_protobuf.ts";

export { ProtobufError } from "./_protobuf.ts";

/**
 * Decodes an uncompressed `WriteRequest`. Throws {@linkcode ProtobufError} on malformed input.
 *
 * @example
 * ```ts
 * const series = decodeWriteRequest(snappyDecompress(await req.bytes()));
 * ```
 */
export function decodeWriteRequest(bytes: Uint8Array): TimeSeries[] {
  const r = new Reader(bytes);
  const out: TimeSeries[] = [];
  while (r.pos < r.end) {
    const key = r.varint();
    if (key === 0x0a) {
      const end = r.lengthDelimitedEnd();
      out.push(readTimeSeries(r, end));
      r.pos = end;
    } else {
      r.skip(key & 7);
    }
  }
  return out;
}

function readTimeSeries(r: Reader, end: number): TimeSeries {
  const labels: Label[] = [];
  const samples: Sample[] = [];
  const outer = r.end;
  while (r.pos < end) {
    const key = r.varint();
    if (key === 0x0a) {
      const e = r.lengthDelimitedEnd();
      if (e > end) throw new ProtobufError("label runs past its series");
      labels.push(readLabel(r, e));
      r.pos = e;
    } else if (key === 0x12) {
      const e = r.lengthDelimitedEnd();
      if (e > end) throw new ProtobufError("sample runs past its series");
      samples.push(readSample(r, e));
      r.pos = e;
    } else {
      r.skip(key & 7);
    }
    if (r.pos > end || r.pos > outer) throw new ProtobufError("field runs past its series");
  }
  return { labels, samples };
}

function readLabel(r: Reader, end: number): Label {
  let name = "";
  let value = "";
  while (r.pos < end) {
    const key = r.varint();
    if (key === 0x0a || key === 0x12) {
      const e = r.lengthDelimitedEnd();
      if (e > end) throw new ProtobufError("label string runs past its label");
      const s = r.string(r.pos, e);
      if (key === 0x0a) name = s;
      else value = s;
      r.pos = e;
    } else {
      r.skip(key & 7);
    }
  }
  if (r.pos > end) throw new ProtobufError("field runs past its label");
  return { name, value };
}

function readSample(r: Reader, end: number): Sample {
  let value = 0;
  let timestamp = 0;
  while (r.pos < end) {
    const key = r.varint();
    if (key === 0x09) {
      value = r.double();
      if (value !== value && isStaleMarker(value)) value = STALE_NAN;
    } else if (key === 0x10) {
      timestamp = r.int64();
    } else {
      r.skip(key & 7);
    }
  }
  if (r.pos > end) throw new ProtobufError("field runs past its sample");
  return { value, timestamp };
}

/**
 * Counts series and samples of an uncompressed `WriteRequest` without building
 * objects (for counting sinks such as the benchmark's). Throws {@linkcode ProtobufError}
 * on malformed input.
 *
 * @example
 * ```ts
 * countWriteRequest(encodeWriteRequest(series)); // { series: 2, samples: 5 }
 * ```
 */
export function countWriteRequest(bytes: Uint8Array): { series: number; samples: number } {
  const r = new Reader(bytes);
  let series = 0;
  let samples = 0;
  while (r.pos < r.end) {
    const key = r.varint();
    if (key !== 0x0a) {
      r.skip(key & 7);
      continue;
    }
    const end = r.lengthDelimitedEnd();
    series++;
    while (r.pos < end) {
      const k = r.varint();
      if (k === 0x12) samples++;
      r.skip(k & 7);
    }
    if (r.pos !== end) throw new ProtobufError("field runs past its series");
  }
  return { series, samples };
}

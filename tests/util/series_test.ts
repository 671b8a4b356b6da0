import { deepEqual, equal, throws } from "node:assert/strict";
import {
  decodeLabels,
  encodedBatchToSeries,
  encodedLabelsLength,
  type EncodedSeriesBatch,
  encodeLabels,
  isEncodedSink,
  isStaleNaN,
  type Label,
  STALE_NAN,
} from "../../lib/util/series.ts";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";

Deno.test("encodeLabels() writes the TimeSeries.labels fields that decodeLabels() reads back", () => {
  const f = (labels: Label[]) => {
    const n = encodedLabelsLength(labels);
    const buf = new Uint8Array(n + 4);
    equal(encodeLabels(labels, buf, 2), n + 2, "end offset");
    deepEqual(decodeLabels(buf, 2, n + 2), labels);
    // The same bytes the remote write encoder writes for these labels (after its 2-byte record header).
    const wr = encodeWriteRequest([{ labels, samples: [] }]);
    deepEqual(buf.subarray(2, n + 2), wr.subarray(wr.length - n));
  };
  f([]);
  f([{ name: "__name__", value: "up" }]);
  f([{ name: "__name__", value: "m" }, { name: "path", value: "/ä/€/😀" }, {
    name: "e",
    value: "",
  }]);
  f([{ name: "long", value: "x".repeat(300) }, { name: "b", value: "y".repeat(20000) }]);
});

Deno.test("encodedBatchToSeries() decodes labels and keeps values, staleness markers and timestamps", () => {
  const sets: Label[][] = [
    [{ name: "__name__", value: "a" }],
    [{ name: "__name__", value: "b" }, { name: "k", value: "v" }],
  ];
  const buf = new Uint8Array(encodedLabelsLength(sets[0]) + encodedLabelsLength(sets[1]));
  const mid = encodeLabels(sets[0], buf, 0);
  const end = encodeLabels(sets[1], buf, mid);
  const batch: EncodedSeriesBatch = {
    length: 2,
    labelBuf: buf,
    labelStart: Int32Array.of(0, mid),
    labelLen: Int32Array.of(mid, end - mid),
    labelCount: Int32Array.of(1, 2),
    values: Float64Array.of(1.5, STALE_NAN),
    timestamps: Float64Array.of(1000, 2000),
  };
  const got = encodedBatchToSeries(batch);
  deepEqual(got.map((s) => s.labels), sets);
  deepEqual(got[0].samples, [{ value: 1.5, timestamp: 1000 }]);
  equal(isStaleNaN(got[1].samples[0].value), true);
  equal(got[1].samples[0].timestamp, 2000);
  deepEqual(encodedBatchToSeries(batch, 1, 2).map((s) => s.labels), [sets[1]]);
});

Deno.test("isEncodedSink() tells sinks with pushEncoded apart", () => {
  equal(isEncodedSink({ push: () => true }), false);
  equal(isEncodedSink({ push: () => true, pushEncoded: () => true } as never), true);
});

Deno.test("decodeLabels() throws on a truncated varint instead of reading past the buffer", () => {
  // A label message whose length varint has its continuation bit set and nothing after it.
  throws(() => decodeLabels(new Uint8Array([0x0a, 0x80]), 0, 2), RangeError);
});

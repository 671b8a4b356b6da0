/**
 * Shared cases for the WriteRequest encoder and decoder tests, and an independent
 * decoder: protobufjs with the remote write schema written here.
 *
 * @module
 */
import assert from "node:assert/strict";
import protobuf from "protobufjs";
import { isStaleNaN, STALE_NAN, type TimeSeries } from "../../lib/util/series.ts";

// An independent decoder: protobufjs with the remote write schema written here.
const root = protobuf.parse(`
syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`).root;
/** The protobufjs type of WriteRequest. */
export const WriteRequest = root.lookupType("WriteRequest");

interface PbSeries {
  labels?: { name?: string; value?: string }[];
  samples?: { value?: number; timestamp?: number | { toNumber(): number } }[];
}

/** Decodes with protobufjs. */
export function viaProtobufjs(bytes: Uint8Array): TimeSeries[] {
  const msg = WriteRequest.decode(bytes) as unknown as { timeseries?: PbSeries[] };
  return (msg.timeseries ?? []).map((ts) => ({
    labels: (ts.labels ?? []).map((l) => ({ name: l.name ?? "", value: l.value ?? "" })),
    samples: (ts.samples ?? []).map((s) => ({
      value: s.value ?? 0,
      timestamp: typeof s.timestamp === "object" ? s.timestamp.toNumber() : s.timestamp ?? 0,
    })),
  }));
}

/** Compares series treating NaN values by their bits (stale markers must survive). */
export function assertSameSeries(got: TimeSeries[], want: TimeSeries[], checkNaNBits = true): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.deepEqual(got[i].labels, want[i].labels);
    assert.equal(got[i].samples.length, want[i].samples.length);
    for (let j = 0; j < want[i].samples.length; j++) {
      const g = got[i].samples[j];
      const w = want[i].samples[j];
      assert.equal(g.timestamp, w.timestamp);
      if (Number.isNaN(w.value)) {
        assert.ok(Number.isNaN(g.value));
        if (checkNaNBits) {
          assert.equal(isStaleNaN(g.value), isStaleNaN(w.value), "stale marker bits");
        }
      } else {
        assert.equal(g.value, w.value);
      }
    }
  }
}

/** Named cases. */
export const CASES: [string, TimeSeries[]][] = [
  ["no series", []],
  ["one series, one sample", [{
    labels: [{ name: "__name__", value: "up" }, { name: "job", value: "node" }],
    samples: [{ value: 1, timestamp: 1700000000000 }],
  }]],
  ["zero value and zero timestamp (omitted fields)", [{
    labels: [{ name: "__name__", value: "z" }],
    samples: [{ value: 0, timestamp: 0 }, { value: 0, timestamp: 5 }, { value: 2, timestamp: 0 }],
  }]],
  ["empty label value and empty label name", [{
    labels: [{ name: "__name__", value: "a" }, { name: "empty", value: "" }, {
      name: "",
      value: "x",
    }],
    samples: [{ value: 3, timestamp: 1 }],
  }]],
  ["special floats and a staleness marker", [{
    labels: [{ name: "__name__", value: "f" }],
    samples: [
      { value: Infinity, timestamp: 1 },
      { value: -Infinity, timestamp: 2 },
      { value: NaN, timestamp: 3 },
      { value: STALE_NAN, timestamp: 4 },
      { value: -1.5e-300, timestamp: 5 },
      { value: Number.MAX_VALUE, timestamp: 6 },
      { value: 5e-324, timestamp: 7 },
    ],
  }]],
  ["negative and huge timestamps", [{
    labels: [{ name: "__name__", value: "t" }],
    samples: [
      { value: 1, timestamp: -1 },
      { value: 1, timestamp: -1700000000000 },
      { value: 1, timestamp: 2 ** 53 - 1 },
      { value: 1, timestamp: 127 },
      { value: 1, timestamp: 128 },
      { value: 1, timestamp: 2 ** 31 },
      { value: 1, timestamp: 2 ** 35 },
    ],
  }]],
  ["UTF-8: 2, 3 and 4 byte characters, and long strings (2-byte length varints)", [{
    labels: [
      { name: "__name__", value: "ünïcödé_€_😀" },
      { name: "path", value: "x".repeat(200) },
      { name: "long", value: "é".repeat(10000) },
    ],
    samples: [{ value: 42, timestamp: 1 }],
  }]],
  [
    "many series with many samples",
    Array.from({ length: 50 }, (_, i) => ({
      labels: [{ name: "__name__", value: `m${i}` }, { name: "i", value: String(i) }],
      samples: Array.from(
        { length: 30 },
        (_, j) => ({ value: i * 1000 + j + 0.25, timestamp: 1e12 + j * 15000 }),
      ),
    })),
  ],
];

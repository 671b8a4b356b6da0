import assert from "node:assert/strict";
import {
  encodeWriteRequest,
  WriteRequestBuilder,
} from "../../lib/remotewrite/write_request_encoder.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { STALE_NAN, type TimeSeries } from "../../lib/util/series.ts";
import { assertSameSeries, CASES, viaProtobufjs } from "./_write_request_cases.ts";

Deno.test("encodeWriteRequest() output decodes to the same series with protobufjs", () => {
  const f = (name: string, series: TimeSeries[]) => {
    const bytes = encodeWriteRequest(series);
    const got = viaProtobufjs(bytes);
    // protobufjs reads doubles through arithmetic that canonicalises NaN, so NaN bits are checked below
    assertSameSeries(got, series, false);
    assert.ok(got.length === series.length, name);
  };
  for (const [name, series] of CASES) f(name, series);
});

Deno.test("encodeWriteRequest() writes the staleness marker's exact bits (02 00 00 00 00 00 f0 7f)", () => {
  const bytes = encodeWriteRequest([{
    labels: [{ name: "__name__", value: "s" }],
    samples: [{ value: STALE_NAN, timestamp: 1 }],
  }]);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.ok(hex.includes("09" + "02" + "00".repeat(5) + "f07f"), hex);
});

Deno.test("encodeWriteRequest() restores a staleness marker V8 quieted, and keeps plain NaN", () => {
  const quiet = new DataView(new ArrayBuffer(8));
  quiet.setUint32(0, 0x7ff80000);
  quiet.setUint32(4, 2);
  const bytes = encodeWriteRequest([{
    labels: [{ name: "__name__", value: "s" }],
    samples: [{ value: quiet.getFloat64(0), timestamp: 1 }, { value: NaN, timestamp: 2 }],
  }]);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.ok(hex.includes("09" + "02" + "00".repeat(5) + "f07f" + "1001"), hex);
  assert.ok(hex.includes("09" + "00".repeat(6) + "f87f" + "1002"), hex);
});

Deno.test("WriteRequestBuilder.add() appends records and reports sizes and counts", () => {
  const b = new WriteRequestBuilder({ initialCapacity: 8 });
  const [, series] = CASES[7];
  let total = 0;
  for (const ts of series) {
    const want = b.recordSize(ts.labels, ts.samples);
    assert.equal(b.add(ts.labels, ts.samples), want);
    total += want;
  }
  assert.equal(b.byteLength, total);
  assert.equal(b.seriesCount, 50);
  assert.equal(b.sampleCount, 1500);
  assert.equal(b.labelCount, 100);
  assert.deepEqual(b.bytes(), encodeWriteRequest(series));
  b.reset();
  assert.equal(b.byteLength, 0);
  assert.equal(b.sampleCount, 0);
  b.add(series[0].labels, series[0].samples, 10, 20);
  assertSameSeries(decodeWriteRequest(b.bytes()), [{
    labels: series[0].labels,
    samples: series[0].samples.slice(10, 20),
  }]);
});

Deno.test("WriteRequestBuilder applies adjustValue to every value before encoding", () => {
  const b = new WriteRequestBuilder({ adjustValue: (v) => Math.round(v) });
  b.add([{ name: "__name__", value: "r" }], [{ value: 1.4, timestamp: 1 }, {
    value: 0.4,
    timestamp: 2,
  }]);
  assert.deepEqual(decodeWriteRequest(b.bytes())[0].samples, [{ value: 1, timestamp: 1 }, {
    value: 0,
    timestamp: 2,
  }]);
});

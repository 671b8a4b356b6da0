import assert from "node:assert/strict";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";
import {
  countWriteRequest,
  decodeWriteRequest,
} from "../../lib/remotewrite/write_request_decoder.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { assertSameSeries, CASES, WriteRequest } from "./_write_request_cases.ts";

Deno.test("decodeWriteRequest() reads protobufjs-encoded requests", () => {
  const f = (series: TimeSeries[]) => {
    const msg = WriteRequest.create({ timeseries: series });
    const bytes = WriteRequest.encode(msg).finish();
    assertSameSeries(decodeWriteRequest(bytes), series);
  };
  for (const [, series] of CASES) {
    if (series.some((s) => s.samples.some((x) => x.timestamp < 0))) continue; // protobufjs needs Long for these
    f(series);
  }
});

Deno.test("decodeWriteRequest() round-trips encodeWriteRequest() output", () => {
  for (const [, series] of CASES) {
    assertSameSeries(decodeWriteRequest(encodeWriteRequest(series)), series);
  }
});

Deno.test("decodeWriteRequest() skips unknown fields (metadata, exemplars) and throws on truncation", () => {
  const bytes = encodeWriteRequest(CASES[1][1]);
  // WriteRequest.metadata = 3 (length-delimited), a fixed32 field 9, a varint field 10
  const extra = new Uint8Array([0x1a, 3, 1, 2, 3, 0x4d, 1, 2, 3, 4, 0x50, 0x96, 0x01]);
  const both = new Uint8Array(bytes.length + extra.length);
  both.set(extra);
  both.set(bytes, extra.length);
  assertSameSeries(decodeWriteRequest(both), CASES[1][1]);
  assert.throws(
    () => decodeWriteRequest(bytes.subarray(0, bytes.length - 1)),
    /cannot unmarshal WriteRequest/,
  );
  assert.throws(
    () => decodeWriteRequest(new Uint8Array([0x0a, 0xff])),
    /cannot unmarshal WriteRequest/,
  );
  assert.throws(() => decodeWriteRequest(new Uint8Array([0x0f])), /wire type/);
});

Deno.test("countWriteRequest() counts series and samples like decodeWriteRequest()", () => {
  for (const [name, series] of CASES) {
    const bytes = encodeWriteRequest(series);
    const decoded = decodeWriteRequest(bytes);
    const want = {
      series: decoded.length,
      samples: decoded.reduce((n, ts) => n + ts.samples.length, 0),
    };
    assert.deepEqual(countWriteRequest(bytes), want, name);
  }
  assert.throws(() => countWriteRequest(new Uint8Array([0x0a, 5, 0x12, 9])), /cannot unmarshal/);
});

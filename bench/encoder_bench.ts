/**
 * Micro-benchmarks of the remote write protobuf: our `WriteRequestBuilder` and
 * `encodeWriteRequest` against protobufjs, and decoding (our decoder, the
 * benchmark sink's counter, protobufjs). Inputs: 1 and 10 scrapes of `SERIES`
 * series with one sample each.
 *
 * @module
 */
import protobuf from "protobufjs";
import { decodeWriteRequest } from "../lib/remotewrite/write_request_decoder.ts";
import {
  encodeWriteRequest,
  WriteRequestBuilder,
} from "../lib/remotewrite/write_request_encoder.ts";
import { scrapeSeries } from "./_fixtures.ts";
import { WriteRequestCounter } from "./_sink_counter.ts";

const WriteRequest = protobuf.parse(`
syntax = "proto3";
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`).root.lookupType("WriteRequest");

for (const scrapes of [1, 10]) {
  const series = scrapeSeries(scrapes);
  const n = series.length;
  const builder = new WriteRequestBuilder();
  const body = encodeWriteRequest(series).slice();
  const counter = new WriteRequestCounter();
  const pbMessage = WriteRequest.fromObject({ timeseries: series });

  Deno.bench(`WriteRequestBuilder.add, reused buffer (${n} series)`, {
    group: `encode ${n}`,
    baseline: true,
  }, () => {
    builder.reset();
    for (let i = 0; i < n; i++) builder.add(series[i].labels, series[i].samples);
    builder.bytes();
  });

  Deno.bench(`encodeWriteRequest, fresh buffer (${n} series)`, { group: `encode ${n}` }, () => {
    encodeWriteRequest(series);
  });

  Deno.bench(`protobufjs encode (${n} series)`, { group: `encode ${n}` }, () => {
    WriteRequest.encode(pbMessage).finish();
  });

  Deno.bench(`decodeWriteRequest (${n} series, ${body.length} bytes)`, {
    group: `decode ${n}`,
    baseline: true,
  }, () => {
    decodeWriteRequest(body);
  });

  Deno.bench(`bench sink's WriteRequestCounter (${n} series)`, { group: `decode ${n}` }, () => {
    counter.count(body, 1_700_000_000_000);
    counter.log.upLen = 0;
    counter.log.durLen = 0;
  });

  Deno.bench(`protobufjs decode (${n} series)`, { group: `decode ${n}` }, () => {
    WriteRequest.decode(body);
  });
}

import { deepEqual, equal, match } from "node:assert/strict";
import { createRemoteWriteHandler } from "../../lib/server/remote_write_handler.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import {
  collectingLogger,
  encodeWriteRequest,
  INFO,
  postRequest,
  recordingSink,
  snappyBlock,
} from "./_helpers.ts";

const SERIES: TimeSeries[] = [
  {
    labels: [{ name: "__name__", value: "up" }, { name: "job", value: "node" }],
    samples: [{ value: 1, timestamp: 1700000000000 }, { value: 0, timestamp: 1700000015000 }],
  },
  {
    labels: [{ name: "__name__", value: "temp" }],
    samples: [{ value: -3.5, timestamp: 1700000000000 }],
  },
];

function setup(opts: { accept?: boolean; max?: number } = {}) {
  const sink = recordingSink(opts.accept ?? true);
  const registry = new MetricsRegistry();
  const log = collectingLogger();
  const handler = createRemoteWriteHandler({
    sink,
    registry,
    log,
    now: () => 1000,
    maxInsertRequestSize: opts.max,
  });
  const counter = (id: string) => registry.counter(id).get();
  return { sink, registry, log, handler, counter };
}

const URL_BASE = "http://vmagent:8429/api/v1/write";

Deno.test("remote write handler accepts a snappy protobuf WriteRequest with 204", async () => {
  const { sink, handler, counter } = setup();
  const res = await handler(postRequest(URL_BASE, snappyBlock(encodeWriteRequest(SERIES))), INFO);
  equal(res.status, 204);
  deepEqual(sink.pushed, [SERIES]);
  equal(counter('vmagent_rows_inserted_total{type="promremotewrite"}'), 3);
  equal(
    counter('vmagent_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}'),
    1,
  );
  equal(
    counter('vmagent_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}'),
    0,
  );
  equal(counter('vm_protoparser_rows_read_total{type="promremotewrite"}'), 3);
});

Deno.test("remote write handler appends extra_label query args to every series", async () => {
  const { sink, handler } = setup();
  const url = `${URL_BASE}?extra_label=env=prod&extra_label=dc=eu%3D1`;
  const res = await handler(postRequest(url, snappyBlock(encodeWriteRequest(SERIES))), INFO);
  equal(res.status, 204);
  deepEqual(sink.pushed[0][1].labels, [
    { name: "__name__", value: "temp" },
    { name: "env", value: "prod" },
    { name: "dc", value: "eu=1" },
  ]);
});

Deno.test("remote write handler answers 400 with the reason on a bad body", async () => {
  const f = async (body: Uint8Array, url: string, want: RegExp) => {
    const { sink, handler, log, counter } = setup();
    const res = await handler(postRequest(url, body), INFO);
    equal(res.status, 400);
    equal(res.headers.get("Content-Type"), "text/plain; charset=utf-8");
    const text = await res.text();
    match(text, want);
    equal(text.endsWith("\n"), true);
    equal(sink.pushed.length, 0);
    equal(
      counter(
        'vmagent_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}',
      ),
      1,
    );
    equal(log.lines.length, 1);
    match(
      log.lines[0],
      /^warn remoteAddr: "10\.0\.0\.7:43210"; requestURI: \/api\/v1\/write[^;]*; /,
    );
  };
  const garbage = new TextEncoder().encode("garbage");
  await f(
    garbage,
    URL_BASE,
    /^cannot read prometheus remote_write data from client in 0 seconds: cannot decompress snappy-encoded request with length 7: snappy: /,
  );
  await f(
    new Uint8Array(0),
    URL_BASE,
    /cannot decompress snappy-encoded request with length 0: snappy: corrupt input/,
  );
  await f(
    snappyBlock(new Uint8Array([0x0a, 0x05, 0x0a, 0x09])),
    URL_BASE,
    /^cannot read prometheus remote_write data from client in 0 seconds: cannot unmarshal prompb\.WriteRequest with size 4 bytes: /,
  );
  await f(
    snappyBlock(encodeWriteRequest(SERIES)),
    `${URL_BASE}?extra_label=novalue`,
    /^`extra_label` query arg must have the format `name=value`; got "novalue"$/m,
  );
});

Deno.test("remote write handler counts protobuf errors", async () => {
  const { handler, counter } = setup();
  await handler(postRequest(URL_BASE, snappyBlock(new Uint8Array([0xff]))), INFO);
  equal(counter('vm_protoparser_unmarshal_errors_total{type="promremotewrite"}'), 1);
  equal(counter('vm_protoparser_read_errors_total{type="promremotewrite"}'), 1);
});

Deno.test("remote write handler enforces -maxInsertRequestSize on compressed and decoded sizes", async () => {
  const big = encodeWriteRequest(SERIES);
  const f = async (max: number, body: Uint8Array, want: RegExp) => {
    const { handler, sink } = setup({ max });
    const res = await handler(postRequest(URL_BASE, body), INFO);
    equal(res.status, 400);
    match(await res.text(), want);
    equal(sink.pushed.length, 0);
  };
  await f(10, snappyBlock(big), /too big data size exceeding -maxInsertRequestSize=10 bytes/);
  const packed = snappyBlock(new Uint8Array(big.length + 200));
  await f(packed.length + 1, packed, /cannot decompress snappy-encoded request.*exceeds the limit/);
});

Deno.test("remote write handler answers 429 when the sink refuses the data", async () => {
  const { handler, counter } = setup({ accept: false });
  const res = await handler(postRequest(URL_BASE, snappyBlock(encodeWriteRequest(SERIES))), INFO);
  equal(res.status, 429);
  match(
    await res.text(),
    /^cannot read prometheus remote_write data from client in 0 seconds: error when processing imported data: remote storage systems cannot keep up/,
  );
  equal(counter('vmagent_rows_inserted_total{type="promremotewrite"}'), 0);
  equal(
    counter('vmagent_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}'),
    1,
  );
});

Deno.test("remote write handler declines the VictoriaMetrics protocol handshake", async () => {
  const { handler, counter } = setup();
  const res = await handler(postRequest(`${URL_BASE}?get_vm_proto_version=1`, null), INFO);
  equal(res.status, 400);
  match(await res.text(), /not supported/);
  equal(
    counter('vmagent_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}'),
    0,
  );
});

Deno.test("remote write handler reads snappy sent as zstd and answers 415 to real zstd", async () => {
  const { handler, sink } = setup();
  const ok = await handler(
    postRequest(URL_BASE, snappyBlock(encodeWriteRequest(SERIES)), { "Content-Encoding": "zstd" }),
    INFO,
  );
  equal(ok.status, 204);
  equal(sink.pushed.length, 1);
  const zstdFrame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00]);
  const res = await handler(postRequest(URL_BASE, zstdFrame, { "Content-Encoding": "zstd" }), INFO);
  equal(res.status, 415);
  match(await res.text(), /cannot decompress zstd-encoded request with length 9/);
});

Deno.test("remote write handler accepts an empty WriteRequest without pushing", async () => {
  const { handler, sink } = setup({ accept: false });
  const res = await handler(postRequest(URL_BASE, snappyBlock(new Uint8Array(0))), INFO);
  equal(res.status, 204);
  equal(sink.pushed.length, 0);
});

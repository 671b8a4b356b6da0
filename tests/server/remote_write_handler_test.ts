import { deepEqual, equal, match } from "node:assert/strict";
import { zstdCompressSync } from "node:zlib";
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
    new Uint8Array([0x80]),
    URL_BASE,
    /^cannot read prometheus remote_write data from client in 0 seconds: cannot decompress snappy-encoded request with length 1: cannot read snappy header: snappy: corrupt input/,
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
  await f(
    packed.length + 1,
    packed,
    new RegExp(
      `cannot decompress snappy-encoded request with length ${packed.length}: ` +
        `too big data size ${big.length + 200} exceeding ${packed.length + 1} bytes\n$`,
    ),
  );
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
  equal(counter('vm_protoparser_read_errors_total{type="promremotewrite"}'), 1);
  equal(
    counter('vmagent_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}'),
    1,
  );
});

Deno.test("remote write handler accepts an empty WriteRequest without pushing", async () => {
  const { handler, sink } = setup({ accept: false });
  const res = await handler(postRequest(URL_BASE, snappyBlock(new Uint8Array(0))), INFO);
  equal(res.status, 204);
  equal(sink.pushed.length, 0);
});

/** A zstd frame holding `bytes` in one raw block (written by hand, not by an encoder). */
function zstdRawFrame(bytes: Uint8Array): Uint8Array {
  equal(bytes.length < 256, true);
  const n = bytes.length;
  const head = [0x28, 0xb5, 0x2f, 0xfd, 0x20, n, (n << 3) | 1, n >> 5, 0];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(bytes, head.length);
  return out;
}

/** `bytes` compressed by the zstd library built into Deno. */
function zstdBlock(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(zstdCompressSync(bytes));
}

const ZSTD = { "Content-Encoding": "zstd" };

Deno.test("remote write handler decodes zstd bodies, and falls back between zstd and snappy", async () => {
  const pb = encodeWriteRequest(SERIES);
  const f = async (body: Uint8Array, headers: HeadersInit) => {
    const { sink, handler, counter } = setup();
    const res = await handler(postRequest(URL_BASE, body, headers), INFO);
    equal(res.status, 204);
    deepEqual(sink.pushed, [SERIES]);
    equal(counter('vmagent_rows_inserted_total{type="promremotewrite"}'), 3);
    equal(counter('vm_protoparser_read_errors_total{type="promremotewrite"}'), 0);
  };
  // VictoriaMetrics remote write protocol
  await f(zstdBlock(pb), ZSTD);
  await f(zstdRawFrame(pb), ZSTD);
  // snappy under a zstd header (blocks queued on disk before a vmagent restart)
  await f(snappyBlock(pb), ZSTD);
  // zstd without the header, or under another one
  await f(zstdBlock(pb), {});
  await f(zstdRawFrame(pb), { "Content-Encoding": "snappy" });
});

Deno.test("remote write handler answers 204 to an empty body with or without zstd", async () => {
  const f = async (headers: HeadersInit) => {
    const { sink, handler, counter } = setup();
    const res = await handler(postRequest(URL_BASE, new Uint8Array(0), headers), INFO);
    equal(res.status, 204);
    equal(sink.pushed.length, 0);
    equal(counter('vm_protoparser_read_errors_total{type="promremotewrite"}'), 0);
  };
  await f(ZSTD);
  await f({});
});

Deno.test("remote write handler answers 400 with the first decoder's error when both fail", async () => {
  const f = async (body: Uint8Array, headers: HeadersInit, want: string) => {
    const { sink, handler, counter } = setup();
    const res = await handler(postRequest(URL_BASE, body, headers), INFO);
    equal(res.status, 400);
    equal(
      await res.text(),
      `cannot read prometheus remote_write data from client in 0 seconds: ${want}\n`,
    );
    equal(sink.pushed.length, 0);
    equal(counter('vm_protoparser_read_errors_total{type="promremotewrite"}'), 1);
  };
  const frame = zstdBlock(encodeWriteRequest(SERIES));
  const cut = frame.subarray(0, frame.length - 3);
  const limit = "maxDataSizeBytes=33554432";
  await f(
    cut,
    ZSTD,
    `cannot decompress zstd-encoded request with length ${cut.length}: ` +
      `cannot decompress zstd block with len=${cut.length} and ${limit}: unexpected EOF`,
  );
  await f(
    new TextEncoder().encode("garbage"),
    ZSTD,
    "cannot decompress zstd-encoded request with length 7: cannot decompress zstd block with " +
      `len=7 and ${limit}: invalid input: magic number mismatch`,
  );
  await f(
    new Uint8Array([0x80]),
    {},
    "cannot decompress snappy-encoded request with length 1: cannot read snappy header: " +
      "snappy: corrupt input: bad length header",
  );
});

Deno.test("remote write handler reports the snappy error for a corrupt zstd body without the header", async () => {
  const { handler } = setup();
  const frame = zstdBlock(encodeWriteRequest(SERIES));
  const cut = frame.subarray(0, frame.length - 3);
  const res = await handler(postRequest(URL_BASE, cut), INFO);
  equal(res.status, 400);
  match(
    await res.text(),
    new RegExp(
      "^cannot read prometheus remote_write data from client in 0 seconds: " +
        `cannot decompress snappy-encoded request with length ${cut.length}: snappy: `,
    ),
  );
});

Deno.test("remote write handler answers 400 to a zstd body that is not a WriteRequest", async () => {
  const { handler, counter } = setup();
  const res = await handler(
    postRequest(URL_BASE, zstdRawFrame(new Uint8Array([0xff])), ZSTD),
    INFO,
  );
  equal(res.status, 400);
  match(
    await res.text(),
    /^cannot read prometheus remote_write data from client in 0 seconds: cannot unmarshal prompb\.WriteRequest with size 1 bytes: /,
  );
  equal(counter('vm_protoparser_unmarshal_errors_total{type="promremotewrite"}'), 1);
});

Deno.test("remote write handler holds zstd bodies to -maxInsertRequestSize", async () => {
  const f = async (max: number, body: Uint8Array, want: string) => {
    const { handler, sink } = setup({ max });
    const res = await handler(postRequest(URL_BASE, body, ZSTD), INFO);
    equal(res.status, 400);
    equal(
      await res.text(),
      `cannot read prometheus remote_write data from client in 0 seconds: ${want}\n`,
    );
    equal(sink.pushed.length, 0);
  };
  const pb = encodeWriteRequest(SERIES);
  await f(10, zstdBlock(pb), "too big data size exceeding -maxInsertRequestSize=10 bytes");
  const zeros = zstdBlock(new Uint8Array(100_000));
  await f(
    50_000,
    zeros,
    `cannot decompress zstd-encoded request with length ${zeros.length}: cannot decompress ` +
      `zstd block with len=${zeros.length} and maxDataSizeBytes=50000: ` +
      "decompressed size exceeds configured limit",
  );
  // a decoded size of exactly the limit passes, one byte more does not
  const many = encodeWriteRequest(Array(200).fill(SERIES[0]));
  const packed = zstdBlock(many);
  await f(
    many.length - 1,
    packed,
    `cannot decompress zstd-encoded request with length ${packed.length}: cannot decompress ` +
      `zstd block with len=${packed.length} and maxDataSizeBytes=${many.length - 1}: ` +
      "decompressed size exceeds configured limit",
  );
  const { handler, sink } = setup({ max: many.length });
  const res = await handler(postRequest(URL_BASE, packed, ZSTD), INFO);
  equal(res.status, 204);
  equal(sink.pushed[0].length, 200);
});

Deno.test("remote write handler answers the get_vm_proto_version handshake with 1", async () => {
  const f = async (url: string, method: string) => {
    const { handler, sink, counter } = setup();
    const res = await handler(new Request(url, { method }), INFO);
    equal(res.status, 200);
    equal(res.headers.get("Content-Type"), "text/plain; charset=utf-8");
    equal(await res.text(), "1");
    equal(sink.pushed.length, 0);
    equal(
      counter('vmagent_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}'),
      0,
    );
    equal(counter('vm_protoparser_read_calls_total{type="promremotewrite"}'), 0);
  };
  await f(`${URL_BASE}?get_vm_proto_version=1`, "POST");
  await f(`${URL_BASE}?extra_label=novalue&get_vm_proto_version=2`, "GET");
});

Deno.test("remote write handler treats an empty get_vm_proto_version as a write", async () => {
  const { handler, sink, counter } = setup();
  const body = zstdBlock(encodeWriteRequest(SERIES));
  const res = await handler(postRequest(`${URL_BASE}?get_vm_proto_version=`, body, ZSTD), INFO);
  equal(res.status, 204);
  deepEqual(sink.pushed, [SERIES]);
  equal(
    counter('vmagent_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}'),
    1,
  );
});

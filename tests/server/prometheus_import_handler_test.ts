import { deepEqual, equal, match } from "node:assert/strict";
import { createPrometheusImportHandler } from "../../lib/server/prometheus_import_handler.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { zstdCompressSync } from "node:zlib";
import { collectingLogger, INFO, postRequest, recordingSink, snappyBlock } from "./_helpers.ts";

const NOW = 1700000000000;
const BASE = "http://vmagent:8429";

function setup(accept = true) {
  const sink = recordingSink(accept);
  const registry = new MetricsRegistry();
  const log = collectingLogger();
  const handler = createPrometheusImportHandler({ sink, registry, log, now: () => NOW });
  return { sink, registry, log, handler, counter: (id: string) => registry.counter(id).get() };
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("import handler pushes good lines, logs and skips bad ones, and answers 204", async () => {
  const { sink, log, handler, counter } = setup();
  const body = '# TYPE up gauge\nup{job="a"} 1\nbad{ line\ntemp 2.5 1699999999000\n';
  const res = await handler(postRequest(`${BASE}/api/v1/import/prometheus`, body), INFO);
  equal(res.status, 204);
  deepEqual(sink.pushed, [[
    {
      labels: [{ name: "__name__", value: "up" }, { name: "job", value: "a" }],
      samples: [{ value: 1, timestamp: NOW }],
    },
    {
      labels: [{ name: "__name__", value: "temp" }],
      samples: [{ value: 2.5, timestamp: 1699999999000 }],
    },
  ]]);
  equal(log.lines.length, 1);
  match(
    log.lines[0],
    /^error uri: \/api\/v1\/import\/prometheus, remote address: "10\.0\.0\.7:43210": cannot unmarshal Prometheus line "bad\{ line"/,
  );
  equal(counter('vmagent_rows_inserted_total{type="prometheus"}'), 2);
  equal(
    counter(
      'vmagent_http_requests_total{path="/api/v1/import/prometheus", protocol="prometheusimport"}',
    ),
    1,
  );
});

Deno.test("import handler uses the timestamp query arg for rows without one", async () => {
  const { sink, handler } = setup();
  await handler(
    postRequest(`${BASE}/api/v1/import/prometheus?timestamp=1600000000000`, "a 1\nb 2 5\n"),
    INFO,
  );
  deepEqual(sink.pushed[0].map((s) => s.samples[0].timestamp), [1600000000000, 5000]);
});

Deno.test("import handler adds extra_label args and Pushgateway path labels, answering 200 for Pushgateway paths", async () => {
  const f = async (path: string, status: number, labels: string[]) => {
    const { sink, handler } = setup();
    const res = await handler(postRequest(`${BASE}${path}`, 'm{a="1"} 1\n'), INFO);
    equal(res.status, status);
    deepEqual(sink.pushed[0][0].labels.map((l) => `${l.name}=${l.value}`), labels);
  };
  await f("/api/v1/import/prometheus?extra_label=env=dev", 204, ["__name__=m", "a=1", "env=dev"]);
  await f("/api/v1/import/prometheus/metrics/job/backup/instance/db1", 200, [
    "__name__=m",
    "a=1",
    "job=backup",
    "instance=db1",
  ]);
  // vmagent answers 200 only for a plain `/metrics/job/` path.
  await f(
    "/prometheus/api/v1/import/prometheus/metrics/job@base64/YmFja3Vw/x/?extra_label=z=9",
    204,
    [
      "__name__=m",
      "a=1",
      "job=backup",
      "z=9",
    ],
  );
});

Deno.test("import handler reads gzip, deflate, zstd and snappy bodies", async () => {
  const text = "z 7\n";
  const f = async (encoding: string, body: Uint8Array) => {
    const { sink, handler } = setup();
    const res = await handler(
      postRequest(`${BASE}/api/v1/import/prometheus`, body, { "Content-Encoding": encoding }),
      INFO,
    );
    equal(res.status, 204, encoding);
    equal(sink.pushed[0][0].samples[0].value, 7, encoding);
  };
  await f("gzip", await gzip(text));
  const deflate = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate"));
  await f("deflate", new Uint8Array(await new Response(deflate).arrayBuffer()));
  await f("zstd", zstdCompressSync(new TextEncoder().encode(text)));
  await f("snappy", snappyBlock(new TextEncoder().encode(text)));
  await f("identity", new TextEncoder().encode(text));
});

Deno.test("import handler answers 400 on unreadable requests", async () => {
  const f = async (path: string, body: Uint8Array | string, headers: HeadersInit, want: RegExp) => {
    const { sink, handler, counter, log } = setup();
    const res = await handler(postRequest(`${BASE}${path}`, body, headers), INFO);
    equal(res.status, 400);
    match(await res.text(), want);
    equal(sink.pushed.length, 0);
    equal(
      counter(
        'vmagent_http_request_errors_total{path="/api/v1/import/prometheus", protocol="prometheusimport"}',
      ),
      1,
    );
    match(log.lines[0], /^warn remoteAddr: /);
  };
  await f(
    "/api/v1/import/prometheus",
    "a 1\n",
    { "Content-Encoding": "br" },
    /^cannot decode Prometheus text exposition data: unsupported contentType: br\n$/,
  );
  await f(
    "/api/v1/import/prometheus",
    "not gzip at all",
    { "Content-Encoding": "gzip" },
    /^cannot read Prometheus exposition data: /,
  );
  await f(
    "/api/v1/import/prometheus",
    new Uint8Array([5]),
    { "Content-Encoding": "snappy" },
    /^cannot decode Prometheus text exposition data: cannot decode snappy-encoded data block: snappy: corrupt input/,
  );
  await f(
    "/api/v1/import/prometheus",
    zstdCompressSync(new TextEncoder().encode("a 1\n")).subarray(0, 8),
    { "Content-Encoding": "zstd" },
    /^cannot read Prometheus exposition data: unexpected EOF\n$/,
  );
  await f(
    "/api/v1/import/prometheus",
    "a 1\n",
    { "Content-Encoding": "zstd" },
    /^cannot read Prometheus exposition data: invalid input: magic number mismatch\n$/,
  );
  await f(
    "/api/v1/import/prometheus?timestamp=99999999999999999999",
    "a 1\n",
    {},
    /^cannot parse `timestamp=99999999999999999999` query arg: strconv.ParseInt: parsing "99999999999999999999": value out of range\n$/,
  );
  await f(
    "/api/v1/import/prometheus?timestamp=now",
    "a 1\n",
    {},
    /^cannot parse `timestamp=now` query arg/,
  );
  await f(
    "/api/v1/import/prometheus/metrics/job/x/lonely",
    "a 1\n",
    {},
    /^cannot parse pushgateway-style labels from ".*": missing value for label "lonely"/,
  );
});

Deno.test("import handler answers 429 when the sink refuses the data", async () => {
  const { handler, counter } = setup(false);
  const res = await handler(postRequest(`${BASE}/api/v1/import/prometheus`, "a 1\n"), INFO);
  equal(res.status, 429);
  match(
    await res.text(),
    /^error when processing imported data: remote storage systems cannot keep up/,
  );
  equal(counter('vmagent_rows_inserted_total{type="prometheus"}'), 0);
});

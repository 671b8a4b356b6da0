import { deepEqual, equal, throws } from "node:assert/strict";
import {
  Histogram,
  metricFamily,
  MetricsRegistry,
  PrometheusHistogram,
} from "../../lib/metrics/registry.ts";

Deno.test("writePrometheus() sorts by family first, then by identity", () => {
  const r = new MetricsRegistry();
  r.counter("foo_bar").inc();
  r.counter('foo{b="2"}').add(2);
  r.counter("foo").add(3);
  r.counter('foo{a="1"}').add(4);
  r.gauge("abc").set(0.5);
  equal(
    r.writePrometheus(),
    'abc 0.5\nfoo 3\nfoo{a="1"} 4\nfoo{b="2"} 2\nfoo_bar 1\n',
  );
});

Deno.test("writePrometheus() writes nothing for an empty registry", () => {
  equal(new MetricsRegistry().writePrometheus(), "");
});

Deno.test("writePrometheus() formats values as VictoriaMetrics does", () => {
  const f = (v: number, want: string) => {
    const r = new MetricsRegistry();
    r.gauge("g").set(v);
    equal(r.writePrometheus(), `g ${want}\n`);
  };
  f(3, "3");
  f(1.5, "1.5");
  f(12345678.5, "1.23456785e+07");
  f(NaN, "NaN");
  f(-Infinity, "-Inf");
});

Deno.test("gauge() reads its callback at exposition time", () => {
  const r = new MetricsRegistry();
  let v = 1;
  r.gauge("vmagent_remotewrite_queues", () => v);
  v = 7;
  equal(r.writePrometheus(), "vmagent_remotewrite_queues 7\n");
});

Deno.test("writePrometheus() writes histogram buckets with vmrange, then sum and count", () => {
  const r = new MetricsRegistry();
  const h = r.histogram('vm_http_request_duration_seconds{path="/metrics"}');
  h.update(0.0012);
  h.update(0.0012);
  h.update(5);
  equal(
    r.writePrometheus(),
    'vm_http_request_duration_seconds_bucket{path="/metrics",vmrange="1.136e-03...1.292e-03"} 2\n' +
      'vm_http_request_duration_seconds_bucket{path="/metrics",vmrange="4.642e+00...5.275e+00"} 1\n' +
      'vm_http_request_duration_seconds_sum{path="/metrics"} 5.0024\n' +
      'vm_http_request_duration_seconds_count{path="/metrics"} 3\n',
  );
});

Deno.test("writePrometheus() leaves out a histogram with no observations", () => {
  const r = new MetricsRegistry();
  r.histogram("vmagent_rows_per_insert");
  r.counter("c").inc();
  equal(r.writePrometheus(), "c 1\n");
});

Deno.test("Histogram puts exact powers of ten in the lower bucket and ignores bad values", () => {
  const f = (values: number[], want: [string, number][]) => {
    const h = new Histogram();
    for (const v of values) h.update(v);
    const got: [string, number][] = [];
    h.visit((range, n) => got.push([range, n]));
    deepEqual(got, want);
  };
  f([1], [["8.799e-01...1.000e+00", 1]]);
  f([0], [["0...1.000e-09", 1]]);
  f([1e19], [["1.000e+18...+Inf", 1]]);
  f([-1, NaN], []);
  f([100, 0.5], [["4.642e-01...5.275e-01", 1], ["8.799e+01...1.000e+02", 1]]);
});

Deno.test("writePrometheus() adds HELP and TYPE once per family with exposeMetadata", () => {
  const r = new MetricsRegistry();
  r.counter('vm_http_requests_total{path="/a"}').inc();
  r.counter('vm_http_requests_total{path="/b"}').inc();
  r.gauge("vm_g").set(2);
  r.histogram("vm_h").update(1);
  r.histogram("vm_empty");
  equal(
    r.writePrometheus({ exposeMetadata: true }),
    "# HELP vm_g\n# TYPE vm_g gauge\nvm_g 2\n" +
      "# HELP vm_h\n# TYPE vm_h untyped\n" +
      'vm_h_bucket{vmrange="8.799e-01...1.000e+00"} 1\nvm_h_sum 1\nvm_h_count 1\n' +
      "# HELP vm_http_requests_total\n# TYPE vm_http_requests_total counter\n" +
      'vm_http_requests_total{path="/a"} 1\nvm_http_requests_total{path="/b"} 1\n',
  );
});

Deno.test("registerWriter() appends text after the metrics until removed", () => {
  const r = new MetricsRegistry();
  r.counter("a").inc();
  const remove = r.registerWriter(() => 'dyn{url="1:secret-url"} 5\n');
  equal(r.writePrometheus(), 'a 1\ndyn{url="1:secret-url"} 5\n');
  remove();
  equal(r.writePrometheus(), "a 1\n");
});

Deno.test("counter() returns the same metric for the same identity and refuses a type clash", () => {
  const r = new MetricsRegistry();
  equal(r.counter("x"), r.counter("x"));
  throws(() => r.gauge("x"), TypeError);
  throws(() => r.counter('bad{a="1"'), TypeError);
  equal(r.unregister("x"), true);
  equal(r.unregister("x"), false);
});

Deno.test("metricFamily() returns the name before the braces", () => {
  equal(metricFamily('a_b{c="d"}'), "a_b");
  equal(metricFamily("plain"), "plain");
});

Deno.test("dump() gives every metric as plain data that survives structured cloning", () => {
  const r = new MetricsRegistry();
  r.counter('vm_promscrape_scrapes_total{status_code="200"}').add(3);
  r.gauge("vm_promscrape_active_scrapers", () => 4);
  r.histogram("vm_promscrape_scrape_duration_seconds").update(0.25);
  const d = structuredClone(r.dump());
  deepEqual(d.slice(0, 2), [
    { id: 'vm_promscrape_scrapes_total{status_code="200"}', kind: "counter", value: 3 },
    { id: "vm_promscrape_active_scrapers", kind: "gauge", value: 4 },
  ]);
  equal(d[2].kind, "histogram");
  const h = new Histogram();
  if (d[2].kind === "histogram") h.merge(d[2].state);
  const want = new Histogram();
  want.update(0.25);
  deepEqual(h.state(), want.state());
});

Deno.test("addSource() sums metrics of the same identity and kind, and adds the others", () => {
  const r = new MetricsRegistry();
  r.counter("c").add(1);
  r.gauge("g").set(2);
  r.histogram("h").update(0.25);
  r.counter("clash").add(5);
  const worker = new MetricsRegistry();
  worker.counter("c").add(10);
  worker.gauge("g").set(20);
  worker.histogram("h").update(0.25);
  worker.histogram("h").update(4);
  worker.counter("only_there").add(7);
  worker.gauge("clash").set(100); // another kind: the local metric wins
  const remove = r.addSource(() => worker.dump());
  equal(
    r.writePrometheus(),
    "c 11\nclash 5\ng 22\n" +
      'h_bucket{vmrange="2.448e-01...2.783e-01"} 2\n' +
      'h_bucket{vmrange="3.594e+00...4.084e+00"} 1\n' +
      "h_sum 4.5\nh_count 3\nonly_there 7\n",
  );
  // The sources are read at exposition time and never change the registered metrics.
  worker.counter("c").add(1);
  equal(r.writePrometheus().split("\n")[0], "c 12");
  equal(r.counter("c").get(), 1);
  remove();
  equal(r.writePrometheus().split("\n")[0], "c 1");
});

Deno.test("writePrometheus() writes Prometheus histograms with cumulative le buckets", () => {
  const f = (bounds: number[] | undefined, values: number[], want: string) => {
    const r = new MetricsRegistry();
    const h = r.prometheusHistogram('vmagent_push_seconds{path="/api/v1/write"}', bounds);
    for (const v of values) h.update(v);
    equal(r.writePrometheus(), want);
  };
  const p = 'path="/api/v1/write"';
  // Bounds are inclusive; NaN and negative values are ignored; +Inf counts everything.
  f(
    [0.1, 1, 1e6, Infinity],
    [0.1, 0.5, 1, 2e6, NaN, -1],
    [
      `vmagent_push_seconds_bucket{${p},le="0.1"} 1`,
      `vmagent_push_seconds_bucket{${p},le="1"} 3`,
      `vmagent_push_seconds_bucket{${p},le="1e+06"} 3`,
      `vmagent_push_seconds_bucket{${p},le="+Inf"} 4`,
      `vmagent_push_seconds_sum{${p}} 2.0000016e+06`,
      `vmagent_push_seconds_count{${p}} 4`,
      "",
    ].join("\n"),
  );
  // Written even when empty, with the default bounds and an integral sum as an integer.
  f(
    undefined,
    [],
    [
      ...["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
        .map((le) => `vmagent_push_seconds_bucket{${p},le="${le}"} 0`),
      `vmagent_push_seconds_sum{${p}} 0`,
      `vmagent_push_seconds_count{${p}} 0`,
      "",
    ].join("\n"),
  );
  f(
    [2],
    [3, 4],
    [
      `vmagent_push_seconds_bucket{${p},le="2"} 0`,
      `vmagent_push_seconds_bucket{${p},le="+Inf"} 2`,
      `vmagent_push_seconds_sum{${p}} 7`,
      `vmagent_push_seconds_count{${p}} 2`,
      "",
    ].join("\n"),
  );
});

Deno.test("prometheusHistogram() types the family as histogram and refuses bad bounds", () => {
  const r = new MetricsRegistry();
  r.prometheusHistogram("h", [1]).update(0.5);
  equal(
    r.writePrometheus({ exposeMetadata: true }),
    '# HELP h\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 1\nh_sum 0.5\nh_count 1\n',
  );
  throws(() => r.histogram("h"), /already registered as another type/);
  throws(() => new PrometheusHistogram([]), /can't be empty/);
  throws(() => new PrometheusHistogram([1, 1]), /strictly increasing/);
});

Deno.test("dump() and addSource() carry Prometheus histograms across registries", () => {
  const r = new MetricsRegistry();
  r.prometheusHistogram("h", [1]).update(0.5);
  r.prometheusHistogram("other_bounds", [1]).update(0.5);
  const worker = new MetricsRegistry();
  worker.prometheusHistogram("h", [1]).update(3);
  worker.prometheusHistogram("other_bounds", [2]).update(3);
  worker.prometheusHistogram("only_there", [1]).update(1);
  const dump = structuredClone(worker.dump());
  equal(dump[0].kind, "prometheus_histogram");
  r.addSource(() => dump);
  equal(
    r.writePrometheus(),
    'h_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n' +
      'only_there_bucket{le="1"} 1\nonly_there_bucket{le="+Inf"} 1\nonly_there_sum 1\nonly_there_count 1\n' +
      // Other bounds cannot be added: the local histogram wins, as for a kind clash.
      'other_bounds_bucket{le="1"} 1\nother_bounds_bucket{le="+Inf"} 1\nother_bounds_sum 0.5\n' +
      "other_bounds_count 1\n",
  );
});

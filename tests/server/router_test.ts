import { deepEqual, equal, match } from "node:assert/strict";
import { normalizePathPrefix } from "../../lib/server/router.ts";
import { HealthState } from "../../lib/server/health_state.ts";
import { encodeWriteRequest, INFO, postRequest, snappyBlock } from "./_helpers.ts";
import { BASE, expectText, setup } from "./_router_setup.ts";

Deno.test("router serves the built-in endpoints", async () => {
  const { get } = setup();
  const f = async (path: string, status: number, body: string, type?: string) => {
    const res = await get(path);
    if (type !== undefined) equal(res.headers.get("Content-Type"), type, path);
    await expectText(res, status, body);
  };
  await f("/health", 200, "OK", "text/plain; charset=utf-8");
  await f("/ping", 204, "");
  await f("/ping?verbose=true", 200, "");
  await f("/-/healthy", 200, "VictoriaMetrics is Healthy.\n");
  await f("/-/ready", 200, "VictoriaMetrics is Ready.\n");
  await f("/robots.txt", 200, "User-agent: *\nDisallow: /\n");
  await f("/metrics", 200, "m 1\n", "text/plain; charset=utf-8");
  await f("/flags", 200, '-httpListenAddr=":8429"\n', "text/plain; charset=utf-8");
  await f("/ready", 200, "OK");
});

Deno.test("router serves the favicon under any path", async () => {
  const { get, counter } = setup();
  for (const p of ["/favicon.ico", "/targets/favicon.ico"]) {
    const res = await get(p);
    equal(res.status, 200);
    equal(res.headers.get("Content-Type"), "image/x-icon");
    equal(res.headers.get("Cache-Control"), "max-age=3600");
    const bytes = new Uint8Array(await res.arrayBuffer());
    deepEqual([...bytes.subarray(0, 4)], [0, 0, 1, 0]);
  }
  equal(counter('vm_http_requests_total{path="*/favicon.ico"}'), 2);
});

Deno.test("router caches /metrics for a second", async () => {
  const { get, clock, calls, counter } = setup();
  await expectText(await get("/metrics"), 200, "m 1\n");
  clock.now += 999;
  await expectText(await get("/metrics"), 200, "m 1\n");
  clock.now += 2;
  await expectText(await get("/metrics"), 200, "m 2\n");
  equal(calls.metrics, 2);
  equal(counter('vm_http_requests_total{path="/metrics"}'), 3);
});

Deno.test("router answers /ready with 425 while scrape configs are pending", async () => {
  const { get } = setup({ pendingScrapeConfigs: () => 3 });
  const res = await get("/ready");
  equal(res.headers.get("X-Content-Type-Options"), "nosniff");
  await expectText(res, 425, "waiting for scrapes to init, left: 3\n");
});

Deno.test("router answers /health with 503 during the shutdown delay", async () => {
  const health = new HealthState();
  const { get, clock } = setup({ health });
  health.startShutdownDelay(2500, clock.now);
  await expectText(
    await get("/health"),
    503,
    "The server is in delayed shutdown mode, which will end in 2.500s\n",
  );
  clock.now += 3000;
  await expectText(
    await get("/health"),
    503,
    "The server is in delayed shutdown mode, which will end in 0.000s\n",
  );
});

Deno.test("router shows an index of the mounted endpoints on GET /", async () => {
  const { get } = setup({ pages: { targets: () => new Response("") }, reload: undefined });
  const res = await get("/");
  equal(res.headers.get("Content-Type"), "text/html; charset=utf-8");
  const html = await res.text();
  match(html, /Version v0\.1\.0/);
  match(html, /<a href="targets">targets<\/a>/);
  match(html, /<a href="metrics">metrics<\/a>/);
  match(html, /<a href="config">config<\/a>/);
  equal(html.includes("-/reload"), false);
  equal(html.includes("service-discovery"), false);
  await expectText(await get("/", { method: "POST" }), 400, 'unsupported path requested: "/"\n');
});

Deno.test("router mounts the status pages, with /prometheus aliases and // collapsed", async () => {
  const { get, counter } = setup();
  const f = async (path: string, body: string) => await expectText(await get(path), 200, body);
  await f("/targets?show_only_unhealthy=true", "targets ?show_only_unhealthy=true");
  await f("/prometheus/targets", "targets ");
  await f("//targets", "targets ");
  await f("/api/v1/targets?state=active", "api-targets ?state=active");
  await f("/service-discovery", "sd ");
  await f("/cluster", "cluster ");
  await f("/api/v1/cluster", "api-cluster ");
  equal(counter('vmagent_http_requests_total{path="/targets"}'), 3);
  equal(counter('vmagent_http_requests_total{path="/api/v1/targets"}'), 1);
});

Deno.test("router answers 400 unsupported path for unknown or unmounted paths", async () => {
  const { get, counter, log } = setup({ pages: {}, flagsText: undefined });
  const f = async (path: string, want: string) => await expectText(await get(path), 400, want);
  await f("/foo", 'unsupported path requested: "/foo"\n');
  await f("/targets", 'unsupported path requested: "/targets"\n');
  await f("/flags", 'unsupported path requested: "/flags"\n');
  await f("/a%22b", 'unsupported path requested: "/a\\"b"\n');
  equal(counter('vm_http_request_errors_total{path="*", reason="unsupported"}'), 4);
  match(
    log.lines[0],
    /^warn remoteAddr: "10\.0\.0\.7:43210"; requestURI: \/foo; unsupported path requested: "\/foo"$/,
  );
});

Deno.test("router triggers a reload on /-/reload", async () => {
  const { get, calls, counter } = setup();
  await expectText(await get("/-/reload"), 200, "");
  await expectText(await get("/prometheus/-/reload", { method: "POST" }), 200, "");
  equal(calls.reload, 2);
  equal(counter('vmagent_http_requests_total{path="/-/reload"}'), 2);
});

Deno.test("router serves the config as text and as Prometheus API JSON", async () => {
  const { get } = setup();
  const text = await get("/config");
  equal(text.headers.get("Content-Type"), "text/plain; charset=utf-8");
  await expectText(text, 200, "scrape_configs: []\n");
  const json = await get("/api/v1/status/config");
  equal(json.headers.get("Content-Type"), "application/json");
  deepEqual(await json.json(), { status: "success", data: { yaml: "scrape_configs: []\n" } });
  await expectText(await get("/prometheus/config"), 200, "scrape_configs: []\n");
});

Deno.test("router serves /target_response from a fresh scrape", async () => {
  const { get, counter } = setup();
  await expectText(await get("/target_response?id=t1"), 200, "up 1\n");
  await expectText(await get("/target_response?id=nope"), 400, "cannot find target for id=nope\n");
  await expectText(
    await get("/target_response?id=boom"),
    400,
    "cannot fetch response from id=boom: connection refused\n",
  );
  equal(counter('vmagent_http_requests_total{path="/target_response"}'), 3);
  equal(counter('vmagent_http_request_errors_total{path="/target_response"}'), 2);
});

Deno.test("router routes push requests to the ingest handlers", async () => {
  const { handler, sink } = setup();
  const series = [{
    labels: [{ name: "__name__", value: "a" }],
    samples: [{ value: 1, timestamp: 5 }],
  }];
  const body = snappyBlock(encodeWriteRequest(series));
  for (
    const p of [
      "/api/v1/write",
      "/prometheus/api/v1/write",
      "/api/v1/push",
      "/prometheus/api/v1/push",
    ]
  ) {
    equal((await handler(postRequest(BASE + p, body), INFO)).status, 204, p);
  }
  equal(
    (await handler(postRequest(`${BASE}/api/v1/import/prometheus`, "b 2\n"), INFO)).status,
    204,
  );
  equal(
    (await handler(postRequest(`${BASE}/api/v1/import/prometheus/metrics/job/j`, "b 2\n"), INFO))
      .status,
    200,
  );
  equal(sink.pushed.length, 6);
});

Deno.test("router leaves push endpoints out without ingest options", async () => {
  const { handler } = setup({ ingest: undefined });
  const res = await handler(postRequest(`${BASE}/api/v1/write`, "x"), INFO);
  await expectText(res, 400, 'unsupported path requested: "/api/v1/write"\n');
});

Deno.test("router answers CORS preflight unless -http.disableCORS", async () => {
  const on = await setup().get("/api/v1/targets", { method: "OPTIONS" });
  equal(on.status, 204);
  equal(on.headers.get("Access-Control-Allow-Origin"), "*");
  equal(on.headers.get("Access-Control-Allow-Methods"), "*");
  const off = await setup({ disableCORS: true }).get("/api/v1/targets", { method: "OPTIONS" });
  equal(off.status, 204);
  equal(off.headers.get("Access-Control-Allow-Origin"), null);
});

Deno.test("router adds the -http.header.* headers to every answer", async () => {
  const { get } = setup({
    headers: {
      hsts: "max-age=1",
      frameOptions: "DENY",
      csp: "default-src 'self'",
      serverHostname: "vm-0",
    },
  });
  for (const p of ["/health", "/foo", "/metrics", "/targets"]) {
    const res = await get(p);
    equal(res.headers.get("Strict-Transport-Security"), "max-age=1", p);
    equal(res.headers.get("X-Frame-Options"), "DENY", p);
    equal(res.headers.get("Content-Security-Policy"), "default-src 'self'", p);
    equal(res.headers.get("X-Server-Hostname"), "vm-0", p);
    await res.body?.cancel();
  }
  const plain = await setup().get("/health");
  equal(plain.headers.get("X-Server-Hostname"), null);
});

Deno.test("router serves everything under -http.pathPrefix", async () => {
  const { get } = setup({ pathPrefix: "pfx" });
  equal(normalizePathPrefix("pfx"), "/pfx/");
  const redirect = await get("/pfx");
  equal(redirect.status, 302);
  equal(redirect.headers.get("Location"), "/pfx/");
  await expectText(await get("/pfx/health"), 200, "OK");
  await expectText(await get("/pfx/targets?x=1"), 200, "targets ?x=1");
  await expectText(
    await get("/metrics"),
    400,
    'missing -http.pathPrefix="pfx" in the requested path "/metrics"\n',
  );
  const { handler } = setup({ pathPrefix: "/pfx/" });
  const res = await handler(
    postRequest(`${BASE}/pfx/api/v1/import/prometheus/metrics/job/j`, "a 1\n"),
    INFO,
  );
  equal(res.status, 200);
});

Deno.test("router turns a failing handler into a 500", async () => {
  const { get, log } = setup({ pages: { targets: () => Promise.reject(new Error("bug")) } });
  await expectText(await get("/targets"), 500, "bug\n");
  match(log.lines.at(-1)!, /^error unexpected error serving GET \/targets: bug$/);
});

Deno.test("router counts every request in vm_http_requests_all_total", async () => {
  const { get, counter } = setup();
  for (const p of ["/health", "/foo", "/metrics"]) await (await get(p)).body?.cancel();
  equal(counter("vm_http_requests_all_total"), 3);
});

import { deepEqual, equal, match } from "node:assert/strict";
import { createHandler, normalizePathPrefix } from "../../lib/server/router.ts";
import type { RouterOptions } from "../../lib/server/router_options.ts";
import { HealthState } from "../../lib/server/health_state.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import {
  collectingLogger,
  encodeWriteRequest,
  INFO,
  postRequest,
  recordingSink,
  snappyBlock,
} from "./_helpers.ts";

const BASE = "http://vmagent:8429";

function setup(over: Partial<RouterOptions> = {}) {
  const registry = new MetricsRegistry();
  const log = collectingLogger();
  const calls = { reload: 0, metrics: 0 };
  const sink = recordingSink();
  const clock = { now: 1_000_000 };
  const page = (name: string) => (req: Request) =>
    new Response(`${name} ${new URL(req.url).search}`);
  const handler = createHandler({
    version: "v0.1.0",
    registry,
    log,
    now: () => clock.now,
    metricsText: () => `m ${++calls.metrics}\n`,
    flagsText: () => '-httpListenAddr=":8429"\n',
    configText: () => "scrape_configs: []\n",
    reload: () => calls.reload++,
    pendingScrapeConfigs: () => 0,
    targetResponse: (id) => {
      if (id === "boom") return Promise.reject(new Error("connection refused"));
      return Promise.resolve(id === "t1" ? "up 1\n" : undefined);
    },
    pages: {
      targets: page("targets"),
      apiTargets: page("api-targets"),
      serviceDiscovery: page("sd"),
      cluster: page("cluster"),
      apiCluster: page("api-cluster"),
    },
    ingest: { sink, now: () => clock.now },
    ...over,
  });
  const get = (path: string, init: RequestInit = {}) =>
    handler(new Request(BASE + path, init), INFO);
  const counter = (id: string) => registry.counter(id).get();
  return { handler, get, registry, log, calls, sink, clock, counter };
}

async function expectText(res: Response, status: number, body: string | RegExp): Promise<void> {
  equal(res.status, status);
  const text = await res.text();
  if (typeof body === "string") equal(text, body);
  else match(text, body);
}

const basic = (user: string, pass: string) => ({
  Authorization: "Basic " + btoa(`${user}:${pass}`),
});

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

Deno.test("router keeps -httpAuth off /health and the other probe endpoints", async () => {
  const { get } = setup({ auth: { username: "admin", password: "pw" } });
  for (const p of ["/health", "/ping", "/-/healthy", "/-/ready", "/robots.txt", "/favicon.ico"]) {
    const res = await get(p);
    equal(res.status < 300, true, p);
    await res.body?.cancel();
  }
});

Deno.test("router requires -httpAuth credentials everywhere else", async () => {
  const { get, counter } = setup({ auth: { username: "admin", password: "pw" } });
  const f = async (path: string, headers: HeadersInit, status: number) => {
    const res = await get(path, { headers });
    equal(res.status, status, `${path} ${JSON.stringify(headers)}`);
    if (status === 401) {
      equal(res.headers.get("WWW-Authenticate"), 'Basic realm="VictoriaMetrics"');
      equal(await res.text(), "\n");
    } else {
      await res.body?.cancel();
    }
  };
  for (
    const p of [
      "/targets",
      "/metrics",
      "/flags",
      "/config",
      "/-/reload",
      "/ready",
      "/",
      "/api/v1/status/config",
    ]
  ) {
    await f(p, {}, 401);
    await f(p, basic("admin", "pw"), 200);
  }
  await f("/targets", basic("admin", "wrong"), 401);
  await f("/targets", basic("root", "pw"), 401);
  await f("/targets", { Authorization: "Bearer pw" }, 401);
  await f("/foo", {}, 401);
  await f("/foo", basic("admin", "pw"), 400);
  equal(counter('vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}'), 2);
});

Deno.test("router checks the auth keys, which replace -httpAuth on their pages", async () => {
  const auth = {
    username: "admin",
    password: "pw",
    metricsAuthKey: "mk",
    flagsAuthKey: "fk",
    configAuthKey: "ck",
    reloadAuthKey: "rk",
  };
  const { get, counter, calls } = setup({ auth });
  const f = async (path: string, status: number, body?: string) => {
    const res = await get(path);
    equal(res.status, status, path);
    const text = await res.text();
    if (body !== undefined) equal(text, body, path);
  };
  const cases: [string, string, string][] = [
    ["/metrics", "mk", "metricsAuthKey"],
    ["/flags", "fk", "flagsAuthKey"],
    ["/config", "ck", "configAuthKey"],
    ["/api/v1/status/config", "ck", "configAuthKey"],
    ["/-/reload", "rk", "reloadAuthKey"],
  ];
  for (const [path, key, flag] of cases) {
    await f(path, 401, `Expected to receive non-empty authKey when -${flag} is set\n`);
    await f(`${path}?authKey=bad`, 401, `The provided authKey doesn't match -${flag}\n`);
    await f(`${path}?authKey=${key}`, 200);
  }
  equal(counter('vm_http_request_errors_total{path="*", reason="wrong_auth_key"}'), 10);
  equal(calls.reload, 1);
  // The other pages still need Basic auth.
  await f("/targets?authKey=mk", 401);
});

Deno.test("router reads authKey from an urlencoded POST body too", async () => {
  const { handler, calls } = setup({ auth: { reloadAuthKey: "rk" } });
  const req = new Request(`${BASE}/-/reload?authKey=bad`, {
    method: "POST",
    body: "authKey=rk",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  equal((await handler(req, INFO)).status, 200);
  equal(calls.reload, 1);
});

Deno.test("router counts every request in vm_http_requests_all_total", async () => {
  const { get, counter } = setup();
  for (const p of ["/health", "/foo", "/metrics"]) await (await get(p)).body?.cancel();
  equal(counter("vm_http_requests_all_total"), 3);
});

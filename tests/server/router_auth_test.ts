/**
 * The router's access control: `-httpAuth.*` on everything but the probe endpoints, and
 * the `*AuthKey` flags on their pages, combined as vmagent's `lib/httpserver` does.
 */
import { equal } from "node:assert/strict";
import { encodeWriteRequest, INFO, postRequest, snappyBlock } from "./_helpers.ts";
import { BASE, basic, setup } from "./_router_setup.ts";

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

Deno.test("router requires -httpAuth credentials on the push, status and relabel endpoints", async () => {
  const { handler, sink } = setup({
    auth: { username: "admin", password: "pw" },
    remoteWriteRelabelConfigText: () => "- action: drop\n",
    remoteWriteURLRelabelConfigText: () => "",
  });
  const rw = snappyBlock(encodeWriteRequest([{
    labels: [{ name: "__name__", value: "a" }],
    samples: [{ value: 1, timestamp: 5 }],
  }]));
  const f = async (path: string, body: Uint8Array | string | null, want: number) => {
    for (
      const [headers, status] of [[{}, 401], [basic("admin", "nope"), 401], [
        basic("admin", "pw"),
        want,
      ]] as const
    ) {
      const req = body === null
        ? new Request(BASE + path, { headers })
        : postRequest(BASE + path, body, headers);
      const res = await handler(req, INFO);
      equal(res.status, status, `${path} ${JSON.stringify(headers)}`);
      if (status === 401) {
        equal(res.headers.get("WWW-Authenticate"), 'Basic realm="VictoriaMetrics"');
      }
      await res.body?.cancel();
    }
  };
  await f("/api/v1/write", rw, 204);
  await f("/prometheus/api/v1/push", rw, 204);
  await f("/api/v1/import/prometheus", "b 2\n", 204);
  await f("/service-discovery", null, 200);
  await f("/api/v1/targets", null, 200);
  await f("/cluster", null, 200);
  await f("/target_response?id=t1", null, 200);
  await f("/remotewrite-relabel-config", null, 200);
  await f("/api/v1/status/remotewrite-url-relabel-config", null, 200);
  // Only the admitted pushes reached the sink.
  equal(sink.pushed.length, 3);
});

Deno.test("router checks -configAuthKey after -httpAuth on the relabel config pages, as vmagent", async () => {
  // vmagent exempts from Basic auth only the paths ending in /config or /reload.
  const { get } = setup({
    auth: { username: "admin", password: "pw", configAuthKey: "ck" },
    remoteWriteRelabelConfigText: () => "- action: drop\n",
    remoteWriteURLRelabelConfigText: () => "- action: keep\n",
  });
  const f = async (path: string, headers: HeadersInit, status: number, body?: string) => {
    const res = await get(path, { headers });
    equal(res.status, status, `${path} ${JSON.stringify(headers)}`);
    const text = await res.text();
    if (body !== undefined) equal(text, body, path);
  };
  const ok = basic("admin", "pw");
  for (const p of ["/remotewrite-relabel-config", "/api/v1/status/remotewrite-relabel-config"]) {
    await f(`${p}?authKey=ck`, {}, 401, "\n");
    await f(p, ok, 401, "Expected to receive non-empty authKey when -configAuthKey is set\n");
    await f(`${p}?authKey=x`, ok, 401, "The provided authKey doesn't match -configAuthKey\n");
  }
  await f("/remotewrite-relabel-config?authKey=ck", ok, 200, "- action: drop\n");
  await f("/remotewrite-url-relabel-config?authKey=ck", ok, 200, "- action: keep\n");
  await f(
    "/api/v1/status/remotewrite-relabel-config?authKey=ck",
    ok,
    200,
    '{"status":"success","data":{"yaml":"- action: drop\\n"}}',
  );
  // /config ends in /config: the key alone admits, without Basic auth.
  await f("/config?authKey=ck", {}, 200, "scrape_configs: []\n");
});

Deno.test("router leaves every endpoint open when no credentials are configured", async () => {
  const { get } = setup({
    remoteWriteRelabelConfigText: () => "",
    remoteWriteURLRelabelConfigText: () => "",
  });
  const paths = [
    "/",
    "/metrics",
    "/flags",
    "/config",
    "/api/v1/status/config",
    "/remotewrite-relabel-config",
    "/remotewrite-url-relabel-config",
    "/targets",
    "/service-discovery",
    "/api/v1/targets",
    "/target_response?id=t1",
    "/-/reload",
    "/ready",
  ];
  for (const p of paths) {
    const res = await get(p);
    equal(res.status, 200, p);
    await res.body?.cancel();
  }
});

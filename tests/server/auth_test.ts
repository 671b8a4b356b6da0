import { deepEqual, equal } from "node:assert/strict";
import {
  checkAuthKey,
  checkBasicAuth,
  formValue,
  isProtectedByAuthKey,
  parseBasicAuth,
} from "../../lib/server/auth.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";

Deno.test("parseBasicAuth() decodes user and password, splitting at the first colon", () => {
  const f = (h: string | null, want: ReturnType<typeof parseBasicAuth>) =>
    deepEqual(parseBasicAuth(h), want);
  f("Basic " + btoa("admin:p:w"), { user: "admin", password: "p:w" });
  f("basic " + btoa("a:"), { user: "a", password: "" });
  f("Basic " + btoa(String.fromCharCode(0xc3, 0xa9) + ":x"), { user: "é", password: "x" });
  f("Basic " + btoa("nocolon"), undefined);
  f("Basic !!!", undefined);
  f("Bearer abc", undefined);
  f(null, undefined);
});

Deno.test("checkBasicAuth() passes everything when no username is set", () => {
  equal(checkBasicAuth(new Request("http://x/"), {}), undefined);
  equal(checkBasicAuth(new Request("http://x/"), { username: "", password: "pw" }), undefined);
});

Deno.test("checkBasicAuth() counts only wrong credentials, not missing ones", () => {
  const registry = new MetricsRegistry();
  const auth = { username: "u", password: "p" };
  const req = (h?: string) => new Request("http://x/", { headers: h ? { Authorization: h } : {} });
  equal(checkBasicAuth(req(), auth, registry)?.status, 401);
  equal(checkBasicAuth(req("Basic " + btoa("u:x")), auth, registry)?.status, 401);
  equal(checkBasicAuth(req("Basic " + btoa("u:p")), auth, registry), undefined);
  equal(
    registry.counter('vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}').get(),
    1,
  );
});

Deno.test("checkAuthKey() falls back to Basic auth without a key", async () => {
  const url = new URL("http://x/metrics");
  const res = await checkAuthKey(new Request(url), url, { name: "metricsAuthKey", value: "" }, {
    auth: { username: "u", password: "p" },
    registry: new MetricsRegistry(),
  });
  equal(res?.status, 401);
  equal(res?.headers.get("WWW-Authenticate"), 'Basic realm="VictoriaMetrics"');
});

Deno.test("formValue() prefers an urlencoded body over the query string", async () => {
  const f = async (init: RequestInit, query: string, want: string) => {
    const url = new URL(`http://x/-/reload${query}`);
    const req = new Request(url, init);
    equal(await formValue(req, url, "authKey"), want);
    if (req.body !== null) equal(req.bodyUsed, false);
  };
  const form = { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" };
  await f({}, "?authKey=q", "q");
  await f({ method: "POST", body: "authKey=b", headers: form }, "?authKey=q", "b");
  await f({ method: "POST", body: "other=1", headers: form }, "?authKey=q", "q");
  await f({ method: "POST", body: "authKey=b", headers: { "Content-Type": "text/plain" } }, "", "");
  await f({}, "", "");
});

Deno.test("isProtectedByAuthKey() matches the paths ending in /config or /reload", () => {
  const f = (p: string, want: boolean) => equal(isProtectedByAuthKey(p), want, p);
  f("/config", true);
  f("/api/v1/status/config", true);
  f("/prometheus/-/reload", true);
  f("/remotewrite-relabel-config", false);
  f("/targets", false);
});

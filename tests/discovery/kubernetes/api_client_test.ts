import assert from "node:assert/strict";
import type { HTTPClientConfig } from "../../../lib/config/types.ts";
import { createApiClient } from "../../../lib/discovery/kubernetes/api_client.ts";

const SERVER = "http://k8s.local:8080";

/** A transport answering 404 to the paths in `missing`, 200 otherwise; records what it got. */
function transport(missing: string[]) {
  const seen: { url: string; headers: Headers }[] = [];
  return {
    seen,
    fetch: (input: string | URL, init: RequestInit) => {
      const url = String(input);
      seen.push({ url: url.slice(SERVER.length), headers: new Headers(init.headers) });
      const status = missing.some((p) => url.startsWith(SERVER + p)) ? 404 : 200;
      return Promise.resolve(new Response(`{"code":${status}}`, { status }));
    },
  };
}

Deno.test("createApiClient() falls back to v1beta1 for ingresses and endpointslices after a 404", async () => {
  const f = async (missing: string[], paths: string[], want: string[], wantStatus: number[]) => {
    const t = transport(missing);
    const api = createApiClient({
      server: SERVER,
      http: { headers: [], followRedirects: true },
      namespaces: [],
    }, {
      fetch: t.fetch,
    });
    const got: number[] = [];
    for (const p of paths) {
      const resp = await api.request(SERVER + p, new AbortController().signal);
      await resp.body?.cancel();
      got.push(resp.status);
    }
    api.close();
    assert.deepEqual(t.seen.map((s) => s.url), want);
    assert.deepEqual(got, wantStatus);
  };
  const ing = "/apis/networking.k8s.io/v1/ingresses?watch=1";
  const ingBeta = "/apis/networking.k8s.io/v1beta1/ingresses?watch=1";
  const eps = "/apis/discovery.k8s.io/v1/namespaces/a/endpointslices";
  const epsBeta = "/apis/discovery.k8s.io/v1beta1/namespaces/a/endpointslices";
  // An old API server: v1 is missing, v1beta1 answers; later requests go to v1beta1 directly.
  await f(["/apis/networking.k8s.io/v1/"], [ing, ing], [ing, ingBeta, ingBeta], [200, 200]);
  await f(["/apis/discovery.k8s.io/v1/"], [eps, eps], [eps, epsBeta, epsBeta], [200, 200]);
  // Each group switches on its own: a missing networking v1 leaves discovery on v1.
  await f(["/apis/networking.k8s.io/v1/"], [ing, eps], [ing, ingBeta, eps], [200, 200]);
  // Neither version served: the 404 of v1beta1 is the answer, and v1beta1 stays in use.
  await f(
    ["/apis/networking.k8s.io/"],
    [ing, ing],
    [ing, ingBeta, ingBeta],
    [404, 404],
  );
  // The core API has no fallback: its 404 is returned as is.
  await f(["/api/v1/"], ["/api/v1/pods"], ["/api/v1/pods"], [404]);
  // A current server never sees v1beta1.
  await f([], [ing, eps], [ing, eps], [200, 200]);
});

Deno.test("createApiClient() sends JSON Accept, vmagent's User-Agent and the configured auth", async () => {
  const f = async (http: HTTPClientConfig, wantAuth: string | null) => {
    const t = transport([]);
    const api = createApiClient({ server: SERVER, http, namespaces: [] }, { fetch: t.fetch });
    const resp = await api.request(`${SERVER}/api/v1/pods`, new AbortController().signal);
    await resp.body?.cancel();
    api.close();
    const [{ headers }] = t.seen;
    assert.equal(headers.get("accept"), "application/json");
    assert.equal(headers.get("user-agent"), "vm_promscrape");
    assert.equal(headers.get("authorization"), wantAuth);
  };
  const base = { headers: [], followRedirects: true };
  await f(base, null);
  await f({ ...base, bearerToken: "t0k" }, "Bearer t0k");
  await f({ ...base, basicAuth: { username: "u", password: "p" } }, `Basic ${btoa("u:p")}`);
});

import assert from "node:assert/strict";
import { createKubernetesDiscoverer } from "../../../lib/discovery/kubernetes/discoverer.ts";
import type { DiscoveredGroup } from "../../../lib/discovery/types.ts";
import { FakeApi, UpdateLog } from "./_fake_api.ts";
import {
  addresses,
  label,
  LIST_QUERY,
  sdConfig,
  testOptions,
  WATCH_QUERY,
} from "./_discoverer_util.ts";
import { fixtureText } from "./_util.ts";

Deno.test("kubernetes discoverer puts namespaces and selectors in the request URLs", async () => {
  const empty =
    '{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":[]}';
  const base = "/api/v1/namespaces";
  const api = new FakeApi().list(`${base}/x/services`, empty).list(`${base}/y/services`, empty);
  const d = createKubernetesDiscoverer(
    sdConfig(api.url, {
      role: "service",
      namespaces: { ownNamespace: false, names: ["x", "y"] },
      selectors: [
        { role: "service", label: "app in (a, b)" },
        { role: "service", field: "metadata.name!=kubernetes" },
        { role: "pod", label: "ignored=true" },
      ],
    }),
    testOptions(api.fetch),
  );
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    assert.deepEqual(await log.nth(1), []);
    await api.waitForRequests(4);
    const q = "labelSelector=app+in+%28a%2C+b%29&fieldSelector=metadata.name%21%3Dkubernetes";
    assert.deepEqual(api.urls().sort(), [
      `${base}/x/services?${q}&${LIST_QUERY}`,
      `${base}/x/services?${q}&${WATCH_QUERY}&resourceVersion=7`,
      `${base}/y/services?${q}&${LIST_QUERY}`,
      `${base}/y/services?${q}&${WATCH_QUERY}&resourceVersion=7`,
    ]);
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
});

Deno.test("kubernetes discoverers asking the same question share one watcher", async () => {
  const api = new FakeApi()
    .list("/api/v1/pods", fixtureText("pods.json"))
    .list("/api/v1/namespaces/other/pods", fixtureText("pods_relist.json"));
  const opts = testOptions(api.fetch);
  const cfg = sdConfig(api.url);
  const stop = new AbortController();
  const logs = [0, 1, 2].map(() => new UpdateLog<DiscoveredGroup[]>());
  const runs = [
    createKubernetesDiscoverer(cfg, opts).run(logs[0].push, stop.signal),
    createKubernetesDiscoverer({ ...cfg }, opts).run(logs[1].push, stop.signal),
    createKubernetesDiscoverer(
      sdConfig(api.url, { namespaces: { ownNamespace: false, names: ["other"] } }),
      opts,
    ).run(logs[2].push, stop.signal),
  ];
  try {
    const [a, b, c] = await Promise.all(logs.map((l) => l.nth(1)));
    assert.equal(a, b); // the very same list, computed once
    assert.deepEqual(addresses(a), ["172.17.0.2:1234"]);
    assert.deepEqual(addresses(c), ["10.244.0.8:9100", "172.17.0.2:1234"]);
    await api.waitForRequests(4);
    const lists = api.urls().filter((u) => !u.includes("watch=1"));
    assert.deepEqual(lists.sort(), [
      `/api/v1/namespaces/other/pods?${LIST_QUERY}`,
      `/api/v1/pods?${LIST_QUERY}`,
    ]);
  } finally {
    stop.abort();
    await Promise.all(runs);
    await api.close();
  }
});

Deno.test("kubernetes discoverer joins endpoints with pods and services and follows pod changes", async () => {
  const podList = JSON.stringify({
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: "10" },
    items: [{
      metadata: { name: "api-0", namespace: "default", uid: "u0" },
      spec: {
        nodeName: "n1",
        containers: [{
          name: "app",
          image: "api:1",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        }],
      },
      status: {
        phase: "Running",
        podIP: "10.0.0.5",
        hostIP: "192.168.1.1",
        conditions: [{ type: "Ready", status: "True" }],
      },
    }],
  });
  const serviceList = JSON.stringify({
    kind: "ServiceList",
    apiVersion: "v1",
    metadata: { resourceVersion: "11" },
    items: [{
      metadata: { name: "api", namespace: "default", labels: { app: "api" } },
      spec: {
        type: "ClusterIP",
        clusterIP: "10.96.0.20",
        ports: [{ name: "http", port: 80, protocol: "TCP" }],
      },
    }],
  });
  const endpointsList = JSON.stringify({
    kind: "EndpointsList",
    apiVersion: "v1",
    metadata: { resourceVersion: "12" },
    items: [{
      metadata: { name: "api", namespace: "default" },
      subsets: [{
        addresses: [{
          ip: "10.0.0.5",
          nodeName: "n1",
          targetRef: { kind: "Pod", namespace: "default", name: "api-0" },
        }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      }],
    }],
  });
  const podModified = JSON.stringify({
    type: "MODIFIED",
    object: {
      kind: "Pod",
      apiVersion: "v1",
      metadata: { name: "api-0", namespace: "default", uid: "u0", resourceVersion: "13" },
      spec: {
        nodeName: "n1",
        containers: [{
          name: "app",
          image: "api:1",
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        }],
      },
      status: {
        phase: "Running",
        podIP: "10.0.0.5",
        hostIP: "192.168.1.1",
        conditions: [{ type: "Ready", status: "False" }],
      },
    },
  });
  const api = new FakeApi()
    .list("/api/v1/pods", podList)
    .list("/api/v1/services", serviceList)
    .list("/api/v1/endpoints", endpointsList)
    .watch("/api/v1/pods", { lines: [podModified], end: "hang" });
  const d = createKubernetesDiscoverer(
    sdConfig(api.url, { role: "endpoints" }),
    testOptions(api.fetch),
  );
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    const [first] = await log.nth(1);
    assert.equal(first.targets[0], "10.0.0.5:8080");
    const want: Record<string, string> = {
      "__meta_kubernetes_endpoints_name": "api",
      "__meta_kubernetes_service_name": "api",
      "__meta_kubernetes_service_label_app": "api",
      "__meta_kubernetes_service_cluster_ip": "10.96.0.20",
      "__meta_kubernetes_pod_name": "api-0",
      "__meta_kubernetes_pod_container_name": "app",
      "__meta_kubernetes_pod_container_port_number": "8080",
      "__meta_kubernetes_pod_ready": "true",
    };
    for (const [k, v] of Object.entries(want)) assert.equal(label(first, k), v, k);
    // The pod becomes not ready: the endpoints target is recomputed.
    const [second] = await log.nth(2);
    assert.equal(label(second, "__meta_kubernetes_pod_ready"), "false");
    // Dependencies are started before the role itself, as in vmagent.
    assert.deepEqual(api.urls().slice(0, 3), [
      `/api/v1/pods?${LIST_QUERY}`,
      `/api/v1/services?${LIST_QUERY}`,
      `/api/v1/endpoints?${LIST_QUERY}`,
    ]);
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
});

Deno.test("kubernetes discoverer reports an empty list and the error while the API fails", async () => {
  const api = new FakeApi()
    .list(
      "/api/v1/nodes",
      { status: 403, body: '{"kind":"Status","code":403}' },
      fixtureText("nodes.json"),
    );
  const d = createKubernetesDiscoverer(sdConfig(api.url, { role: "node" }), testOptions(api.fetch));
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    assert.deepEqual(await log.nth(1), []);
    const second = await log.nth(2);
    assert.deepEqual(addresses(second), ["172.17.0.2:10250"]);
    assert.equal(label(second[0], "instance"), "m01");
    assert.equal(d.lastError?.(), "");
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
});

Deno.test("kubernetes discoverer reports [] and an error when the API cannot be configured", async () => {
  const d = createKubernetesDiscoverer(sdConfig("", { apiServer: undefined }), {
    ...testOptions(),
    env: () => undefined,
  });
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  assert.deepEqual(await log.nth(1), []);
  assert.match(d.lastError?.() ?? "", /cannot find KUBERNETES_SERVICE_HOST env var/);
  stop.abort();
  await running;
});

Deno.test("kubernetes discoverer uses the in-cluster service account", async () => {
  const seen: { url: string; auth: string | null }[] = [];
  // The service account folder as Kubernetes mounts it (a throwaway self-signed CA).
  const saDir = "/var/run/secrets/kubernetes.io/serviceaccount/";
  const readFile = (p: string) =>
    p.startsWith(saDir)
      ? Promise.resolve(fixtureText(`serviceaccount/${p.slice(saDir.length)}`))
      : Promise.reject(new Error(p));
  const opts = testOptions();
  const stop = new AbortController();
  const d = createKubernetesDiscoverer(
    sdConfig("", { apiServer: undefined, namespaces: { ownNamespace: true, names: [] } }),
    {
      ...opts,
      env: (n) => ({ KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "6443" })[n],
      readFile,
      fetch: (input, init) => {
        seen.push({ url: String(input), auth: new Headers(init.headers).get("authorization") });
        if (String(input).includes("watch=1")) {
          // A watch that stays open until the discoverer stops.
          return new Promise((_, reject) => {
            init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
          });
        }
        return Promise.resolve(new Response(fixtureText("pods.json")));
      },
    },
  );
  const log = new UpdateLog<DiscoveredGroup[]>();
  const running = d.run(log.push, stop.signal);
  try {
    assert.deepEqual(addresses(await log.nth(1)), ["172.17.0.2:1234"]);
    assert.deepEqual(seen[0], {
      url: `https://10.96.0.1:6443/api/v1/namespaces/monitoring/pods?${LIST_QUERY}`,
      auth: "Bearer sa-token",
    });
  } finally {
    stop.abort();
    await running;
  }
});

Deno.test("kubernetes discoverer keeps the last error for status pages, without passwords", async () => {
  const stop = new AbortController();
  const d = createKubernetesDiscoverer(sdConfig("http://user:secret@k8s.local:8080"), {
    ...testOptions(),
    // One attempt: the backoff after it lasts until the discoverer stops.
    sleep: (_ms, signal) =>
      new Promise((r) => signal.aborted ? r() : signal.addEventListener("abort", () => r())),
    fetch: (input) => Promise.reject(new Error(`connection refused: ${input}`)),
  });
  const log = new UpdateLog<DiscoveredGroup[]>();
  const running = d.run(log.push, stop.signal);
  try {
    assert.deepEqual(await log.nth(1), []);
    const err = d.lastError?.() ?? "";
    assert.match(
      err,
      /^cannot list objects from "http:\/\/user:\*\*\*@k8s\.local:8080\/api\/v1\/pods/,
    );
    assert.match(err, /connection refused/);
    assert.ok(!err.includes("secret"), err);
  } finally {
    stop.abort();
    await running;
  }
});

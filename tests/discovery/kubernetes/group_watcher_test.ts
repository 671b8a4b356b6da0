import assert from "node:assert/strict";
import type { ApiRequest } from "../../../lib/discovery/kubernetes/api_client.ts";
import {
  type GroupSettings,
  GroupWatcher,
} from "../../../lib/discovery/kubernetes/group_watcher.ts";
import type { DiscoveredGroup } from "../../../lib/discovery/types.ts";
import { UpdateLog } from "./_fake_api.ts";
import { fixtureText } from "./_util.ts";

/** An in-memory API: list bodies by path; watch streams the test writes to. */
class MemoryApi {
  readonly urls: string[] = [];
  readonly #lists: Record<string, string>;
  readonly #streams = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
  #waiters: (() => void)[] = [];

  constructor(lists: Record<string, string>) {
    this.#lists = lists;
  }

  readonly request: ApiRequest = (url, signal) => {
    const u = new URL(url);
    this.urls.push(u.pathname + u.search);
    if (u.searchParams.get("watch") !== "1") {
      const body = this.#lists[u.pathname];
      return Promise.resolve(new Response(body ?? "", { status: body ? 200 : 404 }));
    }
    const body = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#streams.set(u.pathname, c);
        signal.addEventListener("abort", () => c.error(signal.reason));
        for (const w of this.#waiters.splice(0)) w();
      },
    });
    return Promise.resolve(new Response(body));
  };

  /** Sends watch event lines on the open watch of `path` (waiting for it to open). */
  async send(path: string, ...events: unknown[]): Promise<void> {
    while (!this.#streams.has(path)) await new Promise<void>((r) => this.#waiters.push(r));
    const text = events.map((e) => JSON.stringify(e) + "\n").join("");
    this.#streams.get(path)!.enqueue(new TextEncoder().encode(text));
  }
}

const SETTINGS: GroupSettings = {
  server: "http://api",
  namespaces: [],
  selectors: [],
  attachNodeMetadata: true,
  attachNamespaceMetadata: false,
};

function podList(rv: string, ready: string): string {
  return JSON.stringify({
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: rv },
    items: [pod(rv, ready)],
  });
}

function pod(rv: string, ready: string) {
  return {
    metadata: { name: "web-0", namespace: "default", resourceVersion: rv },
    spec: { nodeName: "m01", containers: [{ name: "c", ports: [{ containerPort: 9100 }] }] },
    status: { phase: "Running", podIP: "10.0.0.7", conditions: [{ type: "Ready", status: ready }] },
  };
}

const label = (g: DiscoveredGroup, name: string) => g.labels.find((l) => l[0] === name)?.[1];

Deno.test("GroupWatcher attaches node metadata and recomputes pods when a node changes", async () => {
  const api = new MemoryApi({
    "/api/v1/pods": podList("5", "True"),
    "/api/v1/nodes": fixtureText("nodes.json"),
  });
  const g = new GroupWatcher(SETTINGS, {
    request: api.request,
    sleep: () => Promise.resolve(),
    now: () => 0,
    apiServerTimeout: 60_000,
    minRecreateInterval: 0,
  });
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const unsubscribe = await g.subscribe("pod", log.push, stop.signal);
  try {
    // The node watcher is started (first) because attach_metadata.node is set.
    assert.deepEqual(api.urls.slice(0, 2), [
      "/api/v1/nodes?resourceVersion=0&resourceVersionMatch=NotOlderThan",
      "/api/v1/pods?resourceVersion=0&resourceVersionMatch=NotOlderThan",
    ]);
    const [first] = await log.nth(1);
    assert.equal(label(first, "__meta_kubernetes_node_name"), "m01");
    assert.equal(label(first, "__meta_kubernetes_node_label_kubernetes_io_os"), "linux");
    // A node label changes: the pod's targets are recomputed.
    const node = JSON.parse(fixtureText("nodes.json")).items[0];
    node.metadata.labels["kubernetes.io/os"] = "plan9";
    node.metadata.resourceVersion = "30000";
    await api.send("/api/v1/nodes", { type: "MODIFIED", object: node });
    const [second] = await log.nth(2);
    assert.equal(label(second, "__meta_kubernetes_node_label_kubernetes_io_os"), "plan9");
    // The watch timeout is 90% of the API server timeout (60s here).
    assert.ok(api.urls.some((u) => u.includes("timeoutSeconds=54&")));
  } finally {
    unsubscribe();
    stop.abort();
    await g.stop();
  }
});

Deno.test("GroupWatcher recomputes dependent roles at most once per minRecreateInterval", async () => {
  const api = new MemoryApi({
    "/api/v1/pods": podList("5", "True"),
    "/api/v1/services": '{"metadata":{"resourceVersion":"6"},"items":[]}',
    "/api/v1/endpoints": JSON.stringify({
      metadata: { resourceVersion: "7" },
      items: [{
        metadata: { name: "web", namespace: "default" },
        subsets: [{
          addresses: [{
            ip: "10.0.0.7",
            targetRef: { kind: "Pod", namespace: "default", name: "web-0" },
          }],
          ports: [{ port: 9100 }],
        }],
      }],
    }),
  });
  let now = 0;
  const sleeps: number[] = [];
  let wake = () => {};
  let slept = () => {};
  const firstSleep = new Promise<void>((r) => slept = r);
  const g = new GroupWatcher({ ...SETTINGS, attachNodeMetadata: false }, {
    request: api.request,
    sleep: (ms) => {
      sleeps.push(ms);
      slept();
      // The throttle's sleep ends when the test says so; backoff sleeps never happen here.
      return new Promise((r) => wake = r);
    },
    now: () => now,
    apiServerTimeout: 60_000,
    minRecreateInterval: 5000,
  });
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const unsubscribe = await g.subscribe("endpoints", log.push, stop.signal);
  try {
    assert.equal(label((await log.nth(1))[0], "__meta_kubernetes_pod_ready"), "true");
    // A pod change 1s after the last full computation waits out the remaining 4s.
    now = 1000;
    await api.send("/api/v1/pods", { type: "MODIFIED", object: pod("8", "False") });
    await firstSleep;
    assert.deepEqual(sleeps, [4000]);
    assert.equal(log.updates.length, 1);
    now = 5000;
    wake();
    assert.equal(label((await log.nth(2))[0], "__meta_kubernetes_pod_ready"), "false");
  } finally {
    unsubscribe();
    stop.abort();
    wake();
    await g.stop();
  }
});

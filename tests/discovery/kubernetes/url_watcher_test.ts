import assert from "node:assert/strict";
import { createKubernetesDiscoverer } from "../../../lib/discovery/kubernetes/discoverer.ts";
import type { DiscoveredGroup } from "../../../lib/discovery/types.ts";
import { FakeApi, UpdateLog } from "./_fake_api.ts";
import { EMPTY_CONTEXT } from "../../../lib/discovery/kubernetes/mapping_context.ts";
import { targetLabels } from "../../../lib/discovery/kubernetes/target_labels.ts";
import {
  addresses,
  assertOneMinimalBackoff,
  label,
  lines,
  LIST_QUERY,
  sdConfig,
  testOptions,
  WATCH_QUERY,
} from "./_discoverer_util.ts";
import { fixtureObjects, fixtureText } from "./_util.ts";

// The list-and-watch loop, seen through the discoverer against a fake API server.

Deno.test("kubernetes discoverer lists, then follows ADDED, MODIFIED, DELETED, BOOKMARK and 410", async () => {
  const api = new FakeApi()
    .list("/api/v1/pods", fixtureText("pods.json"), fixtureText("pods_relist.json"))
    .watch(
      "/api/v1/pods",
      { lines: lines("pods_watch_1.jsonl"), end: "close" },
      { lines: lines("pods_watch_2.jsonl"), end: "hang" },
    );
  const opts = testOptions(api.fetch);
  const d = createKubernetesDiscoverer(sdConfig(api.url), opts);
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    // 1: the list. Each target is one group whose labels hold __address__ and the meta labels.
    const first = await log.nth(1);
    const [etcd] = fixtureObjects("pod", "pods.json");
    assert.deepEqual(
      first,
      targetLabels("pod", etcd, EMPTY_CONTEXT).map((labels) => ({
        targets: [labels[0][1]],
        labels,
      })),
    );
    // 2: ADDED web-0 (the repeated etcd-m01 with irrelevant changes reports nothing),
    // then MODIFIED etcd-m01: both in one chunk, so one update.
    const second = await log.nth(2);
    assert.deepEqual(addresses(second), ["10.244.0.7:9100", "172.17.0.2:1234"]);
    assert.equal(label(second[0], "__meta_kubernetes_pod_label_tier"), "control");
    assert.equal(label(second[1], "__meta_kubernetes_pod_controller_kind"), "StatefulSet");
    // 3: DELETED web-0 from the second watch, which resumed from the bookmark.
    assert.deepEqual(addresses(await log.nth(3)), ["172.17.0.2:1234"]);
    // 4: ERROR 410 ends the watch; the relist brings web-1.
    assert.deepEqual(addresses(await log.nth(4)), ["10.244.0.8:9100", "172.17.0.2:1234"]);
    await api.waitForRequests(5);
    assert.deepEqual(api.urls(), [
      `/api/v1/pods?${LIST_QUERY}`,
      `/api/v1/pods?${WATCH_QUERY}&resourceVersion=72425`,
      `/api/v1/pods?${WATCH_QUERY}&resourceVersion=72600`,
      `/api/v1/pods?${LIST_QUERY}`,
      `/api/v1/pods?${WATCH_QUERY}&resourceVersion=80000`,
    ]);
    assert.equal(api.requests[0].headers.get("accept"), "application/json");
    // A clean end of the stream waits the minimum backoff; the 410 relists at once.
    assertOneMinimalBackoff(opts.sleeps);
    assert.equal(d.lastError?.(), "");
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
  assert.equal(log.updates.length, 4);
});

Deno.test("kubernetes discoverer keeps its targets through a dropped stream and relists", async () => {
  const added = lines("pods_watch_1.jsonl").slice(0, 1);
  const path = "/api/v1/namespaces/a/pods";
  const api = new FakeApi()
    .list(
      path,
      fixtureText("pods.json"),
      { status: 500, body: "etcd timeout" },
      fixtureText("pods_relist.json"),
    )
    .watch(path, { lines: added, end: "drop" });
  const opts = testOptions(api.fetch);
  const d = createKubernetesDiscoverer(
    sdConfig(api.url, { namespaces: { ownNamespace: false, names: ["a"] } }),
    opts,
  );
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    assert.deepEqual(addresses(await log.nth(1)), ["172.17.0.2:1234"]);
    assert.deepEqual(addresses(await log.nth(2)), ["10.244.0.7:9100", "172.17.0.2:1234"]);
    // The broken stream, then a failed relist: the targets stay as they were (no update)
    // until a relist succeeds.
    assert.deepEqual(addresses(await log.nth(3)), ["10.244.0.8:9100", "172.17.0.2:1234"]);
    await api.waitForRequests(5);
    assert.deepEqual(api.urls(), [
      `${path}?${LIST_QUERY}`,
      `${path}?${WATCH_QUERY}&resourceVersion=72425`,
      `${path}?${LIST_QUERY}`,
      `${path}?${LIST_QUERY}`,
      `${path}?${WATCH_QUERY}&resourceVersion=80000`,
    ]);
    // Backoff: 1s after the broken stream, 2s after the failed list.
    assert.equal(opts.sleeps.length, 2);
    assert.ok(opts.sleeps[0] >= 1000 && opts.sleeps[0] < 1100, `${opts.sleeps}`);
    assert.ok(opts.sleeps[1] >= 2000 && opts.sleeps[1] < 2200, `${opts.sleeps}`);
    assert.equal(log.updates.length, 3);
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
});

Deno.test("kubernetes discoverer relists at once when the watch answers 410 Gone", async () => {
  const api = new FakeApi()
    .list("/api/v1/pods", fixtureText("pods.json"), fixtureText("pods_relist.json"))
    .watch("/api/v1/pods", { status: 410, body: fixtureText("status_410.json") });
  const opts = testOptions(api.fetch);
  const d = createKubernetesDiscoverer(sdConfig(api.url), opts);
  const log = new UpdateLog<DiscoveredGroup[]>();
  const stop = new AbortController();
  const running = d.run(log.push, stop.signal);
  try {
    await log.nth(1);
    assert.deepEqual(addresses(await log.nth(2)), ["10.244.0.8:9100", "172.17.0.2:1234"]);
    await api.waitForRequests(4);
    assert.deepEqual(api.urls().slice(0, 4), [
      `/api/v1/pods?${LIST_QUERY}`,
      `/api/v1/pods?${WATCH_QUERY}&resourceVersion=72425`,
      `/api/v1/pods?${LIST_QUERY}`,
      `/api/v1/pods?${WATCH_QUERY}&resourceVersion=80000`,
    ]);
    assert.deepEqual(opts.sleeps, []);
  } finally {
    stop.abort();
    await running;
    await api.close();
  }
});

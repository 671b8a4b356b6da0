/**
 * Shared pieces of the discoverer tests: an SD config for a server, options with an instant
 * recorded sleep and a private registry, and small accessors.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { KubernetesSDConfig } from "../../../lib/config/types.ts";
import type { KubernetesDiscovererOptions } from "../../../lib/discovery/kubernetes/discoverer.ts";
import { WatcherRegistry } from "../../../lib/discovery/kubernetes/watcher_registry.ts";
import type { DiscoveredGroup } from "../../../lib/discovery/types.ts";
import type { FetchFn } from "../../../lib/util/http_client.ts";
import { fixtureText } from "./_util.ts";

/** A `kubernetes_sd_configs` entry for `server` (role pod, all namespaces). */
export function sdConfig(
  server: string,
  over: Partial<KubernetesSDConfig> = {},
): KubernetesSDConfig {
  return {
    role: "pod",
    apiServer: server,
    namespaces: { ownNamespace: false, names: [] },
    selectors: [],
    attachMetadata: { node: false, namespace: false },
    http: { headers: [], followRedirects: true },
    ...over,
  };
}

/**
 * Options with an instant, recorded sleep and a private registry that stops groups at once;
 * `fetch` is the transport, e.g. `FakeApi.fetch` (no socket).
 */
export function testOptions(fetch?: FetchFn): KubernetesDiscovererOptions & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ...(fetch === undefined ? {} : { fetch }),
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    minRecreateInterval: 0,
    registry: new WatcherRegistry(0),
  };
}

/** The sorted target addresses of a list of groups. */
export const addresses = (groups: DiscoveredGroup[]) => groups.map((g) => g.targets[0]).sort();
/** The value of label `name` of a group. */
export const label = (g: DiscoveredGroup, name: string) => g.labels.find((l) => l[0] === name)?.[1];
/** One backoff of the minimum 1s plus up to 10% jitter. */
export function assertOneMinimalBackoff(sleeps: number[]): void {
  assert.equal(sleeps.length, 1, `sleeps: ${sleeps}`);
  assert.ok(sleeps[0] >= 1000 && sleeps[0] < 1100, `sleep: ${sleeps[0]}`);
}

/** The lines of a `.jsonl` fixture. */
export const lines = (file: string) => fixtureText(file).trimEnd().split("\n");

/** The query of a list request. */
export const LIST_QUERY = "resourceVersion=0&resourceVersionMatch=NotOlderThan";
/** The query of a watch request (before `&resourceVersion=`). */
export const WATCH_QUERY = "watch=1&allowWatchBookmarks=true&timeoutSeconds=1620";

/**
 * `kubernetes_sd_configs` as a {@linkcode Discoverer}: resolves the API access of the entry,
 * joins (or starts) the shared watch group for its question, and reports the role's targets,
 * one {@linkcode DiscoveredGroup} per target with all its `__meta_kubernetes_*` labels and
 * `__address__` in `labels`.
 *
 * @module
 */
import type { KubernetesSDConfig } from "../../config/types.ts";
import type { FetchFn } from "../../util/http_client.ts";
import { getLogger } from "../../util/log.ts";
import type { DiscoveredGroup, Discoverer } from "../types.ts";
import { type ApiAccess, resolveApiAccess } from "./api_access.ts";
import { createApiClient } from "./api_client.ts";
import { GroupWatcher } from "./group_watcher.ts";
import { defaultWatcherRegistry, type WatcherRegistry } from "./watcher_registry.ts";
import { realSleep, type Sleep } from "../../util/clock.ts";

const log = getLogger("kubernetes_sd");

/** I/O and tuning of {@linkcode createKubernetesDiscoverer}; every field has a real default. */
export interface KubernetesDiscovererOptions {
  /** The transport under the shared HTTP client. @default globalThis.fetch */
  fetch?: FetchFn;
  /** Reads kubeconfig, token, namespace and certificate files. @default Deno.readTextFile */
  readFile?: (path: string) => Promise<string>;
  /** Reads `KUBERNETES_SERVICE_HOST` / `_PORT`. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Folder that relative credential and certificate paths resolve against (the config file's). @default Deno.cwd() */
  baseDir?: string;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** Abortable sleep for backoff and throttling. @default a setTimeout-based sleep */
  sleep?: Sleep;
  /** `-promscrape.kubernetes.apiServerTimeout` in ms; watches last 90% of it. @default 1800000 */
  apiServerTimeout?: number;
  /**
   * Least time between recomputations of endpoints/endpointslice targets (or of targets with
   * attached metadata) caused by changes of the objects they read, ms. @default 5000
   */
  minRecreateInterval?: number;
  /** Where shared watch groups live. @default the process-wide registry */
  registry?: WatcherRegistry;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) r();
    else signal.addEventListener("abort", () => r(), { once: true });
  });
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Returns a discoverer for one `kubernetes_sd_configs` entry. Its `run` reports `[]` and keeps
 * the error in `lastError()` when the API cannot be configured (no `KUBERNETES_SERVICE_HOST`,
 * bad kubeconfig); API failures are retried forever and keep the last known targets.
 *
 * @example
 * ```ts
 * const d = createKubernetesDiscoverer({
 *   role: "pod",
 *   apiServer: "http://127.0.0.1:8001",
 *   namespaces: { ownNamespace: false, names: ["default"] },
 *   selectors: [],
 *   attachMetadata: { node: false, namespace: false },
 *   http: { headers: [], followRedirects: true },
 * });
 * const stop = new AbortController();
 * // d.run((groups) => console.log(groups.length), stop.signal);
 * stop.abort();
 * ```
 */
export function createKubernetesDiscoverer(
  cfg: KubernetesSDConfig,
  opts: KubernetesDiscovererOptions = {},
): Discoverer {
  const registry = opts.registry ?? defaultWatcherRegistry;
  let startError = "";
  let group: GroupWatcher | undefined;
  return {
    type: "kubernetes_sd_configs",
    async run(onUpdate: (groups: DiscoveredGroup[]) => void, signal: AbortSignal): Promise<void> {
      let access: ApiAccess;
      let key: string;
      try {
        access = await resolveApiAccess(cfg, opts);
        key = JSON.stringify([
          access.server,
          access.namespaces,
          cfg.selectors,
          cfg.attachMetadata.node,
          cfg.attachMetadata.namespace,
          access.http,
        ]);
        group = registry.acquire(key, () => {
          const client = createApiClient(access, opts);
          return new GroupWatcher({
            server: access.server,
            namespaces: access.namespaces,
            selectors: cfg.selectors,
            attachNodeMetadata: cfg.attachMetadata.node,
            attachNamespaceMetadata: cfg.attachMetadata.namespace,
          }, {
            request: client.request,
            sleep: opts.sleep ?? realSleep,
            now: opts.now ?? Date.now,
            apiServerTimeout: opts.apiServerTimeout ?? 30 * 60_000,
            minRecreateInterval: opts.minRecreateInterval ?? 5000,
            onStop: () => client.close(),
          });
        });
      } catch (e) {
        startError = `cannot create API config for kubernetes: ${message(e)}`;
        log.error(startError);
        onUpdate([]);
        await abortPromise(signal);
        return;
      }
      startError = "";
      try {
        const unsubscribe = await group.subscribe(cfg.role, onUpdate, signal);
        await abortPromise(signal);
        unsubscribe();
      } finally {
        await registry.release(key);
      }
    },
    lastError(): string {
      return startError !== "" ? startError : group?.lastError(cfg.role) ?? "";
    },
  };
}

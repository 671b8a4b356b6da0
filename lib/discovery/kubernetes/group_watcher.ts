/**
 * One set of API watches shared by every `kubernetes_sd_configs` entry that asks the same
 * question (same API server and credentials, namespaces, selectors and `attach_metadata`),
 * like vmagent's `groupWatcher`: one {@linkcode UrlWatcher} per list URL, plus the watchers the
 * role depends on (pods and services for endpoints and endpointslices, nodes and namespaces
 * for `attach_metadata`). Target label sets are computed once per role and shared by all
 * subscribers; a change of an object recomputes that object's targets, a change of an object
 * others depend on recomputes the dependent roles (at most once per `minRecreateInterval`).
 *
 * @module
 */
import type { KubernetesSelector } from "../../config/types.ts";
import { metrics } from "../../metrics/registry.ts";
import type { DiscoveredGroup } from "../types.ts";
import type { ApiRequest } from "./api_client.ts";
import { apiPaths } from "./api_path.ts";
import type { MappingContext } from "./mapping_context.ts";
import type { KubeObject, Namespace, Node, Pod, Service, WatchRole } from "./objects.ts";
import { targetLabels } from "./target_labels.ts";
import { UrlWatcher } from "./url_watcher.ts";
import type { Sleep } from "../../util/clock.ts";

/** What makes two SD entries share a group (besides credentials). */
export interface GroupSettings {
  /** `scheme://host:port`. */
  server: string;
  namespaces: string[];
  selectors: KubernetesSelector[];
  attachNodeMetadata: boolean;
  attachNamespaceMetadata: boolean;
}

/** I/O and tuning of a {@linkcode GroupWatcher}. */
export interface GroupWatcherOptions {
  request: ApiRequest;
  sleep: Sleep;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** `-promscrape.kubernetes.apiServerTimeout`, ms. */
  apiServerTimeout: number;
  /** Least time between two recomputations of a role caused by objects it depends on, ms. */
  minRecreateInterval: number;
  /** Called when the group stops, to release the HTTP client. */
  onStop?: () => void;
}

/** Receives the whole current target list of a role. */
export type TargetsListener = (groups: DiscoveredGroup[]) => void;

interface CachedTargets {
  groups: DiscoveredGroup[];
  json: string;
}

interface RoleTargets {
  listeners: Set<TargetsListener>;
  ready: boolean;
  cache: Map<UrlWatcher, Map<string, CachedTargets>>;
  dirtyKeys: Map<UrlWatcher, Set<string>>;
  dirtyAll: boolean;
  lastFullRecompute: number;
  deferred: boolean;
  current: DiscoveredGroup[];
}

/** Roles whose targets read objects of the key role, given the attach switches. */
function dependents(role: WatchRole, attachNode: boolean, attachNs: boolean): WatchRole[] {
  if (role === "pod" || role === "service") return ["endpoints", "endpointslice"];
  if (role === "node" && attachNode) return ["pod", "endpoints", "endpointslice"];
  if (role === "namespace" && attachNs) {
    return ["pod", "service", "endpoints", "endpointslice", "ingress"];
  }
  return [];
}

/** Roles whose objects the targets of `role` read. */
function dependencies(role: WatchRole, attachNode: boolean, attachNs: boolean): WatchRole[] {
  const out: WatchRole[] = [];
  if (role === "endpoints" || role === "endpointslice") out.push("pod", "service");
  if (attachNode && (role === "pod" || role === "endpoints" || role === "endpointslice")) {
    out.push("node");
  }
  if (attachNs && role !== "node" && role !== "namespace") out.push("namespace");
  return out;
}

function abortPromise(signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) r();
    else signal.addEventListener("abort", () => r(), { once: true });
  });
}

/**
 * Watches the API objects a set of SD entries share and serves each role's target label
 * sets to subscribers; it is also the {@linkcode MappingContext} those targets are built with.
 *
 * @example
 * ```ts
 * const g = new GroupWatcher({
 *   server: "http://127.0.0.1:8001",
 *   namespaces: [],
 *   selectors: [],
 *   attachNodeMetadata: false,
 *   attachNamespaceMetadata: false,
 * }, {
 *   request: client.request,
 *   sleep: realSleep,
 *   now: Date.now,
 *   apiServerTimeout: 1_800_000,
 *   minRecreateInterval: 5000,
 * });
 * const unsubscribe = await g.subscribe("pod", (groups) => update(groups), signal);
 * g.urls(); // ["http://127.0.0.1:8001/api/v1/pods"]
 * unsubscribe();
 * await g.stop();
 * ```
 */
export class GroupWatcher implements MappingContext {
  readonly attachNodeMetadata: boolean;
  readonly attachNamespaceMetadata: boolean;
  readonly #settings: GroupSettings;
  readonly #opts: GroupWatcherOptions;
  readonly #watchers = new Map<string, UrlWatcher>();
  readonly #roles = new Map<WatchRole, RoleTargets>();
  readonly #abort = new AbortController();
  readonly #runs: Promise<void>[] = [];

  constructor(settings: GroupSettings, opts: GroupWatcherOptions) {
    this.#settings = settings;
    this.#opts = opts;
    this.attachNodeMetadata = settings.attachNodeMetadata;
    this.attachNamespaceMetadata = settings.attachNamespaceMetadata;
  }

  #find(role: WatchRole, key: string): KubeObject | undefined {
    for (const w of this.#watchers.values()) {
      if (w.role !== role) continue;
      const o = w.objects.get(key);
      if (o !== undefined) return o;
    }
    return undefined;
  }

  /** @inheritdoc */
  pod(namespace: string, name: string): Pod | undefined {
    return this.#find("pod", `${namespace}/${name}`) as Pod | undefined;
  }
  /** @inheritdoc */
  service(namespace: string, name: string): Service | undefined {
    return this.#find("service", `${namespace}/${name}`) as Service | undefined;
  }
  /** @inheritdoc */
  node(name: string): Node | undefined {
    return this.#find("node", `/${name}`) as Node | undefined;
  }
  /** @inheritdoc */
  namespace(name: string): Namespace | undefined {
    return this.#find("namespace", `/${name}`) as Namespace | undefined;
  }

  /** The URLs being watched, in start order. */
  urls(): string[] {
    return [...this.#watchers.keys()];
  }

  /** Starts (once) the watchers of `role` and of the roles it depends on; returns them all. */
  #start(role: WatchRole): UrlWatcher[] {
    const s = this.#settings;
    const out: UrlWatcher[] = [];
    for (const dep of dependencies(role, s.attachNodeMetadata, s.attachNamespaceMetadata)) {
      out.push(...this.#start(dep));
    }
    for (const path of apiPaths(role, s.namespaces, s.selectors)) {
      const url = s.server + path;
      let w = this.#watchers.get(url);
      if (w === undefined) {
        w = new UrlWatcher(role, url, {
          request: this.#opts.request,
          sleep: this.#opts.sleep,
          apiServerTimeout: this.#opts.apiServerTimeout,
          onChange: (w, keys) => this.#onChange(w, keys),
        });
        this.#watchers.set(url, w);
        const gauge = metrics.gauge(
          `vm_promscrape_discovery_kubernetes_url_watchers{role="${role}"}`,
        );
        gauge.add(1);
        this.#runs.push(w.run(this.#abort.signal).finally(() => gauge.add(-1)));
      }
      out.push(w);
    }
    return out;
  }

  #onChange(w: UrlWatcher, keys: Set<string>): void {
    const own = this.#roles.get(w.role);
    if (own !== undefined) {
      let dirty = own.dirtyKeys.get(w);
      if (dirty === undefined) own.dirtyKeys.set(w, dirty = new Set());
      for (const k of keys) dirty.add(k);
    }
    for (const dep of dependents(w.role, this.attachNodeMetadata, this.attachNamespaceMetadata)) {
      const rt = this.#roles.get(dep);
      if (rt !== undefined) rt.dirtyAll = true;
    }
    for (const [role, rt] of this.#roles) this.#flush(role, rt);
  }

  /** Recomputes what is dirty and tells the listeners when the targets changed. */
  #flush(role: WatchRole, rt: RoleTargets): void {
    if (!rt.ready || (!rt.dirtyAll && rt.dirtyKeys.size === 0)) return;
    if (rt.dirtyAll) {
      const wait = rt.lastFullRecompute + this.#opts.minRecreateInterval - this.#opts.now();
      if (wait > 0) {
        if (!rt.deferred) {
          rt.deferred = true;
          this.#opts.sleep(wait, this.#abort.signal).then(() => {
            rt.deferred = false;
            if (!this.#abort.signal.aborted) this.#flush(role, rt);
          });
        }
        return;
      }
    }
    if (this.#recompute(role, rt)) { for (const l of rt.listeners) l(rt.current); }
  }

  /** Brings the cache of `role` up to date; returns whether any target changed. */
  #recompute(role: WatchRole, rt: RoleTargets): boolean {
    let changed = false;
    const update = (w: UrlWatcher, cache: Map<string, CachedTargets>, key: string) => {
      const o = w.objects.get(key);
      if (o === undefined) {
        changed = cache.delete(key) || changed;
        return;
      }
      const sets = targetLabels(role, o, this);
      const json = JSON.stringify(sets);
      if (cache.get(key)?.json === json) return;
      const groups = sets.map((labels) => ({ targets: [labels[0][1]], labels }));
      cache.set(key, { groups, json });
      changed = true;
    };
    for (const w of this.#watchers.values()) {
      if (w.role !== role) continue;
      let cache = rt.cache.get(w);
      if (cache === undefined) rt.cache.set(w, cache = new Map());
      if (rt.dirtyAll) {
        for (const key of [...cache.keys()]) if (!w.objects.has(key)) update(w, cache, key);
        for (const key of w.objects.keys()) update(w, cache, key);
      } else {
        for (const key of rt.dirtyKeys.get(w) ?? []) update(w, cache, key);
      }
    }
    if (rt.dirtyAll) rt.lastFullRecompute = this.#opts.now();
    rt.dirtyAll = false;
    rt.dirtyKeys.clear();
    if (changed) {
      const all: DiscoveredGroup[] = [];
      for (const cache of rt.cache.values()) {
        for (const c of cache.values()) for (const g of c.groups) all.push(g);
      }
      rt.current = all;
    }
    return changed;
  }

  /**
   * Starts the watches `role` needs, waits for their first lists, then calls `listener` with
   * the current targets and again after every change, until the returned function is called.
   * Resolves early (with a no-op) when `signal` aborts first.
   */
  async subscribe(
    role: WatchRole,
    listener: TargetsListener,
    signal: AbortSignal,
  ): Promise<() => void> {
    let rt = this.#roles.get(role);
    if (rt === undefined) {
      rt = {
        listeners: new Set(),
        ready: false,
        cache: new Map(),
        dirtyKeys: new Map(),
        dirtyAll: true,
        lastFullRecompute: -Infinity,
        deferred: false,
        current: [],
      };
      this.#roles.set(role, rt);
    }
    const watchers = this.#start(role);
    await Promise.race([Promise.all(watchers.map((w) => w.firstList())), abortPromise(signal)]);
    if (signal.aborted) return () => {};
    if (!rt.ready) {
      rt.ready = true;
      rt.dirtyAll = true;
      rt.lastFullRecompute = -Infinity;
      this.#recompute(role, rt);
    }
    rt.listeners.add(listener);
    listener(rt.current);
    const r = rt;
    return () => r.listeners.delete(listener);
  }

  /** The first error among the watchers `role` reads, "" when all are fine. */
  lastError(role: WatchRole): string {
    const s = this.#settings;
    const roles = new Set([
      role,
      ...dependencies(role, s.attachNodeMetadata, s.attachNamespaceMetadata),
    ]);
    for (const w of this.#watchers.values()) {
      if (roles.has(w.role) && w.lastError !== "") return w.lastError;
    }
    return "";
  }

  /** Stops every watch of the group; resolves when they have all ended. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#runs);
    this.#opts.onStop?.();
  }
}

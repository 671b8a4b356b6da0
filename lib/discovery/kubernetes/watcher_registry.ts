/**
 * The process-wide table of {@linkcode GroupWatcher}s, keyed by everything that decides what
 * the API returns (server, credentials, namespaces, selectors, attach switches), so that jobs
 * asking the same question share one set of watches. A group no one uses any more is stopped
 * after `idleStopDelay`, so a config reload that keeps the same question keeps its watches.
 *
 * @module
 */
import { metrics } from "../../metrics/registry.ts";
import type { GroupWatcher } from "./group_watcher.ts";

interface Entry {
  group: GroupWatcher;
  refs: number;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Shares group watchers between discoverers by key, stopping each once its last user
 * releases it (after an idle delay); see the module documentation.
 *
 * @example
 * ```ts
 * const reg = new WatcherRegistry(0);
 * const g = reg.acquire(key, () => new GroupWatcher(settings, opts)); // made once per key
 * reg.acquire(key, () => new GroupWatcher(settings, opts)) === g; // true
 * await reg.release(key);
 * await reg.release(key); // last user: `g` is stopped at once (idle delay 0)
 * reg.size; // 0
 * ```
 */
export class WatcherRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #idleStopDelay: number;

  /** @param idleStopDelay ms to keep an unused group running; 0 stops it at once. */
  constructor(idleStopDelay = 15_000) {
    this.#idleStopDelay = idleStopDelay;
  }

  /** Number of groups alive. */
  get size(): number {
    return this.#entries.size;
  }

  /** Returns the group for `key`, made by `make` when there is none; count it as used. */
  acquire(key: string, make: () => GroupWatcher): GroupWatcher {
    let e = this.#entries.get(key);
    if (e === undefined) {
      e = { group: make(), refs: 0 };
      this.#entries.set(key, e);
    }
    if (e.timer !== undefined) {
      clearTimeout(e.timer);
      e.timer = undefined;
    }
    e.refs++;
    return e.group;
  }

  /**
   * Ends one use of the group for `key`; the last one stops it (after the idle delay).
   * Resolves when the group has stopped, or at once when it keeps running.
   */
  async release(key: string): Promise<void> {
    const e = this.#entries.get(key);
    if (e === undefined || --e.refs > 0) return;
    const stop = () => {
      e.timer = undefined;
      if (e.refs > 0 || this.#entries.get(key) !== e) return Promise.resolve();
      this.#entries.delete(key);
      return e.group.stop();
    };
    if (this.#idleStopDelay <= 0) return await stop();
    const timer = setTimeout(stop, this.#idleStopDelay);
    // Do not keep the process alive just to stop idle watches.
    Deno.unrefTimer(timer);
    e.timer = timer;
  }
}

/**
 * The process-wide registry discoverers use unless given another (15 s idle delay); its size
 * is exported as `vm_promscrape_discovery_kubernetes_group_watchers`.
 *
 * @example
 * ```ts
 * createKubernetesDiscoverer(cfg, { registry: defaultWatcherRegistry }); // same as omitting `registry`
 * defaultWatcherRegistry.size; // number of live watch groups
 * ```
 */
export const defaultWatcherRegistry: WatcherRegistry = new WatcherRegistry();

metrics.gauge(
  "vm_promscrape_discovery_kubernetes_group_watchers",
  () => defaultWatcherRegistry.size,
);

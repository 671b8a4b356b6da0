/**
 * The contract between service discovery mechanisms and the target stage.
 * Every mechanism (static, file_sd, kubernetes_sd, ...) is a {@linkcode Discoverer}
 * that reports the full current list of {@linkcode DiscoveredGroup}s each time it changes;
 * `DiscoveryManager` (manager.ts) runs them and turns their groups into scrape targets.
 *
 * @module
 */
import type { Config, ScrapeConfig } from "../config/types.ts";

/**
 * A group of discovered targets sharing labels. For mechanisms that discover one
 * target at a time (kubernetes) a group holds one target; its `__meta_*` labels (and
 * `__address__`, if the mechanism sets it) are part of `labels`.
 */
export interface DiscoveredGroup {
  /** Target addresses as discovered (`host:port`, or `http(s)://host/path`); become `__address__`. */
  targets: string[];
  /** Group labels and meta labels; on equal names the later entry wins. */
  labels: [string, string][];
}

/**
 * One running discovery mechanism for one SD config entry.
 *
 * @example
 * ```ts
 * const d: Discoverer = {
 *   type: "static_configs",
 *   run: (onUpdate, _signal) => {
 *     onUpdate([{ targets: ["127.0.0.1:9100"], labels: [] }]);
 *     return Promise.resolve();
 *   },
 * };
 * ```
 */
export interface Discoverer {
  /** The config section it serves, as written in YAML: `static_configs`, `file_sd_configs`, `kubernetes_sd_configs`. */
  readonly type: string;
  /**
   * Runs until `signal` aborts, calling `onUpdate` with the whole current list each time it
   * changes (the first call is the first full list: `/ready` waits for it). Must not throw
   * on I/O errors: keep the last good list, log, and retry. The returned promise settles
   * when the discoverer has stopped.
   */
  run(onUpdate: (groups: DiscoveredGroup[]) => void, signal: AbortSignal): Promise<void>;
  /** Optional: the latest discovery error, "" when the last attempt succeeded (for status pages). */
  lastError?(): string;
}

/** What a factory gets besides its own SD config entry. */
export interface DiscovererContext {
  /** The job whose section holds the entry. */
  job: ScrapeConfig;
  /** The whole config (e.g. `source` for the config file's folder). */
  config: Config;
}

/**
 * Builds a discoverer for one entry of an SD section (e.g. one `KubernetesSDConfig`).
 * On config reload a discoverer whose job name, type, position and entry JSON are
 * unchanged keeps running; any other is aborted and a new one is built.
 */
export type DiscovererFactory = (sdConfig: unknown, context: DiscovererContext) => Discoverer;

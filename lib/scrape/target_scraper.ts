/**
 * What the rest of the agent sees of a scraper ({@linkcode TargetScraper}), and the pieces
 * the in-thread pool and the Worker pool share.
 *
 * @module
 */
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";
import type { Logger } from "../util/log.ts";

/**
 * What runs the scrape loops of the agent's targets: a {@linkcode ScrapePool} in this
 * thread, or one spread over scrape Workers.
 */
export interface TargetScraper {
  /** Makes the running targets match `targets` (by key); calls are serialized. */
  sync(targets: readonly ScrapeTarget[]): Promise<void>;
  /** Stops every target without stale markers. */
  stop(): Promise<void>;
  /** The status of the target with `key`, or undefined when it is not running here. */
  statusOf(key: string): ScrapeStatus | undefined;
  /** The running targets. */
  targets(): ScrapeTarget[];
  /** Fetches the target with `id` once and returns its raw response (`/target_response`). */
  scrapeOnce(id: string): Promise<string>;
}

/**
 * The targets by key, the first of each key kept (a sync's wanted set).
 *
 * @example
 * ```ts
 * byKey([a, b, a]).size; // 2
 * ```
 */
export function byKey(targets: readonly ScrapeTarget[]): Map<string, ScrapeTarget> {
  const wanted = new Map<string, ScrapeTarget>();
  for (const t of targets) if (!wanted.has(t.key)) wanted.set(t.key, t);
  return wanted;
}

/**
 * Logs vmagent's line for a change of the targets of one discovery type.
 *
 * @example
 * ```ts
 * logTargetChanges(getLogger("promscrape"), "static_configs", [2, 1, 5]);
 * // static_configs: added targets: 2, removed targets: 1; total targets: 5
 * ```
 */
export function logTargetChanges(
  log: Logger,
  type: string,
  [added, removed, total]: readonly [number, number, number],
): void {
  log.info(
    `${type}: added targets: ${added}, removed targets: ${removed}; total targets: ${total}`,
  );
}

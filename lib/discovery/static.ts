/**
 * `static_configs`: the groups written in the config, reported once.
 *
 * @module
 */
import type { TargetGroup } from "../config/types.ts";
import type { DiscoveredGroup, Discoverer } from "./types.ts";

/**
 * A discoverer for a job's `static_configs`: reports its groups at once (synchronously,
 * inside `run`) and then waits for the abort signal.
 *
 * @example
 * ```ts
 * const d = new StaticDiscoverer([{ targets: ["127.0.0.1:9100"], labels: [["env", "dev"]] }]);
 * const ac = new AbortController();
 * const done = d.run((groups) => console.log(groups.length), ac.signal); // logs 1
 * ac.abort();
 * await done;
 * ```
 */
export class StaticDiscoverer implements Discoverer {
  /** The config section this discoverer serves. */
  readonly type = "static_configs";
  readonly #groups: DiscoveredGroup[];

  /** Takes the job's `static_configs` entries. */
  constructor(groups: readonly TargetGroup[]) {
    this.#groups = groups.map((g) => ({ targets: [...g.targets], labels: [...g.labels] }));
  }

  /** Reports the groups, then resolves when `signal` aborts. */
  run(onUpdate: (groups: DiscoveredGroup[]) => void, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    onUpdate(this.#groups);
    return new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
  }

  /** Static groups never fail. */
  lastError(): string {
    return "";
  }
}

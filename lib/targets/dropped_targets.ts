/**
 * The list of dropped targets the status pages show, kept as vmagent keeps it
 * (`droppedTargets` in lib/promscrape/targetstatus.go): one entry per set of original
 * labels, the latest reason winning, at most `-promscrape.maxDroppedTargets` entries.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { formatLabels } from "./target_key.ts";
import type { DroppedTarget } from "./types.ts";

/** Keys per label array: cached build results keep their arrays from one rebuild to the next. */
const keys = new WeakMap<readonly Label[], string>();

function keyOf(d: DroppedTarget): string {
  let key = keys.get(d.discoveredLabels);
  if (key === undefined) {
    key = d.job + "\0" + formatLabels(d.discoveredLabels);
    keys.set(d.discoveredLabels, key);
  }
  return key;
}

/**
 * Collects dropped targets for one snapshot. A target with the same job and original labels
 * as one already added replaces it in place (a target discovered three times and dropped as
 * a duplicate twice is listed once); past `max` entries new targets are only counted.
 *
 * @example
 * ```ts
 * const dropped = new DroppedTargets(10000);
 * dropped.add({ job: "node", discoveredLabels, reason: "duplicate" });
 * dropped.add({ job: "node", discoveredLabels, reason: "duplicate" });
 * dropped.list.length; // 1
 * dropped.total; // 1
 * ```
 */
export class DroppedTargets {
  /** The entries, in the order first added, at most `max`. */
  readonly list: DroppedTarget[] = [];
  /** Distinct targets added, including those over the cap. */
  total = 0;
  readonly #max: number;
  /** Position in `list` of each key; -1 for a target counted over the cap. */
  readonly #at = new Map<string, number>();

  /** Keeps at most `max` entries (`-promscrape.maxDroppedTargets`). */
  constructor(max: number) {
    this.#max = max;
  }

  /** Adds a dropped target, or replaces the entry with its job and original labels. */
  add(d: DroppedTarget): void {
    const key = keyOf(d);
    const at = this.#at.get(key);
    if (at !== undefined) {
      if (at >= 0) this.list[at] = d;
      return;
    }
    this.total++;
    if (this.list.length < this.#max) {
      this.#at.set(key, this.list.length);
      this.list.push(d);
    } else this.#at.set(key, -1);
  }
}

/**
 * Duplicate scrape targets: two targets of the same discovery type with the same key
 * (reference 3.8). The first one wins; the others are dropped with reason `duplicate`.
 *
 * @module
 */
import type { ClusterTarget, DroppedTarget, ScrapeTarget } from "./types.ts";
import { formatLabels } from "./target_key.ts";

/** A dropped duplicate and the target that won. */
export interface Duplicate {
  target: ScrapeTarget;
  first: ScrapeTarget;
}

/**
 * Splits targets into unique ones (first of each key, in order) and duplicates.
 *
 * @example
 * ```ts
 * const { unique, duplicates } = splitDuplicates([a, b, aAgain]); // unique [a, b], one duplicate
 * ```
 */
export function splitDuplicates(
  targets: readonly ScrapeTarget[],
): { unique: ScrapeTarget[]; duplicates: Duplicate[] } {
  const seen = new Map<string, ScrapeTarget>();
  const unique: ScrapeTarget[] = [];
  const duplicates: Duplicate[] = [];
  for (const t of targets) {
    const first = seen.get(t.key);
    if (first !== undefined) duplicates.push({ target: t, first });
    else {
      seen.set(t.key, t);
      unique.push(t);
    }
  }
  return { unique, duplicates };
}

/**
 * Keeps the first cluster target of each key (what each owner keeps after its duplicate check).
 *
 * @example
 * ```ts
 * uniqueClusterTargets([a, b, aAgain]); // [a, b]: `aAgain` has the same target key as `a`
 * ```
 */
export function uniqueClusterTargets(targets: readonly ClusterTarget[]): ClusterTarget[] {
  const seen = new Set<string>();
  const out: ClusterTarget[] = [];
  for (const t of targets) {
    if (seen.has(t.target.key)) continue;
    seen.add(t.target.key);
    out.push(t);
  }
  return out;
}

/**
 * Turns a duplicate into its `/service-discovery` entry: the losing target's labels with reason `duplicate`.
 *
 * @example
 * ```ts
 * const { duplicates } = splitDuplicates([a, aAgain]);
 * duplicateToDropped(duplicates[0]).reason; // "duplicate"
 * ```
 */
export function duplicateToDropped(d: Duplicate): DroppedTarget {
  return {
    job: d.target.job,
    discoveredLabels: d.target.discoveredLabels,
    reason: "duplicate",
    labels: d.target.labels,
    discoveryType: d.target.discoveryType,
  };
}

/**
 * Formats vmagent's warning for a duplicate target, naming its URL and both targets' original labels.
 *
 * @example
 * ```ts
 * const { duplicates } = splitDuplicates([a, aAgain]);
 * log.warn(duplicateMessage(duplicates[0]));
 * // "skipping duplicate scrape target with identical labels; endpoint=http://10.0.0.1:9100/metrics, ..."
 * ```
 */
export function duplicateMessage(d: Duplicate): string {
  return `skipping duplicate scrape target with identical labels; endpoint=${d.target.scrapeUrl}, ` +
    `labels=${
      formatLabels(d.target.labels)
    }; make sure service discovery and relabeling is set up ` +
    `properly; see also https://docs.victoriametrics.com/victoriametrics/vmagent/#troubleshooting; ` +
    `original labels for target1: ${formatLabels(d.first.discoveredLabels)}; ` +
    `original labels for target2: ${formatLabels(d.target.discoveredLabels)}`;
}

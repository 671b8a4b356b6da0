/**
 * The current target state, as the status pages read it: this member's active targets,
 * the dropped ones (with reasons), every member's targets for the cluster view, and
 * discovery errors per job.
 *
 * @module
 */
import type { ClusterOptions } from "../cluster/options.ts";
import type { ClusterTarget, DroppedTarget, ScrapeTarget } from "./types.ts";

/** One consistent picture of the targets, replaced as a whole on every rebuild. */
export interface TargetsSnapshot {
  /** Job names in config order (jobs with no targets included). */
  jobNames: string[];
  /** Targets this member scrapes. */
  active: ScrapeTarget[];
  /** Dropped targets, at most `-promscrape.maxDroppedTargets`. */
  dropped: DroppedTarget[];
  /** All dropped targets, including those over the cap. */
  droppedTotal: number;
  /** `-promscrape.maxDroppedTargets`. */
  maxDroppedTargets: number;
  /** Every target some member scrapes (duplicates removed), with its owners. */
  cluster: ClusterTarget[];
  /** The cluster options in force. */
  clusterOptions: Readonly<ClusterOptions>;
  /** Discovery and target errors by job name. */
  errors: Map<string, string[]>;
}

/** A read-only view of the current targets. */
export interface TargetsView {
  /** Returns the current snapshot (do not modify it). */
  current(): TargetsSnapshot;
}

/**
 * Holds the latest snapshot; the discovery manager writes it, handlers read it.
 *
 * @example
 * ```ts
 * const reg = new TargetRegistry(SINGLE_MEMBER);
 * reg.current().active.length; // 0
 * ```
 */
export class TargetRegistry implements TargetsView {
  #snapshot: TargetsSnapshot;
  #liveErrors?: () => Map<string, string[]>;

  /** Starts empty. `liveErrors`, when given, is merged into `errors` on every read. */
  constructor(clusterOptions: Readonly<ClusterOptions>, liveErrors?: () => Map<string, string[]>) {
    this.#snapshot = {
      jobNames: [],
      active: [],
      dropped: [],
      droppedTotal: 0,
      maxDroppedTargets: 10000,
      cluster: [],
      clusterOptions,
      errors: new Map(),
    };
    this.#liveErrors = liveErrors;
  }

  /** Replaces the snapshot. */
  set(snapshot: TargetsSnapshot): void {
    this.#snapshot = snapshot;
  }

  /** Returns the snapshot, with live discovery errors merged in. */
  current(): TargetsSnapshot {
    if (this.#liveErrors === undefined) return this.#snapshot;
    const live = this.#liveErrors();
    if (live.size === 0) return this.#snapshot;
    const errors = new Map<string, string[]>();
    for (const [job, list] of live) errors.set(job, [...list]);
    for (const [job, list] of this.#snapshot.errors) {
      errors.set(job, [...(errors.get(job) ?? []), ...list]);
    }
    return { ...this.#snapshot, errors };
  }
}

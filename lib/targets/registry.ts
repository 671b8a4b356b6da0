/**
 * The current target state, as the status pages read it: this member's active targets,
 * the dropped ones (with reasons), every member's targets for the cluster view, and
 * discovery errors per job; and the per-job target counts of
 * `vm_promscrape_scrape_pool_targets`.
 *
 * @module
 */
import type { ClusterOptions } from "../cluster/options.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import { quoteGo } from "../util/labels.ts";
import type { ClusterTarget, DroppedTarget, ScrapeStatus, ScrapeTarget } from "./types.ts";

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

/** Targets of one job by scrape health. */
export interface JobTargetCounts {
  /** Targets whose last scrape succeeded. */
  up: number;
  /** Targets whose last scrape failed or that were not scraped yet. */
  down: number;
}

/**
 * Counts this member's active targets per job (the `job_name` of their scrape config, as
 * vmagent's original job name) by health: a target is down until its first successful
 * scrape, as in vmagent. Every job of `snapshot.jobNames` is present, with zeros if need be.
 *
 * @example
 * ```ts
 * countTargetsByJob(reg.current(), (key) => pool.statusOf(key)).get("node"); // { up: 3, down: 1 }
 * ```
 */
export function countTargetsByJob(
  snapshot: TargetsSnapshot,
  statusOf: (key: string) => ScrapeStatus | undefined,
): Map<string, JobTargetCounts> {
  const out = new Map<string, JobTargetCounts>();
  for (const job of snapshot.jobNames) out.set(job, { up: 0, down: 0 });
  for (const t of snapshot.active) {
    const job = t.config.jobName;
    let c = out.get(job);
    if (c === undefined) {
      c = { up: 0, down: 0 };
      out.set(job, c);
    }
    if (statusOf(t.key)?.health === "up") c.up++;
    else c.down++;
  }
  return out;
}

/** Options of {@linkcode ScrapePoolTargetsGauges}. */
export interface ScrapePoolTargetsGaugesOptions {
  /** The current targets. */
  view: TargetsView;
  /** The scrape status of a target by key (the scraper's). */
  statusOf: (key: string) => ScrapeStatus | undefined;
  /** Where the gauges live (the process registry in the agent). */
  registry: MetricsRegistry;
}

/**
 * vmagent's `vm_promscrape_scrape_pool_targets{scrape_job, status}` gauges: an `up` and a
 * `down` gauge per job of the config, registered and removed as jobs come and go on reloads.
 * The counts are computed once per exposition, whatever the number of jobs.
 *
 * @example
 * ```ts
 * const gauges = new ScrapePoolTargetsGauges({ view: manager, statusOf, registry: metrics });
 * gauges.setJobs(config.scrapeConfigs.map((j) => j.jobName)); // at start and on every reload
 * ```
 */
export class ScrapePoolTargetsGauges {
  readonly #opts: ScrapePoolTargetsGaugesOptions;
  #jobs: string[] = [];
  #counts?: Map<string, JobTargetCounts>;

  /** Registers nothing until {@linkcode setJobs}. */
  constructor(opts: ScrapePoolTargetsGaugesOptions) {
    this.#opts = opts;
  }

  /** Registers the gauges of new jobs and removes those of jobs no longer configured. */
  setJobs(jobNames: readonly string[]): void {
    const next = [...new Set(jobNames)];
    const keep = new Set(next);
    for (const job of this.#jobs) {
      if (keep.has(job)) continue;
      this.#opts.registry.unregister(gaugeId(job, "up"));
      this.#opts.registry.unregister(gaugeId(job, "down"));
    }
    const had = new Set(this.#jobs);
    for (const job of next) {
      if (had.has(job)) continue;
      this.#opts.registry.gauge(gaugeId(job, "up"), () => this.#count(job).up);
      this.#opts.registry.gauge(gaugeId(job, "down"), () => this.#count(job).down);
    }
    this.#jobs = next;
  }

  /** Removes every gauge. */
  close(): void {
    this.setJobs([]);
  }

  #count(job: string): JobTargetCounts {
    if (this.#counts === undefined) {
      this.#counts = countTargetsByJob(this.#opts.view.current(), this.#opts.statusOf);
      // An exposition reads every gauge synchronously: one count serves them all.
      queueMicrotask(() => this.#counts = undefined);
    }
    return this.#counts.get(job) ?? { up: 0, down: 0 };
  }
}

function gaugeId(job: string, status: "up" | "down"): string {
  return `vm_promscrape_scrape_pool_targets{scrape_job=${quoteGo(job)}, status="${status}"}`;
}

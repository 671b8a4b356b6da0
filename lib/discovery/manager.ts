/**
 * Runs the service discovery of every job and turns the discovered groups into scrape
 * targets: relabeling, sharding and duplicate detection per discovery type (as vmagent
 * runs one scraper group per type), a target registry for the status pages, readiness
 * for `/ready`, and the list of active targets for the scraper.
 *
 * @module
 */
import type { Config, FileSDConfig, ScrapeConfig } from "../config/types.ts";
import { type ClusterOptions, SINGLE_MEMBER } from "../cluster/options.ts";
import { type BuildResult, buildScrapeTargets } from "../targets/build.ts";
import {
  duplicateMessage,
  duplicateToDropped,
  splitDuplicates,
  uniqueClusterTargets,
} from "../targets/duplicates.ts";
import { DroppedTargets } from "../targets/dropped_targets.ts";
import { TargetRegistry, type TargetsSnapshot, type TargetsView } from "../targets/registry.ts";
import type { ClusterTarget, DroppedTarget, ScrapeTarget } from "../targets/types.ts";
import type { EnvLookup } from "../util/envtemplate.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { FileSDDiscoverer, type FileSDFileSystem } from "./file_sd.ts";
import { realSleep, type Sleep } from "../util/clock.ts";
import { StaticDiscoverer } from "./static.ts";
import type { DiscoveredGroup, Discoverer, DiscovererFactory } from "./types.ts";

/** Starts a timer; returns a function that cancels it. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

/** Options of {@linkcode DiscoveryManager}. */
export interface DiscoveryManagerOptions {
  /** Called with all active targets of this member after every rebuild (the scraper diffs by `key`). */
  onTargets?: (active: ScrapeTarget[]) => void;
  /** Which targets this member keeps. @default a single member (no sharding) */
  cluster?: Readonly<ClusterOptions>;
  /** `-promscrape.maxDroppedTargets`. @default 10000 */
  maxDroppedTargets?: number;
  /** `-promscrape.dropOriginalLabels`: no labels before relabeling, no dropped targets. @default false */
  dropOriginalLabels?: boolean;
  /** `-promscrape.suppressDuplicateScrapeTargetErrors`. @default false */
  suppressDuplicateScrapeTargetErrors?: boolean;
  /** `-promscrape.fileSDCheckInterval` in milliseconds. @default 60000 */
  fileSDCheckInterval?: number;
  /** Discovery updates arriving within this many milliseconds cause one rebuild. @default 100 */
  debounceMs?: number;
  /** Milliseconds before a discoverer whose `run` threw is started again. @default 10000 */
  retryInterval?: number;
  /** For file_sd. @default the real file system */
  fs?: FileSDFileSystem;
  /** Waits (retries, file_sd checks). @default a timer */
  sleep?: Sleep;
  /** Schedules the debounced rebuild. @default setTimeout */
  setTimer?: SetTimer;
  /** For `%{ENV}` placeholders in file_sd files. @default Deno.env.get */
  lookupEnv?: EnvLookup;
  /** Where errors are logged. @default getLogger("promscrape") */
  log?: Logger;
}

interface Running {
  key: string;
  type: string;
  jobName: string;
  discoverer: Discoverer;
  controller: AbortController;
  /** Undefined until the first list. */
  groups?: DiscoveredGroup[];
  /** Why `run` failed, if it did. */
  failed?: string;
  done: Promise<void>;
}

interface PlanEntry {
  job: ScrapeConfig;
  type: string;
  keys: string[];
}

interface CacheEntry {
  job: ScrapeConfig;
  inputs: (DiscoveredGroup[] | undefined)[];
  result: BuildResult;
  errors: string[];
}

const MAX_ERRORS_PER_JOB = 100;

/**
 * The discovery stage.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * const manager = new DiscoveryManager({ onTargets: (active) => scraper.sync(active) });
 * manager.registerDiscoverer("kubernetes_sd_configs", (sd, ctx) => newKubernetesDiscoverer(sd, ctx));
 * manager.update(config); // and again on every reload
 * manager.pendingCount(); // SD types still waiting for their first list (for /ready)
 * ```
 */
export class DiscoveryManager implements TargetsView {
  readonly #opts: DiscoveryManagerOptions;
  readonly #cluster: Readonly<ClusterOptions>;
  readonly #log: Logger;
  readonly #setTimer: SetTimer;
  readonly #factories = new Map<string, DiscovererFactory>();
  readonly #running = new Map<string, Running>();
  readonly #registry: TargetRegistry;
  #config?: Config;
  #plan: PlanEntry[] = [];
  #cache = new Map<string, CacheEntry>();
  #loggedDuplicates = new Set<string>();
  #cancelTimer?: () => void;
  #stopped = false;

  /** Creates a manager with the built-in `static_configs` and `file_sd_configs`. */
  constructor(options: DiscoveryManagerOptions = {}) {
    this.#opts = options;
    this.#cluster = options.cluster ?? SINGLE_MEMBER;
    this.#log = options.log ?? getLogger("promscrape");
    this.#setTimer = options.setTimer ?? ((fn, ms) => {
      const id = setTimeout(fn, ms);
      return () => clearTimeout(id);
    });
    this.#registry = new TargetRegistry(this.#cluster, () => this.#liveErrors());
    this.#factories.set(
      "static_configs",
      (sd) => new StaticDiscoverer(sd as ScrapeConfig["staticConfigs"]),
    );
    this.#factories.set("file_sd_configs", (sd, ctx) =>
      new FileSDDiscoverer(sd as FileSDConfig, {
        baseDir: configDir(ctx.config.source),
        jobName: ctx.job.jobName,
        checkInterval: options.fileSDCheckInterval,
        fs: options.fs,
        sleep: options.sleep,
        lookupEnv: options.lookupEnv,
        log: this.#log,
      }));
  }

  /**
   * Registers the factory for an SD section such as `kubernetes_sd_configs`. The manager
   * reads the entries from the job field of the camelCase name (`kubernetesSdConfigs`).
   * Call before {@linkcode update}.
   */
  registerDiscoverer(type: string, factory: DiscovererFactory): void {
    this.#factories.set(type, factory);
  }

  /**
   * Applies a (new) config: discoverers whose job, type and entry are unchanged keep
   * running, others stop or start; targets are rebuilt at once.
   */
  update(config: Config): void {
    if (this.#stopped) return;
    this.#config = config;
    this.#loggedDuplicates.clear();
    const plan: PlanEntry[] = [];
    const wanted = new Map<string, { type: string; job: ScrapeConfig; sd: unknown }>();
    for (const job of config.scrapeConfigs) {
      for (const type of this.#factories.keys()) {
        const keys: string[] = [];
        const seen = new Map<string, number>();
        for (const sd of sdEntries(job, type)) {
          const json = JSON.stringify(sd) ?? "";
          const n = (seen.get(json) ?? 0) + 1;
          seen.set(json, n);
          const key = `${job.jobName}\0${type}\0${json}\0${n}`;
          keys.push(key);
          wanted.set(key, { type, job, sd });
        }
        if (keys.length > 0) plan.push({ job, type, keys });
      }
    }
    for (const [key, run] of this.#running) {
      if (!wanted.has(key)) {
        run.controller.abort();
        this.#running.delete(key);
      }
    }
    for (const [key, w] of wanted) {
      if (this.#running.has(key)) continue;
      const factory = this.#factories.get(w.type)!;
      let discoverer: Discoverer;
      try {
        discoverer = factory(w.sd, { job: w.job, config });
      } catch (e) {
        this.#log.error(
          `cannot start ${w.type} discovery for job_name=${w.job.jobName}: ${(e as Error).message}`,
        );
        discoverer = failedDiscoverer(w.type, (e as Error).message);
      }
      this.#start(key, w.type, w.job.jobName, discoverer);
    }
    this.#plan = plan;
    this.#cache.clear();
    this.rebuild();
  }

  /** The number of SD types that have not produced their first target list yet (vmagent's `/ready`). */
  pendingCount(): number {
    const types = new Set<string>();
    for (const run of this.#running.values()) if (run.groups === undefined) types.add(run.type);
    return types.size;
  }

  /** The current targets (the {@linkcode TargetsView} the status pages read). */
  current(): TargetsSnapshot {
    return this.#registry.current();
  }

  /** Rebuilds the targets from the latest discovered groups now (normally debounced). */
  rebuild(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const config = this.#config;
    if (config === undefined || this.#stopped) return;
    const maxDropped = this.#opts.maxDroppedTargets ?? 10000;
    const active: ScrapeTarget[] = [];
    const cluster: ClusterTarget[] = [];
    // One entry per job and original labels, as vmagent's map of dropped targets.
    const dropped = new DroppedTargets(maxDropped);
    const errors = new Map<string, string[]>();
    const keepOriginal = this.#opts.dropOriginalLabels !== true;
    const addDropped = (d: DroppedTarget) => {
      // vmagent HEAD registers a dropped target only together with its original labels.
      if (keepOriginal) dropped.add(d);
    };
    for (const type of this.#factories.keys()) {
      const typeActive: ScrapeTarget[] = [];
      const typeCluster: ClusterTarget[] = [];
      for (const entry of this.#plan) {
        if (entry.type !== type) continue;
        const built = this.#build(entry);
        typeActive.push(...built.result.active);
        typeCluster.push(...built.result.cluster);
        for (const d of built.result.dropped) addDropped(d);
        dropped.total += built.result.droppedTotal - built.result.dropped.length;
        if (built.errors.length > 0) {
          const list = errors.get(entry.job.jobName) ?? [];
          list.push(...built.errors.slice(0, MAX_ERRORS_PER_JOB - list.length));
          errors.set(entry.job.jobName, list);
        }
      }
      const { unique, duplicates } = splitDuplicates(typeActive);
      const seenKeys = new Map<string, number>();
      for (const d of duplicates) {
        addDropped(duplicateToDropped(d));
        const n = (seenKeys.get(d.target.key) ?? 0) + 1;
        seenKeys.set(d.target.key, n);
        // Without original labels, the duplicates of one key are told apart by their order.
        const which = keepOriginal ? JSON.stringify(d.target.discoveredLabels) : String(n);
        const logKey = d.target.key + "\0" + which;
        if (
          !this.#opts.suppressDuplicateScrapeTargetErrors && !this.#loggedDuplicates.has(logKey)
        ) {
          this.#loggedDuplicates.add(logKey);
          this.#log.error(duplicateMessage(d));
        }
      }
      active.push(...unique);
      cluster.push(...uniqueClusterTargets(typeCluster));
    }
    this.#registry.set({
      jobNames: config.scrapeConfigs.map((j) => j.jobName),
      active,
      dropped: dropped.list,
      droppedTotal: dropped.total,
      maxDroppedTargets: maxDropped,
      cluster,
      clusterOptions: this.#cluster,
      errors,
    });
    this.#opts.onTargets?.(active);
  }

  /** Stops every discoverer and waits for them. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    const runs = [...this.#running.values()];
    this.#running.clear();
    for (const run of runs) run.controller.abort();
    await Promise.all(runs.map((r) => r.done));
  }

  #build(entry: PlanEntry): CacheEntry {
    const cacheKey = `${entry.type}\0${entry.job.jobName}`;
    const inputs = entry.keys.map((k) => this.#running.get(k)?.groups);
    const hit = this.#cache.get(cacheKey);
    if (
      hit !== undefined && hit.job === entry.job && hit.inputs.length === inputs.length &&
      hit.inputs.every((g, i) => g === inputs[i])
    ) return hit;
    const groups: DiscoveredGroup[] = [];
    for (const g of inputs) if (g !== undefined) groups.push(...g);
    const errs: string[] = [];
    const log = this.#log;
    const result = buildScrapeTargets(entry.job, groups, {
      cluster: this.#cluster,
      discoveryType: entry.type,
      maxDroppedTargets: this.#opts.maxDroppedTargets ?? 10000,
      dropOriginalLabels: this.#opts.dropOriginalLabels,
      log: {
        info: (m) => log.info(m),
        warn: (m) => log.warn(m),
        error: (m) => {
          if (errs.length < MAX_ERRORS_PER_JOB) errs.push(m);
          log.error(m);
        },
      },
    });
    const built = { job: entry.job, inputs, result, errors: errs };
    this.#cache.set(cacheKey, built);
    return built;
  }

  #start(key: string, type: string, jobName: string, discoverer: Discoverer): void {
    const controller = new AbortController();
    const run: Running = { key, type, jobName, discoverer, controller, done: Promise.resolve() };
    this.#running.set(key, run);
    const signal = controller.signal;
    const sleep = this.#opts.sleep ?? realSleep;
    const retry = this.#opts.retryInterval ?? 10_000;
    const onUpdate = (groups: DiscoveredGroup[]) => {
      if (signal.aborted) return;
      run.groups = groups;
      run.failed = undefined;
      this.#schedule();
    };
    run.done = (async () => {
      while (!signal.aborted) {
        try {
          await discoverer.run(onUpdate, signal);
          if (!signal.aborted && run.groups === undefined) {
            run.groups = [];
            this.#schedule();
          }
          return;
        } catch (e) {
          if (signal.aborted) return;
          run.failed = (e as Error).message;
          this.#log.error(`${type} discovery for job_name=${jobName} failed: ${run.failed}`);
          if (run.groups === undefined) {
            run.groups = []; // do not hold /ready back forever
            this.#schedule();
          }
          await sleep(retry, signal);
        }
      }
    })();
  }

  #schedule(): void {
    if (this.#cancelTimer !== undefined || this.#stopped) return;
    this.#cancelTimer = this.#setTimer(() => {
      this.#cancelTimer = undefined;
      this.rebuild();
    }, this.#opts.debounceMs ?? 100);
  }

  #liveErrors(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const run of this.#running.values()) {
      const msg = run.failed ?? run.discoverer.lastError?.() ?? "";
      if (msg === "") continue;
      const list = out.get(run.jobName) ?? [];
      for (const line of msg.split("\n")) list.push(`${run.type}: ${line}`);
      out.set(run.jobName, list);
    }
    return out;
  }
}

/** The SD entries of `type` in a job: the job's field of the camelCase name; static groups form one entry. */
function sdEntries(job: ScrapeConfig, type: string): unknown[] {
  if (type === "static_configs") return job.staticConfigs.length > 0 ? [job.staticConfigs] : [];
  const field = type.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const value = (job as unknown as Record<string, unknown>)[field];
  return Array.isArray(value) ? value : [];
}

/** The folder of the config file (Go's `filepath.Dir`), or "" for a config read over HTTP. */
function configDir(source: string): string {
  if (/^https?:\/\//i.test(source)) return "";
  const i = source.lastIndexOf("/");
  if (i < 0) return ".";
  return i === 0 ? "/" : source.slice(0, i);
}

function failedDiscoverer(type: string, message: string): Discoverer {
  return {
    type,
    run: () => Promise.reject(new Error(message)),
  };
}

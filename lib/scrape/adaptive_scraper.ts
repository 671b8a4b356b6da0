/**
 * Scraping that starts in the main thread and moves to Workers when that thread gets busy
 * (`-promscrape.workers=-1`, the default on machines with two or more cores).
 *
 * Measured on 2 cores, one thread costs less CPU and memory than Workers while it keeps up
 * (about 60% less CPU at 10k samples/s), but near 400k samples/s it sometimes falls behind
 * and scrapes queue up. {@linkcode ScrapeThreads} samples the main thread's CPU time (from
 * `/proc/thread-self/stat`) every `checkInterval`; when it stays above `busyThreshold` of a
 * core for `busyChecks` checks in a row, it starts the Workers and moves every
 * {@linkcode AdaptiveScrapePool}'s targets to them, once: it never moves them back, so a
 * load near the threshold does not flap.
 *
 * A move stops each target in the main thread without staleness markers and starts it in
 * a Worker on the same schedule (the phase is derived from the target), so no scrape is
 * lost; the Worker's series cache starts empty, so that first scrape counts its series as
 * added, and a series that vanishes exactly at the move gets no staleness marker.
 *
 * @module
 */
import { parseProcStat } from "../metrics/process.ts";
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { ScrapePool, type ScrapePoolOptions } from "./scrape_pool.ts";
import type { ScrapeWorkers } from "./scrape_workers.ts";
import type { TargetScraper } from "./target_scraper.ts";
import type { WorkerPoolOptions } from "./worker_messages.ts";

/** Options of {@linkcode ScrapeThreads}. */
export interface ScrapeThreadsOptions {
  /** Starts the Workers (called at most once). */
  startWorkers: () => ScrapeWorkers;
  /** Fraction of one core the main thread must use to count as busy. @default 0.5 */
  busyThreshold?: number;
  /** Milliseconds between two samples of the main thread's CPU time. @default 5000 */
  checkInterval?: number;
  /** Busy samples in a row that start the Workers. @default 3 */
  busyChecks?: number;
  /**
   * CPU seconds the calling (main) thread has used, or undefined when unknown.
   * @default reads /proc/thread-self/stat
   */
  threadCpuSeconds?: () => number | undefined;
  /** The clock, milliseconds. @default performance.now */
  now?: () => number;
  /** Where the move is logged. @default getLogger("promscrape") */
  log?: Logger;
}

/** The main thread's CPU seconds from `/proc/thread-self/stat`, or undefined. */
function readThreadCpuSeconds(): number | undefined {
  try {
    const st = parseProcStat(Deno.readTextFileSync("/proc/thread-self/stat"));
    return st === undefined ? undefined : (st.utime + st.stime) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Decides, for the whole process, whether scraping runs in the main thread or in Workers.
 *
 * @example
 * ```ts
 * const threads = new ScrapeThreads({ startWorkers: () => new ScrapeWorkers({ count: 2, sink }) });
 * threads.start(); // samples the main thread every 5 s
 * const pool = threads.newPool(poolOptions, workerPoolOptions);
 * await pool.sync(targets);
 * await pool.stop();
 * threads.close();
 * ```
 */
export class ScrapeThreads {
  readonly #o: ScrapeThreadsOptions;
  readonly #log: Logger;
  readonly #pools = new Set<AdaptiveScrapePool>();
  #workers?: ScrapeWorkers;
  #timer?: ReturnType<typeof setInterval>;
  #last?: { cpu: number; at: number };
  #busy = 0;
  #closed = false;

  /** Scraping starts in the main thread; {@linkcode start} begins watching it. */
  constructor(options: ScrapeThreadsOptions) {
    this.#o = options;
    this.#log = options.log ?? getLogger("promscrape");
  }

  /** The Workers, once started. */
  get workers(): ScrapeWorkers | undefined {
    return this.#workers;
  }

  /** Samples the main thread every `checkInterval` (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setInterval(() => this.check(), this.#o.checkInterval ?? 5_000);
    Deno.unrefTimer(this.#timer);
  }

  /**
   * Takes one sample of the main thread's CPU time; starts the Workers and moves the pools
   * to them after `busyChecks` busy samples in a row. Called by the timer; public for tests.
   */
  check(): void {
    if (this.#workers !== undefined || this.#closed) return;
    const cpu = (this.#o.threadCpuSeconds ?? readThreadCpuSeconds)();
    const at = (this.#o.now ?? (() => performance.now()))();
    if (cpu === undefined) return;
    const last = this.#last;
    this.#last = { cpu, at };
    if (last === undefined || at <= last.at) return;
    const share = (cpu - last.cpu) / ((at - last.at) / 1000);
    if (share < (this.#o.busyThreshold ?? 0.5)) {
      this.#busy = 0;
      return;
    }
    if (++this.#busy < (this.#o.busyChecks ?? 3)) return;
    const workers = this.#o.startWorkers();
    this.#workers = workers;
    clearInterval(this.#timer);
    this.#log.info(
      `the main thread used ${share.toFixed(2)} CPU cores for scraping; moving scrape targets ` +
        `to ${workers.count} Worker threads (see -promscrape.workers)`,
    );
    for (const p of this.#pools) p.moveTo(workers);
  }

  /** A pool that scrapes in the main thread until the process moves to Workers. */
  newPool(options: ScrapePoolOptions, workerOptions: WorkerPoolOptions): AdaptiveScrapePool {
    const pool = new AdaptiveScrapePool(options, workerOptions, {
      workers: this.#workers,
      onStop: () => this.#pools.delete(pool),
    });
    this.#pools.add(pool);
    return pool;
  }

  /** Stops watching and terminates the Workers, if any (stop the pools first). */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#workers?.close();
  }
}

/**
 * A scrape pool that runs in the main thread or, after {@linkcode moveTo}, in Workers;
 * made by {@linkcode ScrapeThreads.newPool}.
 *
 * @example
 * ```ts
 * const pool = threads.newPool({ sink, externalLabels: [] }, { externalLabels: [] });
 * await pool.sync(targets);
 * pool.statusOf(targets[0].key)?.health; // "unknown", then "up" or "down"
 * ```
 */
export class AdaptiveScrapePool implements TargetScraper {
  readonly #workerOptions: WorkerPoolOptions;
  readonly #onStop: () => void;
  #current: TargetScraper;
  #targets: readonly ScrapeTarget[] = [];
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Use {@linkcode ScrapeThreads.newPool}. */
  constructor(
    options: ScrapePoolOptions,
    workerOptions: WorkerPoolOptions,
    opts: { workers?: ScrapeWorkers; onStop: () => void },
  ) {
    this.#workerOptions = workerOptions;
    this.#onStop = opts.onStop;
    this.#current = opts.workers?.newPool(workerOptions) ?? new ScrapePool(options);
  }

  /** Whether the pool's targets run in Workers. */
  get inWorkers(): boolean {
    return !(this.#current instanceof ScrapePool);
  }

  #serial(fn: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Makes the running targets match `targets` (by key); calls are serialized. */
  sync(targets: readonly ScrapeTarget[]): Promise<void> {
    return this.#serial(async () => {
      if (this.#stopped) return;
      this.#targets = targets;
      await this.#current.sync(targets);
    });
  }

  /**
   * Moves the targets to `workers`: stops them here without staleness markers, then starts
   * them there, after the work asked for before.
   */
  moveTo(workers: ScrapeWorkers): Promise<void> {
    return this.#serial(async () => {
      if (this.#stopped || this.inWorkers) return;
      const next = workers.newPool(this.#workerOptions);
      await this.#current.stop();
      this.#current = next;
      await next.sync(this.#targets);
    });
  }

  /** Stops every target without stale markers, after the work asked for before. */
  stop(): Promise<void> {
    return this.#serial(async () => {
      if (this.#stopped) return;
      this.#stopped = true;
      await this.#current.stop();
      this.#onStop();
    });
  }

  /** The status of the target with `key`, or undefined when it is not running. */
  statusOf(key: string): ScrapeStatus | undefined {
    return this.#current.statusOf(key);
  }

  /** The running targets. */
  targets(): ScrapeTarget[] {
    return this.#current.targets();
  }

  /** Fetches the target with `id` once (`/target_response`). */
  scrapeOnce(id: string): Promise<string> {
    return this.#current.scrapeOnce(id);
  }
}

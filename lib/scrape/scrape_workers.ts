/**
 * Scraping on more than one core: {@linkcode ScrapeWorkers} runs N Workers, each with
 * its own event loop, HTTP connections and series caches; a {@linkcode WorkerScrapePool}
 * spreads a pool's targets over them by a hash of the target key (so a target stays on
 * its Worker across reloads) and looks, to the rest of the agent, like a
 * {@linkcode ScrapePool}: same diffing, statuses, `/target_response`, metrics and logs.
 *
 * The Workers fetch, parse, look series up, apply metric relabeling and encode the
 * labels; the main thread gets compact encoded batches (transferred, not copied) and
 * feeds its remote write, which batches, compresses and sends. Each Worker posts its
 * self-metrics every `metricsInterval`; they are added to the process registry's at
 * exposition time, so `/metrics` shows the same names and sums as without Workers.
 *
 * A Worker that dies of an uncaught error is a bug that leaves its targets unscraped:
 * the process logs it and exits, as vmagent panics, so that the supervisor restarts it.
 *
 * @module
 */
import { type MetricDump, metrics as processMetrics } from "../metrics/registry.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { HeapStats } from "../metrics/process.ts";
import { type ScrapeStatus, type ScrapeTarget, unknownScrapeStatus } from "../targets/types.ts";
import { getLogger, logFatal, type Logger } from "../util/log.ts";
import { encodedBatchToSeries, isEncodedSink, type Sink } from "../util/series.ts";
import { byKey, logTargetChanges, type TargetScraper } from "./target_scraper.ts";
import {
  type FromWorker,
  packTargets,
  type ToWorker,
  type WorkerLoggerOptions,
  type WorkerPoolOptions,
} from "./worker_messages.ts";

/** Options of {@linkcode ScrapeWorkers}. */
export interface ScrapeWorkersOptions {
  /** Number of Workers (at least 1). */
  count: number;
  /** Where scraped series go (the remote write). */
  sink: Sink;
  /** The agent's logger settings, for the Workers' log lines. @default {} */
  logger?: WorkerLoggerOptions;
  /** The `app_version` label of `vm_log_messages_total`. @default "" */
  appVersion?: string;
  /** Registry the Workers' metrics are added to. @default the process registry */
  metrics?: MetricsRegistry;
  /** Milliseconds between the Workers' metric reports. @default 1000 */
  metricsInterval?: number;
  /** The Worker module. @default lib/scrape/scrape_worker.ts */
  workerUrl?: URL;
  /** Where the pools log. @default getLogger("promscrape") */
  log?: Logger;
}

interface Pending {
  resolve: (v: { text?: string }) => void;
  reject: (e: Error) => void;
}

/**
 * The scrape Workers of the process.
 *
 * @example
 * ```ts
 * const workers = new ScrapeWorkers({ count: 2, sink: remoteWrite });
 * const pool = workers.newPool({ externalLabels: [] });
 * await pool.sync(targets);
 * await pool.stop();
 * workers.close();
 * ```
 */
export class ScrapeWorkers {
  readonly #o: ScrapeWorkersOptions;
  readonly #workers: Worker[] = [];
  readonly #dumps: MetricDump[][] = [];
  readonly #heaps: HeapStats[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #pools = new Map<number, WorkerScrapePool>();
  readonly #removeSource: () => void;
  readonly #log: Logger;
  #seq = 0;
  #poolSeq = 0;
  #closed = false;

  /** Starts `count` Workers. */
  constructor(options: ScrapeWorkersOptions) {
    this.#o = options;
    this.#log = options.log ?? getLogger("promscrape");
    const url = options.workerUrl ?? new URL("./scrape_worker.ts", import.meta.url);
    const n = Math.max(1, Math.floor(options.count));
    for (let i = 0; i < n; i++) {
      const w = new Worker(url, { type: "module", name: `scrape-worker-${i}` });
      w.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(i, e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        if (this.#closed) return;
        logFatal("promscrape", `scrape worker ${i} failed: ${e.message}`);
      };
      w.postMessage(
        {
          t: "init",
          logger: options.logger ?? {},
          appVersion: options.appVersion ?? "",
          metricsInterval: options.metricsInterval ?? 1000,
        } satisfies ToWorker,
      );
      this.#workers.push(w);
      this.#dumps.push([]);
      this.#heaps.push({ heapTotal: 0, heapUsed: 0, external: 0 });
    }
    this.#removeSource = (options.metrics ?? processMetrics).addSource(() => this.#dumps.flat());
  }

  /** Number of Workers. */
  get count(): number {
    return this.#workers.length;
  }

  /** The Workers' JavaScript heaps, summed from their last reports. */
  heapStats(): HeapStats {
    const sum = { heapTotal: 0, heapUsed: 0, external: 0 };
    for (const h of this.#heaps) {
      sum.heapTotal += h.heapTotal;
      sum.heapUsed += h.heapUsed;
      sum.external += h.external;
    }
    return sum;
  }

  /** A pool whose targets run in these Workers. */
  newPool(options: WorkerPoolOptions): WorkerScrapePool {
    const id = ++this.#poolSeq;
    const pool = new WorkerScrapePool(this, id, options, this.#log);
    this.#pools.set(id, pool);
    for (const w of this.#workers) w.postMessage({ t: "open", pool: id, options } as ToWorker);
    return pool;
  }

  /** @internal Sends `msg` (without its `seq`) to Worker `i` and waits for its answer. */
  request(i: number, msg: DistributiveOmit<ToWorker, "seq">): Promise<{ text?: string }> {
    if (this.#closed) return Promise.reject(new Error("scrape workers are closed"));
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      this.#workers[i].postMessage({ ...msg, seq } as ToWorker);
    });
  }

  /** @internal */
  forgetPool(id: number): void {
    this.#pools.delete(id);
  }

  #onMessage(i: number, msg: FromWorker): void {
    switch (msg.t) {
      case "enc": {
        const sink = this.#o.sink;
        if (isEncodedSink(sink)) sink.pushEncoded(msg.batch);
        else sink.push(encodedBatchToSeries(msg.batch));
        return;
      }
      case "series":
        this.#o.sink.push(msg.series);
        return;
      case "status":
        this.#pools.get(msg.pool)?.setStatus(msg.key, msg.status);
        return;
      case "metrics":
        this.#dumps[i] = msg.dump;
        this.#heaps[i] = msg.heap;
        return;
      case "done": {
        const p = this.#pending.get(msg.seq);
        this.#pending.delete(msg.seq);
        if (p === undefined) return;
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve({ text: msg.text });
        return;
      }
    }
  }

  /**
   * Terminates the Workers (stop the pools first: data they did not post is lost).
   * The Workers' last metric reports stay in the registry, so counters do not go back.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    for (const p of this.#pending.values()) p.reject(new Error("scrape workers are closed"));
    this.#pending.clear();
    const last = this.#dumps.flat();
    this.#removeSource();
    (this.#o.metrics ?? processMetrics).addSource(() => last.filter((d) => d.kind !== "gauge"));
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface RunningTarget {
  target: ScrapeTarget;
  worker: number;
  status: ScrapeStatus;
}

/**
 * A scrape pool whose targets run in {@linkcode ScrapeWorkers}; made by
 * {@linkcode ScrapeWorkers.newPool}.
 *
 * @example
 * ```ts
 * const pool = workers.newPool({ type: "static_configs", externalLabels: [] });
 * await pool.sync(targets); // start; later syncs keep, stop (stale markers) and start
 * pool.statusOf(targets[0].key)?.health; // "unknown", then "up" or "down"
 * await pool.stop(); // graceful: no stale markers
 * ```
 */
export class WorkerScrapePool implements TargetScraper {
  readonly #workers: ScrapeWorkers;
  readonly #id: number;
  readonly #type: string;
  readonly #log: Logger;
  readonly #running = new Map<string, RunningTarget>();
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Use {@linkcode ScrapeWorkers.newPool}. */
  constructor(workers: ScrapeWorkers, id: number, options: WorkerPoolOptions, log: Logger) {
    this.#workers = workers;
    this.#id = id;
    this.#type = options.type ?? "static_configs";
    this.#log = log;
  }

  /** Makes the running targets match `targets` (by key); calls are serialized. */
  sync(targets: readonly ScrapeTarget[]): Promise<void> {
    const run = this.#queue.then(() => this.#sync(targets));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #sync(targets: readonly ScrapeTarget[]): Promise<void> {
    if (this.#stopped) return;
    const n = this.#workers.count;
    const wanted = byKey(targets);
    const keys: string[][] = Array.from({ length: n }, () => []);
    const added: ScrapeTarget[][] = Array.from({ length: n }, () => []);
    const change = new Map<string, [number, number, number]>();
    const bump = (type: string, i: number) => {
      const c = change.get(type) ?? [0, 0, 0];
      c[i]++;
      change.set(type, c);
    };
    for (const [key, t] of wanted) {
      const w = workerOf(key, n);
      keys[w].push(key);
      if (this.#running.has(key)) continue;
      added[w].push(t);
      bump(this.#typeOf(t), 0);
      // Known before the Worker starts it, so that its first status finds it.
      this.#running.set(key, { target: t, worker: w, status: unknownScrapeStatus() });
    }
    const removed: string[] = [];
    for (const [key, r] of this.#running) {
      if (wanted.has(key)) continue;
      removed.push(key);
      bump(this.#typeOf(r.target), 1);
    }
    await Promise.all(keys.map((k, w) => {
      const { add, configs } = packTargets(added[w]);
      return this.#workers.request(w, { t: "sync", pool: this.#id, keys: k, add, configs });
    }));
    for (const key of removed) this.#running.delete(key);
    for (const r of this.#running.values()) {
      const c = change.get(this.#typeOf(r.target));
      if (c !== undefined) c[2]++;
    }
    for (const [type, c] of change) logTargetChanges(this.#log, type, c);
  }

  #typeOf(t: ScrapeTarget): string {
    return t.discoveryType ?? this.#type;
  }

  /** @internal A Worker's report of a target's scrape. */
  setStatus(key: string, status: ScrapeStatus): void {
    const r = this.#running.get(key);
    if (r !== undefined) r.status = status;
  }

  /** Stops every target without stale markers, after the work asked for before. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#queue;
    const n = this.#workers.count;
    await Promise.all(
      Array.from({ length: n }, (_, w) => this.#workers.request(w, { t: "stop", pool: this.#id })),
    );
    this.#running.clear();
    this.#workers.forgetPool(this.#id);
  }

  /** The status of the target with `key`, or undefined when it is not running here. */
  statusOf(key: string): ScrapeStatus | undefined {
    return this.#running.get(key)?.status;
  }

  /** The running targets. */
  targets(): ScrapeTarget[] {
    return [...this.#running.values()].map((r) => r.target);
  }

  /** Fetches the target with `id` once in its Worker (`/target_response?id=`). */
  async scrapeOnce(id: string): Promise<string> {
    for (const r of this.#running.values()) {
      if (r.target.id !== id) continue;
      const { text } = await this.#workers.request(r.worker, { t: "fetch", pool: this.#id, id });
      return text ?? "";
    }
    throw new Error(`cannot find target for id=${id}`);
  }
}

/**
 * The Worker (of `n`) that runs the target with `key`: FNV-1a of the key's UTF-16 code
 * units, mixed by MurmurHash3's finalizer (FNV's low bits alone cancel out when a key holds
 * its address twice), so a target keeps its Worker, and its series cache, across syncs.
 *
 * @example
 * ```ts
 * workerOf("job1/http://host:9100/metrics", 2); // 0 or 1, the same every time
 * ```
 */
export function workerOf(key: string, n: number): number {
  if (n <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % n;
}

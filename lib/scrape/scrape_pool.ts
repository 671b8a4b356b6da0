/**
 * The set of running scrape loops for one kind of service discovery (vmagent's
 * `scraperGroup`): {@linkcode ScrapePool.sync} diffs the wanted targets by key,
 * keeps unchanged loops running without a gap, stops removed ones (with stale
 * markers) before starting new ones, and {@linkcode ScrapePool.stop} stops all
 * without stale markers (graceful shutdown, as Prometheus and vmagent do).
 *
 * @module
 */
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";
import type { Label, Sink } from "../util/series.ts";
import { sortLabels } from "../util/labels.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { initXXHash64 } from "../util/xxhash64.ts";
import { createHttpClient, type FetchFn, type HttpClient } from "../util/http_client.ts";
import { metrics as processMetrics, type MetricsRegistry } from "../metrics/registry.ts";
import { applyRelabeling } from "../relabel/mod.ts";
import { scrapeMetrics, timedSink } from "./self_metrics.ts";
import { ScrapeFetcher } from "./scrape_fetch.ts";
import { TargetProcessor } from "./target_processor.ts";
import { ScrapeLoop, type Timers } from "./scrape_loop.ts";
import { scrapePhaseKey } from "./schedule.ts";
import type { RelabelFn } from "./series_labels.ts";
import { byKey, logTargetChanges, type TargetScraper } from "./target_scraper.ts";

/**
 * vmagent's default `-promscrape.maxScrapeSize` in bytes (16 MiB), used when neither the job nor
 * the pool options set a size limit.
 *
 * @example
 * ```ts
 * const pool = new ScrapePool({ sink, maxScrapeSize: flags.maxScrapeSize ?? DEFAULT_MAX_SCRAPE_SIZE });
 * DEFAULT_MAX_SCRAPE_SIZE; // 16777216
 * ```
 */
export const DEFAULT_MAX_SCRAPE_SIZE = 16 * 1024 * 1024;

/** Options of {@linkcode ScrapePool}; each mirrors a vmagent flag where one exists. */
export interface ScrapePoolOptions {
  /** Where scraped series go. */
  sink: Sink;
  /**
   * The `type` label of the pool's metrics for targets without
   * {@linkcode ScrapeTarget.discoveryType}. @default "static_configs"
   */
  type?: string;
  /** `-promscrape.cluster.name` (varies scrape offsets per cluster). @default "" */
  clusterName?: string;
  /** The parsed `-promscrape.cluster.memberNum`. @default 0 */
  memberNum?: number;
  /**
   * `-promscrape.cluster.memberLabel` with the raw `-promscrape.cluster.memberNum`
   * text: added to the target labels (unless the target already has that label).
   * @default undefined (no member label)
   */
  memberLabel?: { name: string; value: string };
  /**
   * `global.external_labels` (labels or `[name, value]` pairs as in the config), added
   * to scraped series after metric relabeling. @default []
   */
  externalLabels?: readonly Label[] | readonly (readonly [string, string])[];
  /** `-promscrape.noStaleMarkers`. @default false */
  noStaleMarkers?: boolean;
  /** `-promscrape.maxScrapeSize`, bytes, for jobs without `max_scrape_size`. @default 16777216 */
  maxScrapeSize?: number;
  /** `-promscrape.seriesLimitPerTarget`, for targets without their own limit. @default 0 */
  seriesLimitPerTarget?: number;
  /** `-promscrape.disableCompression`. @default false */
  disableCompression?: boolean;
  /** `-promscrape.disableKeepAlive`. @default false */
  disableKeepAlive?: boolean;
  /** `-promscrape.streamParse`. @default false */
  streamParse?: boolean;
  /** `-promscrape.minResponseSizeForStreamParse`, bytes (0 = off). @default 1000000 */
  minResponseSizeForStreamParse?: number;
  /** `-promscrape.suppressScrapeErrors`. @default false */
  suppressScrapeErrors?: boolean;
  /** `-promscrape.suppressScrapeErrorsDelay`, milliseconds. @default 0 */
  suppressScrapeErrorsDelay?: number;
  /** Folder for relative file paths in `tls_config`, `*_file`. @default Deno.cwd() */
  baseDir?: string;
  /** Clock, milliseconds. @default Date.now */
  now?: () => number;
  /** Timers. @default globalThis.setTimeout / clearTimeout */
  timers?: Timers;
  /** HTTP transport. @default globalThis.fetch */
  fetch?: FetchFn;
  /** Metric relabeling. @default applyRelabeling from lib/relabel */
  relabel?: RelabelFn;
  /** Registry for self-metrics. @default the process registry */
  metrics?: MetricsRegistry;
  /** Where the pool logs. @default getLogger("promscrape") */
  logger?: Logger;
  /**
   * Log `added targets: N, removed targets: M` per discovery type on each change (off in
   * scrape Workers, whose pools hold a share of the targets: the main thread logs the whole).
   * @default true
   */
  logChanges?: boolean;
  /** Called with a target's key and status after each of its scrapes. @default undefined */
  onStatus?: (key: string, status: ScrapeStatus) => void;
}

interface Running {
  target: ScrapeTarget;
  type: string;
  loop: ScrapeLoop;
  clientKey: string;
}

interface SharedClient {
  client: HttpClient;
  refs: number;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/**
 * Runs the scrape loops of a set of targets.
 *
 * @example
 * ```ts
 * const pool = new ScrapePool({ sink, type: "static_configs" });
 * await pool.sync(targets); // start
 * await pool.sync(newTargets); // diff: keep, stop (stale markers), start
 * pool.statusOf(targets[0].key); // { health: "up", ... }
 * await pool.stop(); // graceful: no stale markers
 * ```
 */
export class ScrapePool implements TargetScraper {
  readonly #o: ScrapePoolOptions;
  readonly #type: string;
  readonly #registry: MetricsRegistry;
  readonly #log: Logger;
  /** The options' sink, each push timed into `vm_promscrape_push_data_duration_seconds`. */
  readonly #sink: Sink;
  readonly #running = new Map<string, Running>();
  readonly #clients = new Map<string, SharedClient>();
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #gaugeIds: string[] = [];
  readonly #types = new Set<string>();

  /** Creates an empty pool; {@linkcode sync} starts targets. */
  constructor(options: ScrapePoolOptions) {
    this.#o = options;
    this.#type = options.type ?? "static_configs";
    this.#registry = options.metrics ?? processMetrics;
    this.#log = options.logger ?? getLogger("promscrape");
    this.#sink = timedSink(options.sink, scrapeMetrics(this.#registry).pushDataDuration);
  }

  /** Registers the per-type gauges (`vm_promscrape_active_scrapers`, `vm_promscrape_targets`) once. */
  #registerType(type: string): void {
    if (this.#types.has(type)) return;
    this.#types.add(type);
    const t = JSON.stringify(type);
    const count = (pred: (r: Running) => boolean) => () => {
      let n = 0;
      for (const r of this.#running.values()) if (r.type === type && pred(r)) n++;
      return n;
    };
    const ids: [string, () => number][] = [
      [`vm_promscrape_active_scrapers{type=${t}}`, count(() => true)],
      [`vm_promscrape_targets{type=${t},status="up"}`, count((r) => r.loop.status.health === "up")],
      [
        `vm_promscrape_targets{type=${t},status="down"}`,
        count((r) => r.loop.status.health !== "up"),
      ],
    ];
    for (const [id, fn] of ids) {
      this.#registry.gauge(id, fn);
      this.#gaugeIds.push(id);
    }
  }

  /**
   * Makes the running loops match `targets` (by {@linkcode ScrapeTarget.key}).
   * Resolves once removed loops have stopped and new ones are scheduled. Calls
   * are serialized.
   */
  sync(targets: readonly ScrapeTarget[]): Promise<void> {
    const run = this.#queue.then(() => this.#sync(targets));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #sync(targets: readonly ScrapeTarget[]): Promise<void> {
    if (this.#stopped) return;
    await initXXHash64();
    const wanted = byKey(targets);
    const removed: Running[] = [];
    for (const [key, r] of this.#running) {
      if (!wanted.has(key)) {
        removed.push(r);
        this.#running.delete(key);
      }
    }
    // Stop removed targets before starting new ones, so a replaced target's series do not overlap.
    await Promise.all(removed.map((r) => this.#stopLoop(r, true)));
    const started = new Map<string, number>();
    const stopped = new Map<string, number>();
    const bump = (m: Map<string, number>, type: string) => m.set(type, (m.get(type) ?? 0) + 1);
    for (const r of removed) bump(stopped, r.type);
    for (const [key, t] of wanted) {
      if (this.#running.has(key)) continue;
      const r = this.#startLoop(t);
      this.#running.set(key, r);
      bump(started, r.type);
    }
    const reg = this.#registry;
    for (const type of new Set([...started.keys(), ...stopped.keys()])) {
      const t = JSON.stringify(type);
      const a = started.get(type) ?? 0;
      const d = stopped.get(type) ?? 0;
      if (a > 0) reg.counter(`vm_promscrape_scrapers_started_total{type=${t}}`).add(a);
      if (d > 0) reg.counter(`vm_promscrape_scrapers_stopped_total{type=${t}}`).add(d);
      reg.counter(`vm_promscrape_config_changes_total{type=${t}}`).add(a + d);
      let total = 0;
      for (const r of this.#running.values()) if (r.type === type) total++;
      if (this.#o.logChanges !== false) logTargetChanges(this.#log, type, [a, d, total]);
    }
  }

  #client(t: ScrapeTarget, disableKeepAlive: boolean): { client: HttpClient; key: string } {
    const key = JSON.stringify([t.config.http, disableKeepAlive]);
    let c = this.#clients.get(key);
    if (c === undefined) {
      c = {
        client: createHttpClient(t.config.http, {
          baseDir: this.#o.baseDir,
          disableKeepAlive,
          idleTimeout: Math.max(90_000, 2 * t.scrapeInterval),
          now: this.#o.now,
          fetch: this.#o.fetch,
        }),
        refs: 0,
      };
      this.#clients.set(key, c);
    }
    c.refs++;
    return { client: c.client, key };
  }

  #release(key: string): void {
    const c = this.#clients.get(key);
    if (c === undefined) return;
    if (--c.refs === 0) {
      c.client.close();
      this.#clients.delete(key);
    }
  }

  #startLoop(t: ScrapeTarget): Running {
    const o = this.#o;
    const cfg = t.config;
    const now = o.now ?? Date.now;
    let labels = t.labels;
    const ml = o.memberLabel;
    if (ml !== undefined && ml.name !== "" && !labels.some((l) => l.name === ml.name)) {
      labels = sortLabels([...labels, { name: ml.name, value: ml.value }]);
    }
    const seriesLimit = t.seriesLimit > 0 ? t.seriesLimit : (o.seriesLimitPerTarget ?? 0);
    const disableKeepAlive = !!o.disableKeepAlive || cfg.disableKeepalive;
    const { client, key: clientKey } = this.#client(t, disableKeepAlive);
    const m = scrapeMetrics(this.#registry);
    const externalLabels = sortLabels(
      (o.externalLabels ?? []).map((l) =>
        Array.isArray(l) ? { name: l[0], value: l[1] } : { ...(l as Label) }
      ),
    );
    const processor = new TargetProcessor({
      scrapeUrl: t.scrapeUrl,
      targetLabels: labels,
      externalLabels,
      honorLabels: cfg.honorLabels,
      honorTimestamps: cfg.honorTimestamps,
      metricRelabelConfigs: cfg.metricRelabelConfigs,
      relabel: o.relabel ?? applyRelabeling,
      sampleLimit: t.sampleLimit,
      seriesLimit,
      labelLimit: t.labelLimit ?? cfg.labelLimit,
      scrapeTimeoutSeconds: t.scrapeTimeout / 1000,
      noStaleMarkers: !!o.noStaleMarkers || cfg.noStaleMarkers,
    }, {
      sink: this.#sink,
      now,
      onParseError: (msg, line) => loop.logParseError(msg, line),
      onStaleSamples: (n) => m.staleSamplesCreated.add(n),
      onLimitExceeded: (which) =>
        (which === "sample_limit" ? m.skippedBySampleLimit : m.skippedByLabelLimit).inc(),
    });
    const fetcher = new ScrapeFetcher(client, {
      scrapeUrl: t.scrapeUrl,
      timeout: t.scrapeTimeout,
      maxScrapeSize: (t.maxScrapeSize ?? 0) > 0
        ? t.maxScrapeSize!
        : cfg.maxScrapeSize > 0
        ? cfg.maxScrapeSize
        : (o.maxScrapeSize ?? DEFAULT_MAX_SCRAPE_SIZE),
      disableCompression: !!o.disableCompression || cfg.disableCompression,
      metrics: m,
      timers: o.timers,
    });
    const canAutoStream = t.sampleLimit <= 0 && seriesLimit <= 0;
    const loop: ScrapeLoop = new ScrapeLoop({
      scrapeUrl: t.scrapeUrl,
      job: t.job,
      labels,
      interval: t.scrapeInterval,
      alignInterval: cfg.scrapeAlignInterval,
      offset: cfg.scrapeOffset,
      phaseKey: scrapePhaseKey(o.clusterName ?? "", o.memberNum ?? 0, t.scrapeUrl, labels),
      streamParse: !!o.streamParse || t.streamParse,
      minResponseSizeForStreamParse: canAutoStream ? (o.minResponseSizeForStreamParse ?? 1e6) : 0,
      fetcher,
      processor,
      metrics: m,
      log: this.#log,
      suppressScrapeErrors: !!o.suppressScrapeErrors,
      suppressScrapeErrorsDelay: o.suppressScrapeErrorsDelay ?? 0,
      now,
      timers: o.timers ?? defaultTimers,
      onScraped: o.onStatus === undefined ? undefined : (s) => o.onStatus!(t.key, s),
    });
    const type = t.discoveryType ?? this.#type;
    this.#registerType(type);
    loop.start();
    return { target: t, type, loop, clientKey };
  }

  async #stopLoop(r: Running, sendStaleMarkers: boolean): Promise<void> {
    await r.loop.stop(sendStaleMarkers);
    this.#release(r.clientKey);
  }

  /** Stops every loop without stale markers and releases connections. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(all.map((r) => this.#stopLoop(r, false)));
    const stopped = new Map<string, number>();
    for (const r of all) stopped.set(r.type, (stopped.get(r.type) ?? 0) + 1);
    for (const [type, n] of stopped) {
      this.#registry.counter(`vm_promscrape_scrapers_stopped_total{type=${JSON.stringify(type)}}`)
        .add(n);
    }
    for (const id of this.#gaugeIds) this.#registry.unregister(id);
    this.#gaugeIds.length = 0;
    this.#types.clear();
  }

  /** The status of the target with `key`, or undefined when it is not running here. */
  statusOf(key: string): ScrapeStatus | undefined {
    return this.#running.get(key)?.loop.status;
  }

  /** The running targets. */
  targets(): ScrapeTarget[] {
    return [...this.#running.values()].map((r) => r.target);
  }

  /**
   * Fetches the target with `id` once and returns its raw response
   * (`/target_response?id=`). Rejects with vmagent's messages.
   */
  async scrapeOnce(id: string): Promise<string> {
    let found: Running | undefined;
    for (const r of this.#running.values()) {
      if (r.target.id === id) {
        found = r;
        break;
      }
    }
    if (found === undefined) throw new Error(`cannot find target for id=${id}`);
    try {
      return await found.loop.fetchOnce();
    } catch (e) {
      throw new Error(`cannot fetch response from id=${id}: ${(e as Error).message}`);
    }
  }
}

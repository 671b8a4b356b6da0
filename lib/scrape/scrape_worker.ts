/**
 * The entry point of a scrape Worker: runs {@linkcode ScrapePool}s for its share of the
 * targets (fetch, parse, series cache, metric relabeling, encoding) and posts what they
 * produce to the main thread, which owns remote write, discovery and the HTTP server.
 *
 * Started by `ScrapeWorkers` with `new Worker(new URL("./scrape_worker.ts",
 * import.meta.url), { type: "module" })`; see {@linkcode ToWorker} and
 * {@linkcode FromWorker} for what it is told and what it says.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { ScrapeConfig } from "../config/types.ts";
import { countLogMessages } from "../metrics/log_messages.ts";
import { metrics } from "../metrics/registry.ts";
import type { ScrapeTarget } from "../targets/types.ts";
import { configureLogger, getLogger } from "../util/log.ts";
import type { EncodedSeriesBatch, EncodedSink, TimeSeries } from "../util/series.ts";
import { initXXHash64 } from "../util/xxhash64.ts";
import { ScrapePool } from "./scrape_pool.ts";
import {
  type FromWorker,
  packEncodedBatch,
  type ToWorker,
  unpackTargets,
  type WorkerPoolOptions,
} from "./worker_messages.ts";

interface PoolState {
  pool: ScrapePool;
  /** The targets the pool runs, by key. */
  running: Map<string, ScrapeTarget>;
  /** Job configs of the running targets, by their packed JSON text. */
  configs: Map<string, ScrapeConfig>;
}

const log = getLogger("promscrape");
const pools = new Map<number, PoolState>();
let metricsTimer: ReturnType<typeof setInterval> | undefined;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

/** Posts scraped series to the main thread's remote write. */
const sink: EncodedSink = {
  push(series: TimeSeries[]): boolean {
    post({ t: "series", series });
    return true;
  },
  pushEncoded(batch: EncodedSeriesBatch): boolean {
    const packed = packEncodedBatch(batch);
    post({ t: "enc", batch: packed }, [packed.values.buffer as ArrayBuffer]);
    return true;
  },
};

function postMetrics(): void {
  const { heapTotal, heapUsed, external } = Deno.memoryUsage();
  post({ t: "metrics", dump: metrics.dump(), heap: { heapTotal, heapUsed, external } });
}

function openPool(id: number, options: WorkerPoolOptions): void {
  const pool = new ScrapePool({
    ...options,
    sink,
    logChanges: false,
    onStatus: (key, status) => post({ t: "status", pool: id, key, status }),
  });
  pools.set(id, { pool, running: new Map(), configs: new Map() });
}

async function sync(msg: Extract<ToWorker, { t: "sync" }>): Promise<void> {
  const st = pools.get(msg.pool);
  if (st === undefined) throw new Error(`BUG: scrape pool ${msg.pool} is not open`);
  const added = unpackTargets(msg.add, msg.configs, st.configs);
  const addedByKey = new Map(added.map((t) => [t.key, t]));
  const wanted: ScrapeTarget[] = [];
  for (const key of msg.keys) {
    const t = st.running.get(key) ?? addedByKey.get(key);
    if (t === undefined) throw new Error(`BUG: target ${key} was neither running nor sent`);
    wanted.push(t);
  }
  await st.pool.sync(wanted);
  st.running = new Map(wanted.map((t) => [t.key, t]));
  // Keep only the job configs the running targets use.
  const used = new Set(wanted.map((t) => t.config));
  for (const [k, c] of st.configs) if (!used.has(c)) st.configs.delete(k);
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.t) {
    case "init":
      configureLogger({ ...msg.logger, onMessage: countLogMessages(msg.appVersion) });
      await initXXHash64();
      clearInterval(metricsTimer);
      metricsTimer = setInterval(postMetrics, msg.metricsInterval);
      return;
    case "open":
      openPool(msg.pool, msg.options);
      return;
    case "sync":
      try {
        await sync(msg);
        post({ t: "done", seq: msg.seq });
      } catch (e) {
        post({ t: "done", seq: msg.seq, error: String((e as Error)?.message ?? e) });
      }
      postMetrics();
      return;
    case "stop": {
      const st = pools.get(msg.pool);
      pools.delete(msg.pool);
      await st?.pool.stop();
      postMetrics();
      post({ t: "done", seq: msg.seq });
      return;
    }
    case "fetch":
      try {
        const text = await pools.get(msg.pool)!.pool.scrapeOnce(msg.id);
        post({ t: "done", seq: msg.seq, text });
      } catch (e) {
        post({ t: "done", seq: msg.seq, error: (e as Error).message });
      }
      return;
  }
}

// Messages are handled in order: a sync never overtakes the open or stop before it.
let queue: Promise<void> = Promise.resolve();
self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.t === "fetch") {
    // A one-off fetch must not wait behind a slow sync.
    handle(msg).catch((err) => log.error(`scrape worker: ${err}`));
    return;
  }
  queue = queue.then(() => handle(msg)).catch((err) => log.error(`scrape worker: ${err}`));
};

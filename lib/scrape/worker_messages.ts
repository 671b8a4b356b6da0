/**
 * What the main thread and the scrape Workers say to each other, and how targets and
 * encoded batches are packed to cross `postMessage`.
 *
 * Compiled relabel rules are class instances with closures, which structured cloning
 * cannot carry: a target crosses with its job's rules in their YAML form, compiled again
 * in the Worker once per job config. An encoded batch is valid only during
 * `pushEncoded`, so the Worker copies what it uses into one `ArrayBuffer` that is
 * transferred, not copied again.
 *
 * @module
 */
import type { ScrapeConfig } from "../config/types.ts";
import type { MetricDump } from "../metrics/registry.ts";
import type { HeapStats } from "../metrics/process.ts";
import { parseRelabelConfigs } from "../relabel/mod.ts";
import type { RelabelConfig } from "../relabel/types.ts";
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";
import type { LoggerOptions } from "../util/log.ts";
import type { EncodedSeriesBatch, TimeSeries } from "../util/series.ts";
import type { ScrapePoolOptions } from "./scrape_pool.ts";

/** A job config without what the scraper does not use, its metric relabeling in YAML form. */
export type PackedConfig =
  & Omit<
    ScrapeConfig,
    | "relabelConfigs"
    | "metricRelabelConfigs"
    | "staticConfigs"
    | "fileSdConfigs"
    | "kubernetesSdConfigs"
  >
  & { metricRelabelConfigs: RelabelConfig[] };

/** A target whose config is an index into the message's {@linkcode PackedConfig}s. */
export type PackedTarget = Omit<ScrapeTarget, "config" | "discoveredLabels"> & { config: number };

/** The options of a Worker's scrape pool that are plain data. */
export type WorkerPoolOptions = Pick<
  ScrapePoolOptions,
  | "type"
  | "clusterName"
  | "memberNum"
  | "memberLabel"
  | "noStaleMarkers"
  | "maxScrapeSize"
  | "seriesLimitPerTarget"
  | "disableCompression"
  | "disableKeepAlive"
  | "streamParse"
  | "minResponseSizeForStreamParse"
  | "suppressScrapeErrors"
  | "suppressScrapeErrorsDelay"
  | "baseDir"
  | "externalLabels"
>;

/** The logger options that are plain data. */
export type WorkerLoggerOptions = Omit<LoggerOptions, "write" | "now" | "onMessage" | "exit">;

/** From the main thread to a scrape Worker. */
export type ToWorker =
  | { t: "init"; logger: WorkerLoggerOptions; appVersion: string; metricsInterval: number }
  | { t: "open"; pool: number; options: WorkerPoolOptions }
  | {
    t: "sync";
    pool: number;
    seq: number;
    /** Every target the Worker's pool runs after this sync, in order. */
    keys: string[];
    /** The targets among `keys` the Worker does not run yet. */
    add: PackedTarget[];
    configs: PackedConfig[];
  }
  | { t: "stop"; pool: number; seq: number }
  | { t: "fetch"; pool: number; seq: number; id: string };

/** From a scrape Worker to the main thread. */
export type FromWorker =
  | { t: "enc"; batch: EncodedSeriesBatch }
  | { t: "series"; series: TimeSeries[] }
  | { t: "status"; pool: number; key: string; status: ScrapeStatus }
  | { t: "metrics"; dump: MetricDump[]; heap: HeapStats }
  | { t: "done"; seq: number; text?: string; error?: string };

/**
 * Packs `targets` with each distinct job config once.
 *
 * @example
 * ```ts
 * const { add, configs } = packTargets(newTargets);
 * worker.postMessage({ t: "sync", pool: 1, seq: 7, keys, add, configs });
 * ```
 */
export function packTargets(
  targets: readonly ScrapeTarget[],
): { add: PackedTarget[]; configs: PackedConfig[] } {
  const index = new Map<ScrapeConfig, number>();
  const configs: PackedConfig[] = [];
  const add: PackedTarget[] = [];
  for (const t of targets) {
    let i = index.get(t.config);
    if (i === undefined) {
      i = configs.length;
      index.set(t.config, i);
      configs.push(packConfig(t.config));
    }
    const { config: _config, discoveredLabels: _discovered, ...rest } = t;
    add.push({ ...rest, config: i });
  }
  return { add, configs };
}

function packConfig(c: ScrapeConfig): PackedConfig {
  const {
    relabelConfigs: _relabel,
    staticConfigs: _static,
    fileSdConfigs: _file,
    kubernetesSdConfigs: _kube,
    metricRelabelConfigs,
    ...rest
  } = c;
  return { ...rest, metricRelabelConfigs: metricRelabelConfigs.map((r) => r.source) };
}

/**
 * Turns packed configs back into job configs, compiling their metric relabeling once per
 * distinct config: `cache` maps a config's JSON text to what an earlier message built.
 *
 * @example
 * ```ts
 * const cache = new Map<string, ScrapeConfig>();
 * const targets = unpackTargets(msg.add, msg.configs, cache);
 * ```
 */
export function unpackTargets(
  add: readonly PackedTarget[],
  configs: readonly PackedConfig[],
  cache: Map<string, ScrapeConfig>,
): ScrapeTarget[] {
  const built = configs.map((p) => {
    const key = JSON.stringify(p);
    let c = cache.get(key);
    if (c === undefined) {
      c = {
        ...p,
        relabelConfigs: [],
        metricRelabelConfigs: parseRelabelConfigs(p.metricRelabelConfigs),
        staticConfigs: [],
        fileSdConfigs: [],
        kubernetesSdConfigs: [],
      };
      cache.set(key, c);
    }
    return c;
  });
  return add.map((t) => ({ ...t, config: built[t.config], discoveredLabels: [] }));
}

/**
 * Copies what `b` uses into one `ArrayBuffer` (the label bytes of its series packed
 * together), so that the batch can be transferred: `postMessage(msg, [packed.values.buffer])`.
 *
 * @example
 * ```ts
 * const packed = packEncodedBatch(batch);
 * self.postMessage({ t: "enc", batch: packed }, [packed.values.buffer]);
 * ```
 */
export function packEncodedBatch(b: EncodedSeriesBatch): EncodedSeriesBatch {
  const n = b.length;
  let labelBytes = 0;
  for (let i = 0; i < n; i++) labelBytes += b.labelLen[i];
  const tailLen = b.tail?.length ?? 0;
  // Float64 arrays first, then Int32, then bytes: every view is aligned.
  const size = 16 * n + 12 * n + (b.withTail !== undefined ? n : 0) + labelBytes + tailLen;
  const buf = new ArrayBuffer(size);
  let off = 0;
  const f64 = () => {
    const a = new Float64Array(buf, off, n);
    off += 8 * n;
    return a;
  };
  const i32 = () => {
    const a = new Int32Array(buf, off, n);
    off += 4 * n;
    return a;
  };
  const bytes = (len: number) => {
    const a = new Uint8Array(buf, off, len);
    off += len;
    return a;
  };
  const values = f64();
  values.set(b.values.subarray(0, n));
  const timestamps = f64();
  timestamps.set(b.timestamps.subarray(0, n));
  const labelStart = i32();
  const labelLen = i32();
  labelLen.set(b.labelLen.subarray(0, n));
  const labelCount = i32();
  labelCount.set(b.labelCount.subarray(0, n));
  let withTail: Uint8Array | undefined;
  if (b.withTail !== undefined) {
    withTail = bytes(n);
    withTail.set(b.withTail.subarray(0, n));
  }
  const labelBuf = bytes(labelBytes);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const start = b.labelStart[i];
    const len = b.labelLen[i];
    labelStart[i] = pos;
    labelBuf.set(b.labelBuf.subarray(start, start + len), pos);
    pos += len;
  }
  const out: EncodedSeriesBatch = {
    length: n,
    labelBuf,
    labelStart,
    labelLen,
    labelCount,
    values,
    timestamps,
  };
  if (b.tail !== undefined) {
    const tail = bytes(tailLen);
    tail.set(b.tail);
    out.tail = tail;
  }
  if (withTail !== undefined) out.withTail = withTail;
  return out;
}

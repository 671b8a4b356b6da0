/**
 * Remote write: the {@linkcode Sink} behind scraping and the push endpoints. It
 * applies `-remoteWrite.relabelConfig`, then copies the data to every
 * `-remoteWrite.url`, each with its own relabeling, batcher, on-disk queue and
 * senders (vmagent HEAD `app/vmagent/remotewrite`). With no URL it prints the
 * batches to stdout instead.
 *
 * `push` never waits on remote storage. With `-remoteWrite.disableOnDiskQueue`
 * a URL whose in-memory queue is full is "blocked": `push` drops its samples and
 * counts them (scrapes never block), `tryPush` refuses so an HTTP handler can
 * answer 429, unless `-remoteWrite.dropSamplesOnOverload` (or several URLs with
 * one of them stateless) makes it drop too.
 *
 * @module
 */
import type { Counter, Histogram } from "../metrics/registry.ts";
import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { DEFAULT_CHUNK_FILE_SIZE, MAX_BLOCK_SIZE } from "../queue/file_queue.ts";
import { applyRelabeling as defaultApplyRelabeling } from "../relabel/mod.ts";
import type { RelabelRule } from "../relabel/types.ts";
import { createHttpClient } from "../util/http_client.ts";
import { getLogger } from "../util/log.ts";
import {
  encodedBatchToSeries,
  type EncodedSeriesBatch,
  type EncodedSink,
  type Label,
  type TimeSeries,
} from "../util/series.ts";
import { initXXHash64 } from "../util/xxhash64.ts";
import { realClock } from "../util/clock.ts";
import { type RemoteWriteOptions, urlClientConfig } from "./options.ts";
import { PERSISTENT_QUEUE_DIRNAME, queueDirName, sanitizedURL } from "./queue_dir.ts";
import {
  type ApplyRelabeling,
  countSamples,
  parseExtraLabels,
  relabelSeries,
  withExtraLabels,
} from "./series_labels.ts";
import { StdoutSink } from "./stdout_sink.ts";
import { type PipelineCommon, UrlPipeline } from "./_url_pipeline.ts";

const log = getLogger("remotewrite");

/** What {@linkcode RemoteWrite.urls} tells about each URL. */
export interface RemoteWriteURLInfo {
  /** `N:secret-url`, or `N:<url>` with `-remoteWrite.showURL`. */
  sanitizedURL: string;
  /** The on-disk queue folder. */
  queueDir: string;
}

function joinPath(a: string, b: string): string {
  return a.endsWith("/") ? a + b : `${a}/${b}`;
}

function systemMemory(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 1 << 30;
  }
}

/**
 * The remote write {@linkcode Sink}: applies global relabeling, then copies series
 * to every URL's queue without waiting (or prints them with no URL); see the module docs.
 *
 * @example
 * ```ts
 * const rw = await RemoteWrite.open({ urls: [{ url: "http://127.0.0.1:8428/api/v1/write" }] });
 * rw.urls; // [{ sanitizedURL: "1:secret-url", queueDir: "vmagent-remotewrite-data/persistent-queue/1_…" }]
 * rw.push(series); // true unless a blocked URL dropped samples
 * await rw.close();
 * ```
 */
export class RemoteWrite implements EncodedSink {
  readonly #pipelines: UrlPipeline[];
  readonly #stdout: StdoutSink | undefined;
  #globalRules: readonly RelabelRule[];
  readonly #apply: ApplyRelabeling;
  readonly #extraLabels: readonly Label[];
  readonly #maxRows: number;
  readonly #anyStateless: boolean;
  readonly #dropOnFailure: boolean;
  readonly #rowsBeforeRelabel: Counter;
  readonly #rowsDroppedByRelabel: Counter;
  #closing: Promise<void> | undefined;
  #warnedClosed = false;

  private constructor(o: RemoteWriteOptions) {
    const registry = o.registry ?? defaultRegistry;
    const clock = o.clock ?? realClock;
    const cpus = Math.max(1, o.cpus ?? navigator.hardwareConcurrency ?? 1);
    this.#maxRows = Math.max(1, o.maxRowsPerBlock ?? 10000);
    this.#globalRules = o.relabelRules ?? [];
    this.#apply = o.applyRelabeling ?? defaultApplyRelabeling;
    this.#extraLabels = parseExtraLabels(o.labels ?? []);
    this.#rowsBeforeRelabel = registry.counter(
      "vmagent_remotewrite_global_rows_pushed_before_relabel_total",
    );
    this.#rowsDroppedByRelabel = registry.counter(
      "vmagent_remotewrite_global_relabel_metrics_dropped_total",
    );
    const flushInterval = o.flushInterval ?? 1000;
    this.#pipelines = [];
    if (o.urls.length === 0) {
      log.info(
        "no -remoteWrite.url is set: collected samples are printed to stdout in the Prometheus text format",
      );
      this.#stdout = new StdoutSink({
        flushInterval,
        maxRowsPerBlock: this.#maxRows,
        write: o.stdout,
        clock,
      });
      this.#anyStateless = false;
      this.#dropOnFailure = false;
      return;
    }
    for (const u of o.urls) {
      let parsed: URL;
      try {
        parsed = new URL(u.url);
      } catch {
        throw new Error(`invalid -remoteWrite.url=${JSON.stringify(u.url)}`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        throw new Error(
          `unsupported scheme ${parsed.protocol} in -remoteWrite.url; want http or https`,
        );
      }
    }
    const tmpDataPath = o.tmpDataPath ?? "vmagent-remotewrite-data";
    const queuesRoot = joinPath(tmpDataPath, PERSISTENT_QUEUE_DIRNAME);
    const chunkFileSize = o.chunkFileSize ?? DEFAULT_CHUNK_FILE_SIZE;
    const memoryAllowed = o.memoryAllowed ?? Math.floor(systemMemory() * 0.6);
    const common: Omit<PipelineCommon, "maxInmemoryBlocks"> = {
      flushInterval,
      maxBlockSize: o.maxBlockSize ?? 8 * 1024 * 1024,
      maxRowsPerBlock: this.#maxRows,
      shutdownTimeout: o.shutdownTimeout ?? 5000,
      extraLabels: this.#extraLabels,
      chunkFileSize: o.chunkFileSize,
      // vmagent's chunk holds 16 blocks of the largest size; keep that ratio for other sizes.
      queueMaxBlockSize: Math.max(64, Math.min(MAX_BLOCK_SIZE, Math.floor(chunkFileSize / 16) - 8)),
      applyRelabeling: this.#apply,
      clock,
      random: o.random ?? Math.random,
      registry,
      blockSizeBytes: registry.histogram("vmagent_remotewrite_block_size_bytes") as Histogram,
      blockSizeRows: registry.histogram("vmagent_remotewrite_block_size_rows") as Histogram,
    };
    const createClient = o.createClient ?? ((cfg) => createHttpClient(cfg));
    const dirs = o.urls.map((u, i) => queueDirName(i, u.url));
    if (!o.keepDanglingQueues) removeDanglingQueues(queuesRoot, dirs);
    try {
      o.urls.forEach((u, i) => {
        const queues = Math.min(Math.max(1, u.queues ?? 2 * cpus), 16 * cpus);
        let maxInmemoryBlocks = o.maxInmemoryBlocks ??
          Math.floor(memoryAllowed / o.urls.length / this.#maxRows / 100);
        if (o.maxInmemoryBlocks === undefined) {
          if (maxInmemoryBlocks / queues > 100) maxInmemoryBlocks = 100 * queues;
          if (maxInmemoryBlocks < 2) maxInmemoryBlocks = 2;
        }
        let maxDiskUsage = u.maxDiskUsage ?? 0;
        if (maxDiskUsage > 0 && maxDiskUsage < chunkFileSize) {
          log.warn(
            `rounding the -remoteWrite.maxDiskUsagePerURL=${maxDiskUsage} to the minimum supported value: ${chunkFileSize}`,
          );
          maxDiskUsage = chunkFileSize;
        }
        const name = sanitizedURL(i, u.url, o.showURL ?? false);
        const client = createClient(urlClientConfig(u));
        this.#pipelines.push(
          new UrlPipeline(u, joinPath(queuesRoot, dirs[i]), name, queues, maxDiskUsage, client, {
            ...common,
            maxInmemoryBlocks,
          }),
        );
      });
    } catch (e) {
      for (const p of this.#pipelines) p.close();
      throw e;
    }
    this.#anyStateless = o.urls.some((u) => u.disableOnDiskQueue);
    // Several URLs with one stateless: refusing would make healthy URLs get duplicates
    // on the client's retry, so samples for the blocked URL are dropped (vmagent v1.102+).
    this.#dropOnFailure = (o.dropSamplesOnOverload ?? false) ||
      (this.#anyStateless && o.urls.length > 1);
  }

  /**
   * Opens the queues (left by an earlier run too) and starts the senders.
   * Throws on invalid URLs or labels, or when a queue folder is locked by another process.
   *
   * @example
   * ```ts
   * const rw = await RemoteWrite.open({ urls: [{ url: "http://127.0.0.1:8428/api/v1/write" }] });
   * rw.push([{ labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: Date.now() }] }]);
   * await rw.close();
   * ```
   */
  static async open(options: RemoteWriteOptions): Promise<RemoteWrite> {
    await initXXHash64();
    return new RemoteWrite(options);
  }

  /** The configured URLs, in order. */
  get urls(): RemoteWriteURLInfo[] {
    return this.#pipelines.map((p) => ({ sanitizedURL: p.sanitizedURL, queueDir: p.queueDir }));
  }

  /** Bytes waiting for each URL (memory and disk), in order. */
  pendingBytes(): number[] {
    return this.#pipelines.map((p) => p.pendingBytes);
  }

  /** Replaces the compiled relabel rules (SIGHUP reload); `perURL[i]` undefined keeps URL i's. */
  setRelabelRules(
    global: readonly RelabelRule[],
    perURL: readonly (readonly RelabelRule[] | undefined)[] = [],
  ): void {
    this.#globalRules = global;
    perURL.forEach((rules, i) => {
      if (rules !== undefined) this.#pipelines[i]?.setRelabelRules(rules);
    });
  }

  /**
   * Queues `series` for every URL; never waits. Samples a blocked URL cannot take
   * are dropped and counted (`vmagent_remotewrite_samples_dropped_total`); returns
   * false when that happened. The series objects are not modified.
   */
  push(series: TimeSeries[]): boolean {
    return this.#push(series, true) === "ok";
  }

  /**
   * As {@linkcode push} for an encoded batch (the scraper's fast path): its label
   * bytes are copied into each URL's batch as they are, unless relabeling, extra
   * labels or stdout output need label objects.
   */
  pushEncoded(batch: EncodedSeriesBatch): boolean {
    if (this.#closing !== undefined || this.#globalRules.length > 0 || this.#stdout !== undefined) {
      return this.push(encodedBatchToSeries(batch));
    }
    const n = batch.length;
    let ok = true;
    let targets = this.#pipelines;
    if (this.#anyStateless) {
      targets = [];
      for (const p of this.#pipelines) {
        if (!p.isBlocked()) {
          targets.push(p);
          continue;
        }
        p.pushFailures.inc();
        p.samplesDropped.add(n);
        ok = false;
      }
      if (targets.length === 0) return ok;
    }
    this.#rowsBeforeRelabel.add(n);
    // In parts of about maxRowsPerBlock samples, as push does.
    const counts = batch.labelCount;
    for (let from = 0; from < n;) {
      let to = from;
      let labels = 0;
      while (to < n) {
        labels += counts[to];
        to++;
        if (to - from >= this.#maxRows || labels >= 10 * this.#maxRows) break;
      }
      for (const p of targets) {
        if (p.tryPushEncoded(batch, from, to)) continue;
        p.pushFailures.inc();
        p.samplesDropped.add(to - from);
        ok = false;
      }
      from = to;
    }
    return ok;
  }

  /**
   * Like {@linkcode push}, for the push endpoints: when a URL is blocked and dropping
   * is not enabled, nothing more is queued and false is returned (answer 429 then).
   * Part of the data may have been queued already: a retried request can duplicate it.
   */
  tryPush(series: TimeSeries[]): boolean {
    return this.#push(series, this.#dropOnFailure) !== "refused";
  }

  #push(series: readonly TimeSeries[], forceDrop: boolean): "ok" | "dropped" | "refused" {
    if (this.#closing !== undefined) {
      if (!this.#warnedClosed) {
        this.#warnedClosed = true;
        log.warn(
          `dropping samples pushed after remote write was stopped (${countSamples(series)} now)`,
        );
      }
      return forceDrop ? "dropped" : "refused";
    }
    let result: "ok" | "dropped" = "ok";
    let targets = this.#pipelines;
    if (this.#anyStateless) {
      targets = [];
      for (const p of this.#pipelines) {
        if (!p.isBlocked()) {
          targets.push(p);
          continue;
        }
        p.pushFailures.inc();
        if (!forceDrop) return "refused";
        p.samplesDropped.add(countSamples(series));
        result = "dropped";
      }
      if (targets.length === 0) return result;
    }
    this.#rowsBeforeRelabel.add(countSamples(series));
    // Work in parts of about maxRowsPerBlock samples, as vmagent does, to bound memory.
    for (let from = 0; from < series.length;) {
      let to = from;
      let samples = 0;
      let labels = 0;
      while (to < series.length) {
        samples += series[to].samples.length;
        labels += series[to].samples.length * series[to].labels.length;
        to++;
        if (samples >= this.#maxRows || labels >= 10 * this.#maxRows) break;
      }
      let part: readonly TimeSeries[] = from === 0 && to === series.length
        ? series
        : series.slice(from, to);
      from = to;
      if (this.#globalRules.length > 0) {
        part = relabelSeries(part, this.#globalRules, this.#apply);
        this.#rowsDroppedByRelabel.add(samples - countSamples(part));
      }
      if (part.length === 0) continue;
      if (this.#stdout !== undefined) {
        this.#stdout.push(
          this.#extraLabels.length > 0
            ? withExtraLabels(part, this.#extraLabels)
            : part as TimeSeries[],
        );
        continue;
      }
      for (const p of targets) {
        if (p.tryPush(part)) continue;
        p.pushFailures.inc();
        if (!forceDrop) return "refused";
        p.samplesDropped.add(countSamples(part));
        result = "dropped";
      }
    }
    return result;
  }

  /** Flushes every URL's batch into its queue now (tests, benchmarks, before a snapshot). */
  flush(): void {
    for (const p of this.#pipelines) p.flush();
    this.#stdout?.flush();
  }

  /**
   * Stops: batches go to the queues, senders get `shutdownTimeout` to finish (and to
   * send what is in memory), everything unsent is written to disk, even for stateless
   * URLs, and read back by the next {@linkcode open}. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all(this.#pipelines.map((p) => p.close()));
      await this.#stdout?.close();
    })();
    return this.#closing;
  }

  /** `await using rw = await RemoteWrite.open(...)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Removes queue folders that match no configured URL (vmagent HEAD, unless -remoteWrite.keepDanglingQueues). */
function removeDanglingQueues(root: string, keep: readonly string[]): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return;
  }
  let removed = 0;
  for (const e of entries) {
    if (keep.includes(e.name)) continue;
    log.info(`removing dangling queue ${JSON.stringify(e.name)}`);
    try {
      Deno.removeSync(joinPath(root, e.name), { recursive: true });
      removed++;
    } catch (err) {
      log.error(
        `cannot remove dangling queue ${joinPath(root, e.name)}: ${(err as Error).message}`,
      );
    }
  }
  if (removed > 0) {
    log.info(`removed ${removed} dangling queues from ${root}, active queues: ${keep.length}`);
  }
}

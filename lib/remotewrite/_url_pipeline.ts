/**
 * Everything behind one `-remoteWrite.url` (vmagent's `remoteWriteCtx` + `client`):
 * relabel, extra labels, batch, compress, queue (memory + disk), `queues` senders.
 *
 * @module
 */
import type { Counter, MetricsRegistry } from "../metrics/registry.ts";
import { escapeLabelValue } from "../queue/_metrics.ts";
import { FastQueue } from "../queue/fast_queue.ts";
import type { RelabelRule } from "../relabel/types.ts";
import { getLogger } from "../util/log.ts";
import {
  encodedBatchToSeries,
  type EncodedSeriesBatch,
  type Label,
  type TimeSeries,
} from "../util/series.ts";
import { addJitter } from "../util/backoff.ts";
import type { Clock } from "../util/clock.ts";
import type { RemoteWriteClient, RemoteWriteURLOptions } from "./options.ts";
import { parseHeaders } from "./options.ts";
import { PendingSeries } from "./pending_series.ts";
import { RateLimiter } from "./rate_limiter.ts";
import { valueAdjuster } from "./round_value.ts";
import { remoteWriteHeaders, sendBlock, type SendMetrics, type SendTarget } from "./send_block.ts";
import {
  type ApplyRelabeling,
  countSamples,
  relabelSeries,
  withExtraLabels,
} from "./series_labels.ts";
import { snappyValid } from "./snappy.ts";

const log = getLogger("remotewrite");

/** Settings shared by all URLs, already defaulted. */
export interface PipelineCommon {
  flushInterval: number;
  maxBlockSize: number;
  maxRowsPerBlock: number;
  maxInmemoryBlocks: number;
  shutdownTimeout: number;
  extraLabels: readonly Label[];
  /** Chunk file size of the on-disk queue. @default DEFAULT_CHUNK_FILE_SIZE */
  chunkFileSize?: number;
  /** Largest block the on-disk queue takes (32 MiB, or less with tiny test chunks). */
  queueMaxBlockSize: number;
  applyRelabeling?: ApplyRelabeling;
  clock: Clock;
  random: () => number;
  registry: MetricsRegistry;
  blockSizeBytes: ReturnType<MetricsRegistry["histogram"]>;
  blockSizeRows: ReturnType<MetricsRegistry["histogram"]>;
}

/**
 * Everything behind one `-remoteWrite.url`: relabels, batches and compresses the
 * series it is given, queues the blocks (memory + disk) and runs `queues` senders.
 *
 * @example
 * ```ts
 * // RemoteWrite builds one per URL:
 * const dir = "/data/persistent-queue/1_0123456789ABCDEF";
 * const p = new UrlPipeline(u, dir, "1:secret-url", 2, 0, client, common);
 * p.tryPush(series); // false only when a stateless queue is full
 * await p.close(); // unsent blocks are written to the queue folder
 * ```
 */
export class UrlPipeline {
  readonly sanitizedURL: string;
  readonly queueDir: string;
  readonly #fq: FastQueue;
  readonly #ps: PendingSeries;
  readonly #target: SendTarget;
  readonly #client: RemoteWriteClient;
  readonly #c: PipelineCommon;
  #rules: readonly RelabelRule[];
  readonly #stop = new AbortController();
  readonly #abort = new AbortController();
  readonly #workers: Promise<void>[] = [];
  #flushTimer: number | undefined;
  #lastFlushAt: number;
  readonly #flushPeriod: number;
  #closing: Promise<void> | undefined;
  readonly #gauges: string[] = [];
  readonly #rowsPushedAfterRelabel: Counter;
  readonly #rowsDroppedByRelabel: Counter;
  readonly #sendSeconds: Counter;
  /** `vmagent_remotewrite_push_failures_total{path,url}` */
  readonly pushFailures: Counter;
  /** `vmagent_remotewrite_samples_dropped_total{path,url}` */
  readonly samplesDropped: Counter;

  constructor(
    u: RemoteWriteURLOptions,
    queueDir: string,
    sanitizedURL: string,
    queues: number,
    maxDiskUsage: number,
    client: RemoteWriteClient,
    c: PipelineCommon,
  ) {
    this.sanitizedURL = sanitizedURL;
    this.queueDir = queueDir;
    this.#c = c;
    this.#client = client;
    this.#rules = u.relabelRules ?? [];
    const r = c.registry;
    const pu = `path="${escapeLabelValue(queueDir)}",url="${escapeLabelValue(sanitizedURL)}"`;
    const ul = `url="${escapeLabelValue(sanitizedURL)}"`;
    this.#fq = FastQueue.open(queueDir, {
      name: sanitizedURL,
      maxInmemoryBlocks: c.maxInmemoryBlocks,
      maxPendingBytes: maxDiskUsage,
      disableOnDiskQueue: u.disableOnDiskQueue ?? false,
      chunkFileSize: c.chunkFileSize,
      maxBlockSize: c.queueMaxBlockSize,
      validateBlock: snappyValid,
      now: () => c.clock.now(),
      registry: r,
    });
    const fq = this.#fq;
    this.#gauge(`vmagent_remotewrite_pending_data_bytes{${pu}}`, () => fq.pendingBytes);
    this.#gauge(`vmagent_remotewrite_pending_inmemory_blocks{${pu}}`, () => fq.inmemoryBlocks);
    this.#gauge(`vmagent_remotewrite_queue_blocked{${pu}}`, () => (fq.isWriteBlocked() ? 1 : 0));
    this.#gauge(`vmagent_remotewrite_queues{${ul}}`, () => queues);
    const rateLimit = u.rateLimit ?? 0;
    this.#gauge(`vmagent_remotewrite_rate_limit{${ul}}`, () => rateLimit);
    this.#rowsPushedAfterRelabel = r.counter(
      `vmagent_remotewrite_rows_pushed_after_relabel_total{${pu}}`,
    );
    this.#rowsDroppedByRelabel = r.counter(
      `vmagent_remotewrite_relabel_metrics_dropped_total{${pu}}`,
    );
    this.pushFailures = r.counter(`vmagent_remotewrite_push_failures_total{${pu}}`);
    this.samplesDropped = r.counter(`vmagent_remotewrite_samples_dropped_total{${pu}}`);
    this.#sendSeconds = r.counter(`vmagent_remotewrite_send_duration_seconds_total{${ul}}`);
    const metrics: SendMetrics = {
      requestDuration: r.histogram(`vmagent_remotewrite_duration_seconds{${ul}}`),
      requestsOK: r.counter(`vmagent_remotewrite_requests_total{${ul},status_code="2XX"}`),
      requestsByStatus: (code) =>
        r.counter(`vmagent_remotewrite_requests_total{${ul},status_code="${code}"}`),
      errors: r.counter(`vmagent_remotewrite_errors_total{${ul}}`),
      retries: r.counter(`vmagent_remotewrite_retries_count_total{${ul}}`),
      packetsDropped: r.counter(`vmagent_remotewrite_packets_dropped_total{${ul}}`),
      bytesSent: r.counter(`vmagent_remotewrite_bytes_sent_total{${ul}}`),
      blocksSent: r.counter(`vmagent_remotewrite_blocks_sent_total{${ul}}`),
    };
    const limitReached = r.counter(`vmagent_remotewrite_rate_limit_reached_total{${ul}}`);
    this.#target = {
      url: u.url,
      sanitizedURL,
      client,
      headers: remoteWriteHeaders(parseHeaders(u.headers ?? "")),
      sendTimeout: u.sendTimeout ?? 60_000,
      retryMinInterval: u.retryMinInterval ?? 1000,
      retryMaxInterval: u.retryMaxInterval ?? 60_000,
      rateLimiter: rateLimit > 0
        ? new RateLimiter(rateLimit, c.clock, { limitReached })
        : undefined,
      clock: c.clock,
      random: c.random,
      metrics,
      log,
    };
    if (rateLimit > 0) {
      log.info(
        `applying ${rateLimit} bytes per second rate limit for -remoteWrite.url=${sanitizedURL}`,
      );
    }
    this.#ps = new PendingSeries({
      maxRowsPerBlock: c.maxRowsPerBlock,
      maxBlockSize: c.maxBlockSize,
      maxQueueBlockSize: c.queueMaxBlockSize,
      adjustValue: valueAdjuster(u.significantFigures ?? 0, u.roundDigits ?? 100),
      pushBlock: (b) => {
        this.#lastFlushAt = c.clock.now();
        return fq.tryWriteBlock(b);
      },
      blockSizeBytes: c.blockSizeBytes,
      blockSizeRows: c.blockSizeRows,
      log,
    });
    this.#lastFlushAt = c.clock.now();
    this.#flushPeriod = addJitter(c.flushInterval, c.random);
    for (let i = 0; i < queues; i++) {
      this.#workers.push(
        this.#worker().catch((e) => {
          log.error(`BUG: a sender for -remoteWrite.url=${sanitizedURL} stopped: ${e}`);
        }),
      );
    }
    this.#scheduleFlush();
    log.info(`initialized client for -remoteWrite.url=${sanitizedURL}`);
  }

  #gauge(id: string, fn: () => number): void {
    this.#c.registry.unregister(id);
    this.#c.registry.gauge(id, fn);
    this.#gauges.push(id);
  }

  /** Replaces the `-remoteWrite.urlRelabelConfig` rules (config reload). */
  setRelabelRules(rules: readonly RelabelRule[]): void {
    this.#rules = rules;
  }

  /** True when a push would fail (stateless mode with a full queue). */
  isBlocked(): boolean {
    return this.#fq.isWriteBlocked();
  }

  /** Bytes waiting in memory and on disk. */
  get pendingBytes(): number {
    return this.#fq.pendingBytes;
  }

  /**
   * Relabels, labels and batches `series`. Returns false when the batch could not be
   * flushed into a full queue (stateless mode); the caller decides whether to drop.
   */
  tryPush(series: readonly TimeSeries[]): boolean {
    if (this.#closing !== undefined) return false;
    let tss = series;
    if (this.#rules.length > 0) {
      const before = countSamples(tss);
      tss = relabelSeries(tss, this.#rules, this.#applyRelabeling());
      this.#rowsDroppedByRelabel.add(before - countSamples(tss));
    }
    this.#rowsPushedAfterRelabel.add(countSamples(tss));
    if (this.#c.extraLabels.length > 0) tss = withExtraLabels(tss, this.#c.extraLabels);
    return this.#ps.tryPush(tss);
  }

  /**
   * As {@linkcode tryPush} for the series `[from, to)` of an encoded batch: with no
   * relabeling and no extra labels here, their label bytes go into the batch as they are.
   */
  tryPushEncoded(batch: EncodedSeriesBatch, from: number, to: number): boolean {
    if (this.#closing !== undefined) return false;
    if (this.#rules.length > 0 || this.#c.extraLabels.length > 0) {
      return this.tryPush(encodedBatchToSeries(batch, from, to));
    }
    this.#rowsPushedAfterRelabel.add(to - from);
    return this.#ps.tryPushEncoded(batch, from, to);
  }

  #applyRelabeling(): ApplyRelabeling {
    const f = this.#c.applyRelabeling;
    if (f === undefined) {
      throw new Error("BUG: relabel rules are set but no applyRelabeling function");
    }
    return f;
  }

  /** Flushes the batch into the queue now; false when the queue refused it. */
  flush(): boolean {
    this.#lastFlushAt = this.#c.clock.now();
    return this.#ps.tryFlush();
  }

  #scheduleFlush(): void {
    const c = this.#c;
    this.#flushTimer = c.clock.setTimeout(() => {
      this.#flushTimer = undefined;
      if (this.#closing !== undefined) return;
      // As vmagent: skip the tick when a batch was flushed within the interval.
      if (c.clock.now() - this.#lastFlushAt >= c.flushInterval) this.flush();
      this.#fq.flush();
      this.#scheduleFlush();
    }, this.#flushPeriod);
  }

  async #worker(): Promise<void> {
    const fq = this.#fq;
    const opts = {
      stop: this.#stop.signal,
      abort: this.#abort.signal,
      onRetry: () => fq.setRemoteFailing(true),
    };
    for (;;) {
      const lease = await fq.read();
      if (lease === null) break;
      const start = this.#c.clock.now();
      const done = await sendBlock(lease.block, this.#target, opts);
      this.#sendSeconds.add((this.#c.clock.now() - start) / 1000);
      if (!done) return; // stopped while retrying: close() writes the block back in order
      fq.setRemoteFailing(false);
      fq.ack(lease);
      this.#ps.recycle(lease.block);
    }
    // Shutting down: send what is still in memory, one attempt each, until the deadline.
    while (!this.#abort.signal.aborted) {
      const lease = this.#fq.tryReadInmemory();
      if (lease === null) return;
      if (!await sendBlock(lease.block, this.#target, opts)) return;
      this.#fq.ack(lease);
    }
  }

  /**
   * Flushes the batch into the queue, lets senders finish for up to
   * `shutdownTimeout`, then writes everything unsent to disk. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const c = this.#c;
    if (this.#flushTimer !== undefined) c.clock.clearTimeout(this.#flushTimer);
    this.#ps.flushWith((b) => this.#fq.writeBlockIgnoreDisabled(b));
    this.#stop.abort();
    this.#fq.stopReaders();
    const deadline = c.clock.setTimeout(() => this.#abort.abort(), c.shutdownTimeout);
    await Promise.all(this.#workers);
    c.clock.clearTimeout(deadline);
    this.#fq.close();
    this.#client.close();
    for (const id of this.#gauges) c.registry.unregister(id);
    log.info(`stopped client for -remoteWrite.url=${this.sanitizedURL}`);
  }
}

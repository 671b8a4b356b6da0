/**
 * The batch of one remote write URL (vmagent's `pendingSeries`): series are
 * encoded into one protobuf buffer as they arrive and flushed as a snappy block
 * into the queue when `maxRowsPerBlock` samples (or 10× that many labels) are
 * reached, when the next series would push the request past `maxBlockSize`,
 * and every flush interval.
 *
 * A series alone above `maxBlockSize` is split by samples into halves until the
 * parts fit; a single sample that still does not fit is dropped with a warning.
 * A compressed block above the queue's 32 MiB limit is split in halves at
 * series boundaries.
 *
 * @module
 */
import type { Histogram } from "../metrics/registry.ts";
import { MAX_BLOCK_SIZE } from "../queue/file_queue.ts";
import type { Logger } from "../util/log.ts";
import type { EncodedSeriesBatch, Label, Sample, TimeSeries } from "../util/series.ts";
import { snappyCompress, snappyMaxCompressedLength } from "./snappy.ts";
import { WriteRequestBuilder } from "./write_request_encoder.ts";

/** Options of {@linkcode PendingSeries}. */
export interface PendingSeriesOptions {
  /** `-remoteWrite.maxRowsPerBlock`. @default 10000 */
  maxRowsPerBlock?: number;
  /** `-remoteWrite.maxBlockSize`: largest uncompressed request, bytes. @default 8388608 */
  maxBlockSize?: number;
  /** Largest compressed block the queue takes; bigger ones are split. @default MAX_BLOCK_SIZE */
  maxQueueBlockSize?: number;
  /**
   * Applied to each value before encoding (`-remoteWrite.significantFigures`, `roundDigits`).
   * @default undefined (values are encoded unchanged)
   */
  adjustValue?: (v: number) => number;
  /** Takes a finished block (which it then owns); false when the queue refuses it. */
  pushBlock: (block: Uint8Array) => boolean;
  /** `vmagent_remotewrite_block_size_bytes` */
  blockSizeBytes?: Histogram;
  /** `vmagent_remotewrite_block_size_rows` (series per block, as vmagent counts them) */
  blockSizeRows?: Histogram;
  log: Logger;
}

/** Sent blocks kept for reuse. */
const MAX_FREE_BLOCKS = 8;

/**
 * The batch of one remote write URL: encodes series into a `WriteRequest` and hands
 * snappy blocks to `pushBlock` when it is full or flushed; see the module docs.
 *
 * @example
 * ```ts
 * const ps = new PendingSeries({ maxRowsPerBlock: 10000, pushBlock: (b) => fq.tryWriteBlock(b), log });
 * ps.tryPush([{
 *   labels: [{ name: "__name__", value: "up" }],
 *   samples: [{ value: 1, timestamp: 1700000000000 }],
 * }]);
 * ps.sampleCount; // 1
 * ps.tryFlush(); // true: one snappy block went to pushBlock, the batch is empty again
 * ```
 */
export class PendingSeries {
  readonly #b: WriteRequestBuilder;
  readonly #maxRows: number;
  readonly #maxBlock: number;
  readonly #maxQueueBlock: number;
  readonly #o: PendingSeriesOptions;
  #zbuf = new Uint8Array(0);
  /** Buffers of sent blocks, for the next blocks (see {@linkcode recycle}). */
  readonly #free: ArrayBuffer[] = [];
  /** Buffers this batcher allocated: only those are taken back. */
  readonly #own = new WeakSet<ArrayBuffer>();

  constructor(options: PendingSeriesOptions) {
    this.#o = options;
    this.#maxRows = Math.max(1, options.maxRowsPerBlock ?? 10000);
    this.#maxBlock = Math.max(64, options.maxBlockSize ?? 8 * 1024 * 1024);
    this.#maxQueueBlock = options.maxQueueBlockSize ?? MAX_BLOCK_SIZE;
    this.#b = new WriteRequestBuilder({ adjustValue: options.adjustValue });
  }

  /** Samples waiting in the batch. */
  get sampleCount(): number {
    return this.#b.sampleCount;
  }
  /** Series waiting in the batch. */
  get seriesCount(): number {
    return this.#b.seriesCount;
  }

  /**
   * Adds series to the batch, flushing full batches on the way. Returns false when
   * a flush was refused (stateless mode, full queue): the series from that point on
   * were not added, the batch stays for the next attempt.
   *
   * @example
   * ```ts
   * const ps = new PendingSeries({ pushBlock: (b) => queue.tryWriteBlock(b), log });
   * ps.tryPush(series);
   * ps.tryFlush(); // each flush interval
   * ```
   */
  tryPush(series: readonly TimeSeries[]): boolean {
    const maxLabels = 10 * this.#maxRows;
    for (let i = 0; i < series.length; i++) {
      if (this.#b.sampleCount >= this.#maxRows || this.#b.labelCount >= maxLabels) {
        if (!this.tryFlush()) return false;
      }
      const ts = series[i];
      if (!this.#add(ts.labels, ts.samples, 0, ts.samples.length)) return false;
    }
    return true;
  }

  /**
   * As {@linkcode tryPush} for the series `[from, to)` of an encoded batch: their
   * label bytes are copied into the request as they are.
   */
  tryPushEncoded(batch: EncodedSeriesBatch, from = 0, to: number = batch.length): boolean {
    const maxLabels = 10 * this.#maxRows;
    const b = this.#b;
    const { labelBuf, labelStart, labelLen, labelCount, values, timestamps, tail, withTail } =
      batch;
    for (let i = from; i < to; i++) {
      if (b.sampleCount >= this.#maxRows || b.labelCount >= maxLabels) {
        if (!this.tryFlush()) return false;
      }
      const len = labelLen[i];
      const t = withTail !== undefined && withTail[i] === 1 ? tail : undefined;
      const v = values[i];
      const ts = timestamps[i];
      const size = b.encodedRecordSize(len + (t === undefined ? 0 : t.length), v, ts);
      if (size > this.#maxBlock) {
        this.#o.log.warn(
          `dropping a sample for metric with ${labelCount[i]} labels exceeding ` +
            `-remoteWrite.maxBlockSize=${this.#maxBlock} bytes`,
        );
        continue;
      }
      if (b.byteLength > 0 && b.byteLength + size > this.#maxBlock) {
        if (!this.tryFlush()) return false;
      }
      b.addEncoded(labelBuf, labelStart[i], len, labelCount[i], v, ts, t);
    }
    return true;
  }

  #add(labels: readonly Label[], samples: readonly Sample[], from: number, to: number): boolean {
    if (to <= from) return true;
    const size = this.#b.recordSize(labels, samples, from, to);
    if (size > this.#maxBlock) {
      if (to - from === 1) {
        this.#o.log.warn(
          `dropping a sample for metric with ${labels.length} labels exceeding ` +
            `-remoteWrite.maxBlockSize=${this.#maxBlock} bytes`,
        );
        return true;
      }
      const mid = from + Math.floor((to - from) / 2);
      return this.#add(labels, samples, from, mid) && this.#add(labels, samples, mid, to);
    }
    if (this.#b.byteLength > 0 && this.#b.byteLength + size > this.#maxBlock) {
      if (!this.tryFlush()) return false;
    }
    this.#b.add(labels, samples, from, to);
    return true;
  }

  /** Compresses the batch into a block and hands it over. Returns false (keeping the batch) when refused. */
  tryFlush(): boolean {
    return this.#flush(this.#o.pushBlock);
  }

  /** Flushes through `pushBlock`, which must accept everything (the final flush on shutdown). */
  flushWith(pushBlock: (block: Uint8Array) => void): void {
    this.#flush((b) => {
      pushBlock(b);
      return true;
    });
  }

  #flush(push: (block: Uint8Array) => boolean): boolean {
    if (this.#b.byteLength === 0) return true;
    if (!this.#pushRecords(this.#b.bytes(), this.#b.seriesCount, push)) return false;
    this.#b.reset();
    return true;
  }

  /**
   * Takes back a block this batcher made once nothing refers to it any more (it
   * was sent and acknowledged), so the next block reuses its memory instead of
   * leaving garbage for the GC. Blocks from elsewhere are ignored.
   */
  recycle(block: Uint8Array): void {
    const buf = block.buffer as ArrayBuffer;
    if (this.#free.length < MAX_FREE_BLOCKS && this.#own.has(buf)) {
      this.#own.delete(buf);
      this.#free.push(buf);
    }
  }

  #newBlock(size: number): Uint8Array {
    let buf = this.#free.pop();
    if (buf === undefined || buf.byteLength < size) {
      buf = new ArrayBuffer(size + (size >> 3));
    }
    this.#own.add(buf);
    return new Uint8Array(buf, 0, size);
  }

  /** Compresses a run of whole series records; splits it when the block is too big for the queue. */
  #pushRecords(data: Uint8Array, series: number, push: (block: Uint8Array) => boolean): boolean {
    const need = snappyMaxCompressedLength(data.length);
    if (this.#zbuf.length < need) {
      this.#zbuf = new Uint8Array(Math.max(need, this.#zbuf.length * 2));
    }
    const packed = snappyCompress(data, this.#zbuf);
    if (packed.length <= this.#maxQueueBlock) {
      const block = this.#newBlock(packed.length);
      block.set(packed);
      if (!push(block)) return false;
      this.#o.blockSizeRows?.update(series);
      this.#o.blockSizeBytes?.update(block.length);
      return true;
    }
    if (series <= 1) {
      this.#o.log.warn(
        `dropping a series whose compressed block of ${packed.length} bytes exceeds the ` +
          `${this.#maxQueueBlock}-byte queue limit; lower -remoteWrite.maxBlockSize`,
      );
      return true;
    }
    const half = Math.floor(series / 2);
    const cut = recordBoundary(data, half);
    return this.#pushRecords(data.subarray(0, cut), half, push) &&
      this.#pushRecords(data.subarray(cut), series - half, push);
  }
}

/** Byte offset where series record number `n` starts in an encoded WriteRequest. */
function recordBoundary(data: Uint8Array, n: number): number {
  let p = 0;
  for (let i = 0; i < n; i++) {
    p++; // the field tag
    let len = 0;
    let mul = 1;
    // A length varint has at most 10 bytes; stop at the end of the data in any case.
    for (let k = 0; k < 10 && p < data.length; k++) {
      const b = data[p++];
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
    p += len;
  }
  return p;
}

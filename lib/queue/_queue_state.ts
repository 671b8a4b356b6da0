/**
 * The state of one open persistent queue, shared by its reading and writing sides:
 * offsets, the blocks in flight, the open chunk files and the metrics, plus what
 * both sides need: opening the files after repair, saving `metainfo.json` (now or
 * at most once a second), switching the writer chunk and deleting chunk files
 * nobody needs any more.
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import { METAINFO_FILENAME, removeFile, syncDir, writeMetainfo } from "./_files.ts";
import { chunkPath, chunkStart, type Geometry, openAndRepair } from "./_chunks.ts";
import { ChunkReader } from "./_chunk_reader.ts";
import { ChunkWriter } from "./_chunk_writer.ts";
import type { QueueMetrics } from "./_metrics.ts";

const log = getLogger("persistentqueue");

/** Settings of a {@linkcode QueueState} besides its geometry, defaults already applied. */
export interface QueueSettings {
  /** Queue name stored in `metainfo.json` and used as the `name` metric label. */
  name: string;
  /** Pending bytes limit; 0 = unlimited. */
  maxPending: number;
  /** Clock in milliseconds. */
  now: () => number;
  /** The queue's `vm_persistentqueue_*` metrics, already registered. */
  m: QueueMetrics;
}

/**
 * Offsets, open files and metrics of one queue folder; see the module docs. Fields
 * are mutated by the reading and writing sides; {@linkcode open} must run first.
 *
 * @example
 * ```ts
 * const g = { dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 };
 * const s = new QueueState(g, {
 *   name: "1:secret-url",
 *   maxPending: 0,
 *   now: Date.now,
 *   m: queueMetrics(metrics, {
 *     path: "/tmp/q",
 *     name: "1:secret-url",
 *     pendingBytes: () => s.pendingBytes,
 *     freeDiskSpace,
 *     maxPendingBytes: 0,
 *   }),
 * });
 * s.open(); // repairs the folder, opens the writer chunk, saves metainfo.json
 * s.writeMetaSafe(true);
 * s.closeFiles();
 * s.m.unregister();
 * ```
 */
export class QueueState {
  /** The folder and how its chunks are cut. */
  readonly g: Geometry;
  /** The name written to `metainfo.json`. */
  readonly name: string;
  /** Pending bytes limit; 0 = unlimited. */
  readonly maxPending: number;
  /** The `vm_persistentqueue_*` metrics of this queue. */
  readonly m: QueueMetrics;
  /** Reads records from the chunk at the read position. */
  readonly reader: ChunkReader;
  /** Appends records to the last chunk; set by {@linkcode open}. */
  writer!: ChunkWriter;
  /** Global offset of the next block to read. */
  readerOffset = 0;
  /** Offsets of blocks read and not yet acknowledged, ascending. */
  outstanding: number[] = [];
  /** Start of the oldest chunk file still kept. */
  retainedFrom = 0;
  /** Whether offsets changed since `metainfo.json` was last saved. */
  metaDirty = false;
  /** Set once the queue is closed. */
  closed = false;
  readonly #now: () => number;
  #lastFlushSecond = -1;

  /** Takes the settings; opens no file. */
  constructor(g: Geometry, settings: QueueSettings) {
    this.g = g;
    this.name = settings.name;
    this.maxPending = settings.maxPending;
    this.#now = settings.now;
    this.m = settings.m;
    this.reader = new ChunkReader(g);
  }

  /** Bytes between the read position and the end (what is still to be read). */
  get pendingBytes(): number {
    return this.writer.offset - this.readerOffset;
  }
  /** Offset stored as `ReaderOffset`: the oldest block read and not acknowledged. */
  get committedOffset(): number {
    return this.outstanding.length > 0 ? this.outstanding[0] : this.readerOffset;
  }

  /** Start of the chunk file holding global `offset`. */
  chunkStart(offset: number): number {
    return chunkStart(this.g, offset);
  }
  /** Path of the chunk file starting at global `offset`. */
  path(offset: number): string {
    return chunkPath(this.g, offset);
  }

  /** Repairs the folder, opens the writer chunk and saves `metainfo.json`; throws on I/O errors. */
  open(): void {
    const opened = openAndRepair(this.g, this.name);
    const w = opened.writerOffset;
    this.writer = new ChunkWriter(this.g, opened.writer, w, this.chunkStart(w));
    this.readerOffset = opened.readerOffset;
    this.retainedFrom = this.chunkStart(opened.readerOffset);
    this.writeMeta(true);
    syncDir(this.g.dir);
  }

  /** Finishes the writer chunk and starts the one at `offset` (vmagent's `nextChunkFileForWrite`). */
  startWriterChunk(offset: number): void {
    this.writer.startChunk(offset);
    this.writeMeta(true);
    syncDir(this.g.dir);
  }

  /** Deletes chunk files that lie wholly before the committed offset. */
  releaseChunks(): void {
    const keepFrom = this.chunkStart(this.committedOffset);
    while (this.retainedFrom < keepFrom) {
      const off = this.retainedFrom;
      if (off !== this.writer.chunk) {
        try {
          removeFile(this.path(off));
        } catch (e) {
          log.error(`cannot remove ${this.path(off)}: ${(e as Error).message}`);
        }
      }
      this.retainedFrom += this.g.chunkSize;
    }
  }

  /** Saves pending data and `metainfo.json` now if anything changed (fsync included). */
  flush(): void {
    if (this.closed || (!this.metaDirty && !this.writer.dirty)) return;
    this.writeMetaSafe(true);
    this.#lastFlushSecond = Math.floor(this.#now() / 1000);
  }

  /** Saves `metainfo.json` unless it was already saved within this second of the clock. */
  flushIfDue(): void {
    const sec = Math.floor(this.#now() / 1000);
    if (sec === this.#lastFlushSecond) return;
    this.writeMetaSafe(true);
    this.#lastFlushSecond = sec;
  }

  /** {@linkcode writeMeta}, logging instead of throwing. */
  writeMetaSafe(sync: boolean): void {
    try {
      this.writeMeta(sync);
    } catch (e) {
      log.error(`cannot save ${METAINFO_FILENAME} in ${this.g.dir}: ${(e as Error).message}`);
    }
  }

  /** Writes `metainfo.json`; with `sync`, fsyncs the writer chunk first and the file after. */
  writeMeta(sync: boolean): void {
    if (sync) this.writer.sync();
    writeMetainfo(this.g.dir, {
      Name: this.name,
      ReaderOffset: this.committedOffset,
      WriterOffset: this.writer.offset,
    }, sync);
    this.metaDirty = false;
  }

  /** Closes the chunk files (the writer may not be open yet). */
  closeFiles(): void {
    this.reader.close();
    try {
      this.writer?.close();
    } catch {
      // already closed
    }
  }
}

/**
 * The on-disk persistent queue, in vmagent's layout and format, so a queue left
 * by vmagent can be read by us and the other way round:
 *
 * - chunk files named by their global byte offset (16 upper-case hex digits),
 *   each at most `chunkFileSize` bytes; a new chunk starts when a block of the
 *   maximum size would not fit in the current one;
 * - a block record is an 8-byte big-endian length followed by the block;
 * - `metainfo.json` holds `{"Name","ReaderOffset","WriterOffset"}`, rewritten
 *   atomically with fsync at most once a second, on chunk switches and on close;
 * - `flock.lock` is held with an exclusive lock while the queue is open.
 *
 * Extensions over vmagent (the files stay compatible):
 * - blocks handed out by {@linkcode FileQueue.read} stay on disk until
 *   {@linkcode FileQueue.ack}; `ReaderOffset` is the oldest unacknowledged block,
 *   so blocks in flight survive a crash or a restart and keep their order;
 * - opening repairs instead of wiping: a corrupt or missing `metainfo.json` is
 *   rebuilt from the chunk files, a torn or short writer chunk is cut at its last
 *   valid block, and with `validateBlock` blocks written after the last metainfo
 *   save (a `kill -9`) are recovered rather than overwritten;
 * - a damaged block is skipped alone when the next one is intact, else the rest
 *   of its chunk; I/O errors are logged and never thrown out of `write`/`read`.
 *
 * All methods are synchronous: the queue is used from one event loop.
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import { metrics as defaultRegistry, type MetricsRegistry } from "../metrics/registry.ts";
import {
  FLOCK_FILENAME,
  freeDiskSpace,
  join,
  METAINFO_FILENAME,
  removeFile,
  syncDir,
  writeMetainfo,
} from "./_files.ts";
import { chunkPath, chunkStart, type Geometry, openAndRepair, scanValidEnd } from "./_chunks.ts";
import { ChunkReader } from "./_chunk_reader.ts";
import { ChunkWriter } from "./_chunk_writer.ts";
import { type QueueMetrics, queueMetrics } from "./_metrics.ts";

const log = getLogger("persistentqueue");

/**
 * The largest block the queue stores (vmagent's `MaxBlockSize`, 32 MiB).
 *
 * @example
 * ```ts
 * if (block.length > MAX_BLOCK_SIZE) throw new RangeError("block too big"); // 33554432 bytes
 * ```
 */
export const MAX_BLOCK_SIZE = 32 * 1024 * 1024;
/**
 * vmagent's chunk file size: room for 16 maximum-size records (536871040 bytes).
 *
 * @example
 * ```ts
 * const chunkFileSize = options.chunkFileSize ?? DEFAULT_CHUNK_FILE_SIZE; // 536871040
 * ```
 */
export const DEFAULT_CHUNK_FILE_SIZE = (MAX_BLOCK_SIZE + 8) * 16;
/** An empty queue whose offset passed this many bytes starts again at offset 0. */
const RESET_THRESHOLD = 16 * 1024 * 1024;

/** Options of {@linkcode FileQueue.open}. */
export interface FileQueueOptions {
  /** Queue name stored in `metainfo.json` and used as the `name` metric label. */
  name: string;
  /** Pending bytes limit; the oldest blocks are dropped beyond it. 0 = unlimited. @default 0 */
  maxPendingBytes?: number;
  /** Chunk file size; tests use tiny ones. @default DEFAULT_CHUNK_FILE_SIZE */
  chunkFileSize?: number;
  /** Largest block accepted. @default MAX_BLOCK_SIZE */
  maxBlockSize?: number;
  /**
   * Checks a block's content. When given, opening recovers blocks written after the
   * last metainfo save, and a damaged block is told apart from a damaged length header.
   */
  validateBlock?: (block: Uint8Array) => boolean;
  /** Clock in milliseconds. @default Date.now */
  now?: () => number;
  /** Free bytes on the file system of a folder. @default statfs of the folder */
  freeDiskSpace?: (dir: string) => number;
  /** Registry for `vm_persistentqueue_*`. @default the process registry */
  registry?: MetricsRegistry;
}

/** A block read from the queue, identified by its record offset for {@linkcode FileQueue.ack}. */
export interface QueueBlock {
  data: Uint8Array;
  offset: number;
}

/**
 * A persistent queue of blocks in one folder, in vmagent's on-disk format; blocks
 * read stay on disk until acknowledged. See the module docs.
 *
 * @example
 * ```ts
 * const q = FileQueue.open("/tmp/q", { name: "1:secret-url" });
 * q.write(new Uint8Array([1, 2, 3])); // 0 (record offset)
 * q.write(new Uint8Array([4])); // 11
 * const b = q.read()!; // { data: Uint8Array [1, 2, 3], offset: 0 }
 * q.ack(b.offset);
 * q.close(); // metainfo.json: {"Name":"1:secret-url","ReaderOffset":11,"WriterOffset":20}
 * ```
 */
export class FileQueue {
  /** The folder. */
  readonly dir: string;
  /** The name written to `metainfo.json`. */
  readonly name: string;
  readonly #chunkSize: number;
  readonly #maxBlock: number;
  readonly #maxPending: number;
  readonly #validate?: (block: Uint8Array) => boolean;
  readonly #now: () => number;
  readonly #m: QueueMetrics;
  #lock: Deno.FsFile | null;
  readonly #reader: ChunkReader;
  #readerOffset = 0;
  #writer!: ChunkWriter;
  /** Offsets of blocks read and not yet acknowledged, ascending. */
  #outstanding: number[] = [];
  /** Start of the oldest chunk file still kept. */
  #retainedFrom = 0;
  #lastFlushSecond = -1;
  #metaDirty = false;
  #closed = false;
  readonly #geometry: Geometry;

  private constructor(dir: string, options: FileQueueOptions, lock: Deno.FsFile) {
    this.dir = dir;
    this.name = options.name;
    this.#chunkSize = options.chunkFileSize ?? DEFAULT_CHUNK_FILE_SIZE;
    this.#maxBlock = options.maxBlockSize ?? MAX_BLOCK_SIZE;
    this.#maxPending = Math.max(0, options.maxPendingBytes ?? 0);
    this.#validate = options.validateBlock;
    this.#now = options.now ?? Date.now;
    this.#lock = lock;
    if (this.#chunkSize < 8 || this.#chunkSize - 8 < this.#maxBlock || this.#maxBlock <= 0) {
      lock.close();
      throw new RangeError(
        `chunkFileSize=${this.#chunkSize} must fit one block of maxBlockSize=${this.#maxBlock}`,
      );
    }
    this.#geometry = {
      dir,
      chunkSize: this.#chunkSize,
      maxBlock: this.#maxBlock,
      validate: this.#validate,
    };
    this.#reader = new ChunkReader(this.#geometry);
    const free = options.freeDiskSpace ?? freeDiskSpace;
    const maxPending = this.#maxPending;
    this.#m = queueMetrics(options.registry ?? defaultRegistry, {
      path: dir,
      name: options.name,
      pendingBytes: () => this.pendingBytes,
      // As vmagent HEAD: with a limit, the room left under it when the disk has more.
      freeDiskSpace: () =>
        maxPending > 0 ? Math.min(maxPending - this.pendingBytes, free(dir)) : free(dir),
    });
  }

  /**
   * Opens (creating or repairing) the queue in `dir`. Throws only when the folder
   * cannot be created or another process holds its lock.
   *
   * @example
   * ```ts
   * const q = FileQueue.open("/tmp/q", { name: "1:secret-url" });
   * q.write(new Uint8Array([1, 2, 3]));
   * const b = q.read()!; // { data: Uint8Array [1, 2, 3], offset: 0 }
   * q.ack(b.offset);
   * q.close();
   * ```
   */
  static open(dir: string, options: FileQueueOptions): FileQueue {
    Deno.mkdirSync(dir, { recursive: true });
    const lock = Deno.openSync(join(dir, FLOCK_FILENAME), {
      read: true,
      write: true,
      create: true,
    });
    if (!lock.tryLockSync(true)) {
      lock.close();
      throw new Error(
        `cannot open persistent queue at ${dir}: another process holds ${FLOCK_FILENAME}`,
      );
    }
    const q = new FileQueue(dir, options, lock);
    try {
      q.#openFiles();
    } catch (e) {
      q.#closeFiles();
      q.#m.unregister(); // its gauges would read a queue that never opened
      throw e;
    }
    return q;
  }

  /** Bytes between the read position and the end (what is still to be read). */
  get pendingBytes(): number {
    return this.#writer.offset - this.#readerOffset;
  }
  /** Global offset of the next block to read. */
  get readerOffset(): number {
    return this.#readerOffset;
  }
  /** Global offset where the next block is written. */
  get writerOffset(): number {
    return this.#writer.offset;
  }
  /** Offset stored as `ReaderOffset`: the oldest block read and not acknowledged. */
  get committedOffset(): number {
    return this.#outstanding.length > 0 ? this.#outstanding[0] : this.#readerOffset;
  }
  /** Number of blocks read and not acknowledged. */
  get outstandingBlocks(): number {
    return this.#outstanding.length;
  }

  #chunkStart(offset: number): number {
    return chunkStart(this.#geometry, offset);
  }
  #path(offset: number): string {
    return chunkPath(this.#geometry, offset);
  }

  #openFiles(): void {
    const opened = openAndRepair(this.#geometry, this.name);
    const w = opened.writerOffset;
    this.#writer = new ChunkWriter(this.#geometry, opened.writer, w, this.#chunkStart(w));
    this.#readerOffset = opened.readerOffset;
    this.#retainedFrom = this.#chunkStart(opened.readerOffset);
    this.#writeMeta(true);
    syncDir(this.dir);
  }

  // ---- writing --------------------------------------------------------------

  /**
   * Appends a block and returns its record offset, or -1 when it was dropped
   * (bigger than `maxPendingBytes`, or an I/O error, which is logged).
   * Throws RangeError for a block above `maxBlockSize` or a closed queue.
   */
  write(block: Uint8Array): number {
    if (this.#closed) throw new RangeError(`persistent queue ${this.dir} is closed`);
    if (block.length > this.#maxBlock || block.length === 0) {
      throw new RangeError(`block size ${block.length} must be in 1..${this.#maxBlock} bytes`);
    }
    if (this.#maxPending > 0) {
      const recordSize = block.length + 8;
      const room = recordSize < this.#maxPending ? this.#maxPending - recordSize : 0;
      while (this.#writer.offset - this.#readerOffset > room) {
        const b = this.#readNext(false);
        if (b === null) break;
        this.#m.blocksDropped.inc();
        this.#m.bytesDropped.add(b.data.length);
      }
      if (recordSize > this.#maxPending) {
        this.#m.blocksDropped.inc();
        this.#m.bytesDropped.add(block.length);
        return -1;
      }
    }
    const start = performance.now();
    try {
      return this.#writeRecord(block);
    } finally {
      this.#m.writeSeconds.add((performance.now() - start) / 1000);
    }
  }

  #writeRecord(block: Uint8Array): number {
    let offset: number;
    try {
      if (this.#writer.needsNewChunk()) {
        this.#startWriterChunk(this.#writer.chunk + this.#chunkSize);
      }
      offset = this.#writer.append(block);
    } catch (e) {
      log.error(
        `cannot write a block of ${block.length} bytes to ${this.dir}: ${(e as Error).message}`,
      );
      this.#m.blocksDropped.inc();
      this.#m.bytesDropped.add(block.length);
      return -1;
    }
    this.#metaDirty = true;
    this.#m.blocksWritten.inc();
    this.#m.bytesWritten.add(block.length);
    this.#flushIfDue();
    return offset;
  }

  /** Finishes the writer chunk and starts the one at `offset` (vmagent's `nextChunkFileForWrite`). */
  #startWriterChunk(offset: number): void {
    this.#writer.startChunk(offset);
    this.#writeMeta(true);
    syncDir(this.dir);
  }

  /**
   * Stores a block that a reader already holds (taken from memory in front of this
   * queue): it is written, so it survives a restart, but `read` does not return it;
   * {@linkcode ack} releases it. The queue must have nothing left to read, so the
   * block keeps its place before everything written after it. Returns its offset or -1.
   */
  writeOutstanding(block: Uint8Array): number {
    if (this.pendingBytes !== 0) {
      throw new Error(
        `BUG: writeOutstanding needs an empty queue; ${this.pendingBytes} bytes are pending`,
      );
    }
    const off = this.write(block);
    if (off < 0) return -1;
    this.#reader.close();
    this.#readerOffset = this.#writer.offset;
    this.#outstanding.push(off);
    this.#metaDirty = true;
    return off;
  }

  // ---- reading --------------------------------------------------------------

  /**
   * Returns the next block, or null when the queue is empty. The block stays on
   * disk (and `ReaderOffset` stays before it) until {@linkcode ack} is called.
   */
  read(): QueueBlock | null {
    if (this.#closed) return null;
    const start = performance.now();
    try {
      return this.#readNext(true);
    } finally {
      this.#m.readSeconds.add((performance.now() - start) / 1000);
    }
  }

  #readNext(register: boolean): QueueBlock | null {
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (this.#readerOffset >= this.#writer.offset) {
        this.#reader.close();
        return null;
      }
      const local = this.#readerOffset - this.#chunkStart(this.#readerOffset);
      if (local + this.#maxBlock + 8 > this.#chunkSize) {
        this.#advanceReaderToNextChunk();
        continue;
      }
      const r = this.#reader.read(this.#readerOffset, this.#writer.offset);
      if (r.kind !== "block") {
        this.#skipDamagedChunk(r.reason);
        continue;
      }
      const offset = this.#readerOffset;
      const len = r.data.length;
      this.#readerOffset += 8 + len;
      if (this.#validate !== undefined && !this.#validate(r.data)) {
        this.#onInvalidBlock(offset, len);
        continue;
      }
      if (register) this.#outstanding.push(offset);
      this.#metaDirty = true;
      this.#m.blocksRead.inc();
      this.#m.bytesRead.add(len);
      if (!register) this.#releaseChunks();
      this.#flushIfDue();
      return { data: r.data, offset };
    }
    throw new Error(`BUG: persistent queue ${this.dir} cannot make progress while reading`);
  }

  /** A block failed validation: drop it alone if the next record looks intact, else the rest of the chunk. */
  #onInvalidBlock(offset: number, len: number): void {
    const next = this.#readerOffset;
    const chunk = this.#chunkStart(offset);
    const nextLocal = next - chunk;
    const intact = next >= this.#writer.offset ||
      nextLocal + this.#maxBlock + 8 > this.#chunkSize ||
      scanValidEnd(this.#geometry, this.#path(chunk), nextLocal, this.#writer.offset - chunk, 1) >
        nextLocal;
    if (intact) {
      log.error(`skipping a damaged block of ${len} bytes at offset ${offset} in ${this.dir}`);
      this.#m.blocksDropped.inc();
      this.#m.bytesDropped.add(len);
      this.#metaDirty = true;
      return;
    }
    this.#readerOffset = offset;
    this.#skipDamagedChunk(`damaged block of ${len} bytes at offset ${offset}`);
  }

  #skipDamagedChunk(reason: string): void {
    log.error(
      `skipping corrupted ${this.#path(this.#chunkStart(this.#readerOffset))}, since ${reason}`,
    );
    this.#skipChunk();
  }

  /** Moves the reader to the next chunk; if that passes the writer, the writer moves there too. */
  #skipChunk(): void {
    this.#reader.close();
    const next = this.#chunkStart(this.#readerOffset) + this.#chunkSize;
    if (next > this.#writer.offset) {
      // The damaged chunk is the writer's: both move to a fresh chunk.
      this.#m.bytesDropped.add(Math.max(0, this.#writer.offset - this.#readerOffset));
      try {
        this.#startWriterChunk(next);
      } catch (e) {
        log.error(`cannot start a new chunk file in ${this.dir}: ${(e as Error).message}`);
      }
      this.#readerOffset = this.#writer.offset;
    } else {
      this.#m.bytesDropped.add(next - this.#readerOffset);
      this.#readerOffset = next;
    }
    this.#metaDirty = true;
    this.#releaseChunks();
  }

  #advanceReaderToNextChunk(): void {
    this.#reader.close();
    this.#readerOffset = this.#chunkStart(this.#readerOffset) + this.#chunkSize;
    this.#metaDirty = true;
    this.#releaseChunks();
    this.#writeMetaSafe(true);
  }

  /**
   * Acknowledges a block returned by {@linkcode read}: it was sent or dropped for good.
   * Unknown offsets (after a repair or reset) are ignored.
   */
  ack(offset: number): void {
    const i = this.#outstanding.indexOf(offset);
    if (i < 0) return;
    this.#outstanding.splice(i, 1);
    this.#metaDirty = true;
    if (i === 0) this.#releaseChunks();
    this.#flushIfDue();
  }

  /** Deletes chunk files that lie wholly before the committed offset. */
  #releaseChunks(): void {
    const keepFrom = this.#chunkStart(this.committedOffset);
    while (this.#retainedFrom < keepFrom) {
      const off = this.#retainedFrom;
      if (off !== this.#writer.chunk) {
        try {
          removeFile(this.#path(off));
        } catch (e) {
          log.error(`cannot remove ${this.#path(off)}: ${(e as Error).message}`);
        }
      }
      this.#retainedFrom += this.#chunkSize;
    }
  }

  /** When the queue is empty and far from offset 0, starts again at 0 (vmagent's `ResetIfEmpty`). */
  resetIfEmpty(threshold: number = RESET_THRESHOLD): void {
    if (
      this.#closed || this.#readerOffset !== this.#writer.offset || this.#outstanding.length > 0
    ) {
      return;
    }
    if (this.#readerOffset < threshold) return;
    this.#reader.close();
    try {
      const last = this.#writer.chunk;
      this.#writer.startChunk(0);
      for (
        let off = Math.max(this.#retainedFrom, this.#chunkSize);
        off <= last;
        off += this.#chunkSize
      ) {
        removeFile(this.#path(off));
      }
      this.#readerOffset = this.#retainedFrom = 0;
      this.#writeMeta(true);
      syncDir(this.dir);
    } catch (e) {
      log.error(`cannot reset the empty queue at ${this.dir}: ${(e as Error).message}`);
    }
  }

  // ---- metainfo -------------------------------------------------------------

  /** Saves pending data and `metainfo.json` now if anything changed (fsync included). */
  flush(): void {
    if (this.#closed || (!this.#metaDirty && !this.#writer.dirty)) return;
    this.#writeMetaSafe(true);
    this.#lastFlushSecond = Math.floor(this.#now() / 1000);
  }

  #flushIfDue(): void {
    const sec = Math.floor(this.#now() / 1000);
    if (sec === this.#lastFlushSecond) return;
    this.#writeMetaSafe(true);
    this.#lastFlushSecond = sec;
  }

  #writeMetaSafe(sync: boolean): void {
    try {
      this.#writeMeta(sync);
    } catch (e) {
      log.error(`cannot save ${METAINFO_FILENAME} in ${this.dir}: ${(e as Error).message}`);
    }
  }

  #writeMeta(sync: boolean): void {
    if (sync) this.#writer.sync();
    writeMetainfo(this.dir, {
      Name: this.name,
      ReaderOffset: this.committedOffset,
      WriterOffset: this.#writer.offset,
    }, sync);
    this.#metaDirty = false;
  }

  /** Saves `metainfo.json`, closes the files and releases the lock. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#writeMetaSafe(true);
    this.#closed = true;
    this.#closeFiles();
    this.#m.unregister();
  }

  #closeFiles(): void {
    this.#reader.close();
    try {
      this.#writer?.close();
    } catch {
      // already closed
    }
    if (this.#lock !== null) {
      try {
        this.#lock.unlockSync();
      } catch {
        // closing releases it anyway
      }
      this.#lock.close();
      this.#lock = null;
    }
  }
}

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
 * The reading and writing sides live in `_queue_read.ts` and `_queue_write.ts`,
 * over the state they share in `_queue_state.ts`.
 *
 * @module
 */
import { metrics as defaultRegistry, type MetricsRegistry } from "../metrics/registry.ts";
import { freeDiskSpace, lockDir, unlockDir } from "./_files.ts";
import { queueMetrics } from "./_metrics.ts";
import { QueueState } from "./_queue_state.ts";
import { ackBlock, type QueueBlock, readNext } from "./_queue_read.ts";
import { appendBlock, makeRoom, RESET_THRESHOLD, resetIfEmpty } from "./_queue_write.ts";

export type { QueueBlock } from "./_queue_read.ts";

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
  readonly #s: QueueState;
  #lock: Deno.FsFile | null;

  private constructor(dir: string, options: FileQueueOptions, lock: Deno.FsFile) {
    this.dir = dir;
    this.name = options.name;
    const chunkSize = options.chunkFileSize ?? DEFAULT_CHUNK_FILE_SIZE;
    const maxBlock = options.maxBlockSize ?? MAX_BLOCK_SIZE;
    this.#lock = lock;
    if (chunkSize < 8 || chunkSize - 8 < maxBlock || maxBlock <= 0) {
      lock.close();
      throw new RangeError(
        `chunkFileSize=${chunkSize} must fit one block of maxBlockSize=${maxBlock}`,
      );
    }
    const maxPending = Math.max(0, options.maxPendingBytes ?? 0);
    const m = queueMetrics(options.registry ?? defaultRegistry, {
      path: dir,
      name: options.name,
      pendingBytes: () => this.pendingBytes,
      freeDiskSpace: options.freeDiskSpace ?? freeDiskSpace,
      maxPendingBytes: maxPending,
    });
    const g = { dir, chunkSize, maxBlock, validate: options.validateBlock };
    this.#s = new QueueState(g, {
      name: options.name,
      maxPending,
      now: options.now ?? Date.now,
      m,
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
    const q = new FileQueue(dir, options, lockDir(dir));
    try {
      q.#s.open();
    } catch (e) {
      q.#closeFiles();
      q.#s.m.unregister(); // its gauges would read a queue that never opened
      throw e;
    }
    return q;
  }

  /** Bytes between the read position and the end (what is still to be read). */
  get pendingBytes(): number {
    return this.#s.pendingBytes;
  }
  /** Global offset of the next block to read. */
  get readerOffset(): number {
    return this.#s.readerOffset;
  }
  /** Global offset where the next block is written. */
  get writerOffset(): number {
    return this.#s.writer.offset;
  }
  /** Offset stored as `ReaderOffset`: the oldest block read and not acknowledged. */
  get committedOffset(): number {
    return this.#s.committedOffset;
  }
  /** Number of blocks read and not acknowledged. */
  get outstandingBlocks(): number {
    return this.#s.outstanding.length;
  }

  /**
   * Appends a block and returns its record offset, or -1 when it was dropped
   * (bigger than `maxPendingBytes`, or an I/O error, which is logged).
   * Throws RangeError for a block above `maxBlockSize` or a closed queue.
   */
  write(block: Uint8Array): number {
    const s = this.#s;
    if (s.closed) throw new RangeError(`persistent queue ${this.dir} is closed`);
    if (block.length > s.g.maxBlock || block.length === 0) {
      throw new RangeError(`block size ${block.length} must be in 1..${s.g.maxBlock} bytes`);
    }
    if (!makeRoom(s, block.length)) return -1;
    const start = performance.now();
    try {
      return appendBlock(s, block);
    } finally {
      s.m.writeSeconds.add((performance.now() - start) / 1000);
    }
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
    const s = this.#s;
    s.reader.close();
    s.readerOffset = s.writer.offset;
    s.outstanding.push(off);
    s.metaDirty = true;
    return off;
  }

  /**
   * Returns the next block, or null when the queue is empty. The block stays on
   * disk (and `ReaderOffset` stays before it) until {@linkcode ack} is called.
   */
  read(): QueueBlock | null {
    if (this.#s.closed) return null;
    const start = performance.now();
    try {
      return readNext(this.#s, true);
    } finally {
      this.#s.m.readSeconds.add((performance.now() - start) / 1000);
    }
  }

  /**
   * Acknowledges a block returned by {@linkcode read}: it was sent or dropped for good.
   * Unknown offsets (after a repair or reset) are ignored.
   */
  ack(offset: number): void {
    ackBlock(this.#s, offset);
  }

  /** When the queue is empty and far from offset 0, starts again at 0 (vmagent's `ResetIfEmpty`). */
  resetIfEmpty(threshold: number = RESET_THRESHOLD): void {
    resetIfEmpty(this.#s, threshold);
  }

  /** Saves pending data and `metainfo.json` now if anything changed (fsync included). */
  flush(): void {
    this.#s.flush();
  }

  /** Saves `metainfo.json`, closes the files and releases the lock. Idempotent. */
  close(): void {
    const s = this.#s;
    if (s.closed) return;
    s.writeMetaSafe(true);
    s.closed = true;
    this.#closeFiles();
    s.m.unregister();
  }

  #closeFiles(): void {
    this.#s.closeFiles();
    if (this.#lock !== null) {
      unlockDir(this.#lock);
      this.#lock = null;
    }
  }
}

/**
 * A bounded in-memory queue of blocks in front of the on-disk {@linkcode FileQueue},
 * with vmagent's `FastQueue` rules:
 *
 * - blocks go to memory while the file queue is empty; once it holds data, new
 *   blocks go to the file so that order is kept;
 * - when memory is full, or nobody has read from it for 5 s (remote storage is
 *   stuck), the memory blocks move to the file;
 * - readers take from the file first, then from memory;
 * - with `disableOnDiskQueue` the file is not used while running: a full memory
 *   queue (or file data left by an earlier run) makes writes fail, so callers can
 *   drop and count; on close everything still goes to the file.
 *
 * Readers get a {@linkcode QueueLease}: the block stays owned by the queue until
 * {@linkcode FastQueue.ack}. Blocks taken and not acknowledged are written back on
 * close (or kept on disk all along) in their original order, ahead of newer data.
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import { FileQueue, type FileQueueOptions } from "./file_queue.ts";

const log = getLogger("persistentqueue");

/** Options of {@linkcode FastQueue.open}: those of the file queue plus the memory part. */
export interface FastQueueOptions extends FileQueueOptions {
  /** Capacity of the in-memory queue, in blocks (at least 1). */
  maxInmemoryBlocks: number;
  /** vmagent's `-remoteWrite.disableOnDiskQueue`: memory only while running. @default false */
  disableOnDiskQueue?: boolean;
  /** Memory blocks nobody read for this long move to the file on the next write. @default 5000 */
  staleReadMs?: number;
}

/** A block handed to a reader; pass it back to {@linkcode FastQueue.ack} once sent or dropped. */
export interface QueueLease {
  readonly block: Uint8Array;
}

class Lease implements QueueLease {
  readonly block: Uint8Array;
  /** Offset in the file queue, or -1 while the block lives only in memory. */
  fileOffset: number;
  done = false;
  constructor(block: Uint8Array, fileOffset: number) {
    this.block = block;
    this.fileOffset = fileOffset;
  }
}

/**
 * A bounded in-memory queue of blocks backed by a {@linkcode FileQueue} that takes
 * over when memory is full or readers stall; see the module docs.
 *
 * @example
 * ```ts
 * const fq = FastQueue.open("/tmp/q", { name: "1:secret-url", maxInmemoryBlocks: 100 });
 * fq.tryWriteBlock(new Uint8Array([1])); // true; fq.inmemoryBlocks === 1
 * const lease = await fq.read(); // { block: Uint8Array [1] }
 * if (lease !== null) fq.ack(lease); // sent: it will not be written back
 * fq.close();
 * ```
 */
export class FastQueue {
  readonly #pq: FileQueue;
  readonly #capacity: number;
  readonly #pqDisabled: boolean;
  readonly #staleReadMs: number;
  readonly #now: () => number;
  #ch: Uint8Array[] = [];
  #chHead = 0;
  #chBytes = 0;
  /** Memory blocks being processed by readers that have no copy in the file, in read order. */
  #memLeases: Lease[] = [];
  #waiters = new Set<() => void>();
  #lastInmemoryReadAt: number;
  #remoteFailing = false;
  #stopped = false;
  #closed = false;

  private constructor(pq: FileQueue, options: FastQueueOptions) {
    this.#pq = pq;
    this.#capacity = Math.max(1, Math.floor(options.maxInmemoryBlocks));
    this.#pqDisabled = options.disableOnDiskQueue ?? false;
    this.#staleReadMs = options.staleReadMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#lastInmemoryReadAt = this.#now();
  }

  /**
   * Opens the queue in `dir` (see {@linkcode FileQueue.open}).
   *
   * @example
   * ```ts
   * const fq = FastQueue.open("/tmp/q", { name: "1:secret-url", maxInmemoryBlocks: 100 });
   * fq.tryWriteBlock(block);
   * const lease = await fq.read();
   * if (lease !== null && await send(lease.block)) fq.ack(lease);
   * fq.close();
   * ```
   */
  static open(dir: string, options: FastQueueOptions): FastQueue {
    const pq = FileQueue.open(dir, options);
    const fq = new FastQueue(pq, options);
    log.info(
      `opened fast queue at ${dir} with maxInmemoryBlocks=${fq.#capacity}, it contains ` +
        `${pq.pendingBytes} pending bytes, persistence is ${
          fq.#pqDisabled ? "disabled" : "enabled"
        }`,
    );
    return fq;
  }

  /** The folder of the file queue. */
  get dir(): string {
    return this.#pq.dir;
  }
  /** Bytes waiting in memory and in the file (blocks held by readers are not counted). */
  get pendingBytes(): number {
    return this.#chBytes + this.#pq.pendingBytes;
  }
  /** Bytes waiting in the file. */
  get filePendingBytes(): number {
    return this.#pq.pendingBytes;
  }
  /** Blocks waiting in memory. */
  get inmemoryBlocks(): number {
    return this.#ch.length - this.#chHead;
  }
  /** Whether the file is off while running (`disableOnDiskQueue`). */
  get isPersistentQueueDisabled(): boolean {
    return this.#pqDisabled;
  }

  /**
   * True when a write would fail: only with `disableOnDiskQueue`, when memory is
   * full or the file still holds data (vmagent's `IsWriteBlocked`).
   */
  isWriteBlocked(): boolean {
    if (!this.#pqDisabled) return false;
    return this.inmemoryBlocks >= this.#capacity || this.#pq.pendingBytes > 0;
  }

  /**
   * Queues a block, which the queue then owns (do not modify it). Returns false,
   * without queueing, only when {@linkcode isWriteBlocked} or the queue is closed.
   */
  tryWriteBlock(block: Uint8Array): boolean {
    return this.#write(block, false);
  }

  /** Queues a block even with `disableOnDiskQueue` (the final flush on shutdown). */
  writeBlockIgnoreDisabled(block: Uint8Array): void {
    if (!this.#write(block, true)) {
      log.error(`dropping a block of ${block.length} bytes: ${this.dir} is closed`);
    }
  }

  #write(block: Uint8Array, ignoreDisabled: boolean): boolean {
    if (this.#closed) return false;
    const fileAllowed = !this.#pqDisabled || ignoreDisabled;
    if (!fileAllowed && this.#pq.pendingBytes > 0) return false;
    this.#flushInmemoryToFileIfStale();
    if (this.#pq.pendingBytes > 0) {
      this.#pq.write(block);
      this.#wakeAll();
      return true;
    }
    if (this.inmemoryBlocks >= this.#capacity) {
      if (!fileAllowed) return false;
      this.#flushInmemoryToFile();
      this.#pq.write(block);
      this.#wakeAll();
      return true;
    }
    this.#ch.push(block);
    this.#chBytes += block.length;
    this.#wakeOne();
    return true;
  }

  #flushInmemoryToFileIfStale(): void {
    if (this.#pqDisabled) return;
    if (this.#remoteFailing) {
      // While sends fail, a block a sender holds and retries must reach the file too, even
      // when nothing waits in memory: otherwise a crash loses it however old it is.
      if (this.inmemoryBlocks > 0 || this.#memLeases.some((l) => !l.done && l.fileOffset < 0)) {
        this.#flushInmemoryToFile();
      }
      return;
    }
    if (this.inmemoryBlocks === 0) return;
    if (this.#now() < this.#lastInmemoryReadAt + this.#staleReadMs) return;
    this.#flushInmemoryToFile();
  }

  /**
   * Tells the queue whether sends are failing. While they are, memory blocks go to
   * the file at the next write or {@linkcode flush} instead of after 5 s without
   * reads, so a crash during an outage loses less (an extension over vmagent).
   */
  setRemoteFailing(failing: boolean): void {
    this.#remoteFailing = failing;
  }

  /**
   * Moves memory blocks to the file: first copies of blocks readers hold (they are
   * older), registered as taken, then the waiting ones.
   */
  #flushInmemoryToFile(): void {
    for (const lease of this.#memLeases) {
      if (lease.done || lease.fileOffset >= 0) continue;
      if (this.#pq.pendingBytes === 0) lease.fileOffset = this.#pq.writeOutstanding(lease.block);
      else this.#pq.write(lease.block);
    }
    this.#memLeases = [];
    for (let i = this.#chHead; i < this.#ch.length; i++) this.#pq.write(this.#ch[i]);
    this.#ch = [];
    this.#chHead = 0;
    this.#chBytes = 0;
    this.#lastInmemoryReadAt = this.#now();
    this.#wakeAll();
  }

  /** Takes the next block without waiting: from the file first, then from memory. */
  tryRead(): QueueLease | null {
    if (this.#closed) return null;
    if (this.#pq.pendingBytes > 0) {
      const b = this.#pq.read();
      if (b !== null) return new Lease(b.data, b.offset);
    }
    return this.tryReadInmemory();
  }

  /** Takes the next memory block without waiting (the shutdown drain sends only these). */
  tryReadInmemory(): QueueLease | null {
    if (this.#closed || this.inmemoryBlocks === 0) return null;
    const block = this.#ch[this.#chHead];
    this.#ch[this.#chHead++] = EMPTY;
    if (this.#chHead > 1024 && this.#chHead * 2 > this.#ch.length) {
      this.#ch = this.#ch.slice(this.#chHead);
      this.#chHead = 0;
    }
    this.#chBytes -= block.length;
    this.#lastInmemoryReadAt = this.#now();
    const lease = new Lease(block, -1);
    this.#memLeases.push(lease);
    return lease;
  }

  /**
   * Waits for the next block. Resolves null once {@linkcode stopReaders} or
   * {@linkcode close} was called, or when `signal` aborts.
   */
  async read(signal?: AbortSignal): Promise<QueueLease | null> {
    for (;;) {
      if (this.#stopped || signal?.aborted) return null;
      const lease = this.tryRead();
      if (lease !== null) return lease;
      this.#pq.resetIfEmpty();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#waiters.delete(done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        this.#waiters.add(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    }
  }

  /** Marks a block as sent (or dropped for good): it will not be written back. */
  ack(lease: QueueLease): void {
    const l = lease as Lease;
    if (l.done) return;
    l.done = true;
    if (this.#closed) return;
    if (l.fileOffset >= 0) {
      this.#pq.ack(l.fileOffset);
    } else {
      const i = this.#memLeases.indexOf(l);
      if (i >= 0) this.#memLeases.splice(i, 1);
    }
  }

  /**
   * Call it periodically: moves memory blocks to the file when nobody read them for
   * a while (or sends are failing), and saves the file queue's metadata if it changed.
   */
  flush(): void {
    if (this.#closed) return;
    this.#flushInmemoryToFileIfStale();
    this.#pq.flush();
  }

  /** Makes pending and future {@linkcode read} calls resolve null; non-blocking reads still work. */
  stopReaders(): void {
    this.#stopped = true;
    this.#wakeAll();
  }

  /**
   * Writes blocks held by readers and memory blocks to the file, in order, and
   * closes it. Acknowledgements arriving later are ignored. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.stopReaders();
    try {
      this.#flushInmemoryToFile();
    } catch (e) {
      log.error(`cannot save in-memory blocks of ${this.dir}: ${(e as Error).message}`);
    }
    this.#closed = true;
    this.#pq.close();
    log.info(`closed fast persistent queue at ${this.dir}`);
  }

  #wakeOne(): void {
    for (const w of this.#waiters) {
      w();
      return;
    }
  }

  #wakeAll(): void {
    for (const w of [...this.#waiters]) w();
  }
}

const EMPTY = new Uint8Array(0);

/**
 * The persistent queue of remote write: {@linkcode FileQueue} (vmagent's on-disk
 * format, crash-safe, self-repairing) behind {@linkcode FastQueue} (a bounded
 * in-memory queue with vmagent's `FastQueue` rules).
 *
 * @example
 * ```ts
 * import { FastQueue } from "./mod.ts";
 *
 * const fq = FastQueue.open("/tmp/q", { name: "1:secret-url", maxInmemoryBlocks: 100 });
 * fq.tryWriteBlock(new Uint8Array([1, 2, 3]));
 * const lease = await fq.read();
 * if (lease !== null) fq.ack(lease);
 * fq.close();
 * ```
 *
 * @module
 */
export {
  DEFAULT_CHUNK_FILE_SIZE,
  FileQueue,
  type FileQueueOptions,
  MAX_BLOCK_SIZE,
  type QueueBlock,
} from "./file_queue.ts";
export { FastQueue, type FastQueueOptions, type QueueLease } from "./fast_queue.ts";

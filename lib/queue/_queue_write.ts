/**
 * The writing side of the persistent queue: room under `maxPendingBytes` (the
 * oldest blocks are dropped), appending records with chunk rotation, and the
 * restart at offset 0 of an empty queue.
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import { removeFile, syncDir } from "./_files.ts";
import { readNext } from "./_queue_read.ts";
import type { QueueState } from "./_queue_state.ts";

const log = getLogger("persistentqueue");

/**
 * An empty queue whose offset passed this many bytes starts again at offset 0.
 *
 * @example
 * ```ts
 * resetIfEmpty(s, RESET_THRESHOLD); // 16 MiB
 * ```
 */
export const RESET_THRESHOLD = 16 * 1024 * 1024;

/**
 * Drops the oldest blocks until a block of `blockSize` bytes fits under
 * `maxPendingBytes`; returns false (counting the block as dropped) when it can
 * never fit. Without a limit it does nothing and returns true.
 *
 * @example
 * ```ts
 * if (makeRoom(s, block.length)) appendBlock(s, block);
 * ```
 */
export function makeRoom(s: QueueState, blockSize: number): boolean {
  if (s.maxPending <= 0) return true;
  const recordSize = blockSize + 8;
  const room = recordSize < s.maxPending ? s.maxPending - recordSize : 0;
  while (s.writer.offset - s.readerOffset > room) {
    const b = readNext(s, false);
    if (b === null) break;
    s.m.blocksDropped.inc();
    s.m.bytesDropped.add(b.data.length);
  }
  if (recordSize > s.maxPending) {
    s.m.blocksDropped.inc();
    s.m.bytesDropped.add(blockSize);
    return false;
  }
  return true;
}

/**
 * Appends a block as one record, starting a new chunk first when a block of the
 * largest size might not fit; returns its offset, or -1 after an I/O error (logged,
 * the block counted as dropped).
 *
 * @example
 * ```ts
 * appendBlock(s, new Uint8Array([1, 2, 3])); // 0 on an empty queue
 * ```
 */
export function appendBlock(s: QueueState, block: Uint8Array): number {
  let offset: number;
  try {
    if (s.writer.needsNewChunk()) {
      s.startWriterChunk(s.writer.chunk + s.g.chunkSize);
    }
    offset = s.writer.append(block);
  } catch (e) {
    log.error(
      `cannot write a block of ${block.length} bytes to ${s.g.dir}: ${(e as Error).message}`,
    );
    s.m.blocksDropped.inc();
    s.m.bytesDropped.add(block.length);
    return -1;
  }
  s.metaDirty = true;
  s.m.blocksWritten.inc();
  s.m.bytesWritten.add(block.length);
  s.flushIfDue();
  return offset;
}

/**
 * When the queue is empty and its offset is at least `threshold`, starts again at
 * offset 0 and removes the other chunk files (vmagent's `ResetIfEmpty`). I/O errors
 * are logged.
 *
 * @example
 * ```ts
 * resetIfEmpty(s, RESET_THRESHOLD); // writerOffset 0 when nothing was pending
 * ```
 */
export function resetIfEmpty(s: QueueState, threshold: number): void {
  if (s.closed || s.readerOffset !== s.writer.offset || s.outstanding.length > 0) return;
  if (s.readerOffset < threshold) return;
  s.reader.close();
  try {
    const last = s.writer.chunk;
    s.writer.startChunk(0);
    for (let off = Math.max(s.retainedFrom, s.g.chunkSize); off <= last; off += s.g.chunkSize) {
      removeFile(s.path(off));
    }
    s.readerOffset = s.retainedFrom = 0;
    s.writeMeta(true);
    syncDir(s.g.dir);
  } catch (e) {
    log.error(`cannot reset the empty queue at ${s.g.dir}: ${(e as Error).message}`);
  }
}

/**
 * The reading side of the persistent queue: the next block past chunk ends and
 * damage (a damaged block is skipped alone when the next one is intact, else the
 * rest of its chunk), and acknowledgements that let chunk files go.
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import { scanValidEnd } from "./_chunks.ts";
import type { QueueState } from "./_queue_state.ts";

const log = getLogger("persistentqueue");

/** A block read from the queue, identified by its record offset for {@linkcode FileQueue.ack}. */
export interface QueueBlock {
  data: Uint8Array;
  offset: number;
}

/**
 * Returns the next block and moves the read position past it, or null when the
 * queue is empty. With `register` the block stays in flight (and on disk) until
 * {@linkcode ackBlock}; without, it is gone at once (dropped to make room).
 *
 * @example
 * ```ts
 * const b = readNext(s, true); // { data: Uint8Array [1, 2, 3], offset: 0 }
 * if (b !== null) ackBlock(s, b.offset);
 * ```
 */
export function readNext(s: QueueState, register: boolean): QueueBlock | null {
  for (let guard = 0; guard < 1_000_000; guard++) {
    if (s.readerOffset >= s.writer.offset) {
      s.reader.close();
      return null;
    }
    const local = s.readerOffset - s.chunkStart(s.readerOffset);
    if (local + s.g.maxBlock + 8 > s.g.chunkSize) {
      advanceReaderToNextChunk(s);
      continue;
    }
    const r = s.reader.read(s.readerOffset, s.writer.offset);
    if (r.kind !== "block") {
      skipDamagedChunk(s, r.reason);
      continue;
    }
    const offset = s.readerOffset;
    const len = r.data.length;
    s.readerOffset += 8 + len;
    if (s.g.validate !== undefined && !s.g.validate(r.data)) {
      onInvalidBlock(s, offset, len);
      continue;
    }
    if (register) s.outstanding.push(offset);
    s.metaDirty = true;
    s.m.blocksRead.inc();
    s.m.bytesRead.add(len);
    if (!register) s.releaseChunks();
    s.flushIfDue();
    return { data: r.data, offset };
  }
  throw new Error(`BUG: persistent queue ${s.g.dir} cannot make progress while reading`);
}

/** A block failed validation: drop it alone if the next record looks intact, else the rest of the chunk. */
function onInvalidBlock(s: QueueState, offset: number, len: number): void {
  const next = s.readerOffset;
  const chunk = s.chunkStart(offset);
  const nextLocal = next - chunk;
  const intact = next >= s.writer.offset ||
    nextLocal + s.g.maxBlock + 8 > s.g.chunkSize ||
    scanValidEnd(s.g, s.path(chunk), nextLocal, s.writer.offset - chunk, 1) > nextLocal;
  if (intact) {
    log.error(`skipping a damaged block of ${len} bytes at offset ${offset} in ${s.g.dir}`);
    s.m.blocksDropped.inc();
    s.m.bytesDropped.add(len);
    s.metaDirty = true;
    return;
  }
  s.readerOffset = offset;
  skipDamagedChunk(s, `damaged block of ${len} bytes at offset ${offset}`);
}

function skipDamagedChunk(s: QueueState, reason: string): void {
  log.error(`skipping corrupted ${s.path(s.chunkStart(s.readerOffset))}, since ${reason}`);
  skipChunk(s);
}

/** Moves the reader to the next chunk; if that passes the writer, the writer moves there too. */
function skipChunk(s: QueueState): void {
  s.reader.close();
  const next = s.chunkStart(s.readerOffset) + s.g.chunkSize;
  if (next > s.writer.offset) {
    // The damaged chunk is the writer's: both move to a fresh chunk.
    s.m.bytesDropped.add(Math.max(0, s.writer.offset - s.readerOffset));
    try {
      s.startWriterChunk(next);
    } catch (e) {
      log.error(`cannot start a new chunk file in ${s.g.dir}: ${(e as Error).message}`);
    }
    s.readerOffset = s.writer.offset;
  } else {
    s.m.bytesDropped.add(next - s.readerOffset);
    s.readerOffset = next;
  }
  s.metaDirty = true;
  s.releaseChunks();
}

function advanceReaderToNextChunk(s: QueueState): void {
  s.reader.close();
  s.readerOffset = s.chunkStart(s.readerOffset) + s.g.chunkSize;
  s.metaDirty = true;
  s.releaseChunks();
  s.writeMetaSafe(true);
}

/**
 * Acknowledges a block returned by {@linkcode readNext} with `register`; unknown
 * offsets are ignored. Acknowledging the oldest block releases the chunks before it.
 *
 * @example
 * ```ts
 * ackBlock(s, 0); // the block at 0 was sent or dropped for good
 * ```
 */
export function ackBlock(s: QueueState, offset: number): void {
  const i = s.outstanding.indexOf(offset);
  if (i < 0) return;
  s.outstanding.splice(i, 1);
  s.metaDirty = true;
  if (i === 0) s.releaseChunks();
  s.flushIfDue();
}

/**
 * Appends block records to the current chunk file of a persistent queue and
 * starts new chunk files. Knows the chunk it writes to explicitly: a chunk
 * filled to its last byte ends exactly where the next one begins.
 *
 * @module
 */
import { writeAll } from "./_files.ts";
import { chunkPath, type Geometry, recordHeader } from "./_chunks.ts";

/**
 * Appends length-prefixed block records to the current chunk file of a queue and
 * opens the next chunk when asked; see the module docs.
 *
 * @example
 * ```ts
 * const g = { dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 };
 * const f = Deno.openSync("/tmp/q/0000000000000000", { read: true, write: true, create: true });
 * const w = new ChunkWriter(g, f, 0, 0);
 * w.append(new Uint8Array([1, 2, 3])); // 0 (the record's offset)
 * w.append(new Uint8Array([4, 5])); // 11 (8-byte header + 3 bytes later)
 * w.sync();
 * w.close();
 * ```
 */
export class ChunkWriter {
  readonly #g: Geometry;
  #file: Deno.FsFile;
  #offset: number;
  #chunk: number;
  #dirty = false;

  /** Takes over `file`, the chunk starting at `chunk`, positioned at global `offset`. */
  constructor(g: Geometry, file: Deno.FsFile, offset: number, chunk: number) {
    this.#g = g;
    this.#file = file;
    this.#offset = offset;
    this.#chunk = chunk;
  }

  /** Global offset of the next record. */
  get offset(): number {
    return this.#offset;
  }
  /** Start of the chunk being written. */
  get chunk(): number {
    return this.#chunk;
  }
  /** Whether data was written since the last {@linkcode sync}. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /** True when a block of the largest size might not fit in the current chunk (vmagent's rule). */
  needsNewChunk(): boolean {
    return this.#offset - this.#chunk + this.#g.maxBlock + 8 > this.#g.chunkSize;
  }

  /** Syncs and closes the current chunk, then creates (empty) the chunk starting at `offset`. */
  startChunk(offset: number): void {
    this.sync();
    this.#file.close();
    this.#file = Deno.openSync(chunkPath(this.#g, offset), {
      read: true,
      write: true,
      create: true,
      truncate: true,
    });
    this.#offset = offset;
    this.#chunk = offset;
  }

  /**
   * Writes one record and returns its offset. On an I/O error the chunk is cut back
   * to where the record started and the error is thrown.
   */
  append(block: Uint8Array): number {
    const offset = this.#offset;
    try {
      writeAll(this.#file, recordHeader(block.length));
      writeAll(this.#file, block);
    } catch (e) {
      const local = offset - this.#chunk;
      try {
        this.#file.truncateSync(local);
        this.#file.seekSync(local, Deno.SeekMode.Start);
      } catch {
        // the next write reports the problem again
      }
      throw e;
    }
    this.#offset += 8 + block.length;
    this.#dirty = true;
    return offset;
  }

  /** fsyncs written data, if any. */
  sync(): void {
    if (!this.#dirty) return;
    this.#file.syncDataSync();
    this.#dirty = false;
  }

  /** Closes the file. */
  close(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}

/**
 * Reads block records from the chunk files of a persistent queue, keeping the
 * current chunk open while reading sequentially, and telling a damaged record
 * (whose chunk cannot be trusted after it) from a missing chunk file.
 *
 * @module
 */
import { readFull } from "./_files.ts";
import { chunkPath, chunkStart, type Geometry, recordLength } from "./_chunks.ts";

/** The outcome of {@linkcode ChunkReader.read}. */
export type RecordRead =
  | { kind: "block"; data: Uint8Array }
  | { kind: "damaged"; reason: string }
  | { kind: "missing"; reason: string };

/**
 * Reads block records from a queue's chunk files, keeping the current chunk open
 * across sequential reads; see the module docs.
 *
 * @example
 * ```ts
 * const r = new ChunkReader({ dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 });
 * r.read(0, 11); // { kind: "block", data: Uint8Array [1, 2, 3] } for a 3-byte record at 0
 * r.read(1024, 2000); // { kind: "missing", reason: "cannot open it for reading: ..." }
 * r.close();
 * ```
 */
export class ChunkReader {
  readonly #g: Geometry;
  readonly #header = new Uint8Array(8);
  #file: Deno.FsFile | null = null;
  #chunk = -1;
  /** Global offset of the file position. */
  #pos = -1;

  constructor(g: Geometry) {
    this.#g = g;
  }

  /** Reads the record starting at global `offset`; `limit` is where written data ends. */
  read(offset: number, limit: number): RecordRead {
    const g = this.#g;
    const chunk = chunkStart(g, offset);
    const local = offset - chunk;
    if (this.#file === null || this.#chunk !== chunk || this.#pos !== offset) {
      this.close();
      try {
        const f = Deno.openSync(chunkPath(g, chunk), { read: true });
        this.#file = f;
        f.seekSync(local, Deno.SeekMode.Start);
      } catch (e) {
        this.close();
        return { kind: "missing", reason: `cannot open it for reading: ${(e as Error).message}` };
      }
      this.#chunk = chunk;
      this.#pos = offset;
    }
    const f = this.#file!;
    this.#pos = -1; // unknown until this read completes
    if (readFull(f, this.#header) < 8) {
      return { kind: "damaged", reason: "header with size 8 bytes cannot be read from it" };
    }
    const len = recordLength(this.#header);
    if (len === 0 || len > g.maxBlock) {
      return { kind: "damaged", reason: `invalid block size ${len} is read from it` };
    }
    if (offset + 8 + len > limit || local + 8 + len > g.chunkSize) {
      return { kind: "damaged", reason: `block size ${len} runs past the written data` };
    }
    const data = new Uint8Array(len);
    if (readFull(f, data) < len) {
      return { kind: "damaged", reason: `contents with size ${len} bytes cannot be read from it` };
    }
    this.#pos = offset + 8 + len;
    return { kind: "block", data };
  }

  /** Closes the open chunk file. */
  close(): void {
    if (this.#file !== null) {
      this.#file.close();
      this.#file = null;
    }
    this.#chunk = -1;
    this.#pos = -1;
  }
}

/**
 * Cuts a stream of bytes into text blocks that end at a line break, so a
 * response can be parsed while it arrives without holding the whole body
 * (`stream_parse: true`, `-promscrape.streamParse`).
 *
 * @module
 */

/** Options of {@linkcode LineBlocks}. */
export interface LineBlocksOptions {
  /** Emit a block once this many characters of whole lines are buffered. @default 65536 */
  blockSize?: number;
}

/**
 * Accumulates decoded text and hands out blocks of whole lines.
 *
 * @example
 * ```ts
 * const lb = new LineBlocks({ blockSize: 4 });
 * const blocks: string[] = [];
 * lb.push(new TextEncoder().encode("a 1\nb 2\nc"), (t) => blocks.push(t));
 * lb.end((t) => blocks.push(t));
 * // blocks: ["a 1\nb 2\n", "c"]
 * ```
 */
export class LineBlocks {
  readonly #decoder = new TextDecoder();
  readonly #blockSize: number;
  #pending = "";

  constructor(options: LineBlocksOptions = {}) {
    this.#blockSize = options.blockSize ?? 65536;
    if (!(this.#blockSize > 0)) {
      throw new RangeError(`blockSize must be > 0; got ${this.#blockSize}`);
    }
  }

  /** Adds a chunk; calls `emit` with a block of whole lines when enough has been buffered. */
  push(chunk: Uint8Array, emit: (block: string) => void): void {
    this.#pending += this.#decoder.decode(chunk, { stream: true });
    if (this.#pending.length < this.#blockSize) return;
    const nl = this.#pending.lastIndexOf("\n");
    if (nl < 0) return;
    const block = this.#pending.substring(0, nl + 1);
    this.#pending = this.#pending.substring(nl + 1);
    emit(block);
  }

  /** Flushes what is left (the last line may lack a line break). */
  end(emit: (block: string) => void): void {
    this.#pending += this.#decoder.decode();
    const rest = this.#pending;
    this.#pending = "";
    if (rest.length > 0) emit(rest);
  }
}

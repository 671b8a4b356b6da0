/**
 * Zstandard decompression of whole request bodies (`Content-Encoding: zstd`),
 * on the zstd built into Deno (`node:zlib`).
 *
 * Deno 2.9's `zstdDecompressSync` decodes only the first frame of its input,
 * stops on a skippable frame and returns truncated frames without an error.
 * So the frames are walked here first (frame and block headers carry their
 * sizes): skippable frames are skipped, a truncated or malformed frame is an
 * error, and each complete frame is decoded on its own. Errors found by the
 * walk use the wording of the Go zstd decoder vmagent is built with.
 *
 * Format: https://github.com/facebook/zstd/blob/dev/doc/zstd_compression_format.md
 *
 * @module
 */

import { zstdDecompressSync } from "node:zlib";

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC = 0x184d2a50; // low nibble free
const BLOCK_RLE = 1;
const BLOCK_RESERVED = 3;
const DICT_ID_SIZES = [0, 1, 2, 4];

/**
 * A zstd body that cannot be decoded; `tooBig` when it was valid so far but
 * decodes to more than the limit.
 *
 * @example
 * ```ts
 * try {
 *   zstdDecompress(body, { maxLength: 1 << 20 });
 * } catch (e) {
 *   if (e instanceof ZstdError && e.tooBig) console.log("over the limit");
 * }
 * ```
 */
export class ZstdError extends Error {
  /** True when the data decodes to more than `maxLength` bytes. */
  readonly tooBig: boolean;
  constructor(message: string, tooBig = false) {
    super(message);
    this.name = "ZstdError";
    this.tooBig = tooBig;
  }
}

/** Options of {@linkcode zstdDecompress}. */
export interface ZstdDecompressOptions {
  /** Largest decoded size accepted; more throws a `tooBig` {@linkcode ZstdError}. */
  maxLength: number;
}

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function unexpectedEOF(): ZstdError {
  return new ZstdError("unexpected EOF");
}

function tooBig(): ZstdError {
  return new ZstdError("decompressed size exceeds configured limit", true);
}

/** The Frame_Content_Size field at `p` of `size` bytes (2-byte sizes are offset by 256). */
function readContentSize(src: Uint8Array, p: number, size: number): number {
  switch (size) {
    case 1:
      return src[p];
    case 2:
      return (src[p] | (src[p + 1] << 8)) + 256;
    case 4:
      return u32(src, p);
    default:
      return u32(src, p) + u32(src, p + 4) * 2 ** 32;
  }
}

/**
 * Walks one frame starting at `p` (just after its magic number); returns where
 * it ends and its declared content size (-1 when the header has none).
 */
function walkFrame(src: Uint8Array, p: number): [end: number, contentSize: number] {
  if (p >= src.length) throw unexpectedEOF();
  const fhd = src[p++];
  if ((fhd & 0x08) !== 0) throw new ZstdError("reserved bit set on frame header");
  const singleSegment = (fhd & 0x20) !== 0;
  const fcsFlag = fhd >>> 6;
  const fcsSize = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
  const headerRest = (singleSegment ? 0 : 1) + DICT_ID_SIZES[fhd & 3] + fcsSize;
  if (p + headerRest > src.length) throw unexpectedEOF();
  const contentSize = fcsSize === 0 ? -1 : readContentSize(src, p + headerRest - fcsSize, fcsSize);
  p += headerRest;
  for (;;) {
    if (p + 3 > src.length) throw unexpectedEOF();
    const header = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16);
    const type = (header >>> 1) & 3;
    if (type === BLOCK_RESERVED) {
      throw new ZstdError("invalid input: reserved block type encountered");
    }
    p += 3 + (type === BLOCK_RLE ? 1 : header >>> 3);
    if (p > src.length) throw unexpectedEOF();
    if ((header & 1) !== 0) break;
  }
  if ((fhd & 0x04) !== 0) p += 4; // Content_Checksum
  if (p > src.length) throw unexpectedEOF();
  return [p, contentSize];
}

function decodeFrame(frame: Uint8Array, room: number): Uint8Array {
  try {
    // node:zlib wants a limit of at least 1; a longer result is caught by the caller.
    const out = zstdDecompressSync(frame, { maxOutputLength: Math.max(room, 1) });
    return new Uint8Array(out.buffer, out.byteOffset, out.length); // a plain view, not a Buffer
  } catch (e) {
    if (e instanceof RangeError) throw tooBig();
    throw new ZstdError(e instanceof Error ? e.message : String(e));
  }
}

/**
 * Decompresses a zstd body: any number of frames (skippable ones skipped);
 * empty input gives empty output. Throws {@linkcode ZstdError} on malformed or
 * truncated input, or (with `tooBig` set) when the result would pass
 * `maxLength`, without decoding past it.
 *
 * @example
 * ```ts
 * import { zstdCompressSync } from "node:zlib";
 * const packed = zstdCompressSync(new TextEncoder().encode("up 1\n"));
 * new TextDecoder().decode(zstdDecompress(packed, { maxLength: 1024 })); // "up 1\n"
 * zstdDecompress(packed.subarray(0, 6), { maxLength: 1024 }); // throws ZstdError "unexpected EOF"
 * ```
 */
export function zstdDecompress(src: Uint8Array, options: ZstdDecompressOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = 0;
  while (p < src.length) {
    if (p + 4 > src.length) throw unexpectedEOF();
    const magic = u32(src, p);
    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC) {
      if (p + 8 > src.length) throw unexpectedEOF();
      p += 8 + u32(src, p + 4);
      if (p > src.length) throw unexpectedEOF();
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new ZstdError("invalid input: magic number mismatch");
    const [end, contentSize] = walkFrame(src, p + 4);
    const room = options.maxLength - total;
    if (contentSize > room) throw tooBig();
    const out = decodeFrame(src.subarray(p, end), room);
    if (out.length > room) throw tooBig();
    if (contentSize >= 0 && out.length !== contentSize) {
      throw new ZstdError("frame size does not match size on stream");
    }
    parts.push(out);
    total += out.length;
    p = end;
  }
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(total);
  let d = 0;
  for (const part of parts) {
    joined.set(part, d);
    d += part.length;
  }
  return joined;
}

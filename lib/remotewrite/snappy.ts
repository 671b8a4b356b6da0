/**
 * Snappy block format (not the framed format): what Prometheus remote write v1
 * uses for request bodies. The compressor works on 64 KiB fragments with a
 * 4-byte hash table, so every copy offset fits in two bytes; the decompressor
 * accepts every valid block, including 4-byte-offset copies from other encoders.
 *
 * Format: https://github.com/google/snappy/blob/main/format_description.txt
 *
 * @module
 */

const FRAGMENT_SIZE = 1 << 16;
/** Inputs shorter than this are emitted as one literal (no room for a 4-byte match). */
const INPUT_MARGIN = 15;
const MIN_NON_LITERAL_BLOCK = 17;
const MAX_TABLE_BITS = 14;
const HASH_MUL = 0x1e35a7bd;

const TAG_LITERAL = 0;
const TAG_COPY1 = 1;
const TAG_COPY2 = 2;

/**
 * Returns the worst-case compressed size of `n` input bytes, for sizing the output buffer.
 *
 * @example
 * ```ts
 * snappyMaxCompressedLength(1000); // 1198
 * ```
 */
export function snappyMaxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

let table = new Uint16Array(1 << MAX_TABLE_BITS);

/**
 * Compresses `src` into the snappy block format.
 *
 * `dst`, when given and large enough ({@linkcode snappyMaxCompressedLength}), is
 * written in place and a view of it is returned, so a caller can reuse one buffer.
 *
 * @example
 * ```ts
 * const packed = snappyCompress(new TextEncoder().encode("aaaaaaaaaaaaaaaaaaaaaaaa"));
 * snappyDecompress(packed); // the 24 bytes again
 * ```
 */
export function snappyCompress(src: Uint8Array, dst?: Uint8Array): Uint8Array {
  const need = snappyMaxCompressedLength(src.length);
  const out = dst !== undefined && dst.length >= need ? dst : new Uint8Array(need);
  let d = putUvarint(out, 0, src.length);
  for (let p = 0; p < src.length; p += FRAGMENT_SIZE) {
    const end = Math.min(p + FRAGMENT_SIZE, src.length);
    d = end - p < MIN_NON_LITERAL_BLOCK
      ? emitLiteral(out, d, src, p, end)
      : compressFragment(out, d, src, p, end);
  }
  return out.subarray(0, d);
}

function putUvarint(out: Uint8Array, d: number, v: number): number {
  while (v >= 0x80) {
    out[d++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[d++] = v;
  return d;
}

function load32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function emitLiteral(
  out: Uint8Array,
  d: number,
  src: Uint8Array,
  from: number,
  to: number,
): number {
  const n = to - from - 1;
  if (n < 60) {
    out[d++] = (n << 2) | TAG_LITERAL;
  } else if (n < 1 << 8) {
    out[d++] = (60 << 2) | TAG_LITERAL;
    out[d++] = n;
  } else if (n < 1 << 16) {
    out[d++] = (61 << 2) | TAG_LITERAL;
    out[d++] = n & 0xff;
    out[d++] = n >>> 8;
  } else if (n < 1 << 24) {
    out[d++] = (62 << 2) | TAG_LITERAL;
    out[d++] = n & 0xff;
    out[d++] = (n >>> 8) & 0xff;
    out[d++] = n >>> 16;
  } else {
    out[d++] = (63 << 2) | TAG_LITERAL;
    out[d++] = n & 0xff;
    out[d++] = (n >>> 8) & 0xff;
    out[d++] = (n >>> 16) & 0xff;
    out[d++] = n >>> 24;
  }
  if (to - from < 16) {
    for (let i = from; i < to; i++) out[d++] = src[i];
    return d;
  }
  out.set(src.subarray(from, to), d);
  return d + (to - from);
}

/** Emits a copy of `len` bytes from `offset` back (offset < 65536), splitting long matches. */
function emitCopy(out: Uint8Array, d: number, offset: number, len: number): number {
  while (len >= 68) {
    out[d++] = (63 << 2) | TAG_COPY2;
    out[d++] = offset & 0xff;
    out[d++] = offset >>> 8;
    len -= 64;
  }
  if (len > 64) {
    out[d++] = (59 << 2) | TAG_COPY2;
    out[d++] = offset & 0xff;
    out[d++] = offset >>> 8;
    len -= 60;
  }
  if (len >= 12 || offset >= 2048) {
    out[d++] = ((len - 1) << 2) | TAG_COPY2;
    out[d++] = offset & 0xff;
    out[d++] = offset >>> 8;
    return d;
  }
  out[d++] = ((offset >>> 8) << 5) | ((len - 4) << 2) | TAG_COPY1;
  out[d++] = offset & 0xff;
  return d;
}

function compressFragment(
  out: Uint8Array,
  d: number,
  src: Uint8Array,
  base: number,
  end: number,
): number {
  const n = end - base;
  let bits = 8;
  while (bits < MAX_TABLE_BITS && 1 << bits < n) bits++;
  const shift = 32 - bits;
  if (table.length < 1 << bits) table = new Uint16Array(1 << MAX_TABLE_BITS);
  table.fill(0, 0, 1 << bits);

  const limit = end - INPUT_MARGIN;
  let nextEmit = base;
  let s = base + 1;
  let nextHash = Math.imul(load32(src, s), HASH_MUL) >>> shift;
  let done = false;
  while (!done) {
    // Look for a 4-byte match, skipping faster the longer nothing matches.
    let skip = 32;
    let nextS = s;
    let candidate = -1;
    do {
      s = nextS;
      const step = skip >>> 5;
      skip++;
      nextS = s + step;
      if (nextS > limit) break;
      candidate = base + table[nextHash];
      table[nextHash] = s - base;
      nextHash = Math.imul(load32(src, nextS), HASH_MUL) >>> shift;
      if (load32(src, s) !== load32(src, candidate)) candidate = -1;
    } while (candidate < 0);
    if (candidate < 0) break; // ran into the tail: it becomes a literal
    d = emitLiteral(out, d, src, nextEmit, s);
    // Emit copies for as long as the bytes right after a match match again.
    let matching = true;
    while (matching) {
      const start = s;
      let a = s + 4;
      let b = candidate + 4;
      while (a < end && src[a] === src[b]) {
        a++;
        b++;
      }
      d = emitCopy(out, d, start - candidate, a - start);
      s = a;
      nextEmit = s;
      if (s >= limit) {
        done = true;
        break;
      }
      const prevHash = Math.imul(load32(src, s - 1), HASH_MUL) >>> shift;
      table[prevHash] = s - 1 - base;
      const curHash = Math.imul(load32(src, s), HASH_MUL) >>> shift;
      candidate = base + table[curHash];
      table[curHash] = s - base;
      if (load32(src, s) !== load32(src, candidate)) {
        nextHash = Math.imul(load32(src, s + 1), HASH_MUL) >>> shift;
        s++;
        matching = false;
      }
    }
  }
  if (nextEmit < end) d = emitLiteral(out, d, src, nextEmit, end);
  return d;
}

/**
 * Thrown for a block that is not valid snappy (or too big to decode); the message
 * starts with "snappy: ".
 *
 * @example
 * ```ts
 * try {
 *   snappyDecompress(body, { maxLength: 32 * 1024 * 1024 });
 * } catch (e) {
 *   if (e instanceof SnappyError) return new Response(e.message, { status: 400 });
 * }
 * ```
 */
export class SnappyError extends Error {
  constructor(reason: string) {
    super(`snappy: ${reason}`);
    this.name = "SnappyError";
  }
}

/**
 * Reads the uncompressed length from the block header without decoding the block;
 * throws {@linkcode SnappyError} when the header is corrupt.
 *
 * @example
 * ```ts
 * snappyDecodedLength(snappyCompress(new Uint8Array(100))); // 100
 * snappyDecodedLength(new Uint8Array([0x80]));
 * // throws SnappyError "snappy: corrupt input: bad length header"
 * ```
 */
export function snappyDecodedLength(src: Uint8Array): number {
  return readHeader(src)[0];
}

function readHeader(src: Uint8Array): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 5 && i < src.length; i++) {
    const b = src[i];
    v += (b & 0x7f) * mul;
    if (b < 0x80) {
      if (v > 0xffffffff) break;
      return [v, i + 1];
    }
    mul *= 128;
  }
  throw new SnappyError("corrupt input: bad length header");
}

/**
 * Decompresses a snappy block. Throws {@linkcode SnappyError} on corrupt input
 * or when the decoded length exceeds `maxLength`.
 *
 * @example
 * ```ts
 * const z = snappyCompress(new TextEncoder().encode("a".repeat(100))); // 9 bytes
 * snappyDecompress(z).length; // 100
 * snappyDecompress(z, { maxLength: 10 });
 * // throws SnappyError "snappy: decoded length 100 exceeds the limit of 10 bytes"
 * ```
 */
export function snappyDecompress(
  src: Uint8Array,
  options: { maxLength?: number } = {},
): Uint8Array {
  const [n, start] = readHeader(src);
  if (options.maxLength !== undefined && n > options.maxLength) {
    throw new SnappyError(`decoded length ${n} exceeds the limit of ${options.maxLength} bytes`);
  }
  const out = new Uint8Array(n);
  const d = walk(src, start, out, n);
  if (d !== n) throw new SnappyError(`corrupt input: decoded ${d} bytes, header says ${n}`);
  return out;
}

/**
 * Returns true when `src` is a well-formed snappy block (decodes without writing anything).
 *
 * @example
 * ```ts
 * snappyValid(snappyCompress(new Uint8Array([1, 2, 3]))); // true
 * snappyValid(new Uint8Array([5, 0])); // false (says 5 bytes, holds none)
 * ```
 */
export function snappyValid(src: Uint8Array): boolean {
  try {
    const [n, start] = readHeader(src);
    return walk(src, start, undefined, n) === n;
  } catch {
    return false;
  }
}

/** Walks the elements of a block, writing into `out` when given; returns the decoded length. */
function walk(src: Uint8Array, s: number, out: Uint8Array | undefined, n: number): number {
  let d = 0;
  while (s < src.length) {
    const tag = src[s];
    let len: number;
    let offset: number;
    switch (tag & 3) {
      case TAG_LITERAL: {
        let x = tag >>> 2;
        s++;
        if (x >= 60) {
          const extra = x - 59;
          if (s + extra > src.length) {
            throw new SnappyError("corrupt input: truncated literal length");
          }
          x = src[s];
          if (extra > 1) x |= src[s + 1] << 8;
          if (extra > 2) x |= src[s + 2] << 16;
          if (extra > 3) x = (x | (src[s + 3] << 24)) >>> 0;
          s += extra;
        }
        len = x + 1;
        if (len > src.length - s || len > n - d) {
          throw new SnappyError("corrupt input: literal runs past the end");
        }
        if (out !== undefined) {
          if (len < 16) {
            for (let i = 0; i < len; i++) out[d + i] = src[s + i];
          } else {
            out.set(src.subarray(s, s + len), d);
          }
        }
        d += len;
        s += len;
        continue;
      }
      case TAG_COPY1:
        if (s + 2 > src.length) throw new SnappyError("corrupt input: truncated copy");
        len = 4 + ((tag >>> 2) & 7);
        offset = ((tag >>> 5) << 8) | src[s + 1];
        s += 2;
        break;
      case TAG_COPY2:
        if (s + 3 > src.length) throw new SnappyError("corrupt input: truncated copy");
        len = 1 + (tag >>> 2);
        offset = src[s + 1] | (src[s + 2] << 8);
        s += 3;
        break;
      default: // TAG_COPY4
        if (s + 5 > src.length) throw new SnappyError("corrupt input: truncated copy");
        len = 1 + (tag >>> 2);
        offset = (src[s + 1] | (src[s + 2] << 8) | (src[s + 3] << 16) | (src[s + 4] << 24)) >>> 0;
        s += 5;
    }
    if (offset === 0 || offset > d || len > n - d) {
      throw new SnappyError("corrupt input: copy outside the output");
    }
    if (out !== undefined) {
      if (offset >= len) {
        out.copyWithin(d, d - offset, d - offset + len);
      } else {
        for (let i = 0; i < len; i++) out[d + i] = out[d - offset + i];
      }
    }
    d += len;
  }
  return d;
}

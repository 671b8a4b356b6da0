import { deepEqual, equal, throws } from "node:assert/strict";
import { constants, zstdCompressSync } from "node:zlib";
import { zstdDecompress, ZstdError } from "../../lib/server/zstd_decompress.ts";

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const RAW = 0;
const RLE = 1;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A block header and payload: raw blocks carry `payload`, RLE blocks one byte repeated `size` times. */
function block(type: number, size: number, payload: number[], last: boolean): number[] {
  const h = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [h & 0xff, (h >>> 8) & 0xff, h >>> 16, ...payload];
}

function raw(text: string, last = true): number[] {
  return block(RAW, text.length, [...enc.encode(text)], last);
}

const bytes = (...parts: Iterable<number>[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const unzstd = (src: Uint8Array, maxLength = 1 << 20) => zstdDecompress(src, { maxLength });

/** Asserts a ZstdError with `message` (a RegExp or the exact text) and the tooBig flag. */
function fails(src: Uint8Array, message: string | RegExp, tooBig = false, maxLength = 1 << 20) {
  throws(() => unzstd(src, maxLength), (e: unknown) => {
    equal(e instanceof ZstdError, true, String(e));
    if (typeof message === "string") equal((e as Error).message, message);
    else equal(message.test((e as Error).message), true, (e as Error).message);
    equal((e as ZstdError).tooBig, tooBig);
    return true;
  });
}

Deno.test("zstdDecompress() decodes hand-built frames of every header layout", () => {
  const f = (src: Uint8Array, want: string) => equal(dec.decode(unzstd(src)), want);
  // Single segment, 1-byte content size, one raw block.
  f(bytes(MAGIC, [0x20, 5], raw("hello")), "hello");
  // Single segment, 2-byte content size (stored minus 256), one RLE block of 300.
  f(bytes(MAGIC, [0x60, 300 - 256, 0], block(RLE, 300, [0x78], true)), "x".repeat(300));
  // Single segment, 4-byte content size.
  f(bytes(MAGIC, [0xa0, 3, 0, 0, 0], raw("abc")), "abc");
  // Single segment, 8-byte content size.
  f(bytes(MAGIC, [0xe0, 2, 0, 0, 0, 0, 0, 0, 0], raw("ok")), "ok");
  // Window descriptor, no content size, several blocks.
  f(bytes(MAGIC, [0x00, 0x00], raw("abc", false), block(RLE, 2, [0x7a], true)), "abczz");
  // An empty frame and empty input.
  f(bytes(MAGIC, [0x20, 0], raw("")), "");
  f(new Uint8Array(0), "");
});

Deno.test("zstdDecompress() joins frames and skips skippable frames", () => {
  const a = zstdCompressSync(enc.encode("hello ".repeat(1000)));
  const b = bytes(MAGIC, [0x20, 5], raw("world"));
  const skip = bytes([0x5e, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
  equal(dec.decode(unzstd(bytes(a, b))), "hello ".repeat(1000) + "world");
  equal(dec.decode(unzstd(bytes(skip, b, skip, a))), "world" + "hello ".repeat(1000));
  equal(unzstd(skip).length, 0);
});

Deno.test("zstdDecompress() decodes what libzstd encodes, with or without a checksum", () => {
  const text = new Uint8Array(300_000);
  let x = 1;
  for (let i = 0; i < text.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    text[i] = 97 + ((x >>> 24) % 16);
  }
  const f = (checksum: number) => {
    const packed = zstdCompressSync(text, {
      params: { [constants.ZSTD_c_checksumFlag]: checksum },
    });
    const out = unzstd(packed, text.length);
    equal(out.length, text.length);
    deepEqual(out, text);
  };
  f(0);
  f(1);
});

Deno.test("zstdDecompress() throws unexpected EOF wherever the input is cut", () => {
  const a = zstdCompressSync(enc.encode("abc".repeat(5000)), {
    params: { [constants.ZSTD_c_checksumFlag]: 1 },
  });
  const b = bytes(MAGIC, [0x00, 0x00], raw("abc", false), block(RLE, 2, [0x7a], true));
  const skip = [0x50, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 1, 2];
  const whole = bytes(a, skip, b);
  const boundaries = new Set([0, a.length, a.length + skip.length]);
  let cuts = 0;
  for (let n = 1; n < whole.length; n++) {
    if (boundaries.has(n)) continue;
    fails(whole.subarray(0, n), "unexpected EOF");
    cuts++;
  }
  equal(cuts, whole.length - 3);
});

Deno.test("zstdDecompress() rejects malformed frames in the Go decoder's words", () => {
  fails(enc.encode("up 1\n"), "invalid input: magic number mismatch");
  fails(
    bytes(MAGIC, [0x20, 5], raw("hello"), [1, 2, 3, 4]),
    "invalid input: magic number mismatch",
  );
  fails(bytes(MAGIC, [0x28, 5], raw("hello")), "reserved bit set on frame header");
  fails(bytes(MAGIC, [0x20, 5], block(3, 5, [1, 2, 3, 4, 5], true)), /reserved block type/);
  // A content size that the blocks do not fill.
  fails(bytes(MAGIC, [0x20, 6], raw("hello")), /./);
  // Checksummed data with one byte flipped.
  const packed = zstdCompressSync(enc.encode("0123456789".repeat(100)), {
    params: { [constants.ZSTD_c_checksumFlag]: 1 },
  });
  packed[packed.length - 8] ^= 0x10;
  fails(packed, /./);
});

Deno.test("zstdDecompress() stops at maxLength with tooBig set", () => {
  const hello = bytes(MAGIC, [0x20, 5], raw("hello"));
  equal(unzstd(bytes(hello, hello), 10).length, 10);
  fails(bytes(hello, hello), "decompressed size exceeds configured limit", true, 9);
  fails(hello, "decompressed size exceeds configured limit", true, 0);
  // A declared content size of 2^40 fails before anything is decoded.
  const declared = bytes(MAGIC, [0xe0, 0, 0, 0, 0, 0, 1, 0, 0], block(RLE, 1 << 16, [0], true));
  fails(declared, "decompressed size exceeds configured limit", true);
  // 8192 RLE blocks of 128 KiB (1 GiB) with no declared size: decoding stops at the limit.
  const blocks: number[] = [];
  for (let i = 0; i < 8192; i++) blocks.push(...block(RLE, 1 << 17, [0], i === 8191));
  fails(bytes(MAGIC, [0x00, 0x88], blocks), "decompressed size exceeds configured limit", true);
});

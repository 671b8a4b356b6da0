import assert from "node:assert/strict";
import SnappyJS from "snappyjs";
import {
  snappyCompress,
  snappyDecodedLength,
  snappyDecompress,
  SnappyError,
  snappyMaxCompressedLength,
  snappyValid,
} from "../../lib/remotewrite/snappy.ts";

/** A small deterministic PRNG (xorshift32) so failures are reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Data with a controllable amount of repetition: text-like metric lines, random bytes or runs. */
function sample(
  kind: "random" | "text" | "runs" | "zeros",
  size: number,
  seed: number,
): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(size);
  if (kind === "random") {
    for (let i = 0; i < size; i++) out[i] = Math.floor(r() * 256);
  } else if (kind === "text") {
    const words = [
      "http_requests_total",
      "job",
      "instance",
      "10.0.0.1:9100",
      "{",
      "}",
      "=",
      '"',
      ",",
      " ",
      "\n",
      "le",
      "0.5",
    ];
    let p = 0;
    while (p < size) {
      const w = new TextEncoder().encode(words[Math.floor(r() * words.length)]);
      for (let i = 0; i < w.length && p < size; i++) out[p++] = w[i];
    }
  } else if (kind === "runs") {
    let p = 0;
    while (p < size) {
      const b = Math.floor(r() * 4);
      const n = 1 + Math.floor(r() * 300);
      for (let i = 0; i < n && p < size; i++) out[p++] = b;
    }
  }
  return out;
}

Deno.test("snappyCompress() output is decoded by snappyjs and by snappyDecompress() for all data kinds and edge sizes", () => {
  const sizes = [
    0,
    1,
    2,
    3,
    4,
    5,
    15,
    16,
    17,
    18,
    31,
    32,
    33,
    63,
    64,
    65,
    100,
    1000,
    65535,
    65536,
    65537,
    131072,
    200_003,
  ];
  const f = (kind: "random" | "text" | "runs" | "zeros", size: number, seed: number) => {
    const src = sample(kind, size, seed);
    const packed = snappyCompress(src);
    assert.ok(packed.length <= snappyMaxCompressedLength(size), `${kind}/${size}: too long`);
    assert.deepEqual(new Uint8Array(SnappyJS.uncompress(packed)), src, `${kind}/${size}: snappyjs`);
    assert.deepEqual(snappyDecompress(packed), src, `${kind}/${size}: ours`);
    assert.equal(snappyDecodedLength(packed), size);
    assert.ok(snappyValid(packed));
  };
  let seed = 1;
  for (const kind of ["random", "text", "runs", "zeros"] as const) {
    for (const size of sizes) f(kind, size, seed++);
  }
});

Deno.test("snappyDecompress() decodes snappyjs output, including copies with long offsets", () => {
  const f = (src: Uint8Array) => {
    const packed = SnappyJS.compress(src);
    assert.deepEqual(snappyDecompress(packed), src);
    assert.ok(snappyValid(packed));
  };
  for (let i = 0; i < 20; i++) f(sample(i % 2 ? "text" : "runs", 1 + i * 7919, i + 100));
  f(sample("text", 1 << 20, 7));
});

Deno.test("snappyCompress() compresses repetitive data well", () => {
  const src = sample("zeros", 1 << 20, 0);
  assert.ok(snappyCompress(src).length < (1 << 20) / 20);
  const text = sample("text", 1 << 20, 3);
  assert.ok(snappyCompress(text).length < text.length / 2);
});

Deno.test("snappyCompress() writes into a reused destination buffer when it is large enough", () => {
  const src = sample("text", 5000, 9);
  const dst = new Uint8Array(snappyMaxCompressedLength(src.length));
  const packed = snappyCompress(src, dst);
  assert.equal(packed.buffer, dst.buffer);
  assert.deepEqual(snappyDecompress(packed), src);
});

Deno.test("snappyDecompress() throws SnappyError on corrupt input and snappyValid() says false", () => {
  const good = snappyCompress(sample("text", 3000, 5));
  const f = (bad: Uint8Array) => {
    assert.throws(() => snappyDecompress(bad), SnappyError);
    assert.equal(snappyValid(bad), false);
  };
  f(new Uint8Array([]));
  f(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // endless length varint
  f(good.subarray(0, good.length - 3)); // truncated
  f(new Uint8Array([5, 0x04, 1])); // literal of 2 bytes, only 1 present
  f(new Uint8Array([4, 0x01 | (0 << 2), 1])); // copy before any output
  f(new Uint8Array([2, 0x00, 65, 0x01, 0])); // copy with offset 0
  f(new Uint8Array([1, 0x04, 65, 66])); // more output than the header says
  const flipped = good.slice();
  flipped[0] ^= 0x01; // header length off by one
  f(flipped);
});

Deno.test("snappyDecompress() refuses a declared length above maxLength", () => {
  const packed = snappyCompress(new Uint8Array(1000));
  assert.throws(() => snappyDecompress(packed, { maxLength: 999 }), /exceeds the limit/);
  assert.equal(snappyDecompress(packed, { maxLength: 1000 }).length, 1000);
});

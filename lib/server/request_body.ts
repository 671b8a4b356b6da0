/**
 * Reading push request bodies: with a size limit (`-maxInsertRequestSize`),
 * and through the `Content-Encoding` the client used. vmagent accepts gzip,
 * deflate (zlib), zstd, snappy (block format) and none (`""`, `none`,
 * `identity`); so do we, and we apply the limit to both the compressed and the
 * decompressed size.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";
import { snappyDecodedLength, snappyDecompress } from "../remotewrite/snappy.ts";
import { zstdDecompress, ZstdError } from "./zstd_decompress.ts";

/** A size limit and the flag that sets it (named in the error). */
export interface BodyLimit {
  /** Maximum number of bytes. */
  maxBytes: number;
  /** Flag name without the dash, e.g. `maxInsertRequestSize`. */
  flag: string;
}

/**
 * vmagent's own cap on a snappy body, compressed and decoded, whatever the
 * flags say (`maxSnappyBlockSize` in its source).
 */
const MAX_SNAPPY_BLOCK_SIZE = 56_000_000;

function tooBigError(limit: BodyLimit): HttpError {
  return new HttpError(400, `too big data size exceeding -${limit.flag}=${limit.maxBytes} bytes`);
}

function tooBigDecodedError(limit: BodyLimit): HttpError {
  return new HttpError(
    400,
    `too big decompressed data size exceeding -${limit.flag}=${limit.maxBytes} bytes`,
  );
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads a whole body stream, failing with a 400 {@linkcode HttpError} as soon
 * as it grows past `limit.maxBytes`.
 *
 * @example
 * ```ts
 * const bytes = await readLimited(req.body, { maxBytes: 32 << 20, flag: "maxInsertRequestSize" });
 * ```
 */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: BodyLimit,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit.maxBytes) throw tooBigError(limit);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

/** Passes chunks through, erroring once more than `limit.maxBytes` went by. */
function limitStream(limit: BodyLimit): TransformStream<Uint8Array, Uint8Array> {
  let total = 0;
  return new TransformStream({
    transform(chunk, controller) {
      total += chunk.length;
      if (total > limit.maxBytes) throw tooBigError(limit);
      controller.enqueue(chunk);
    },
  });
}

function streamOf(data: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (data.length > 0) controller.enqueue(data);
      controller.close();
    },
  });
}

/**
 * A stream of the zstd-decoded body. Decoding waits for the first read, so its
 * errors come from reading, as with vmagent's streaming zstd reader.
 */
function zstdStream(
  body: ReadableStream<Uint8Array>,
  limit: BodyLimit,
): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const packed = await readLimited(body, limit);
      let data: Uint8Array;
      try {
        data = zstdDecompress(packed, { maxLength: limit.maxBytes });
      } catch (e) {
        if (e instanceof ZstdError && e.tooBig) throw tooBigDecodedError(limit);
        throw e;
      }
      if (data.length > 0) controller.enqueue(data);
      controller.close();
    },
  });
}

/** Reads and decodes a whole snappy block, with vmagent's error texts. */
async function readSnappy(
  body: ReadableStream<Uint8Array> | null,
  limit: BodyLimit,
): Promise<Uint8Array> {
  const capped = limit.maxBytes > MAX_SNAPPY_BLOCK_SIZE;
  let src: Uint8Array;
  try {
    src = await readLimited(body, capped ? { ...limit, maxBytes: MAX_SNAPPY_BLOCK_SIZE } : limit);
  } catch (e) {
    if (!(e instanceof HttpError)) {
      throw new Error(`cannot read snappy-encoded data block: ${messageOf(e)}`);
    }
    if (!capped) throw e;
    throw new Error(
      `cannot read snappy-encoded data block because its' size exceeds ${MAX_SNAPPY_BLOCK_SIZE} bytes`,
    );
  }
  let n: number;
  try {
    n = snappyDecodedLength(src);
  } catch (e) {
    throw new Error(
      `cannot decode snappy-encoded data block: cannot read snappy header: ${messageOf(e)}`,
    );
  }
  if (n > MAX_SNAPPY_BLOCK_SIZE) {
    throw new Error(
      `cannot decode snappy-encoded data block: too big data size ${n} exceeding ${MAX_SNAPPY_BLOCK_SIZE} bytes`,
    );
  }
  if (n > limit.maxBytes) throw tooBigDecodedError(limit);
  try {
    return snappyDecompress(src);
  } catch (e) {
    throw new Error(`cannot decode snappy-encoded data block: ${messageOf(e)}`);
  }
}

/**
 * Opens `body` through the decoder for `encoding` (the `Content-Encoding`
 * header), as vmagent's `/api/v1/import/prometheus` does: `gzip`, `deflate`
 * (zlib), `zstd`, `snappy` (block format, read and decoded whole right here),
 * or none (`""`, `none`, `identity`). Rejects on any other encoding with
 * vmagent's text. The compressed input is held to `limit`; read the result with
 * {@linkcode readLimited} to hold the decoded output to it too (zstd and snappy
 * already are, with "too big decompressed data size exceeding ...").
 *
 * @example
 * ```ts
 * const limit = { maxBytes: 32 << 20, flag: "maxInsertRequestSize" };
 * const stream = await decodedStream(req.body, req.headers.get("Content-Encoding") ?? "", limit);
 * const text = new TextDecoder().decode(await readLimited(stream, limit));
 * // decodedStream(body, "br", limit) rejects with "unsupported contentType: br"
 * ```
 */
export async function decodedStream(
  body: ReadableStream<Uint8Array> | null,
  encoding: string,
  limit: BodyLimit,
): Promise<ReadableStream<Uint8Array> | null> {
  switch (encoding) {
    case "":
    case "none":
    case "identity":
      return body;
    case "gzip":
    case "deflate":
      return body === null ? null : body.pipeThrough(limitStream(limit)).pipeThrough(
        new DecompressionStream(encoding) as TransformStream<Uint8Array, Uint8Array>,
      );
    case "zstd":
      return body === null ? null : zstdStream(body, limit);
    case "snappy":
      return streamOf(await readSnappy(body, limit));
    default:
      throw new Error(`unsupported contentType: ${encoding}`);
  }
}

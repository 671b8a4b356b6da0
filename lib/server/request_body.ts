/**
 * Reading push request bodies: with a size limit (`-maxInsertRequestSize`),
 * and through the `Content-Encoding` the client used (gzip, deflate or none).
 *
 * @module
 */

import { HttpError } from "./http_error.ts";

/** A size limit and the flag that sets it (named in the error). */
export interface BodyLimit {
  /** Maximum number of bytes. */
  maxBytes: number;
  /** Flag name without the dash, e.g. `maxInsertRequestSize`. */
  flag: string;
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
      if (total > limit.maxBytes) {
        throw new HttpError(
          400,
          `too big data size exceeding -${limit.flag}=${limit.maxBytes} bytes`,
        );
      }
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

/**
 * Wraps `body` in the decoder for `encoding` (the `Content-Encoding` header):
 * `gzip`, `deflate` (zlib), or none (`""`, `none`, `identity`). Throws on any
 * other encoding with vmagent's text.
 *
 * @example
 * ```ts
 * const stream = decodedStream(req.body, req.headers.get("Content-Encoding") ?? "");
 * // gunzips a gzip body; decodedStream(body, "br") throws "unsupported contentType: br"
 * ```
 */
export function decodedStream(
  body: ReadableStream<Uint8Array> | null,
  encoding: string,
): ReadableStream<Uint8Array> | null {
  switch (encoding) {
    case "":
    case "none":
    case "identity":
      return body;
    case "gzip":
    case "deflate":
      return body === null ? null : body.pipeThrough(
        new DecompressionStream(encoding) as TransformStream<Uint8Array, Uint8Array>,
      );
    default:
      throw new Error(`unsupported contentType: ${encoding}`);
  }
}

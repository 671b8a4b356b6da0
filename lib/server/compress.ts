/**
 * Response compression, as vmagent's HTTP server does by default
 * (`-http.disableResponseCompression` turns it off): gzip when the client
 * accepts it and the body is at least 1 KiB.
 *
 * @module
 */

/**
 * Bodies shorter than this many bytes are sent as they are (gzip would not pay off).
 *
 * @example
 * ```ts
 * const worthIt = body.length >= MIN_COMPRESS_SIZE; // MIN_COMPRESS_SIZE is 1024
 * ```
 */
export const MIN_COMPRESS_SIZE = 1024;

/**
 * True when an `Accept-Encoding` header admits gzip (`gzip`, `gzip;q=0.5`, `*`), not `q=0`.
 *
 * @example
 * ```ts
 * acceptsGzip("br, gzip;q=0.5"); // true
 * acceptsGzip("gzip;q=0"); // false
 * acceptsGzip(null); // false
 * ```
 */
export function acceptsGzip(header: string | null): boolean {
  if (header === null) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding.trim() !== "gzip" && coding.trim() !== "*") continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** Content types that are compressed already. */
function isCompressedType(type: string | null): boolean {
  return type !== null &&
    /^(image\/(?!svg)|video\/|audio\/|application\/(zip|gzip|x-protobuf))/.test(type);
}

/**
 * Returns `res` gzip-compressed when `req` accepts gzip and the body is big
 * enough; otherwise `res` with its body buffered as is.
 *
 * @example
 * ```ts
 * const res = await compressResponse(req, await handler(req));
 * ```
 */
export async function compressResponse(req: Request, res: Response): Promise<Response> {
  if (
    res.body === null || req.method === "HEAD" || res.headers.has("Content-Encoding") ||
    !acceptsGzip(req.headers.get("Accept-Encoding")) ||
    isCompressedType(res.headers.get("Content-Type"))
  ) {
    return res;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  headers.append("Vary", "Accept-Encoding");
  if (bytes.length < MIN_COMPRESS_SIZE) {
    return new Response(bytes, { status: res.status, statusText: res.statusText, headers });
  }
  const gz = new Uint8Array(
    await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip")))
      .arrayBuffer(),
  );
  headers.set("Content-Encoding", "gzip");
  headers.delete("Content-Length");
  return new Response(gz, { status: res.status, statusText: res.statusText, headers });
}

/**
 * The request context in error answers and log lines, as vmagent's
 * `httpserver.Errorf`: the error is logged at WARN with the client address and
 * the request URI, and sent back as plain text with its status (400 unless the
 * error carries another one).
 *
 * @module
 */

import { errorMessage, errorStatus, httpError } from "./http_error.ts";
import type { Logger } from "../util/log.ts";

/** What a handler may know about the connection (a subset of `Deno.ServeHandlerInfo`). */
export interface ServeInfo {
  /** The client's address. */
  remoteAddr?: { hostname: string; port: number };
}

/** A request handler: a plain function from Request to Response. */
export type Handler = (req: Request, info?: ServeInfo) => Response | Promise<Response>;

/**
 * Returns the client address, JSON-quoted, with `X-Forwarded-For` appended
 * when present: `"10.0.0.1:5432, X-Forwarded-For: 1.2.3.4"`.
 *
 * @example
 * ```ts
 * const req = new Request("http://localhost/", { headers: { "X-Forwarded-For": "1.2.3.4" } });
 * quotedRemoteAddr(req, { remoteAddr: { hostname: "10.0.0.1", port: 5432 } });
 * // '"10.0.0.1:5432, X-Forwarded-For: 1.2.3.4"'
 * ```
 */
export function quotedRemoteAddr(req: Request, info?: ServeInfo): string {
  const a = info?.remoteAddr;
  let addr = "";
  if (a !== undefined) {
    addr = a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
  }
  const xff = req.headers.get("X-Forwarded-For");
  if (xff) addr += `, X-Forwarded-For: ${xff}`;
  return JSON.stringify(addr);
}

/**
 * Returns the decoded path of `url` (as Go's `URL.Path`), or the raw path when it holds a bad
 * escape.
 *
 * @example
 * ```ts
 * requestPath(new URL("http://localhost/api/v1/write%20x")); // "/api/v1/write x"
 * requestPath(new URL("http://localhost/a%zz")); // "/a%zz"
 * ```
 */
export function requestPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/**
 * Returns path and query of `url`, with any `authKey` value masked as `secret`.
 *
 * @example
 * ```ts
 * requestURI(new URL("http://localhost/metrics?authKey=abc&x=1")); // "/metrics?authKey=secret&x=1"
 * ```
 */
export function requestURI(url: URL): string {
  if (!url.searchParams.has("authKey")) return url.pathname + url.search;
  const q = url.search.replace(/([?&]authKey=)[^&]*/g, "$1secret");
  return url.pathname + q;
}

/**
 * Logs `err` with the request context at WARN and returns the error response.
 *
 * @example
 * ```ts
 * return errorResponse(err, { req, url, info, log });
 * ```
 */
export function errorResponse(
  err: unknown,
  ctx: { req: Request; url: URL; info?: ServeInfo; log: Logger },
): Response {
  const msg = errorMessage(err);
  ctx.log.warn(
    `remoteAddr: ${quotedRemoteAddr(ctx.req, ctx.info)}; requestURI: ${
      requestURI(ctx.url)
    }; ${msg}`,
  );
  return httpError(errorStatus(err), msg);
}

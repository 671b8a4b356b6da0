/**
 * GET requests to the Kubernetes API with the credentials of an {@linkcode ApiAccess}, through
 * the shared HTTP client (`lib/util/http_client.ts`: bearer token files re-read so rotated
 * service-account tokens are picked up, basic auth, `authorization`, oauth2, custom headers,
 * CA and client certificates, proxy).
 *
 * @module
 */
import { createHttpClient, type FetchFn } from "../../util/http_client.ts";
import type { ApiAccess } from "./api_access.ts";

/** Performs one GET of `url`; rejects on network errors, resolves with any status. */
export type ApiRequest = (url: string, signal: AbortSignal) => Promise<Response>;

/** I/O for {@linkcode createApiClient}. */
export interface ApiClientOptions {
  /** The transport under the HTTP client. @default globalThis.fetch */
  fetch?: FetchFn;
  /** Reads token, password and certificate files. @default Deno.readTextFile */
  readFile?: (path: string) => Promise<string>;
  /** Milliseconds since the epoch, for credential caches. @default Date.now */
  now?: () => number;
  /** Folder relative credential file paths resolve against. @default Deno.cwd() */
  baseDir?: string;
}

/** A request function and the resources behind it. */
export interface ApiClient {
  request: ApiRequest;
  /** Releases pooled connections. */
  close(): void;
}

const HEADERS = { "Accept": "application/json", "User-Agent": "vm_promscrape" };

/**
 * Returns a request function for the API behind `access`. Credential files that cannot be
 * read make the request reject (the caller retries with backoff).
 *
 * @example
 * ```ts
 * const api = createApiClient({
 *   server: "http://127.0.0.1:8001",
 *   http: { headers: [], followRedirects: true },
 *   namespaces: [],
 * });
 * // const resp = await api.request("http://127.0.0.1:8001/api/v1/pods", AbortSignal.timeout(5000));
 * api.close();
 * ```
 */
export function createApiClient(access: ApiAccess, opts: ApiClientOptions = {}): ApiClient {
  const client = createHttpClient(access.http, {
    fetch: opts.fetch,
    readTextFile: opts.readFile,
    now: opts.now,
    baseDir: opts.baseDir,
  });
  return {
    request: (url, signal) => client.fetch(url, { headers: HEADERS, signal }),
    close: () => client.close(),
  };
}

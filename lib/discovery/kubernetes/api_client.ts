/**
 * GET requests to the Kubernetes API with the credentials of an {@linkcode ApiAccess}, through
 * the shared HTTP client (`lib/util/http_client.ts`: bearer token files re-read so rotated
 * service-account tokens are picked up, basic auth, `authorization`, oauth2, custom headers,
 * CA and client certificates, proxy).
 *
 * Like vmagent, a client falls back to the `v1beta1` API of `networking.k8s.io` (ingresses)
 * and `discovery.k8s.io` (endpointslices) when the API server answers 404 to the `v1` path,
 * as Kubernetes releases older than 1.19 and 1.21 do, and keeps using it from then on.
 *
 * @module
 */
import { createHttpClient, type FetchFn } from "../../util/http_client.ts";
import { getLogger } from "../../util/log.ts";
import { redactUrls } from "../../util/redact_urls.ts";
import type { ApiAccess } from "./api_access.ts";

const log = getLogger("kubernetes_sd");

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

/** API group paths served only as `v1beta1` by old Kubernetes: `[v1, v1beta1]`. */
const BETA_FALLBACKS: readonly (readonly [string, string])[] = [
  ["/apis/networking.k8s.io/v1/", "/apis/networking.k8s.io/v1beta1/"],
  ["/apis/discovery.k8s.io/v1/", "/apis/discovery.k8s.io/v1beta1/"],
];

/**
 * Returns a request function for the API behind `access`. Credential files that cannot be
 * read make the request reject (the caller retries with backoff). A 404 to a `v1` path of
 * the ingress or endpointslice API group switches that group to `v1beta1` for good and
 * retries at once.
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
  // Per fallback: whether the server is known to lack the v1 path.
  const useBeta = BETA_FALLBACKS.map(() => false);
  const request: ApiRequest = async (url, signal) => {
    let target = url;
    BETA_FALLBACKS.forEach(([v1, beta], i) => {
      if (useBeta[i] && target.includes(v1)) target = target.replace(v1, beta);
    });
    const resp = await client.fetch(target, { headers: HEADERS, signal });
    if (resp.status !== 404) return resp;
    const i = BETA_FALLBACKS.findIndex(([v1], j) => !useBeta[j] && target.includes(v1));
    if (i < 0) return resp;
    await resp.body?.cancel();
    useBeta[i] = true;
    log.info(
      `${BETA_FALLBACKS[i][0]} is not served by ${redactUrls(access.server)}; using ${
        BETA_FALLBACKS[i][1]
      }`,
    );
    return request(url, signal);
  };
  return { request, close: () => client.close() };
}

/**
 * The HTTP client shared by scraping, service discovery and remote write: it
 * applies a resolved {@linkcode HTTPClientConfig} to every request, as vmagent's
 * `promauth` does:
 *
 * - `Authorization` from `authorization`, `basic_auth`, `bearer_token(_file)` or
 *   `oauth2` (client credentials; the token is cached until it expires), files
 *   re-read at most once a second (so rotated secrets are picked up);
 * - custom `headers` (a `Host` header sets the request's host), then the
 *   `Authorization` header on top;
 * - `tls_config`: CA, client certificate and key (inline or files), and, through
 *   `node:https`, `insecure_skip_verify` and `server_name` (which, as in vmagent,
 *   is also sent as the `Host` header), which Deno's `fetch` cannot do per client;
 * - `proxy_url` (with `user:password@` sent as proxy basic auth);
 * - redirects: followed up to `maxRedirects` (Go's limit, 10) unless
 *   `follow_redirects: false`, which returns the 3xx response itself; credentials
 *   are dropped when a redirect leaves the original host and its subdomains.
 *
 * Responses come back with their body already decoded from gzip when the
 * server sent `Content-Encoding: gzip` (headers as received). Errors never
 * contain secrets: only file paths and URLs without their password.
 *
 * @module
 */
import type { HTTPClientConfig, TLSConfig } from "../config/types.ts";
import { newNodeAgent, nodeFetch, type NodeTLS } from "./_http_node.ts";
import { OAuth2TokenSource } from "./_oauth2.ts";
import { redactUrls } from "./redact_urls.ts";

/** The transport: `fetch` with Deno's `client` extension. */
export type FetchFn = (
  input: string | URL,
  init: RequestInit & { client?: Deno.HttpClient },
) => Promise<Response>;

/** Options of {@linkcode createHttpClient}. */
export interface HttpClientOptions {
  /** Folder that relative file paths in the config resolve against. @default Deno.cwd() */
  baseDir?: string;
  /** Disable HTTP keep-alive (no idle connections are kept). @default false */
  disableKeepAlive?: boolean;
  /** Close idle pooled connections after this many milliseconds. @default 90000 */
  idleTimeout?: number;
  /** Redirects followed before failing with `stopped after N redirects`. @default 10 */
  maxRedirects?: number;
  /** Reads secret and certificate files. @default Deno.readTextFile */
  readTextFile?: (path: string) => Promise<string>;
  /** The clock (milliseconds), for caches and token expiry. @default Date.now */
  now?: () => number;
  /** The transport for plain requests (tests inject one). @default globalThis.fetch */
  fetch?: FetchFn;
}

/** Per-request settings of {@linkcode HttpClient.fetch}. */
export interface HttpRequestInit {
  /** The HTTP method. @default "GET" */
  method?: string;
  /** Request headers; the config's headers and `Authorization` are set over them. */
  headers?: HeadersInit;
  /** A body that can be sent again on a 307/308 redirect. */
  body?: Uint8Array<ArrayBuffer> | string;
  /** Aborts the request (and the body read). */
  signal?: AbortSignal;
}

/** A configured client. */
export interface HttpClient {
  /** Performs a request with the config applied; rejects on transport errors. */
  fetch(url: string | URL, init?: HttpRequestInit): Promise<Response>;
  /** The `Authorization` header value the config yields, or "" when none. */
  authHeader(): Promise<string>;
  /** Releases pooled connections. */
  close(): void;
}

/** A value computed at most once a second (vmagent caches auth headers and TLS files so). */
class Cached<T> {
  #at = -Infinity;
  #value?: Promise<T>;
  constructor(readonly fn: () => Promise<T>, readonly now: () => number) {}
  get(): Promise<T> {
    const t = this.now();
    if (this.#value === undefined || t - this.#at >= 1000) {
      this.#at = t;
      this.#value = this.fn();
    }
    return this.#value;
  }
}

function resolvePath(baseDir: string, p: string): string {
  if (p.startsWith("/") || /^https?:\/\//.test(p)) return p;
  return `${baseDir.replace(/\/+$/, "")}/${p}`;
}

/** Go's rule for keeping credentials on a redirect: same host or a subdomain of it. */
function sameOrSubdomain(host: string, initial: string): boolean {
  return host === initial || host.endsWith("." + initial);
}

interface DenoTransport {
  client: Deno.HttpClient;
  ca?: string;
  cert?: string;
  key?: string;
  proxyUser?: string;
  proxyPass?: string;
  inflight: number;
  retired: boolean;
}

/**
 * Creates a client for `cfg`. Configuration mistakes that can be seen without
 * I/O (both password and password_file...) are the config parser's job; file
 * and token errors surface when a request is made.
 *
 * @example
 * ```ts
 * const c = createHttpClient({ headers: [], followRedirects: true, bearerToken: "s3cret" });
 * const resp = await c.fetch("http://127.0.0.1:9100/metrics", { signal: AbortSignal.timeout(10_000) });
 * c.close();
 * ```
 */
export function createHttpClient(cfg: HTTPClientConfig, opts: HttpClientOptions = {}): HttpClient {
  const baseDir = opts.baseDir ?? Deno.cwd();
  const now = opts.now ?? Date.now;
  const maxRedirects = opts.maxRedirects ?? 10;
  const keepAlive = !opts.disableKeepAlive;
  const transportFetch: FetchFn = opts.fetch ?? ((input, init) => fetch(input, init));
  const readFile = async (p: string): Promise<string> => {
    const path = resolvePath(baseDir, p);
    if (/^https?:\/\//.test(path)) {
      const r = await fetch(path);
      const t = await r.text();
      if (!r.ok) {
        throw new Error(`unexpected status code ${r.status} when reading ${redactUrls(path)}`);
      }
      return t;
    }
    return await (opts.readTextFile ?? Deno.readTextFile)(path);
  };
  const readSecret = async (p: string, what: string): Promise<string> => {
    try {
      return (await readFile(p)).trimEnd();
    } catch (e) {
      throw new Error(`cannot read ${what}=${JSON.stringify(p)}: ${(e as Error).message}`);
    }
  };

  const tlsCfg: TLSConfig | undefined = cfg.tlsConfig;
  const useNode = tlsCfg !== undefined && (tlsCfg.insecureSkipVerify || !!tlsCfg.serverName);
  const proxyAuth = cfg.proxyClientConfig?.basicAuth;
  const tlsFiles = new Cached(async () => {
    const t = tlsCfg;
    let proxyUser: string | undefined;
    let proxyPass: string | undefined;
    if (proxyAuth !== undefined) {
      proxyUser = proxyAuth.usernameFile
        ? await readSecret(proxyAuth.usernameFile, "`proxy_basic_auth.username_file`")
        : proxyAuth.username;
      proxyPass = proxyAuth.passwordFile
        ? await readSecret(proxyAuth.passwordFile, "`proxy_basic_auth.password_file`")
        : (proxyAuth.password ?? "");
    }
    if (t === undefined) {
      return { ca: undefined, cert: undefined, key: undefined, proxyUser, proxyPass };
    }
    const ca = t.ca ?? (t.caFile ? await readTLS(t.caFile, "ca_file") : undefined);
    const cert = t.cert ?? (t.certFile ? await readTLS(t.certFile, "cert_file") : undefined);
    const key = t.key ?? (t.keyFile ? await readTLS(t.keyFile, "key_file") : undefined);
    return { ca, cert, key, proxyUser, proxyPass };
  }, now);
  async function readTLS(p: string, what: string): Promise<string> {
    try {
      return await readFile(p);
    } catch (e) {
      throw new Error(`cannot read TLS ${what} ${JSON.stringify(p)}: ${(e as Error).message}`);
    }
  }

  const proxyUrl = cfg.proxyUrl ? new URL(cfg.proxyUrl) : undefined;
  let transport: DenoTransport | undefined;
  const nodeAgent = useNode ? newNodeAgent(keepAlive) : undefined;

  const releaseTransport = (t: DenoTransport) => {
    t.inflight--;
    if (t.retired && t.inflight === 0) t.client.close();
  };
  const getTransport = async (): Promise<DenoTransport> => {
    const m = await tlsFiles.get();
    const t = transport;
    const same = t !== undefined && t.ca === m.ca && t.cert === m.cert && t.key === m.key &&
      t.proxyUser === m.proxyUser && t.proxyPass === m.proxyPass;
    if (same) return t;
    const o: Deno.CreateHttpClientOptions & { cert?: string; key?: string } = {
      allowHost: true,
      poolIdleTimeout: opts.idleTimeout ?? 90_000,
    };
    if (!keepAlive) o.poolMaxIdlePerHost = 0;
    if (m.ca !== undefined) o.caCerts = [m.ca];
    if (m.cert !== undefined && m.key !== undefined) {
      o.cert = m.cert;
      o.key = m.key;
    }
    if (proxyUrl !== undefined) {
      const u = new URL(proxyUrl.href);
      const basicAuth = u.username !== ""
        ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
        : m.proxyUser !== undefined
        ? { username: m.proxyUser, password: m.proxyPass ?? "" }
        : undefined;
      u.username = "";
      u.password = "";
      o.proxy = { url: u.href, basicAuth };
    }
    const created: DenoTransport = {
      client: Deno.createHttpClient(o),
      ca: m.ca,
      cert: m.cert,
      key: m.key,
      proxyUser: m.proxyUser,
      proxyPass: m.proxyPass,
      inflight: 0,
      retired: false,
    };
    if (t !== undefined) {
      t.retired = true;
      if (t.inflight === 0) t.client.close();
    }
    transport = created;
    return created;
  };

  const oauth2 = cfg.oauth2 === undefined ? undefined : new OAuth2TokenSource(cfg.oauth2, {
    readSecret,
    newClient: (c) => createHttpClient(c, opts),
    now,
  });
  const authSource = buildAuth(cfg, readSecret, oauth2);
  const authCache = authSource ? new Cached(authSource, now) : undefined;

  async function once(
    url: URL,
    method: string,
    headers: Headers,
    body: Uint8Array<ArrayBuffer> | string | undefined,
    signal?: AbortSignal,
  ): Promise<Response> {
    // Only gzip is decoded, as vmagent does; Deno's fetch decodes it itself when asked for it.
    const ae = headers.get("accept-encoding");
    let resp: Response;
    let decoded: boolean;
    if (useNode && url.protocol === "https:") {
      const m = await tlsFiles.get();
      resp = await nodeFetch({
        url,
        method,
        headers,
        body: typeof body === "string" ? new TextEncoder().encode(body) : body,
        signal,
        tls: {
          ca: m.ca,
          cert: m.cert,
          key: m.key,
          serverName: tlsCfg!.serverName,
          insecureSkipVerify: tlsCfg!.insecureSkipVerify,
          minVersion: tlsCfg!.minVersion,
        } satisfies NodeTLS,
        proxy: proxyUrl
          ? { url: proxyUrl, username: m.proxyUser, password: m.proxyPass }
          : undefined,
        agent: nodeAgent,
      });
      decoded = false;
    } else {
      const t = await getTransport();
      t.inflight++;
      try {
        resp = await transportFetch(url.href, {
          method,
          headers,
          body,
          signal,
          redirect: "manual",
          client: t.client,
        });
      } finally {
        releaseTransport(t);
      }
      decoded = ae === null || /gzip/i.test(ae);
    }
    if (
      !decoded && resp.body !== null &&
      resp.headers.get("content-encoding")?.toLowerCase() === "gzip"
    ) {
      const body = resp.body.pipeThrough(new DecompressionStream("gzip"));
      resp = new Response(body, {
        status: resp.status,
        statusText: resp.statusText,
        headers: resp.headers,
      });
    }
    return resp;
  }

  return {
    authHeader: async () => authCache ? await authCache.get() : "",
    async fetch(input, init = {}) {
      let url = new URL(input);
      const initialHost = url.hostname;
      let method = (init.method ?? "GET").toUpperCase();
      let body = init.body;
      const base = new Headers(init.headers);
      for (const [k, v] of cfg.headers) {
        base.set(k, v);
      }
      if (tlsCfg?.serverName && !base.has("host")) base.set("host", tlsCfg.serverName);
      const auth = authCache ? await authCache.get() : "";
      if (auth !== "") base.set("authorization", auth);
      if (url.username !== "" || url.password !== "") {
        // Go's client uses a URL's user:password as Basic auth only when no Authorization
        // header is set, and never sends both; Deno's fetch would merge the two into one header.
        if (!base.has("authorization")) {
          const user = decodeURIComponent(url.username);
          base.set(
            "authorization",
            "Basic " + base64(`${user}:${decodeURIComponent(url.password)}`),
          );
        }
        url = new URL(url.href);
        url.username = "";
        url.password = "";
      }
      for (let hop = 0;; hop++) {
        const headers = new Headers(base);
        if (!sameOrSubdomain(url.hostname, initialHost)) {
          for (const h of ["authorization", "www-authenticate", "cookie", "cookie2"]) {
            headers.delete(h);
          }
        }
        if (hop > 0 && headers.has("host") && url.hostname !== initialHost) headers.delete("host");
        const resp = await once(url, method, headers, body, init.signal);
        const loc = resp.headers.get("location");
        if (
          !cfg.followRedirects || loc === null || ![301, 302, 303, 307, 308].includes(resp.status)
        ) {
          return resp;
        }
        await resp.body?.cancel();
        if (hop >= maxRedirects) throw new Error(`stopped after ${maxRedirects} redirects`);
        const next = new URL(loc, url);
        if (
          resp.status === 303 || ((resp.status === 301 || resp.status === 302) && method === "POST")
        ) {
          if (method !== "HEAD") method = "GET";
          body = undefined;
          base.delete("content-type");
          base.delete("content-length");
          base.delete("content-encoding");
        }
        url = next;
      }
    },
    close() {
      if (transport !== undefined) {
        transport.retired = true;
        if (transport.inflight === 0) transport.client.close();
        transport = undefined;
      }
      nodeAgent?.destroy();
      oauth2?.close();
    },
  };
}

function buildAuth(
  cfg: HTTPClientConfig,
  readSecret: (p: string, what: string) => Promise<string>,
  oauth2: OAuth2TokenSource | undefined,
): (() => Promise<string>) | undefined {
  const az = cfg.authorization;
  if (az !== undefined) {
    const type = az.type || "Bearer";
    if (az.credentialsFile) {
      const f = az.credentialsFile;
      return async () => `${type} ${await readSecret(f, "`credentials_file`")}`;
    }
    const v = `${type} ${az.credentials ?? ""}`;
    return () => Promise.resolve(v);
  }
  const ba = cfg.basicAuth;
  if (ba !== undefined) {
    return async () => {
      const user = ba.usernameFile
        ? await readSecret(ba.usernameFile, "`username_file`")
        : ba.username;
      const pass = ba.passwordFile
        ? await readSecret(ba.passwordFile, "`password_file`")
        : (ba.password ?? "");
      return "Basic " + base64(`${user}:${pass}`);
    };
  }
  if (cfg.bearerTokenFile) {
    const f = cfg.bearerTokenFile;
    return async () => `Bearer ${await readSecret(f, "`bearer_token_file`")}`;
  }
  if (cfg.bearerToken) {
    const v = `Bearer ${cfg.bearerToken}`;
    return () => Promise.resolve(v);
  }
  if (oauth2 !== undefined) return () => oauth2.authHeader();
  return undefined;
}

/** Base64 of the UTF-8 bytes of `s`. */
function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * A `fetch`-shaped transport over `node:https`, for the TLS settings Deno's
 * `fetch` cannot express per client: `insecure_skip_verify` (no certificate
 * check) and `server_name` (SNI and verification against another name than the
 * URL's host). Proxies are reached with an HTTP CONNECT tunnel. Private to
 * `http_client.ts`.
 *
 * @module
 */
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import tls from "node:tls";
import type { Buffer } from "node:buffer";

/** TLS material and switches for {@linkcode nodeFetch}. */
export interface NodeTLS {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: string;
}

/** A proxy for {@linkcode nodeFetch}: `http://[user:pass@]host:port`. */
export interface NodeProxy {
  url: URL;
  /** Proxy basic auth when the URL carries none. */
  username?: string;
  password?: string;
}

/** What one request needs. */
export interface NodeRequest {
  url: URL;
  method: string;
  headers: Headers;
  body?: Uint8Array;
  signal?: AbortSignal;
  tls: NodeTLS;
  proxy?: NodeProxy;
  /** Keep-alive agent; undefined for a connection per request. */
  agent?: https.Agent;
}

const TLS_VERSIONS: Record<string, tls.SecureVersion> = {
  TLS10: "TLSv1",
  TLS11: "TLSv1.1",
  TLS12: "TLSv1.2",
  TLS13: "TLSv1.3",
};

function tlsOptions(t: NodeTLS): tls.ConnectionOptions {
  const name = t.serverName || undefined;
  // Go verifies the certificate against an IP server name (its IP SANs) and sends no SNI for
  // it; Node refuses an IP as `servername`, so the name is checked by hand instead.
  const ip = name !== undefined && isIP(name) !== 0;
  const o: tls.ConnectionOptions = {
    ca: t.ca,
    cert: t.cert,
    key: t.key,
    servername: ip ? undefined : name,
    rejectUnauthorized: !t.insecureSkipVerify,
    minVersion: t.minVersion ? TLS_VERSIONS[t.minVersion] : undefined,
  };
  // Node rejects the property when present but undefined.
  if (ip) o.checkServerIdentity = (_host, cert) => tls.checkServerIdentity(name, cert);
  return o;
}

function openTunnel(req: NodeRequest): Promise<tls.TLSSocket> {
  const p = req.proxy!.url;
  const target = `${req.url.hostname}:${req.url.port || "443"}`;
  const headers: Record<string, string> = { host: target };
  const user = p.username !== "" ? decodeURIComponent(p.username) : req.proxy!.username;
  const pass = p.username !== "" ? decodeURIComponent(p.password) : (req.proxy!.password ?? "");
  if (user !== undefined) {
    headers["proxy-authorization"] = "Basic " +
      btoa(String.fromCharCode(...new TextEncoder().encode(user + ":" + pass)));
  }
  return new Promise((resolve, reject) => {
    const cr = http.request({
      host: p.hostname,
      port: Number(p.port || "80"),
      method: "CONNECT",
      path: target,
      headers,
      signal: req.signal,
    });
    cr.on("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy CONNECT to ${target} failed with status ${res.statusCode}`));
        return;
      }
      const s = tls.connect({ ...tlsOptions(req.tls), socket });
      s.once("secureConnect", () => resolve(s));
      s.once("error", reject);
    });
    cr.on("error", reject);
    cr.end();
  });
}

function toResponse(res: http.IncomingMessage): Response {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) { for (const x of v) headers.append(k, x); }
    else headers.set(k, String(v));
  }
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      res.on("data", (d: Buffer) => {
        ctrl.enqueue(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
        if ((ctrl.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on("end", () => ctrl.close());
      res.on("error", (e) => ctrl.error(e));
      res.on("aborted", () => ctrl.error(new Error("connection reset by peer")));
    },
    pull() {
      res.resume();
    },
    cancel() {
      res.destroy();
    },
  }, { highWaterMark: 4 });
  const status = res.statusCode ?? 0;
  const nullBody = status === 204 || status === 304;
  if (nullBody) res.resume();
  return new Response(nullBody ? null : body, { status, statusText: res.statusMessage, headers });
}

/**
 * Performs one HTTPS request through `node:https`; resolves with the response
 * (body not decoded) or rejects with the transport error.
 *
 * @example
 * ```ts
 * const res = await nodeFetch({
 *   url: new URL("https://10.0.0.5:10250/metrics"),
 *   method: "GET",
 *   headers: new Headers({ Authorization: "Bearer abc" }),
 *   tls: { insecureSkipVerify: true },
 *   signal: AbortSignal.timeout(10_000),
 * });
 * res.status; // 200; the body streams as received
 * ```
 */
export async function nodeFetch(req: NodeRequest): Promise<Response> {
  const socket = req.proxy ? await openTunnel(req) : undefined;
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => headers[k] = v);
  return await new Promise<Response>((resolve, reject) => {
    const r = https.request(req.url, {
      method: req.method,
      headers,
      ...tlsOptions(req.tls),
      agent: socket ? false : (req.agent ?? false),
      signal: req.signal,
      createConnection: socket ? () => socket : undefined,
    } as https.RequestOptions, (res) => resolve(toResponse(res)));
    r.on("error", reject);
    if (req.body) r.end(req.body);
    else r.end();
  });
}

/**
 * Creates the keep-alive agent (up to 100 sockets) a client reuses between requests;
 * undefined when keep-alive is off, meaning a connection per request.
 *
 * @example
 * ```ts
 * const agent = newNodeAgent(true); // an https.Agent with keepAlive
 * const tls = { insecureSkipVerify: false };
 * await nodeFetch({ url, method: "GET", headers: new Headers(), tls, agent });
 * newNodeAgent(false); // undefined
 * ```
 */
export function newNodeAgent(keepAlive: boolean): https.Agent | undefined {
  return keepAlive ? new https.Agent({ keepAlive: true, maxSockets: 100 }) : undefined;
}

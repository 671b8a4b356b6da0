/**
 * The HTTP router: one function from Request to Response serving everything
 * vmagent serves, in vmagent's order of checks: `-http.pathPrefix`, CORS
 * preflight, the built-in routes (`/health`, `/ping`, `/metrics`, `/flags`,
 * `/-/healthy`, `/-/ready`, `/robots.txt`, favicon), Basic auth for everything
 * else (except the pages guarded by their own auth key), then vmagent's routes;
 * anything left gets 400 `unsupported path requested: "<path>"`.
 *
 * @module
 */

import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { quoteGo } from "../util/labels.ts";
import { getLogger } from "../util/log.ts";
import { createAgentRoutes } from "./agent_routes.ts";
import { checkAuthKey, checkBasicAuth, isProtectedByAuthKey } from "./auth.ts";
import {
  faviconResponse,
  healthResponse,
  pingResponse,
  prometheusHealthyResponse,
  prometheusReadyResponse,
  robotsResponse,
} from "./builtin_handlers.ts";
import { HealthState } from "./health_state.ts";
import { errorMessage, httpError, textResponse } from "./http_error.ts";
import { createMetricsResponder } from "./metrics_responder.ts";
import { errorResponse, requestPath, type ServeInfo } from "./request_log.ts";
import type { RouterOptions } from "./router_options.ts";

export type { RouterOptions } from "./router_options.ts";

/** The server's request handler; `info` carries the client address when served by `Deno.serve`. */
export type AgentHandler = (req: Request, info?: ServeInfo) => Promise<Response>;

/**
 * Normalizes `-http.pathPrefix` to `/prefix/`, or "" when unset.
 *
 * @example
 * ```ts
 * normalizePathPrefix("vmagent"); // "/vmagent/"
 * normalizePathPrefix(undefined); // ""
 * ```
 */
export function normalizePathPrefix(prefix: string | undefined): string {
  if (!prefix) return "";
  let p = prefix.startsWith("/") ? prefix : "/" + prefix;
  if (!p.endsWith("/")) p += "/";
  return p;
}

/** Adds the `-http.header.*` headers; copies the response when its headers are immutable. */
function withHeaders(res: Response, extra: [string, string][]): Response {
  if (extra.length === 0) return res;
  try {
    for (const [k, v] of extra) res.headers.append(k, v);
    return res;
  } catch {
    const h = new Headers(res.headers);
    for (const [k, v] of extra) h.append(k, v);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: h });
  }
}

/**
 * Returns the agent's request handler.
 *
 * @example
 * ```ts
 * const handler = createHandler({
 *   version: "v0.1.0",
 *   metricsText: () => writeAppMetrics({ version: "v0.1.0", shortVersion: "v0.1.0", startTimeMs }),
 *   reload: () => reloadConfig(),
 * });
 * const res = await handler(new Request("http://localhost:8429/health")); // 200 "OK"
 * ```
 */
export function createHandler(opts: RouterOptions): AgentHandler {
  const registry = opts.registry ?? defaultRegistry;
  const log = opts.log ?? getLogger("httpserver");
  const now = opts.now ?? Date.now;
  const auth = opts.auth ?? {};
  const health = opts.health ?? new HealthState();
  const prefix = normalizePathPrefix(opts.pathPrefix);
  const h = opts.headers ?? {};
  const extra: [string, string][] = [];
  if (h.hsts) extra.push(["Strict-Transport-Security", h.hsts]);
  if (h.frameOptions) extra.push(["X-Frame-Options", h.frameOptions]);
  if (h.csp) extra.push(["Content-Security-Policy", h.csp]);
  if (h.serverHostname) extra.push(["X-Server-Hostname", h.serverHostname]);

  const allRequests = registry.counter("vm_http_requests_all_total");
  const unsupported = registry.counter(
    'vm_http_request_errors_total{path="*", reason="unsupported"}',
  );
  const metricsRequests = registry.counter('vm_http_requests_total{path="/metrics"}');
  const faviconRequests = registry.counter('vm_http_requests_total{path="*/favicon.ico"}');
  registry.counter('vm_http_request_errors_total{path="*", reason="wrong_basic_auth"}');
  registry.counter('vm_http_request_errors_total{path="*", reason="wrong_auth_key"}');
  const metricsResponder = createMetricsResponder({ text: opts.metricsText, now, registry });
  const agentRoutes = createAgentRoutes({ ...opts, registry, log });
  const metricsKey = { name: "metricsAuthKey", value: auth.metricsAuthKey };
  const flagsKey = { name: "flagsAuthKey", value: auth.flagsAuthKey };

  const route = async (req: Request, info: ServeInfo | undefined): Promise<Response> => {
    allRequests.inc();
    let url = new URL(req.url);
    let path = requestPath(url);
    if (prefix !== "") {
      if (path === prefix.slice(0, -1)) {
        return new Response(null, { status: 302, headers: { Location: prefix } });
      }
      if (!path.startsWith(prefix)) {
        unsupported.inc();
        const msg = `missing -http.pathPrefix=${quoteGo(opts.pathPrefix!)} in the requested path ${
          quoteGo(path)
        }`;
        return errorResponse(new Error(msg), { req, url, info, log });
      }
      path = path.slice(prefix.length - 1);
      url = new URL(url);
      url.pathname = url.pathname.slice(prefix.length - 1);
      req = new Request(url, req);
    }
    if (req.method === "OPTIONS") {
      const cors: Record<string, string> = opts.disableCORS ? {} : {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "*",
        "Access-Control-Allow-Headers": "*",
      };
      return new Response(null, { status: 204, headers: cors });
    }
    if (path.endsWith("/favicon.ico")) {
      faviconRequests.inc();
      return faviconResponse();
    }
    switch (path) {
      case "/health":
        return healthResponse(health, now());
      case "/ping":
        return pingResponse(url);
      case "/metrics": {
        metricsRequests.inc();
        const denied = await checkAuthKey(req, url, metricsKey, { auth, registry });
        return denied ?? metricsResponder();
      }
      case "/flags": {
        if (opts.flagsText === undefined) break;
        const denied = await checkAuthKey(req, url, flagsKey, { auth, registry });
        return denied ?? textResponse(opts.flagsText());
      }
      case "/-/healthy":
        return prometheusHealthyResponse();
      case "/-/ready":
        return prometheusReadyResponse();
      case "/robots.txt":
        return robotsResponse();
    }
    if (!isProtectedByAuthKey(path)) {
      const denied = checkBasicAuth(req, auth, registry);
      if (denied) return denied;
    }
    const res = await agentRoutes(req, info, path);
    if (res !== undefined) return res;
    unsupported.inc();
    return errorResponse(new Error(`unsupported path requested: ${quoteGo(path)}`), {
      req,
      url,
      info,
      log,
    });
  };

  return async (req, info) => {
    let res: Response;
    try {
      res = await route(req, info);
    } catch (e) {
      // A handler bug must not take the server down; vmagent would crash instead.
      log.error(
        `unexpected error serving ${req.method} ${new URL(req.url).pathname}: ${errorMessage(e)}`,
      );
      res = httpError(500, errorMessage(e));
    }
    return withHeaders(res, extra);
  };
}

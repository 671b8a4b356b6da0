/**
 * vmagent's own endpoints (its `requestHandler`): the index page, push
 * ingestion, status pages, config pages, reload, `/ready` and
 * `/target_response`, each also under the `/prometheus/` prefix where vmagent
 * accepts it. Basic auth has already been checked by the router.
 *
 * @module
 */

import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { getLogger } from "../util/log.ts";
import { checkAuthKey } from "./auth.ts";
import { type IndexEntry, indexResponse, readyResponse } from "./builtin_handlers.ts";
import { configJSONResponse, configTextResponse } from "./config_response.ts";
import { createPrometheusImportHandler } from "./prometheus_import_handler.ts";
import { createRemoteWriteHandler } from "./remote_write_handler.ts";
import { errorResponse, type Handler, type ServeInfo } from "./request_log.ts";
import type { RouterOptions } from "./router_options.ts";
import { TEXT_PLAIN } from "./http_error.ts";

/** Answers a request on a vmagent route, or returns undefined when the path is not one. */
export type AgentRoutes = (
  req: Request,
  info: ServeInfo | undefined,
  path: string,
) => Promise<Response | undefined>;

/** Adds the `/prometheus` alias of each path. */
function withAliases(paths: string[]): string[] {
  return paths.flatMap((p) => [p, `/prometheus${p}`]);
}

/**
 * Builds the vmagent route table from the router options. Counters are
 * registered up front, so `/metrics` shows them at 0 as vmagent does.
 *
 * @example
 * ```ts
 * const routes = createAgentRoutes({ version: "v0.1.0", metricsText: () => "" });
 * await routes(new Request("http://localhost:8429/ready"), undefined, "/ready"); // 200 "OK"
 * await routes(new Request("http://localhost:8429/nope"), undefined, "/nope"); // undefined
 * ```
 */
export function createAgentRoutes(opts: RouterOptions): AgentRoutes {
  const registry = opts.registry ?? defaultRegistry;
  const log = opts.log ?? getLogger("httpserver");
  const auth = opts.auth ?? {};
  const pages = opts.pages ?? {};
  const counter = (path: string) => registry.counter(`vmagent_http_requests_total{path="${path}"}`);
  const routes = new Map<string, Handler>();
  const add = (paths: string[], h: Handler) => {
    for (const p of paths) routes.set(p, h);
  };
  const page = (path: string, h: Handler | undefined, aliases = true) => {
    if (h === undefined) return;
    const c = counter(path);
    add(aliases ? withAliases([path]) : [path], (req, info) => {
      c.inc();
      return h(req, info);
    });
  };
  // An auth-key-protected page; the counter counts only admitted requests, as in vmagent.
  const keyed = (
    paths: string[],
    counterPath: string,
    key: { name: string; value?: string },
    h: Handler,
  ) => {
    const c = counter(counterPath);
    add(paths, async (req, info) => {
      const denied = await checkAuthKey(req, new URL(req.url), key, { auth, registry });
      if (denied) return denied;
      c.inc();
      return h(req, info);
    });
  };

  const rw = opts.ingest ? createRemoteWriteHandler({ log, registry, ...opts.ingest }) : undefined;
  if (rw) {
    add(
      ["/api/v1/write", "/prometheus/api/v1/write", "/api/v1/push", "/prometheus/api/v1/push"],
      rw,
    );
  }
  const imp = opts.ingest
    ? createPrometheusImportHandler({ log, registry, ...opts.ingest })
    : undefined;

  page("/targets", pages.targets);
  page("/service-discovery", pages.serviceDiscovery);
  page("/metric-relabel-debug", pages.metricRelabelDebug);
  page("/target-relabel-debug", pages.targetRelabelDebug);
  page("/api/v1/targets", pages.apiTargets);
  page("/cluster", pages.cluster, false);
  page("/api/v1/cluster", pages.apiCluster, false);

  if (opts.targetResponse) {
    const scrape = opts.targetResponse;
    const requests = counter("/target_response");
    const errors = registry.counter('vmagent_http_request_errors_total{path="/target_response"}');
    add(withAliases(["/target_response"]), async (req, info) => {
      requests.inc();
      const url = new URL(req.url);
      const id = url.searchParams.get("id") ?? "";
      try {
        let body: string | Uint8Array | undefined;
        try {
          body = await scrape(id);
        } catch (e) {
          throw new Error(`cannot fetch response from id=${id}: ${(e as Error).message ?? e}`);
        }
        if (body === undefined) throw new Error(`cannot find target for id=${id}`);
        return new Response(body as BodyInit, { headers: { "Content-Type": TEXT_PLAIN } });
      } catch (e) {
        errors.inc();
        return errorResponse(e, { req, url, info, log });
      }
    });
  }

  const configKey = { name: "configAuthKey", value: auth.configAuthKey };
  // Each config text is served as text at `path` and as JSON at `jsonPath`, behind -configAuthKey.
  const configRoutes = (path: string, jsonPath: string, text: () => string, aliased: boolean) => {
    const paths = (p: string) => aliased ? withAliases([p]) : [p];
    keyed(paths(path), path, configKey, () => configTextResponse(text()));
    keyed(paths(jsonPath), jsonPath, configKey, () => configJSONResponse(text()));
  };
  const config = opts.configText;
  if (config) configRoutes("/config", "/api/v1/status/config", config, true);
  const rwRelabel = opts.remoteWriteRelabelConfigText;
  if (rwRelabel) {
    configRoutes(
      "/remotewrite-relabel-config",
      "/api/v1/status/remotewrite-relabel-config",
      rwRelabel,
      false,
    );
  }
  const rwURLRelabel = opts.remoteWriteURLRelabelConfigText;
  if (rwURLRelabel) {
    configRoutes(
      "/remotewrite-url-relabel-config",
      "/api/v1/status/remotewrite-url-relabel-config",
      rwURLRelabel,
      false,
    );
  }
  const reload = opts.reload;
  if (reload) {
    const key = { name: "reloadAuthKey", value: auth.reloadAuthKey };
    keyed(withAliases(["/-/reload"]), "/-/reload", key, () => {
      reload();
      return new Response(null, { status: 200 });
    });
  }
  const pending = opts.pendingScrapeConfigs ?? (() => 0);
  add(["/ready"], () => readyResponse(pending()));

  const entries = indexEntries(opts);
  return async (req, info, path) => {
    if (path === "/") {
      return req.method === "GET" ? indexResponse(opts.version, entries) : undefined;
    }
    const p = path.replaceAll("//", "/");
    if (
      imp &&
      (p.startsWith("/api/v1/import/prometheus") ||
        p.startsWith("/prometheus/api/v1/import/prometheus"))
    ) {
      return await imp(req, info);
    }
    const h = routes.get(p);
    return h ? await h(req, info) : undefined;
  };
}

/** The links on `/`, for the endpoints that are mounted. */
function indexEntries(opts: RouterOptions): IndexEntry[] {
  const p = opts.pages ?? {};
  const all: [unknown, string, string][] = [
    [p.targets, "targets", "status of the active targets"],
    [p.serviceDiscovery, "service-discovery", "target labels before and after relabeling"],
    [p.metricRelabelDebug, "metric-relabel-debug", "try metric relabeling on a series"],
    [p.apiTargets, "api/v1/targets", "the targets as JSON, Prometheus API"],
    [p.cluster, "cluster", "cluster members and the targets each one owns"],
    [opts.configText, "config", "the -promscrape.config in use"],
    [
      opts.remoteWriteRelabelConfigText,
      "remotewrite-relabel-config",
      "the -remoteWrite.relabelConfig in use",
    ],
    [
      opts.remoteWriteURLRelabelConfigText,
      "remotewrite-url-relabel-config",
      "the -remoteWrite.urlRelabelConfig in use",
    ],
    [true, "metrics", "self-metrics"],
    [opts.flagsText, "flags", "command-line flags"],
    [opts.reload, "-/reload", "reload the configuration"],
  ];
  return all.filter(([on]) => on !== undefined).map(([, path, doc]) => ({ path, doc }));
}

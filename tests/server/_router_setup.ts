/**
 * The router under test, with every option mounted and recorded: shared by the
 * router tests.
 *
 * @module
 */
import { equal, match } from "node:assert/strict";
import { createHandler } from "../../lib/server/router.ts";
import type { RouterOptions } from "../../lib/server/router_options.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { collectingLogger, INFO, recordingSink } from "./_helpers.ts";

/** The base URL of the requests. */
export const BASE = "http://vmagent:8429";

/** A handler over recording fakes, with `over` replacing options. */
export function setup(over: Partial<RouterOptions> = {}) {
  const registry = new MetricsRegistry();
  const log = collectingLogger();
  const calls = { reload: 0, metrics: 0 };
  const sink = recordingSink();
  const clock = { now: 1_000_000 };
  const page = (name: string) => (req: Request) =>
    new Response(`${name} ${new URL(req.url).search}`);
  const handler = createHandler({
    version: "v0.1.0",
    registry,
    log,
    now: () => clock.now,
    metricsText: () => `m ${++calls.metrics}\n`,
    flagsText: () => '-httpListenAddr=":8429"\n',
    configText: () => "scrape_configs: []\n",
    reload: () => calls.reload++,
    pendingScrapeConfigs: () => 0,
    targetResponse: (id) => {
      if (id === "boom") return Promise.reject(new Error("connection refused"));
      return Promise.resolve(id === "t1" ? "up 1\n" : undefined);
    },
    pages: {
      targets: page("targets"),
      apiTargets: page("api-targets"),
      serviceDiscovery: page("sd"),
      cluster: page("cluster"),
      apiCluster: page("api-cluster"),
    },
    ingest: { sink, now: () => clock.now },
    ...over,
  });
  const get = (path: string, init: RequestInit = {}) =>
    handler(new Request(BASE + path, init), INFO);
  const counter = (id: string) => registry.counter(id).get();
  return { handler, get, registry, log, calls, sink, clock, counter };
}

/** Asserts the status and the body (text or pattern) of `res`. */
export async function expectText(
  res: Response,
  status: number,
  body: string | RegExp,
): Promise<void> {
  equal(res.status, status);
  const text = await res.text();
  if (typeof body === "string") equal(text, body);
  else match(text, body);
}

/** An `Authorization: Basic` header. */
export const basic = (user: string, pass: string): { Authorization: string } => ({
  Authorization: "Basic " + btoa(`${user}:${pass}`),
});

/**
 * `/metrics`: the self-metrics page. As in vmagent the text is rebuilt at most
 * once a second (scrapers polling often get the cached copy), and each request
 * is timed in `vm_http_request_duration_seconds{path="/metrics"}`.
 *
 * @module
 */

import { metrics as defaultRegistry, type MetricsRegistry } from "../metrics/registry.ts";
import { TEXT_PLAIN } from "./http_error.ts";

/** Options of {@linkcode createMetricsResponder}. */
export interface MetricsResponderOptions {
  /** Builds the whole page, e.g. `() => writeAppMetrics({...})`. */
  text: () => string;
  /** How long a built page is reused, ms. @default 1000 */
  cacheMs?: number;
  /** The clock (ms). @default Date.now */
  now?: () => number;
  /** Where the duration histogram lives. @default metrics */
  registry?: MetricsRegistry;
}

/**
 * Returns a function answering `/metrics` requests (auth is checked by the router).
 *
 * @example
 * ```ts
 * const respond = createMetricsResponder({ text: () => metrics.writePrometheus() });
 * const res = respond();
 * ```
 */
export function createMetricsResponder(opts: MetricsResponderOptions): () => Response {
  const now = opts.now ?? Date.now;
  const cacheMs = opts.cacheMs ?? 1000;
  const registry = opts.registry ?? defaultRegistry;
  const duration = registry.histogram('vm_http_request_duration_seconds{path="/metrics"}');
  let cached = "";
  let builtAt = Number.NEGATIVE_INFINITY;
  return () => {
    const start = now();
    if (start - builtAt > cacheMs) {
      cached = opts.text();
      builtAt = start;
    }
    const res = new Response(cached, { headers: { "Content-Type": TEXT_PLAIN } });
    duration.updateDuration(start, now());
    return res;
  };
}

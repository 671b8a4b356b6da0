/**
 * Everything the HTTP router needs from the rest of the agent, passed in by
 * main.ts: flags that shape the server, and read-only views of state as
 * functions. Anything left out is simply not served (400 "unsupported path").
 *
 * @module
 */

import type { MetricsRegistry } from "../metrics/registry.ts";
import type { Logger } from "../util/log.ts";
import type { AuthOptions } from "./auth.ts";
import type { HealthState } from "./health_state.ts";
import type { IngestOptions } from "./ingest_options.ts";
import type { Handler } from "./request_log.ts";

/** Extra response headers (`-http.header.*`). */
export interface ResponseHeaderOptions {
  /** `-http.header.hsts`: `Strict-Transport-Security`. @default "" */
  hsts?: string;
  /** `-http.header.frameOptions`: `X-Frame-Options`. @default "" */
  frameOptions?: string;
  /** `-http.header.csp`: `Content-Security-Policy`. @default "" */
  csp?: string;
  /** `X-Server-Hostname` value; "" leaves it out (`-http.header.disableServerHostname`). @default "" */
  serverHostname?: string;
}

/** The target status pages, written by their own module and mounted here. */
export interface StatusPages {
  /** `/targets`. */
  targets?: Handler;
  /** `/api/v1/targets`. */
  apiTargets?: Handler;
  /** `/service-discovery`. */
  serviceDiscovery?: Handler;
  /** `/cluster` (this project's cluster membership page). */
  cluster?: Handler;
  /** `/api/v1/cluster` (the same as JSON). */
  apiCluster?: Handler;
  /** `/metric-relabel-debug`. */
  metricRelabelDebug?: Handler;
  /** `/target-relabel-debug`. */
  targetRelabelDebug?: Handler;
}

/** Options of {@linkcode createHandler}. */
export interface RouterOptions {
  /** The version shown on `/`. */
  version: string;
  /** `-httpAuth.*` and the `*AuthKey` flags. @default {} */
  auth?: AuthOptions;
  /** `-http.pathPrefix`. @default "" */
  pathPrefix?: string;
  /** `-http.header.*`. @default {} */
  headers?: ResponseHeaderOptions;
  /** `-http.disableCORS`: no CORS headers on OPTIONS answers. @default false */
  disableCORS?: boolean;
  /** Shutdown-delay state read by `/health`; share it with `serve`. @default new HealthState() */
  health?: HealthState;
  /** Scrape configs still waiting for their first target list (`/ready` is 425 while > 0). @default () => 0 */
  pendingScrapeConfigs?: () => number;
  /** The `/metrics` page, e.g. `() => writeAppMetrics({...})`; cached for a second. */
  metricsText: () => string;
  /** The `/flags` page (`formatFlagsPage`). */
  flagsText?: () => string;
  /** The masked `-promscrape.config` YAML for `/config` and `/api/v1/status/config`. */
  configText?: () => string;
  /** The `-remoteWrite.relabelConfig` text for `/remotewrite-relabel-config`. */
  remoteWriteRelabelConfigText?: () => string;
  /** The `-remoteWrite.urlRelabelConfig` texts for `/remotewrite-url-relabel-config`. */
  remoteWriteURLRelabelConfigText?: () => string;
  /** Starts a config reload, as SIGHUP does (`/-/reload`). */
  reload?: () => void;
  /**
   * Scrapes the target with this id once and returns the raw body
   * (`/target_response?id=`); undefined when no target has the id.
   * Throws on a failed scrape.
   */
  targetResponse?: (id: string) => Promise<string | Uint8Array | undefined>;
  /** The target status pages. @default {} */
  pages?: StatusPages;
  /** Push ingestion (`/api/v1/write`, `/api/v1/import/prometheus`); off when absent. */
  ingest?: IngestOptions;
  /** The registry for request counters. @default metrics */
  registry?: MetricsRegistry;
  /** The clock (ms). @default Date.now */
  now?: () => number;
  /** Where request errors are logged. @default getLogger("httpserver") */
  log?: Logger;
}

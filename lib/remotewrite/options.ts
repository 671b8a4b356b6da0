/**
 * Options of {@linkcode RemoteWrite}: vmagent's `-remoteWrite.*` flags, resolved
 * (per-URL array flags already picked for each URL, durations in milliseconds),
 * plus the injected I/O.
 *
 * @module
 */
import type { HTTPClientConfig } from "../config/types.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import type { RelabelRule } from "../relabel/types.ts";
import type { HttpRequestInit } from "../util/http_client.ts";
import type { Clock } from "../util/clock.ts";
import type { ApplyRelabeling } from "./series_labels.ts";

/** Settings of one `-remoteWrite.url` (its item of each per-URL array flag). */
export interface RemoteWriteURLOptions {
  /** `-remoteWrite.url`: an http(s) URL. */
  url: string;
  /** `-remoteWrite.urlRelabelConfig`, compiled. @default [] */
  relabelRules?: readonly RelabelRule[];
  /** `-remoteWrite.queues`: concurrent senders (1 .. 16 × CPUs). @default 2 × CPUs */
  queues?: number;
  /**
   * `-remoteWrite.maxDiskUsagePerURL`, bytes; 0 = unlimited. Values below one chunk
   * file (536,871,040 bytes) are raised to it, as vmagent does. @default 0
   */
  maxDiskUsage?: number;
  /** `-remoteWrite.disableOnDiskQueue`. @default false */
  disableOnDiskQueue?: boolean;
  /** `-remoteWrite.rateLimit`, bytes per second; 0 = off. @default 0 */
  rateLimit?: number;
  /** `-remoteWrite.sendTimeout`, ms. @default 60000 */
  sendTimeout?: number;
  /** `-remoteWrite.retryMinInterval`, ms. @default 1000 */
  retryMinInterval?: number;
  /** `-remoteWrite.retryMaxInterval`, ms. @default 60000 */
  retryMaxInterval?: number;
  /** `-remoteWrite.headers`: `Name1:value1^^Name2:value2`. @default "" */
  headers?: string;
  /** `-remoteWrite.basicAuth.username`. */
  basicAuthUsername?: string;
  /** `-remoteWrite.basicAuth.usernameFile` (re-read every second). */
  basicAuthUsernameFile?: string;
  /** `-remoteWrite.basicAuth.password`. */
  basicAuthPassword?: string;
  /** `-remoteWrite.basicAuth.passwordFile` (re-read every second). */
  basicAuthPasswordFile?: string;
  /** `-remoteWrite.bearerToken`. */
  bearerToken?: string;
  /** `-remoteWrite.bearerTokenFile` (re-read every second). */
  bearerTokenFile?: string;
  /** `-remoteWrite.tlsCAFile`. */
  tlsCAFile?: string;
  /** `-remoteWrite.tlsCertFile`. */
  tlsCertFile?: string;
  /** `-remoteWrite.tlsKeyFile`. */
  tlsKeyFile?: string;
  /** `-remoteWrite.tlsServerName`. */
  tlsServerName?: string;
  /** `-remoteWrite.tlsInsecureSkipVerify`. @default false */
  tlsInsecureSkipVerify?: boolean;
  /** `-remoteWrite.proxyURL`: http, https or socks5. */
  proxyURL?: string;
  /** `-remoteWrite.significantFigures`; 0 = off. @default 0 */
  significantFigures?: number;
  /** `-remoteWrite.roundDigits`; 100 = off. @default 100 */
  roundDigits?: number;
}

/** The HTTP client remote write needs (what `createHttpClient` returns). */
export interface RemoteWriteClient {
  fetch(url: string, init: HttpRequestInit): Promise<Response>;
  close(): void;
}

/** Options of {@linkcode RemoteWrite.open}. */
export interface RemoteWriteOptions {
  /** One entry per `-remoteWrite.url`. None: batches are printed to stdout instead. */
  urls: readonly RemoteWriteURLOptions[];
  /** `-remoteWrite.tmpDataPath`. @default "vmagent-remotewrite-data" */
  tmpDataPath?: string;
  /** `-remoteWrite.relabelConfig`, compiled: applied before the data is copied to each URL. @default [] */
  relabelRules?: readonly RelabelRule[];
  /** `-remoteWrite.label` items, `name=value`, added per URL after its relabeling. @default [] */
  labels?: readonly string[];
  /** `-remoteWrite.flushInterval`, ms. @default 1000 */
  flushInterval?: number;
  /** `-remoteWrite.maxBlockSize`: largest uncompressed request, bytes. @default 8388608 */
  maxBlockSize?: number;
  /** `-remoteWrite.maxRowsPerBlock`. @default 10000 */
  maxRowsPerBlock?: number;
  /** `-remoteWrite.showURL`. @default false */
  showURL?: boolean;
  /** `-remoteWrite.dropSamplesOnOverload`. @default false */
  dropSamplesOnOverload?: boolean;
  /** `-remoteWrite.keepDanglingQueues`: keep queue folders of URLs no longer configured. @default false */
  keepDanglingQueues?: boolean;
  /** How long `close()` lets senders finish and drain memory before persisting, ms. @default 5000 */
  shutdownTimeout?: number;
  /** Memory for in-memory queues (vmagent's `memory.Allowed()`). @default 60 % of system memory */
  memoryAllowed?: number;
  /**
   * In-memory queue capacity in blocks per URL; overrides the value derived from memory.
   * @default memoryAllowed / URLs / maxRowsPerBlock / 100, kept within 2 .. 100 × queues
   */
  maxInmemoryBlocks?: number;
  /** CPU count for defaults. @default navigator.hardwareConcurrency */
  cpus?: number;
  /** Chunk file size of the on-disk queues (tests use tiny ones). @default 536871040 */
  chunkFileSize?: number;
  /** Applies relabel rules; needed only when rules are given. @default lib/relabel's applyRelabeling */
  applyRelabeling?: ApplyRelabeling;
  /** Builds the HTTP client of a URL. @default createHttpClient from lib/util/http_client.ts */
  createClient?: (cfg: HTTPClientConfig) => RemoteWriteClient;
  /** Clock and timers. @default realClock */
  clock?: Clock;
  /** Random numbers in [0, 1) for jitter. @default Math.random */
  random?: () => number;
  /** Self-metrics registry. @default the process registry */
  registry?: MetricsRegistry;
  /** Where the no-URL mode prints batches. @default standard output */
  stdout?: (text: string) => void;
}

/**
 * Parses `-remoteWrite.headers` (`Name1:value1^^Name2:value2`) into pairs, trimming
 * spaces; throws an Error naming the item that has no `:`.
 *
 * @example
 * ```ts
 * parseHeaders("X-Scope-OrgID: team1^^Authorization:Bearer abc");
 * // [["X-Scope-OrgID", "team1"], ["Authorization", "Bearer abc"]]
 * parseHeaders(""); // []
 * ```
 */
export function parseHeaders(value: string): [string, string][] {
  if (value === "") return [];
  const out: [string, string][] = [];
  for (const item of value.split("^^")) {
    const n = item.indexOf(":");
    if (n < 0) {
      throw new Error(`missing ':' in header ${JSON.stringify(item)}; expecting 'Name: value'`);
    }
    out.push([item.slice(0, n).trim(), item.slice(n + 1).trim()]);
  }
  return out;
}

/**
 * Builds the HTTP client config a URL's auth, TLS and proxy flags describe (basic
 * auth wins over a bearer token file, which wins over a bearer token); throws when
 * `proxyURL` has no scheme.
 *
 * @example
 * ```ts
 * urlClientConfig({ url: "http://vm:8428/api/v1/write", bearerToken: "t" });
 * // { headers: [], followRedirects: true, bearerToken: "t" }
 * ```
 */
export function urlClientConfig(u: RemoteWriteURLOptions): HTTPClientConfig {
  const cfg: HTTPClientConfig = { headers: [], followRedirects: true };
  if (
    u.basicAuthUsername || u.basicAuthUsernameFile || u.basicAuthPassword || u.basicAuthPasswordFile
  ) {
    cfg.basicAuth = {
      username: u.basicAuthUsername ?? "",
      usernameFile: u.basicAuthUsernameFile || undefined,
      password: u.basicAuthPassword || undefined,
      passwordFile: u.basicAuthPasswordFile || undefined,
    };
  } else if (u.bearerTokenFile) {
    cfg.bearerTokenFile = u.bearerTokenFile;
  } else if (u.bearerToken) {
    cfg.bearerToken = u.bearerToken;
  }
  if (u.tlsCAFile || u.tlsCertFile || u.tlsKeyFile || u.tlsServerName || u.tlsInsecureSkipVerify) {
    cfg.tlsConfig = {
      caFile: u.tlsCAFile || undefined,
      certFile: u.tlsCertFile || undefined,
      keyFile: u.tlsKeyFile || undefined,
      serverName: u.tlsServerName || undefined,
      insecureSkipVerify: u.tlsInsecureSkipVerify ?? false,
    };
  }
  if (u.proxyURL) {
    if (!u.proxyURL.includes("://")) {
      throw new Error(
        `cannot parse -remoteWrite.proxyURL=${JSON.stringify(u.proxyURL)}: it must start with ` +
          "`http://`, `https://` or `socks5://`",
      );
    }
    cfg.proxyUrl = u.proxyURL;
  }
  return cfg;
}

/**
 * Shared helpers for the scrape integration tests (`scrape_test.ts`,
 * `scrape_tls_test.ts`): scrape targets with test defaults, waiting for a number of
 * scrapes, reading a target's auto series, and a local server that misbehaves in
 * many ways over HTTP and HTTPS.
 *
 * @module
 */
import type { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";
import type { HTTPClientConfig, ScrapeConfig } from "../../lib/config/types.ts";
import type { Logger } from "../../lib/util/log.ts";
import { isStaleNaN } from "../../lib/util/series.ts";
import { type CollectingSink, makeConfig, makeTarget } from "../scrape/_helpers.ts";
import { waitFor } from "./_peers.ts";

/** The folder of the scrape TLS fixtures (CAs, server and client certificates), with a trailing slash. */
export const TLS_DIR: string = new URL("../testdata/scrape/tls/", import.meta.url).pathname;

/** A logger that drops everything. */
export const quiet: Logger = { info() {}, warn() {}, error() {} };

/** Overrides for {@linkcode target}. */
export interface TargetOptions {
  /**
   * The scrape interval in milliseconds.
   * @default {1000}
   */
  interval?: number;
  /**
   * The scrape timeout in milliseconds.
   * @default {1000}
   */
  timeout?: number;
  /**
   * HTTP client settings, over no extra headers and following redirects.
   * @default {{}}
   */
  http?: Partial<HTTPClientConfig>;
  /**
   * Scrape config fields, over `makeConfig`'s.
   * @default {{}}
   */
  config?: Partial<ScrapeConfig>;
  /**
   * Whether the response is parsed as a stream.
   * @default {false}
   */
  streamParse?: boolean;
  /**
   * The target's sample_limit; 0 means none.
   * @default {0}
   */
  sampleLimit?: number;
  /**
   * A `case` label, so that targets on one server have series of their own.
   * @default {undefined}
   */
  label?: string;
}

/**
 * A scrape target for `url` with test defaults (1 s interval and timeout), its config
 * built from the same options.
 *
 * @example
 * ```ts
 * const t = target("http://127.0.0.1:9100/metrics", { timeout: 300, label: "slow" });
 * ```
 */
export function target(url: string, over: TargetOptions = {}): ScrapeTarget {
  const interval = over.interval ?? 1000;
  const timeout = over.timeout ?? 1000;
  const config = makeConfig({
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    http: { headers: [], followRedirects: true, ...over.http },
    ...over.config,
  });
  const t = makeTarget(url, {
    config,
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    streamParse: over.streamParse ?? false,
    sampleLimit: over.sampleLimit ?? 0,
  });
  if (over.label !== undefined) {
    t.labels = [{ name: "case", value: over.label }, ...t.labels];
    t.key += "#" + over.label;
    t.id += "#" + over.label;
  }
  return t;
}

/** The last value of each auto series (`up`, `scrape_*`) of the target with `case` label `c`. */
export function autoOf(sink: CollectingSink, c: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const batch of sink.batches) {
    for (const ts of batch) {
      if (!ts.labels.some((l) => l.name === "case" && l.value === c)) continue;
      const name = ts.labels.find((l) => l.name === "__name__")?.value ?? "";
      const v = ts.samples[0].value;
      if ((name === "up" || name.startsWith("scrape_")) && !isStaleNaN(v)) out[name] = v;
    }
  }
  return out;
}

/**
 * Waits (up to 20 s) until the target has been scraped at least `times` times and
 * returns a copy of its status.
 *
 * @example
 * ```ts
 * const st = await scraped(pool, t, { times: 3 });
 * ```
 */
export function scraped(
  pool: ScrapePool,
  t: ScrapeTarget,
  opts: {
    /**
     * How many scrapes to wait for.
     * @default {1}
     */
    times?: number;
  } = {},
): Promise<ScrapeStatus> {
  const n = opts.times ?? 1;
  return waitFor(
    `${t.scrapeUrl} scraped ${n} times`,
    () => {
      const s = pool.statusOf(t.key);
      return s !== undefined && s.scrapesTotal >= n ? { ...s } : undefined;
    },
    20_000,
    50,
  );
}

/** The body of `/gzip` before compression: 100 series. */
export const GZIP_BODY: string = Array.from({ length: 100 }, (_, i) => `gz_series{i="${i}"} ${i}\n`)
  .join("");
/** The body of `/many`: 20,000 series. */
export const MANY_BODY: string = Array.from(
  { length: 20_000 },
  (_, i) => `many_series{i="${i}"} ${i}\n`,
).join("");
/** The body of `/malformed`: two good lines around two bad ones (lines 2 and 3). */
export const MALFORMED_BODY = "a 1\nthis is not a line\nb{x} 2\nc 3\n";

/** A running {@linkcode misbehavingServer}, and what it has seen. */
export interface MisbehavingServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  base: string;
  /** `https://127.0.0.1:<port>`: the same paths over TLS, certificate for `example.test` from `ca.pem`. */
  tlsBase: string;
  /** The `authorization` header of each request to `/auth`. */
  seenAuth: string[];
  /** The headers (but `host`) of each request to `/headers`. */
  seenHeaders: [string, string][][];
  /** The query string of each request to `/params`. */
  seenQueries: string[];
  /** The client ports each path was requested from (one port: one connection). */
  ports: Map<string, Set<number>>;
  /** Shuts both listeners down. */
  close(): Promise<void>;
}

/**
 * A server that misbehaves in many ways, one path each (`/slow`, `/slowbody`, `/huge`,
 * `/bomb`, `/status`, `/malformed`, `/drop`), next to well-behaved ones (`/ok`, `/auth`,
 * `/headers`, `/params`, `/redirect`, `/gzip`, `/many`, `/keepalive`, `/nokeepalive`),
 * on loopback over HTTP and HTTPS.
 *
 * @example
 * ```ts
 * const srv = await misbehavingServer();
 * try {
 *   // scrape `${srv.base}/ok`, `${srv.tlsBase}/ok`...
 * } finally {
 *   await srv.close();
 * }
 * ```
 */
export async function misbehavingServer(): Promise<MisbehavingServer> {
  const bomb = new Uint8Array(
    await new Response(
      new Blob([new Uint8Array(64 * 1024 * 1024)]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
  const gzipped = new Uint8Array(
    await new Response(
      new Blob([GZIP_BODY]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const seenAuth: string[] = [];
  const seenHeaders: [string, string][][] = [];
  const seenQueries: string[] = [];
  const ports = new Map<string, Set<number>>();
  const handler = async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    const seen = ports.get(path) ?? new Set<number>();
    ports.set(path, seen.add((info.remoteAddr as Deno.NetAddr).port));
    switch (path) {
      case "/ok":
      case "/keepalive":
      case "/nokeepalive":
        return new Response("good 1\n");
      case "/auth":
        seenAuth.push(req.headers.get("authorization") ?? "");
        return new Response("good 1\n");
      case "/headers":
        seenHeaders.push([...req.headers].filter(([k]) => k !== "host"));
        return new Response("good 1\n");
      case "/params":
        seenQueries.push(url.search);
        return new Response("good 1\n");
      case "/redirect":
        return new Response(null, { status: 302, headers: { location: "/ok" } });
      case "/gzip":
        return new Response(gzipped, { headers: { "content-encoding": "gzip" } });
      case "/slow":
        // Slower than the 300 ms scrape timeout of its target.
        await new Promise((r) => setTimeout(r, 1500));
        return new Response("late 1\n");
      case "/slowbody": {
        // Headers at once, the rest of the body after the 300 ms scrape timeout.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const body = new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("early 1\n"));
            timer = setTimeout(() => {
              try {
                c.enqueue(new TextEncoder().encode("late 1\n"));
                c.close();
              } catch {
                // the client has gone
              }
            }, 1500);
          },
          cancel() {
            clearTimeout(timer);
          },
        });
        return new Response(body);
      }
      case "/huge":
        return new Response("x".repeat(200_000) + " 1\n");
      case "/bomb":
        return new Response(bomb, { headers: { "content-encoding": "gzip" } });
      case "/status":
        return new Response("service unavailable\n", { status: 503 });
      case "/malformed":
        return new Response(MALFORMED_BODY);
      case "/drop": {
        const body = new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("partial 1\n"));
            setTimeout(() => c.error(new Error("dropped")), 20);
          },
        });
        return new Response(body);
      }
      case "/many":
        return new Response(MANY_BODY);
      default:
        return new Response("not found", { status: 404 });
    }
  };
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const https = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(TLS_DIR + "server.pem"),
    key: Deno.readTextFileSync(TLS_DIR + "server-key.pem"),
    onListen() {},
  }, handler);
  return {
    base: `http://127.0.0.1:${http.addr.port}`,
    tlsBase: `https://127.0.0.1:${https.addr.port}`,
    seenAuth,
    seenHeaders,
    seenQueries,
    ports,
    async close() {
      await http.shutdown();
      await https.shutdown();
    },
  };
}

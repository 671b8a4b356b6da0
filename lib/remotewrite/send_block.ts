/**
 * The one function that sends a block to a remote write URL and holds the
 * whole retry policy (vmagent HEAD `client.sendBlockHTTP`):
 *
 * - 2xx: sent;
 * - 409, and 400 or 415 for a snappy block: rejected for good, dropped and counted
 *   in `vmagent_remotewrite_packets_dropped_total` (Prometheus does the same);
 * - any other status and network errors: retried forever with exponential backoff
 *   and jitter between `retryMinInterval` and `retryMaxInterval`; a `Retry-After`
 *   header (seconds or HTTP date) sets the next delay (clamped to that range);
 * - a stale keep-alive connection (EOF before the response) is re-sent at once, once.
 *
 * It returns false only when `stop` aborts while it waits to retry: the caller then
 * keeps the block for later. The request itself is bounded by `sendTimeout` and
 * cut only by `abort` (the end of the shutdown drain).
 *
 * @module
 */
import type { Counter, Histogram } from "../metrics/registry.ts";
import { formatGoDuration } from "../util/duration.ts";
import type { HttpRequestInit } from "../util/http_client.ts";
import type { Logger } from "../util/log.ts";
import { Backoff } from "../util/backoff.ts";
import { parseRetryAfter } from "./retry_after.ts";
import type { Clock } from "../util/clock.ts";
import type { RateLimiter } from "./rate_limiter.ts";
import { errorChainText } from "../util/error_chain.ts";

/** What {@linkcode sendBlock} needs to send: the client is `createHttpClient`'s or a fake. */
export interface SendTarget {
  /** The URL requests go to. */
  url: string;
  /** The URL as logs and metrics show it (`1:secret-url` unless `-remoteWrite.showURL`). */
  sanitizedURL: string;
  client: { fetch(url: string, init: HttpRequestInit): Promise<Response> };
  /** Request headers: the custom ones, then vmagent's (see {@linkcode remoteWriteHeaders}). */
  headers: Headers;
  /** `-remoteWrite.sendTimeout`, milliseconds. */
  sendTimeout: number;
  /** `-remoteWrite.retryMinInterval`, milliseconds. */
  retryMinInterval: number;
  /** `-remoteWrite.retryMaxInterval`, milliseconds. */
  retryMaxInterval: number;
  rateLimiter?: RateLimiter;
  clock: Clock;
  /** Random numbers in [0, 1) for the jitter. */
  random: () => number;
  metrics: SendMetrics;
  log: Logger;
}

/** The per-URL counters {@linkcode sendBlock} updates (vmagent's names in the comments). */
export interface SendMetrics {
  /** `vmagent_remotewrite_duration_seconds{url}` */
  requestDuration: Histogram;
  /** `vmagent_remotewrite_requests_total{url,status_code="2XX"}` */
  requestsOK: Counter;
  /** `vmagent_remotewrite_requests_total{url,status_code="<code>"}` for other codes. */
  requestsByStatus(code: number): Counter;
  /** `vmagent_remotewrite_errors_total{url}` */
  errors: Counter;
  /** `vmagent_remotewrite_retries_count_total{url}` */
  retries: Counter;
  /** `vmagent_remotewrite_packets_dropped_total{url}` */
  packetsDropped: Counter;
  /** `vmagent_remotewrite_bytes_sent_total{url}` */
  bytesSent: Counter;
  /** `vmagent_remotewrite_blocks_sent_total{url}` */
  blocksSent: Counter;
}

/** Options of one {@linkcode sendBlock} call. */
export interface SendOptions {
  /** Stops retrying: the call resolves false instead of waiting again. */
  stop?: AbortSignal;
  /** Cuts a request in flight (the shutdown deadline). */
  abort?: AbortSignal;
  /** Called after each failed attempt, before waiting to retry. */
  onRetry?: () => void;
}

/**
 * Returns the headers vmagent sends with a Prometheus remote write request, after
 * the custom `-remoteWrite.headers` (which therefore cannot replace them).
 *
 * @example
 * ```ts
 * remoteWriteHeaders([["X-Scope-OrgID", "team-a"]]).get("content-encoding"); // "snappy"
 * ```
 */
export function remoteWriteHeaders(custom: readonly [string, string][] = []): Headers {
  const h = new Headers();
  for (const [k, v] of custom) h.set(k, v);
  h.set("User-Agent", "vmagent");
  h.set("Content-Type", "application/x-protobuf");
  h.set("Content-Encoding", "snappy");
  h.set("X-Prometheus-Remote-Write-Version", "0.1.0");
  return h;
}

/** True for errors of a connection the server closed before answering (Go's io.EOF). */
function isStaleConnection(e: unknown): boolean {
  const msg = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : String(e);
  return /closed before message completed|unexpected eof|\beof\b|connection closed/i.test(msg);
}

async function doRequest(block: Uint8Array, t: SendTarget, signal: AbortSignal): Promise<Response> {
  const init: HttpRequestInit = {
    method: "POST",
    headers: t.headers,
    body: block as Uint8Array<ArrayBuffer>,
    signal,
  };
  try {
    return await t.client.fetch(t.url, init);
  } catch (e) {
    if (signal.aborted || !isStaleConnection(e)) throw e;
  }
  // The pooled connection was likely stale: one more attempt at once (vmagent issue #4139).
  try {
    return await t.client.fetch(t.url, init);
  } catch (e) {
    throw new Error(`second attempt: ${transportError(e, t)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A `scheme://` URL in free text, up to white space, a quote, a bracket or a parenthesis. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`()]*/gi;

/**
 * The reason of a failed request: the error's message and those of its causes (Deno's
 * fetch says only "fetch failed" and puts "connection refused" in the cause), with every
 * URL, and the target's `host:port`, replaced by the sanitized URL, since URLs are
 * secrets unless `-remoteWrite.showURL`.
 */
function transportError(e: unknown, t: SendTarget): string {
  let text = errorChainText(e).replace(URL_IN_TEXT, t.sanitizedURL);
  let host = "";
  try {
    host = new URL(t.url).host;
  } catch {
    // not a URL: nothing more to hide
  }
  if (host !== "") {
    const re = new RegExp(`${host.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9])`, "g");
    text = text.replace(re, t.sanitizedURL);
  }
  return text;
}

async function bodyText(resp: Response): Promise<string> {
  try {
    const t = await resp.text();
    return t.length > 1024 ? `${t.slice(0, 1024)}...` : t;
  } catch (e) {
    return `<cannot read response body: ${errorText(e)}>`;
  }
}

/** The outcome of one attempt: a transport error, or a status with what matters of the response. */
type Attempt =
  | { ok: false; reason: string }
  | { ok: true; status: number; body: string; retryAfter: string | null };

/**
 * One request, bounded as a whole (response body included) by `sendTimeout` and cut
 * by `abort`. Bodies of 2xx responses are discarded; others are read for the log.
 */
async function attempt(block: Uint8Array, t: SendTarget, abort?: AbortSignal): Promise<Attempt> {
  const ac = new AbortController();
  const timeout = `cannot get a response within -remoteWrite.sendTimeout=${
    formatGoDuration(t.sendTimeout)
  }`;
  const timer = t.clock.setTimeout(() => ac.abort(new Error(timeout)), t.sendTimeout);
  const onAbort = () => ac.abort(new Error("the remote write client is stopped"));
  if (abort?.aborted) onAbort();
  abort?.addEventListener("abort", onAbort, { once: true });
  try {
    let resp: Response;
    try {
      resp = await doRequest(block, t, ac.signal);
    } catch (e) {
      const r = ac.signal.reason;
      return {
        ok: false,
        reason: ac.signal.aborted && r instanceof Error ? r.message : transportError(e, t),
      };
    }
    const status = resp.status;
    if (status >= 200 && status < 300) {
      await resp.body?.cancel().catch(() => {});
      return { ok: true, status, body: "", retryAfter: null };
    }
    return {
      ok: true,
      status,
      body: await bodyText(resp),
      retryAfter: resp.headers.get("retry-after"),
    };
  } finally {
    t.clock.clearTimeout(timer);
    abort?.removeEventListener("abort", onAbort);
  }
}

/**
 * Sends `block` (a snappy-compressed WriteRequest) until it is accepted or
 * rejected for good; see the module docs. Resolves true when the block is done
 * with (sent or dropped), false when `stop` aborted before that.
 *
 * @example
 * ```ts
 * const done = await sendBlock(block, target, { stop: stopSignal });
 * if (done) queue.ack(lease);
 * ```
 */
export async function sendBlock(
  block: Uint8Array,
  t: SendTarget,
  options: SendOptions = {},
): Promise<boolean> {
  const { stop, abort, onRetry } = options;
  const m = t.metrics;
  if (t.rateLimiter !== undefined) await t.rateLimiter.register(block.length, stop);
  const bt = new Backoff(t.retryMinInterval, t.retryMaxInterval, t.random);
  let retries = 0;
  for (;;) {
    const start = t.clock.now();
    const r = await attempt(block, t, abort);
    m.requestDuration.update((t.clock.now() - start) / 1000);
    if (!r.ok) {
      m.errors.inc();
      if (abort?.aborted) return false;
      t.log.warn(
        `couldn't send a block with size ${block.length} bytes to ${
          JSON.stringify(t.sanitizedURL)
        }: ` +
          `${r.reason}; re-sending the block in ${formatGoDuration(bt.currentDelay)}`,
      );
    } else if (r.status >= 200 && r.status < 300) {
      m.requestsOK.inc();
      m.bytesSent.add(block.length);
      m.blocksSent.inc();
      return true;
    } else if (r.status === 409 || r.status === 400 || r.status === 415) {
      // Rejected for good: drop it as Prometheus does (vmagent issues #873, #1149).
      m.requestsByStatus(r.status).inc();
      t.log.error(
        `sending a block with size ${block.length} bytes to ${
          JSON.stringify(t.sanitizedURL)
        } was ` +
          `rejected (skipping the block): status code ${r.status}; response body: ${r.body}`,
      );
      m.packetsDropped.inc();
      return true;
    } else {
      m.requestsByStatus(r.status).inc();
      retries++;
      const retryAfter = parseRetryAfter(r.retryAfter, t.clock.now());
      if (retryAfter > 0) bt.setDelay(retryAfter);
      t.log.error(
        `unexpected status code received after sending a block with size ${block.length} bytes to ` +
          `${
            JSON.stringify(t.sanitizedURL)
          } during retry #${retries}: ${r.status}; response body=` +
          `${JSON.stringify(r.body)}; re-sending the block in ${formatGoDuration(bt.currentDelay)}`,
      );
    }
    onRetry?.();
    if (!await bt.wait(t.clock, stop)) return false;
    m.retries.inc();
  }
}

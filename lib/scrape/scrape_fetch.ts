/**
 * Fetches one target's response as vmagent does: its request headers, the
 * scrape timeout as a hard deadline over the whole exchange, gzip decoding,
 * `max_scrape_size` counted on the decoded body (reading stops as soon as it
 * is passed, so a gzip bomb costs at most the limit), and vmagent's error texts.
 *
 * @module
 */
import type { HttpClient } from "../util/http_client.ts";
import { redactUrls } from "../util/redact_urls.ts";
import { quoteGo } from "../util/labels.ts";
import { formatGoDuration } from "../util/duration.ts";
import type { ScrapeMetrics } from "./self_metrics.ts";
import { LineBlocks } from "./line_blocks.ts";
import type { Timers } from "./scrape_loop.ts";

/**
 * The `Accept` header of scrape requests, as vmagent sends it (copied by vmagent from Prometheus).
 *
 * @example
 * ```ts
 * new Headers({ accept: SCRAPE_ACCEPT });
 * // prefers Prometheus text format 0.0.4 (q=1), accepts any other type at q=0.1
 * ```
 */
export const SCRAPE_ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";
/**
 * The `User-Agent` header of scrape requests, as vmagent sends it.
 *
 * @example
 * ```ts
 * new Headers({ "user-agent": SCRAPE_USER_AGENT }); // user-agent: vm_promscrape
 * ```
 */
export const SCRAPE_USER_AGENT = "vm_promscrape";
/** Characters of a non-200 response body kept in the error text. */
const MAX_ERROR_BODY = 4096;

/** Settings of {@linkcode ScrapeFetcher}. */
export interface ScrapeFetcherOptions {
  /** The URL to scrape. */
  scrapeUrl: string;
  /** Milliseconds. */
  timeout: number;
  /** Bytes of decoded body allowed. */
  maxScrapeSize: number;
  /** Do not ask for gzip. */
  disableCompression: boolean;
  /** Where request, status, timeout and size-limit counters go. */
  metrics: ScrapeMetrics;
  /** Timers for the scrape timeout. @default globalThis.setTimeout / clearTimeout */
  timers?: Timers;
}

/**
 * Read buffers shared by every fetcher: a buffer is held only while one body is
 * read, so a few serve hundreds of targets (instead of one per target).
 */
const readBuffers: Uint8Array[] = [];
const MAX_POOLED_BUFFERS = 16;
const MAX_POOLED_BUFFER_SIZE = 4 * 1024 * 1024;

/** A pooled buffer of at least `size` bytes (the last body size of the target), or a new one. */
function takeReadBuffer(size: number): Uint8Array {
  for (let i = readBuffers.length - 1; i >= 0; i--) {
    const b = readBuffers[i];
    if (b.length >= size) {
      readBuffers[i] = readBuffers[readBuffers.length - 1];
      readBuffers.pop();
      return b;
    }
  }
  let n = 64 * 1024;
  while (n < size) n *= 2;
  return new Uint8Array(n);
}

/** A buffer of at least `need` bytes (doubling) holding the first `n` bytes of `buf`. */
function grow(buf: Uint8Array, n: number, need: number): Uint8Array {
  let size = Math.max(buf.length * 2, 4096);
  while (size < need) size *= 2;
  const next = new Uint8Array(size);
  next.set(buf.subarray(0, n));
  return next;
}

function giveReadBuffer(b: Uint8Array): void {
  if (readBuffers.length < MAX_POOLED_BUFFERS && b.length <= MAX_POOLED_BUFFER_SIZE) {
    readBuffers.push(b);
  }
}

const decoder = new TextDecoder();

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as number),
};

/**
 * The error a failed scrape fetch throws, its message worded as vmagent's (shown as the
 * target's last error).
 *
 * @example
 * ```ts
 * try {
 *   await fetcher.fetchText();
 * } catch (e) {
 *   e instanceof ScrapeError; // true
 *   (e as Error).message;
 *   // 'unexpected status code returned when scraping "http://t:9100/metrics": 404;
 *   //  expecting 200; response body: "..."'
 * }
 * ```
 */
export class ScrapeError extends Error {
  /** The error class name. */
  override name = "ScrapeError";
}

function describe(e: unknown): string {
  const err = e as Error & { code?: string; cause?: unknown };
  let msg = err?.cause instanceof Error ? err.cause.message : String(err?.message ?? e);
  if (err?.code === "ECONNREFUSED" || /connection refused/i.test(msg)) return "connection refused";
  if (
    err?.code === "ECONNRESET" || /connection reset|error reading a body from connection/i.test(msg)
  ) {
    return "connection reset by peer";
  }
  if (/dns error|failed to lookup address|ENOTFOUND|Name or service not known/i.test(msg)) {
    return "no such host";
  }
  if (
    /IncompleteMessage|connection closed before message completed|unexpected EOF|end of file/i.test(
      msg,
    )
  ) {
    return "unexpected EOF";
  }
  const cert = /invalid peer certificate: ([^)\n]+)/.exec(msg);
  if (cert) return `tls: invalid peer certificate: ${cert[1]}`;
  msg = msg.replace(/^error sending request (for url|from) [^:]*(\([^)]*\))?: /, "");
  msg = msg.replace(/^client error \([A-Za-z]+\): /, "");
  return redactUrls(msg);
}

/**
 * Fetches one target's response under the scrape timeout and size limit; one instance per
 * target, reused across scrapes.
 *
 * @example
 * ```ts
 * const client = createHttpClient({ headers: [], followRedirects: true });
 * const fetcher = new ScrapeFetcher(client, {
 *   scrapeUrl: "http://127.0.0.1:9100/metrics",
 *   timeout: 10_000,
 *   maxScrapeSize: 16 * 1024 * 1024,
 *   disableCompression: false,
 *   metrics: scrapeMetrics(),
 * });
 * const { text, size } = await fetcher.fetchText(); // e.g. { text: "foo 1\n", size: 6 }
 * ```
 */
export class ScrapeFetcher {
  readonly #client: HttpClient;
  readonly #o: ScrapeFetcherOptions;
  readonly #headers: Headers;
  /** Decoded size of the last body (to pick a big enough buffer at once). */
  #lastSize = 0;

  /** Creates a fetcher that requests `options.scrapeUrl` through `client`. */
  constructor(client: HttpClient, options: ScrapeFetcherOptions) {
    this.#client = client;
    this.#o = options;
    this.#headers = new Headers({
      "accept": SCRAPE_ACCEPT,
      "user-agent": SCRAPE_USER_AGENT,
      "x-prometheus-scrape-timeout-seconds": (options.timeout / 1000).toFixed(3),
      // Without this, Deno would ask for gzip and br by itself.
      "accept-encoding": options.disableCompression ? "identity" : "gzip",
    });
  }

  async #open(signal: AbortSignal | undefined, timeoutSignal: AbortSignal): Promise<Response> {
    const o = this.#o;
    const sig = signal ? AbortSignal.any([signal, timeoutSignal]) : timeoutSignal;
    o.metrics.scrapeRequests.inc();
    let resp: Response;
    try {
      resp = await this.#client.fetch(o.scrapeUrl, { headers: this.#headers, signal: sig });
    } catch (e) {
      throw this.#error(
        `cannot perform request to ${quoteGo(o.scrapeUrl)}`,
        e,
        timeoutSignal,
        "no response",
      );
    }
    o.metrics.scrapesByStatus(resp.status).inc();
    if (resp.status !== 200) {
      let body: string;
      try {
        body = await this.#readLimited(resp, Math.min(o.maxScrapeSize + 1, MAX_ERROR_BODY));
      } catch (e) {
        body = describe(e);
      }
      throw new ScrapeError(
        `unexpected status code returned when scraping ${quoteGo(o.scrapeUrl)}: ${resp.status}; ` +
          `expecting 200; response body: ${quoteGo(body)}`,
      );
    }
    return resp;
  }

  #error(prefix: string, e: unknown, timeoutSignal: AbortSignal, what: string): ScrapeError {
    if (timeoutSignal.aborted) {
      this.#o.metrics.scrapesTimedOut.inc();
      return new ScrapeError(
        `${prefix}: timeout: ${what} within scrape_timeout=${formatGoDuration(this.#o.timeout)}`,
      );
    }
    if ((e as Error)?.name === "AbortError") {
      return new ScrapeError(`${prefix}: the scrape was canceled`);
    }
    return new ScrapeError(`${prefix}: ${describe(e)}`);
  }

  async #readLimited(resp: Response, limit: number): Promise<string> {
    if (resp.body === null) return "";
    const reader = resp.body.getReader();
    const parts: Uint8Array[] = [];
    let n = 0;
    try {
      while (n < limit) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        n += value.length;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
    const all = new Uint8Array(n);
    let off = 0;
    for (const p of parts) {
      all.set(p, off);
      off += p.length;
    }
    return new TextDecoder().decode(all.subarray(0, Math.min(n, limit)));
  }

  #tooBig(gzipped: boolean): ScrapeError {
    const o = this.#o;
    o.metrics.maxScrapeSizeExceeded.inc();
    return new ScrapeError(
      `the ${gzipped ? "uncompressed " : ""}response from ${quoteGo(o.scrapeUrl)} exceeds ` +
        `-promscrape.maxScrapeSize or max_scrape_size in the scrape config (${o.maxScrapeSize} bytes). ` +
        `Possible solutions are: reduce the response size for the target, increase -promscrape.maxScrapeSize ` +
        `command-line flag, increase max_scrape_size value in scrape config for the given target`,
    );
  }

  #readError(e: unknown, gzipped: boolean, timeoutSignal: AbortSignal): ScrapeError {
    const url = this.#o.scrapeUrl;
    const msg = String((e as Error)?.message ?? e);
    if (gzipped && !timeoutSignal.aborted && /decompress|deflate|gzip|corrupt/i.test(msg)) {
      return new ScrapeError(
        `cannot read gzipped response body from ${url}: ${msg.replace(/^TypeError: /, "")}`,
      );
    }
    return this.#error(
      `cannot read data from ${url}`,
      e,
      timeoutSignal,
      "the response body was not read",
    );
  }

  /**
   * Fetches the whole body, decoded to text. Throws {@linkcode ScrapeError}.
   * `signal` cancels the scrape (shutdown); the timeout is the fetcher's.
   */
  async fetchText(signal?: AbortSignal): Promise<{ text: string; size: number }> {
    const { timeoutSignal, clear } = this.#deadline();
    try {
      return await this.#fetchText(signal, timeoutSignal);
    } finally {
      clear();
    }
  }

  /** The scrape timeout as an abort signal on the injected timers. */
  #deadline(): { timeoutSignal: AbortSignal; clear: () => void } {
    const ctrl = new AbortController();
    const timers = this.#o.timers ?? realTimers;
    const id = timers.setTimeout(
      () => ctrl.abort(new DOMException("scrape timeout", "TimeoutError")),
      this.#o.timeout,
    );
    return { timeoutSignal: ctrl.signal, clear: () => timers.clearTimeout(id) };
  }

  async #fetchText(
    signal: AbortSignal | undefined,
    timeoutSignal: AbortSignal,
  ): Promise<{ text: string; size: number }> {
    const resp = await this.#open(signal, timeoutSignal);
    const gzipped = resp.headers.get("content-encoding")?.toLowerCase() === "gzip";
    const max = this.#o.maxScrapeSize;
    // One byte more than the last body, so that reading its end needs no extra buffer.
    let buf = takeReadBuffer(Math.min(this.#lastSize + 1, max + 1));
    let n = 0;
    try {
      if (resp.body !== null) {
        let byob: ReadableStreamBYOBReader | undefined;
        try {
          // Network bodies are byte streams: read straight into the pooled buffer, so
          // no chunk is allocated per read (they would pile up as external memory).
          byob = resp.body.getReader({ mode: "byob" });
        } catch {
          byob = undefined;
        }
        const reader = byob ?? resp.body.getReader();
        try {
          if (byob !== undefined) {
            for (;;) {
              if (n === buf.length) buf = grow(buf, n, n + 1);
              // Asks for one byte past the limit at most, to tell "exactly max" from "more".
              const room = Math.min(buf.length - n, max + 1 - n);
              const { done, value } = await byob.read(new Uint8Array(buf.buffer, n, room));
              if (value !== undefined) buf = new Uint8Array(value.buffer);
              if (done) break;
              n += value!.length;
              if (n > max) throw this.#tooBig(gzipped);
            }
          } else {
            const def = reader as ReadableStreamDefaultReader<Uint8Array>;
            for (;;) {
              const { done, value } = await def.read();
              if (done) break;
              if (n + value.length > max) throw this.#tooBig(gzipped);
              if (n + value.length > buf.length) buf = grow(buf, n, n + value.length);
              buf.set(value, n);
              n += value.length;
            }
          }
        } catch (e) {
          reader.cancel().catch(() => {});
          if (e instanceof ScrapeError) throw e;
          throw this.#readError(e, gzipped, timeoutSignal);
        }
      }
      this.#lastSize = n;
      return { text: decoder.decode(buf.subarray(0, n)), size: n };
    } finally {
      giveReadBuffer(buf);
    }
  }

  /**
   * Streams the body: `onBlock` receives blocks of whole lines as they arrive and
   * returns false to stop reading (the request is then aborted). Resolves with
   * the number of decoded bytes read. Throws {@linkcode ScrapeError}.
   */
  async fetchStream(
    onBlock: (text: string) => boolean,
    signal?: AbortSignal,
  ): Promise<{ size: number }> {
    const { timeoutSignal, clear } = this.#deadline();
    try {
      return await this.#fetchStream(onBlock, signal, timeoutSignal);
    } finally {
      clear();
    }
  }

  async #fetchStream(
    onBlock: (text: string) => boolean,
    signal: AbortSignal | undefined,
    timeoutSignal: AbortSignal,
  ): Promise<{ size: number }> {
    const resp = await this.#open(signal, timeoutSignal);
    const gzipped = resp.headers.get("content-encoding")?.toLowerCase() === "gzip";
    const max = this.#o.maxScrapeSize;
    const blocks = new LineBlocks();
    let n = 0;
    let stop = false;
    const emit = (t: string) => {
      if (!stop && !onBlock(t)) stop = true;
    };
    if (resp.body !== null) {
      const reader = resp.body.getReader();
      try {
        while (!stop) {
          const { done, value } = await reader.read();
          if (done) break;
          n += value.length;
          if (n > max) throw this.#tooBig(gzipped);
          blocks.push(value, emit);
        }
      } catch (e) {
        reader.cancel().catch(() => {});
        if (e instanceof ScrapeError) throw e;
        throw this.#readError(e, gzipped, timeoutSignal);
      }
      if (stop) {
        reader.cancel().catch(() => {});
        return { size: n };
      }
    }
    blocks.end(emit);
    return { size: n };
  }
}

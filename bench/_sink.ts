/**
 * The counting remote write sink: a `Deno.serve` listener on 127.0.0.1 that
 * decompresses (snappy) and counts every `WriteRequest` it receives, answering
 * 204 (400 when the body is malformed, counted as an error). Runs inside a
 * Worker (see `_sink_worker.ts`).
 *
 * @module
 */
import { snappyDecompress } from "../lib/remotewrite/snappy.ts";
import { type SinkCounts, WriteRequestCounter } from "./_sink_counter.ts";

/** Scrape facts for a time window, from the `up` and `scrape_duration_seconds` samples received. */
export interface SinkWindow {
  /** Samples other than auto series with a timestamp in the window (whole seconds). */
  targetSamples: number;
  /** `up` samples with a timestamp in the window: scrapes delivered. */
  scrapes: number;
  /** Of those, `up == 0` (failed scrapes). */
  failedScrapes: number;
  /** Scrape duration percentiles in seconds (NaN when none). */
  durationP50: number;
  durationP99: number;
  /** Delivery lag (arrival at the sink minus sample timestamp) percentiles in seconds. */
  lagP50: number;
  lagP99: number;
}

/** Largest decompressed body accepted (vmagent's own `-maxInsertRequestSize` default is 32 MiB). */
const MAX_BODY = 64 * 1024 * 1024;

/** The sink; see the module docs. */
export class CountingSink {
  readonly #counter = new WriteRequestCounter();
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;

  /** Opens the listener and returns its port. */
  start(): number {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => this.#handle(req),
    );
    return this.#server.addr.port;
  }

  async #handle(req: Request): Promise<Response> {
    if (req.method !== "POST") return new Response(null, { status: 204 });
    const body = new Uint8Array(await req.arrayBuffer());
    const counts = this.#counter.counts;
    counts.wireBytes += body.length;
    try {
      const enc = req.headers.get("content-encoding") ?? "";
      const raw = enc === "" || enc === "snappy"
        ? snappyDecompress(body, { maxLength: MAX_BODY })
        : undefined;
      if (raw === undefined) throw new Error(`unsupported content-encoding ${enc}`);
      this.#counter.count(raw, Date.now());
      return new Response(null, { status: 204 });
    } catch (e) {
      counts.errors++;
      return new Response(e instanceof Error ? e.message : String(e), { status: 400 });
    }
  }

  /** A copy of the counters. */
  snapshot(): SinkCounts {
    return { ...this.#counter.counts };
  }

  /** Scrape facts for samples timestamped in [fromMs, toMs) (Unix ms). */
  window(fromMs: number, toMs: number): SinkWindow {
    const log = this.#counter.log;
    let scrapes = 0;
    let failed = 0;
    const lags: number[] = [];
    for (let i = 0; i < log.upLen; i++) {
      const ts = log.upTs[i];
      if (ts < fromMs || ts >= toMs) continue;
      scrapes++;
      if (log.upValue[i] === 0) failed++;
      lags.push(log.upLag[i] / 1000);
    }
    const durations: number[] = [];
    for (let i = 0; i < log.durLen; i++) {
      const ts = log.durTs[i];
      if (ts >= fromMs && ts < toMs) durations.push(log.durValue[i]);
    }
    return {
      targetSamples: log.targetSamplesIn(fromMs, toMs),
      scrapes,
      failedScrapes: failed,
      durationP50: quantile(durations, 0.5),
      durationP99: quantile(durations, 0.99),
      lagP50: quantile(lags, 0.5),
      lagP99: quantile(lags, 0.99),
    };
  }

  /** Forgets everything counted (between runs). */
  reset(): void {
    const c = this.#counter.counts;
    for (const k of Object.keys(c) as (keyof SinkCounts)[]) c[k] = 0;
    this.#counter.log.upLen = 0;
    this.#counter.log.durLen = 0;
    this.#counter.log.targetSamplesBySecond.clear();
  }

  /** Closes the listener. */
  async stop(): Promise<void> {
    await this.#server?.shutdown();
    this.#server = undefined;
  }
}

/** The `q` quantile (nearest rank) of `xs`; NaN when empty. Sorts `xs` in place. */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  xs.sort((a, b) => a - b);
  const i = Math.min(xs.length - 1, Math.max(0, Math.ceil(q * xs.length) - 1));
  return xs[i];
}

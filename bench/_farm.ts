/**
 * The synthetic target farm: `targets` HTTP listeners on 127.0.0.1 (one port
 * per target, so each target has its own `instance`, as in a real fleet), all
 * serving the same pre-rendered exposition of `series` lines. A timer
 * re-renders the values once a second (and gzips them once), so a scrape costs
 * the farm only the HTTP exchange. The farm counts what it served and detects
 * missed scrapes from gaps between a target's scrapes.
 *
 * Runs inside a Worker (see `_farm_worker.ts`) so it does not share a thread
 * with the harness or the sink.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { buildExposition, type Exposition, renderExposition } from "./_exposition.ts";

/** What the farm has served so far (cumulative; subtract two snapshots for a window). */
export interface FarmStats {
  /** Scrape requests answered. */
  scrapes: number;
  /** Sample lines served (series per body × scrapes). */
  samples: number;
  /** Bytes of exposition text served, before compression. */
  textBytes: number;
  /** Bytes of response bodies sent (gzipped when asked). */
  sentBytes: number;
  /** Scrapes that asked for gzip. */
  gzipScrapes: number;
  /** Scrapes missing between two scrapes of a target (a gap over 1.5 intervals). */
  missedByGaps: number;
  /** Monotonic time of the snapshot (ms, `performance.now()` of the farm's thread). */
  at: number;
}

/** Options of {@linkcode TargetFarm}. */
export interface FarmOptions {
  targets: number;
  series: number;
  /** The scrape interval the agents are configured with (for gap detection). */
  intervalMs: number;
  /** How often values change. @default 1000 */
  renderEveryMs?: number;
}

interface Body {
  text: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

const encoder = new TextEncoder();

/** T targets on T loopback ports; see the module docs. */
export class TargetFarm {
  readonly #opts: FarmOptions;
  readonly #exposition: Exposition;
  readonly #servers: Deno.HttpServer<Deno.NetAddr>[] = [];
  readonly #lastScrape: Float64Array;
  #body: Body;
  #step = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #stats: FarmStats = {
    scrapes: 0,
    samples: 0,
    textBytes: 0,
    sentBytes: 0,
    gzipScrapes: 0,
    missedByGaps: 0,
    at: 0,
  };

  constructor(opts: FarmOptions) {
    this.#opts = opts;
    this.#exposition = buildExposition(opts.series);
    this.#lastScrape = new Float64Array(opts.targets);
    this.#body = this.#render();
  }

  /** Sample lines per scrape. */
  get seriesPerScrape(): number {
    return this.#exposition.series;
  }

  #render(): Body {
    const text = encoder.encode(renderExposition(this.#exposition, this.#step++));
    return { text, gzip: new Uint8Array(gzipSync(text, { level: 6 })) };
  }

  /** Opens the listeners and returns their ports, in target order. */
  start(): number[] {
    const ports: number[] = [];
    for (let i = 0; i < this.#opts.targets; i++) {
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        (req) => this.#handle(i, req),
      );
      this.#servers.push(server);
      ports.push(server.addr.port);
    }
    this.#timer = setInterval(() => {
      this.#body = this.#render();
    }, this.#opts.renderEveryMs ?? 1000);
    return ports;
  }

  #handle(target: number, req: Request): Response {
    const now = performance.now();
    const s = this.#stats;
    const prev = this.#lastScrape[target];
    const interval = this.#opts.intervalMs;
    if (prev > 0 && now - prev > 1.5 * interval) {
      s.missedByGaps += Math.round((now - prev) / interval) - 1;
    }
    this.#lastScrape[target] = now;
    const body = this.#body;
    const gzip = (req.headers.get("accept-encoding") ?? "").includes("gzip");
    s.scrapes++;
    s.samples += this.#exposition.series;
    s.textBytes += body.text.length;
    const headers: Record<string, string> = {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    };
    if (gzip) {
      s.gzipScrapes++;
      s.sentBytes += body.gzip.length;
      headers["content-encoding"] = "gzip";
      return new Response(body.gzip, { headers });
    }
    s.sentBytes += body.text.length;
    return new Response(body.text, { headers });
  }

  /** Forgets when each target was last scraped (call before a new agent starts). */
  resetGaps(): void {
    this.#lastScrape.fill(0);
  }

  /** A copy of the counters. */
  snapshot(): FarmStats {
    return { ...this.#stats, at: performance.now() };
  }

  /** Closes every listener and the render timer. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#servers.map((s) => s.shutdown()));
    this.#servers.length = 0;
  }
}

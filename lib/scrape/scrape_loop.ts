/**
 * The scrape loop of one target: waits for the target's phase, then scrapes
 * every interval (never two scrapes of a target at once; a tick that comes
 * while a scrape runs is kept, later ones are dropped, as Go's ticker does),
 * feeds the response to its {@linkcode TargetProcessor}, keeps the status the
 * status pages read, and logs failures as vmagent does.
 *
 * @module
 */
import { type ScrapeStatus, unknownScrapeStatus } from "../targets/types.ts";
import type { Logger } from "../util/log.ts";
import { labelsToString, quoteGo } from "../util/labels.ts";
import { formatGoDuration } from "../util/duration.ts";
import type { Label } from "../util/series.ts";
import type { TargetProcessor } from "./target_processor.ts";
import type { ScrapeFetcher } from "./scrape_fetch.ts";
import type { ScrapeMetrics } from "./self_metrics.ts";
import { firstScrapeDelay, nextScrapeTimestamp } from "./schedule.ts";

/** Timer functions (injected in tests). */
export interface Timers {
  /** Calls `fn` after `ms` milliseconds; returns a handle for {@linkcode Timers.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer. */
  clearTimeout(id: unknown): void;
}

/** Settings of one {@linkcode ScrapeLoop}. */
export interface ScrapeLoopOptions {
  /** The target's URL (for logs). */
  scrapeUrl: string;
  /** The job name (for logs). */
  job: string;
  /** Effective target labels (for log lines). */
  labels: readonly Label[];
  /** Milliseconds. */
  interval: number;
  /** `scrape_align_interval`, milliseconds; 0 = unset. */
  alignInterval: number;
  /** `scrape_offset`, milliseconds; 0 = unset. */
  offset: number;
  /** {@linkcode scrapePhaseKey} of the target. */
  phaseKey: string;
  /** Parse while the body arrives. */
  streamParse: boolean;
  /** Parse a fully read body in blocks when it is at least this big (0 = never). */
  minResponseSizeForStreamParse: number;
  /** Fetches the target. */
  fetcher: ScrapeFetcher;
  /** Turns responses into series. */
  processor: TargetProcessor;
  /** Scrape self-metrics. */
  metrics: ScrapeMetrics;
  /** Where failures are logged. */
  log: Logger;
  /** `-promscrape.suppressScrapeErrors`. */
  suppressScrapeErrors: boolean;
  /** Milliseconds. */
  suppressScrapeErrorsDelay: number;
  /** The clock, milliseconds. */
  now: () => number;
  /** Timers for the schedule. */
  timers: Timers;
  /** Called with {@linkcode ScrapeLoop.status} after each scrape. @default undefined */
  onScraped?: (status: ScrapeStatus) => void;
}

const BLOCK = 64 * 1024;

/**
 * Runs one target's scrapes on its schedule, one at a time, and keeps its status for the
 * status pages. Usually built by `ScrapePool`.
 *
 * @example
 * ```ts
 * const loop = new ScrapeLoop({
 *   scrapeUrl: target.scrapeUrl, job: target.job, labels: target.labels,
 *   interval: 30_000, alignInterval: 0, offset: 0, phaseKey,
 *   streamParse: false, minResponseSizeForStreamParse: 1_000_000,
 *   fetcher, processor, metrics: scrapeMetrics(), log: getLogger("promscrape"),
 *   suppressScrapeErrors: false, suppressScrapeErrorsDelay: 0,
 *   now: Date.now, timers: { setTimeout, clearTimeout },
 * });
 * loop.start(); // first scrape at the target's phase, then every 30 s
 * loop.status.health; // "unknown" until the first scrape ends, then "up" or "down"
 * await loop.stop(true); // the target went away: stale markers for its series
 * ```
 */
export class ScrapeLoop {
  /** The loop's settings. */
  readonly o: ScrapeLoopOptions;
  /** Read by the status pages. */
  readonly status: ScrapeStatus = unknownScrapeStatus();
  #timer?: unknown;
  #nextTick = 0;
  #timestamp = 0;
  #started = false;
  #stopped = false;
  #running?: Promise<void>;
  #pendingTick?: number;
  readonly #abort = new AbortController();
  #nextErrorLog = 0;
  #failures = 0;
  #successes = 0;

  /** Creates a loop; nothing happens before {@linkcode start}. */
  constructor(options: ScrapeLoopOptions) {
    this.o = options;
  }

  /**
   * Schedules the first scrape at the target's phase. A target without a positive interval
   * (the target stage drops those) is logged and never scraped, rather than spinning.
   */
  start(): void {
    const o = this.o;
    if (!(o.interval > 0)) {
      o.log.error(`BUG: cannot scrape ${quoteGo(o.scrapeUrl)}: scrape interval ${o.interval}ms`);
      return;
    }
    const delay = firstScrapeDelay({
      now: o.now(),
      interval: o.interval,
      alignInterval: o.alignInterval,
      offset: o.offset,
      phaseKey: o.phaseKey,
    });
    this.#timer = o.timers.setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const o = this.o;
    const t = o.now();
    const first = !this.#started;
    if (first) {
      this.#started = true;
      this.#nextTick = t;
    }
    while (this.#nextTick <= t) this.#nextTick += o.interval;
    this.#timer = o.timers.setTimeout(() => this.#tick(), this.#nextTick - t);
    if (this.#running !== undefined) {
      this.#pendingTick ??= t;
      return;
    }
    this.#run(t, first);
  }

  #run(t: number, first: boolean): void {
    this.#timestamp = first ? t : nextScrapeTimestamp(this.#timestamp, this.o.interval, t);
    this.#running = this.scrape(this.#timestamp, t).catch((e) => {
      // A bug must not kill the process or the loop: log it and keep scraping.
      this.o.log.error(
        `unexpected error when scraping ${quoteGo(this.o.scrapeUrl)}: ${(e as Error)?.stack ?? e}`,
      );
    }).finally(() => {
      this.#running = undefined;
      const p = this.#pendingTick;
      this.#pendingTick = undefined;
      if (p !== undefined && !this.#stopped) this.#run(p, false);
    });
  }

  /**
   * Performs one scrape with samples at `scrapeTimestamp` (ms) started at
   * `realTimestamp`. Never throws; a scrape interrupted by {@linkcode stop} is discarded.
   */
  async scrape(scrapeTimestamp: number, realTimestamp: number): Promise<void> {
    const o = this.o;
    const signal = this.#abort.signal;
    let err: string | undefined;
    let size = 0;
    let duration: number;
    let result;
    if (o.streamParse) {
      o.processor.begin(scrapeTimestamp, true, realTimestamp);
      try {
        size = (await o.fetcher.fetchStream((block) =>
          o.processor.feed(block) === undefined, signal))
          .size;
      } catch (e) {
        if (signal.aborted) return;
        err = (e as Error).message;
      }
      duration = (o.now() - realTimestamp) / 1000;
      result = o.processor.finish(err, duration, size);
    } else {
      let text = "";
      try {
        ({ text, size } = await o.fetcher.fetchText(signal));
      } catch (e) {
        if (signal.aborted) return;
        err = (e as Error).message;
      }
      duration = (o.now() - realTimestamp) / 1000;
      const inBlocks = err === undefined && o.minResponseSizeForStreamParse > 0 &&
        size >= o.minResponseSizeForStreamParse;
      o.processor.begin(scrapeTimestamp, inBlocks, realTimestamp);
      if (err === undefined) {
        if (inBlocks) feedInBlocks(o.processor, text);
        else o.processor.feed(text);
      }
      result = o.processor.finish(err, duration, size);
    }
    const m = o.metrics;
    m.scrapeDuration.update(duration);
    m.responseSize.update(err === undefined ? size : 0);
    m.scrapedSamples.update(result.samplesScraped);
    if (err !== undefined) m.scrapesFailed.inc();
    const s = this.status;
    s.health = result.up ? "up" : "down";
    s.lastError = result.error;
    s.lastScrape = realTimestamp;
    s.lastScrapeDuration = duration * 1000;
    s.lastResponseSize = result.up ? size : 0;
    s.lastSamplesScraped = result.samplesScraped;
    s.scrapesTotal++;
    if (!result.up) s.scrapesFailed++;
    else s.seriesCount = result.samplesPostRelabeling;
    this.#logResult(result.error, realTimestamp);
    o.onScraped?.(s);
  }

  #logResult(error: string, realTimestamp: number): void {
    const o = this.o;
    if (o.suppressScrapeErrors) return;
    if (error === "") {
      this.#successes++;
      return;
    }
    this.#failures++;
    if (this.#nextErrorLog === 0) this.#nextErrorLog = realTimestamp + o.suppressScrapeErrorsDelay;
    if (realTimestamp < this.#nextErrorLog) return;
    const total = this.#failures + this.#successes;
    o.log.warn(
      `cannot scrape target ${quoteGo(o.scrapeUrl)} (${
        labelsToString(o.labels)
      }) ${this.#failures} out of ${total} ` +
        `times during -promscrape.suppressScrapeErrorsDelay=${
          formatGoDuration(o.suppressScrapeErrorsDelay)
        }; ` +
        `the last error: ${error}`,
    );
    this.#nextErrorLog = realTimestamp + o.suppressScrapeErrorsDelay;
    this.#failures = this.#successes = 0;
  }

  /** Logs a malformed line as vmagent does, naming the target. */
  logParseError(message: string, line: number): void {
    const o = this.o;
    o.metrics.invalidLines.inc();
    if (o.suppressScrapeErrors) return;
    o.log.error(
      `error when scraping ${quoteGo(o.scrapeUrl)} from job ${quoteGo(o.job)} with labels ${
        labelsToString(o.labels)
      }: ${message} (line ${line}); scrape errors can be disabled by -promscrape.suppressScrapeErrors command-line flag`,
    );
  }

  /** Fetches the target once and returns the raw body, as `/target_response` shows it. */
  async fetchOnce(): Promise<string> {
    return (await this.o.fetcher.fetchText(this.#abort.signal)).text;
  }

  /**
   * Stops the loop: cancels the pending timer and any running scrape (which is
   * discarded) and waits for it. With `sendStaleMarkers`, pushes stale markers
   * for the target's last series and its auto series (the target went away).
   */
  async stop(sendStaleMarkers: boolean): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    if (this.#running !== undefined) await this.#running;
    if (!sendStaleMarkers) return;
    try {
      this.o.processor.sendStaleMarkers(this.o.now());
    } catch (e) {
      this.o.log.error(
        `cannot send stale markers for ${quoteGo(this.o.scrapeUrl)}: ${(e as Error)?.message ?? e}`,
      );
    }
  }
}

/** Feeds a whole body in blocks of about 64 KiB cut at line breaks. */
function feedInBlocks(p: TargetProcessor, text: string): void {
  let pos = 0;
  while (pos < text.length) {
    let end = pos + BLOCK;
    if (end >= text.length) {
      end = text.length;
    } else {
      const nl = text.indexOf("\n", end);
      end = nl < 0 ? text.length : nl + 1;
    }
    if (p.feed(text.substring(pos, end)) !== undefined) return;
    pos = end;
  }
}

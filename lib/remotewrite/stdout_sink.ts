/**
 * The local default when no `-remoteWrite.url` is given: batches are printed to
 * standard output in the Prometheus text format with timestamps, one line per
 * sample (`name{label="value"} value timestamp_ms`), flushed every flush interval
 * or when `maxRowsPerBlock` samples are waiting.
 *
 * @module
 */
import { formatGoFloat } from "../metrics/format_value.ts";
import type { Sink, TimeSeries } from "../util/series.ts";
import { type Clock, realClock } from "../util/clock.ts";

/** Options of {@linkcode StdoutSink}. */
export interface StdoutSinkOptions {
  /** `-remoteWrite.flushInterval`, ms. @default 1000 */
  flushInterval?: number;
  /** `-remoteWrite.maxRowsPerBlock`: samples that trigger an early flush. @default 10000 */
  maxRowsPerBlock?: number;
  /** Receives each flushed batch. @default writes to Deno.stdout */
  write?: (text: string) => void;
  /** Clock and timers for the flush interval. @default realClock */
  clock?: Clock;
}

function escapeValue(v: string): string {
  if (!/[\\"\n]/.test(v)) return v;
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * Formats a series' labels as `name{a="1",b="2"}` (`{...}` alone when it has no
 * `__name__`, the bare name when it has no other label), escaping values.
 *
 * @example
 * ```ts
 * const up = { name: "__name__", value: "up" };
 * formatSeriesName({ labels: [up, { name: "dc", value: "us" }], samples: [] }); // 'up{dc="us"}'
 * formatSeriesName({ labels: [up], samples: [] }); // "up"
 * ```
 */
export function formatSeriesName(ts: TimeSeries): string {
  let name = "";
  let labels = "";
  for (const l of ts.labels) {
    if (l.name === "__name__") {
      name = l.value;
      continue;
    }
    labels += `${labels === "" ? "" : ","}${l.name}="${escapeValue(l.value)}"`;
  }
  return labels === "" && name !== "" ? name : `${name}{${labels}}`;
}

/**
 * Formats series as Prometheus text lines with timestamps, one per sample.
 *
 * @example
 * ```ts
 * formatSeriesText([{ labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: 5 }] }]);
 * // "up 1 5\n"
 * ```
 */
export function formatSeriesText(series: readonly TimeSeries[]): string {
  let out = "";
  for (const ts of series) {
    const name = formatSeriesName(ts);
    for (const s of ts.samples) out += `${name} ${formatGoFloat(s.value)} ${s.timestamp}\n`;
  }
  return out;
}

const encoder = new TextEncoder();

function writeStdout(text: string): void {
  const data = encoder.encode(text);
  let off = 0;
  while (off < data.length) off += Deno.stdout.writeSync(data.subarray(off));
}

/**
 * A {@linkcode Sink} that prints series as Prometheus text lines with timestamps
 * instead of sending them; see the module docs.
 *
 * @example
 * ```ts
 * const printed: string[] = [];
 * const sink = new StdoutSink({ write: (text) => printed.push(text) });
 * sink.push([{ labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: 5 }] }]);
 * await sink.close(); // printed: ["up 1 5\n"]
 * ```
 */
export class StdoutSink implements Sink {
  readonly #write: (text: string) => void;
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #maxRows: number;
  #parts: string[] = [];
  #rows = 0;
  #timer: number | undefined;
  #closed = false;

  constructor(options: StdoutSinkOptions = {}) {
    this.#write = options.write ?? writeStdout;
    this.#clock = options.clock ?? realClock;
    this.#interval = options.flushInterval ?? 1000;
    this.#maxRows = options.maxRowsPerBlock ?? 10000;
    this.#schedule();
  }

  /**
   * Formats the series at once (so later changes by the caller do not matter) and
   * prints them with the next flush. Returns true, or false once the sink is closed.
   *
   * @example
   * ```ts
   * const sink = new StdoutSink();
   * sink.push([{ labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: Date.now() }] }]);
   * await sink.close();
   * ```
   */
  push(series: TimeSeries[]): boolean {
    if (this.#closed) return false;
    const text = formatSeriesText(series);
    if (text === "") return true;
    this.#parts.push(text);
    for (const ts of series) this.#rows += ts.samples.length;
    if (this.#rows >= this.#maxRows) this.flush();
    return true;
  }

  /** Prints what is waiting. */
  flush(): void {
    if (this.#parts.length === 0) return;
    const text = this.#parts.join("");
    this.#parts = [];
    this.#rows = 0;
    try {
      this.#write(text);
    } catch {
      // stdout closed (a pipe reader went away): nothing useful to do
    }
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
      if (!this.#closed) this.#schedule();
    }, this.#interval);
  }

  /** Prints what is waiting and stops the timer. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
      this.flush();
    }
    return Promise.resolve();
  }
}

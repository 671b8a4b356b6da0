/**
 * Test doubles for remote write: a manual clock whose timers fire only when the
 * test advances time, and a scripted HTTP client that records requests.
 *
 * @module
 */
import type { Clock } from "../../lib/util/clock.ts";
import type { HttpRequestInit } from "../../lib/util/http_client.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import {
  encodedLabelsLength,
  type EncodedSeriesBatch,
  encodeLabels,
  type TimeSeries,
} from "../../lib/util/series.ts";

/** Lets pending promise chains run (a few macrotask turns). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setTimeout(r, 0));
}

/** A clock that moves only in {@linkcode ManualClock.advance}. */
export class ManualClock implements Clock {
  #now: number;
  #next = 1;
  #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): number {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(id: number): void {
    this.#timers.delete(id);
  }
  /** Number of timers waiting. */
  get pendingTimers(): number {
    return this.#timers.size;
  }
  /** Moves time forward by `ms`, firing due timers in time order and letting promises run between. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      await settle();
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= target && t.at < nextAt) {
          nextAt = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const t = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.#now = t.at;
      t.fn();
    }
    this.#now = target;
    await settle();
  }
}

/** One recorded request. */
export interface Recorded {
  url: string;
  at: number;
  headers: Headers;
  body: Uint8Array;
}

/** A response script entry: a status (with optional headers), an Error to throw, or a function. */
export type Reply =
  | number
  | { status: number; headers?: Record<string, string>; body?: string }
  | Error
  | ((req: Recorded, signal?: AbortSignal) => Promise<Response>);

/** A fake HTTP client: answers from `script` in order, then with `fallback`. */
export class FakeClient {
  readonly requests: Recorded[] = [];
  readonly script: Reply[];
  fallback: Reply;
  closed = false;
  readonly #clock: Clock;

  constructor(clock: Clock, script: Reply[] = [], fallback: Reply = 204) {
    this.#clock = clock;
    this.script = script;
    this.fallback = fallback;
  }

  fetch(url: string, init: HttpRequestInit): Promise<Response> {
    const req: Recorded = {
      url,
      at: this.#clock.now(),
      headers: new Headers(init.headers),
      body: init.body as Uint8Array,
    };
    this.requests.push(req);
    const r = this.script.length > 0 ? this.script.shift()! : this.fallback;
    if (r instanceof Error) return Promise.reject(r);
    if (typeof r === "function") return r(req, init.signal);
    const spec = typeof r === "number" ? { status: r } : r;
    const body = spec.status === 204 ? null : spec.body ?? "";
    return Promise.resolve(new Response(body, { status: spec.status, headers: spec.headers }));
  }

  close(): void {
    this.closed = true;
  }
}

/** A response that never comes until `signal` aborts (a hanging server). */
export function hang(_req: Recorded, signal?: AbortSignal): Promise<Response> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** Reads one metric's value from a registry's exposition (NaN when absent). */
export function metricValue(reg: MetricsRegistry, id: string): number {
  for (const line of reg.writePrometheus().split("\n")) {
    const sp = line.lastIndexOf(" ");
    if (line.slice(0, sp) === id) return Number(line.slice(sp + 1));
  }
  return NaN;
}

/**
 * `series` (one sample each) as an encoded batch. With `tailCount` > 0 the last
 * `tailCount` labels of the first series become the batch's shared tail, used by
 * every series that ends with the same labels.
 */
export function encodedBatch(series: TimeSeries[], tailCount = 0): EncodedSeriesBatch {
  const n = series.length;
  const tail = tailCount > 0 ? series[0].labels.slice(-tailCount) : [];
  const endsWithTail = (ts: TimeSeries) =>
    tail.length > 0 && ts.labels.length > tail.length &&
    tail.every((l, j) => {
      const x = ts.labels[ts.labels.length - tail.length + j];
      return x.name === l.name && x.value === l.value;
    });
  const own = (ts: TimeSeries) => ts.labels.length - (endsWithTail(ts) ? tail.length : 0);
  let size = 0;
  for (const ts of series) size += encodedLabelsLength(ts.labels, own(ts));
  const b: EncodedSeriesBatch = {
    length: n,
    labelBuf: new Uint8Array(size),
    labelStart: new Int32Array(n),
    labelLen: new Int32Array(n),
    labelCount: new Int32Array(n),
    values: new Float64Array(n),
    timestamps: new Float64Array(n),
  };
  if (tail.length > 0) {
    b.tail = new Uint8Array(encodedLabelsLength(tail));
    encodeLabels(tail, b.tail, 0);
    b.withTail = new Uint8Array(n);
  }
  let p = 0;
  series.forEach((ts, i) => {
    b.labelStart[i] = p;
    p = encodeLabels(ts.labels, b.labelBuf, p, own(ts));
    b.labelLen[i] = p - b.labelStart[i];
    b.labelCount[i] = ts.labels.length;
    if (b.withTail !== undefined) b.withTail[i] = endsWithTail(ts) ? 1 : 0;
    b.values[i] = ts.samples[0].value;
    b.timestamps[i] = ts.samples[0].timestamp;
  });
  return b;
}

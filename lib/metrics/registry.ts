/**
 * Self-metrics registry in the style of VictoriaMetrics' `metrics` package:
 * a metric is named by its full Prometheus identity (`name{label="value"}`),
 * created on first use and written in the Prometheus text format.
 *
 * @module
 */

import { formatValue } from "./format_value.ts";

export { formatValue };

/**
 * A monotonically increasing counter.
 *
 * @example
 * ```ts
 * const c = new Counter();
 * c.inc();
 * c.add(2);
 * c.get(); // 3
 * ```
 */
export class Counter {
  #value = 0;
  /** Adds 1. */
  inc(): void {
    this.#value++;
  }
  /** Adds `n` (must be >= 0). */
  add(n: number): void {
    this.#value += n;
  }
  /** Returns the current value. */
  get(): number {
    return this.#value;
  }
}

/**
 * A gauge: set directly, or read from a callback at exposition time.
 *
 * @example
 * ```ts
 * const g = new Gauge();
 * g.set(5);
 * g.add(-2);
 * g.get(); // 3
 * new Gauge(() => 42).get(); // 42
 * ```
 */
export class Gauge {
  #value = 0;
  readonly #fn?: () => number;
  constructor(fn?: () => number) {
    this.#fn = fn;
  }
  /** Sets the value (ignored when the gauge reads a callback). */
  set(v: number): void {
    this.#value = v;
  }
  /** Adds `n`, which may be negative. */
  add(n: number): void {
    this.#value += n;
  }
  /** Returns the current value. */
  get(): number {
    return this.#fn ? this.#fn() : this.#value;
  }
}

const E10_MIN = -9;
const E10_MAX = 18;
const BUCKETS_PER_DECIMAL = 18;
const DECIMAL_BUCKETS = (E10_MAX - E10_MIN) * BUCKETS_PER_DECIMAL;
const LOWER_RANGE = "0...1.000e-09";
const UPPER_RANGE = "1.000e+18...+Inf";

function formatE(v: number): string {
  // Go's %.3e: mantissa with 3 decimals and an exponent of at least two digits.
  const [m, e] = v.toExponential(3).split("e");
  const sign = e[0] === "-" ? "-" : "+";
  const digits = e.replace(/^[+-]/, "").padStart(2, "0");
  return `${m}e${sign}${digits}`;
}

const VMRANGES: string[] = (() => {
  const out: string[] = [];
  let start = formatE(10 ** E10_MIN);
  for (let i = 0; i < DECIMAL_BUCKETS; i++) {
    const end = formatE(10 ** (E10_MIN + (i + 1) / BUCKETS_PER_DECIMAL));
    out.push(`${start}...${end}`);
    start = end;
  }
  return out;
})();

/**
 * A VictoriaMetrics histogram: log-scale buckets (18 per decimal order), exposed
 * as `name_bucket{vmrange="a...b"}` plus `_sum` and `_count`.
 *
 * @example
 * ```ts
 * const h = new Histogram();
 * h.update(0.25);
 * h.visit((vmrange, n) => console.log(vmrange, n)); // logs "2.448e-01...2.783e-01 1"
 * // returns { sum: 0.25, count: 1 }
 * ```
 */
export class Histogram {
  #buckets = new Map<number, number>();
  #lower = 0;
  #upper = 0;
  #sum = 0;
  #count = 0;

  /** Records one observation; negative and NaN values are ignored, as VictoriaMetrics does. */
  update(v: number): void {
    if (!(v >= 0)) return;
    this.#sum += v;
    this.#count++;
    const idxF = (Math.log10(v) - E10_MIN) * BUCKETS_PER_DECIMAL;
    if (idxF < 0) {
      this.#lower++;
    } else if (idxF >= DECIMAL_BUCKETS) {
      this.#upper++;
    } else {
      let idx = Math.floor(idxF);
      if (idx === idxF && idx > 0) idx--; // upper bounds are inclusive
      this.#buckets.set(idx, (this.#buckets.get(idx) ?? 0) + 1);
    }
  }

  /** Records the seconds elapsed since `startMs`. */
  updateDuration(startMs: number, nowMs: number = Date.now()): void {
    this.update((nowMs - startMs) / 1000);
  }

  /** Visits each non-empty bucket as (vmrange, count), then returns sum and count. */
  visit(fn: (vmrange: string, count: number) => void): { sum: number; count: number } {
    if (this.#lower > 0) fn(LOWER_RANGE, this.#lower);
    for (const idx of [...this.#buckets.keys()].sort((a, b) => a - b)) {
      fn(VMRANGES[idx], this.#buckets.get(idx)!);
    }
    if (this.#upper > 0) fn(UPPER_RANGE, this.#upper);
    return { sum: this.#sum, count: this.#count };
  }
}

type Metric = Counter | Gauge | Histogram;

/** Splits `name{labels}` into the family name and the label text inside the braces. */
function splitName(id: string): [string, string] {
  const i = id.indexOf("{");
  if (i < 0) return [id, ""];
  if (!id.endsWith("}")) throw new TypeError(`metric name ${JSON.stringify(id)} lacks a closing }`);
  return [id.slice(0, i), id.slice(i + 1, -1)];
}

/** Options of {@linkcode MetricsRegistry.writePrometheus}. */
export interface WritePrometheusOptions {
  /**
   * `-metrics.exposeMetadata`: write `# HELP` and `# TYPE` lines once per metric family.
   * @default false
   */
  exposeMetadata?: boolean;
}

/**
 * Returns the family name of a metric identity: the text before `{`.
 *
 * @example
 * ```ts
 * metricFamily('vm_promscrape_scrapes_total{status_code="200"}'); // "vm_promscrape_scrapes_total"
 * ```
 */
export function metricFamily(id: string): string {
  const i = id.indexOf("{");
  return i < 0 ? id : id.slice(0, i);
}

/**
 * Writes the `# HELP` and `# TYPE` lines of a metric family, as VictoriaMetrics does (empty help).
 *
 * @example
 * ```ts
 * metadataLines("vm_promscrape_scrapes_total", "counter");
 * // "# HELP vm_promscrape_scrapes_total\n# TYPE vm_promscrape_scrapes_total counter\n"
 * ```
 */
export function metadataLines(family: string, type: string): string {
  return `# HELP ${family}\n# TYPE ${family} ${type}\n`;
}

function metricType(m: Metric): string {
  if (m instanceof Counter) return "counter";
  if (m instanceof Gauge) return "gauge";
  // VictoriaMetrics histograms have vmrange buckets, not `le`, so they are exposed untyped.
  return "untyped";
}

function writeMetric(id: string, m: Metric, lines: string[]): void {
  if (m instanceof Histogram) {
    const [name, labels] = splitName(id);
    const prefix = labels === "" ? "" : `${labels},`;
    const { sum, count } = m.visit((vmrange, n) => {
      lines.push(`${name}_bucket{${prefix}vmrange="${vmrange}"} ${n}`);
    });
    // An empty histogram writes nothing, as in VictoriaMetrics.
    if (count === 0) return;
    const suffix = labels === "" ? "" : `{${labels}}`;
    lines.push(`${name}_sum${suffix} ${formatValue(sum)}`);
    lines.push(`${name}_count${suffix} ${count}`);
  } else {
    lines.push(`${id} ${formatValue(m.get())}`);
  }
}

/** Orders identities by family first, then by the whole identity, as VictoriaMetrics does. */
function compareIds(a: string, b: string): number {
  const fa = metricFamily(a);
  const fb = metricFamily(b);
  if (fa !== fb) return fa < fb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A set of named metrics, created on first use and written in the Prometheus text format.
 *
 * @example
 * ```ts
 * const r = new MetricsRegistry();
 * r.histogram("vmagent_remotewrite_duration_seconds").update(0.25);
 * r.writePrometheus();
 * // 'vmagent_remotewrite_duration_seconds_bucket{vmrange="2.448e-01...2.783e-01"} 1\n' +
 * // "vmagent_remotewrite_duration_seconds_sum 0.25\n" +
 * // "vmagent_remotewrite_duration_seconds_count 1\n"
 * ```
 */
export class MetricsRegistry {
  #metrics = new Map<string, Metric>();
  #writers: (() => string)[] = [];

  #getOrCreate<T extends Metric>(id: string, make: () => T, kind: new (...a: never[]) => T): T {
    const m = this.#metrics.get(id);
    if (m !== undefined) {
      if (!(m instanceof kind)) {
        throw new TypeError(`metric ${id} is already registered as another type`);
      }
      return m;
    }
    splitName(id);
    const created = make();
    this.#metrics.set(id, created);
    return created;
  }

  /**
   * Returns the counter named `id`, creating it at 0.
   *
   * @example
   * ```ts
   * const r = new MetricsRegistry();
   * r.counter('vm_promscrape_scrapes_total{status_code="200"}').inc();
   * ```
   */
  counter(id: string): Counter {
    return this.#getOrCreate(id, () => new Counter(), Counter);
  }

  /** Returns the gauge named `id`; `fn`, if given on creation, is read at exposition time. */
  gauge(id: string, fn?: () => number): Gauge {
    return this.#getOrCreate(id, () => new Gauge(fn), Gauge);
  }

  /** Returns the VictoriaMetrics histogram named `id`. */
  histogram(id: string): Histogram {
    return this.#getOrCreate(id, () => new Histogram(), Histogram);
  }

  /** Removes the metric named `id`; returns whether it existed. */
  unregister(id: string): boolean {
    return this.#metrics.delete(id);
  }

  /** Returns the names of all registered metrics. */
  names(): string[] {
    return [...this.#metrics.keys()];
  }

  /**
   * Adds a callback whose text (Prometheus format, each line ending in `\n`)
   * is appended after the registered metrics, like VictoriaMetrics' `RegisterMetricsWriter`.
   * Returns a function that removes it again.
   */
  registerWriter(fn: () => string): () => void {
    this.#writers.push(fn);
    return () => {
      const i = this.#writers.indexOf(fn);
      if (i >= 0) this.#writers.splice(i, 1);
    };
  }

  /**
   * Writes every metric in the Prometheus text format: sorted by family, then by
   * identity, then the output of the writers added with {@linkcode registerWriter}.
   *
   * @example
   * ```ts
   * const r = new MetricsRegistry();
   * r.counter('vmagent_rows_inserted_total{type="prometheus"}').add(2);
   * r.writePrometheus(); // 'vmagent_rows_inserted_total{type="prometheus"} 2\n'
   * ```
   */
  writePrometheus(options: WritePrometheusOptions = {}): string {
    const ids = [...this.#metrics.keys()].sort(compareIds);
    let out = "";
    let prevFamily = "";
    const lines: string[] = [];
    for (const id of ids) {
      const m = this.#metrics.get(id)!;
      lines.length = 0;
      writeMetric(id, m, lines);
      if (lines.length === 0) continue;
      if (options.exposeMetadata) {
        const family = metricFamily(id);
        if (family !== prevFamily) {
          out += metadataLines(family, metricType(m));
          prevFamily = family;
        }
      }
      out += lines.join("\n") + "\n";
    }
    for (const w of this.#writers) out += w();
    return out;
  }
}

/**
 * The process-wide registry behind `/metrics`.
 *
 * @example
 * ```ts
 * metrics.counter('vmagent_http_requests_total{path="/targets"}').inc();
 * ```
 */
export const metrics: MetricsRegistry = new MetricsRegistry();

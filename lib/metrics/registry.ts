/**
 * Self-metrics registry in the style of VictoriaMetrics' `metrics` package:
 * a metric is named by its full Prometheus identity (`name{label="value"}`),
 * created on first use and written in the Prometheus text format.
 *
 * @module
 */

import { formatValue } from "./format_value.ts";
import { Histogram, type HistogramState } from "./histogram.ts";
import {
  PROMETHEUS_DEFAULT_BUCKETS,
  PrometheusHistogram,
  type PrometheusHistogramState,
} from "./prometheus_histogram.ts";

export {
  formatValue,
  Histogram,
  type HistogramState,
  PROMETHEUS_DEFAULT_BUCKETS,
  PrometheusHistogram,
  type PrometheusHistogramState,
};

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

type Metric = Counter | Gauge | Histogram | PrometheusHistogram;

/**
 * One metric of a {@linkcode MetricsRegistry.dump}: plain data, so it crosses a Worker's
 * `postMessage`.
 */
export type MetricDump =
  | { id: string; kind: "counter" | "gauge"; value: number }
  | { id: string; kind: "histogram"; state: HistogramState }
  | { id: string; kind: "prometheus_histogram"; state: PrometheusHistogramState };

/** The metric of `d`'s kind holding `d` plus `base` (when `base` is of that kind). */
function mergedMetric(base: Metric | undefined, d: MetricDump): Metric | undefined {
  if (d.kind === "histogram") {
    const h = new Histogram();
    if (base instanceof Histogram) h.merge(base.state());
    else if (base !== undefined) return base;
    h.merge(d.state);
    return h;
  }
  if (d.kind === "prometheus_histogram") {
    if (base !== undefined && !(base instanceof PrometheusHistogram)) return base;
    const h = new PrometheusHistogram(d.state.upperBounds);
    try {
      if (base !== undefined) h.merge(base.state());
    } catch {
      return base; // other bounds: the local metric wins, as for a kind clash
    }
    h.merge(d.state);
    return h;
  }
  const m = d.kind === "counter" ? new Counter() : new Gauge();
  const Kind = d.kind === "counter" ? Counter : Gauge;
  if (base instanceof Kind) m.add(base.get());
  else if (base !== undefined) return base;
  m.add(d.value);
  return m;
}

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
  if (m instanceof PrometheusHistogram) return "histogram";
  // VictoriaMetrics histograms have vmrange buckets, not `le`, so they are exposed untyped.
  return "untyped";
}

function writeMetric(id: string, m: Metric, lines: string[]): void {
  if (m instanceof PrometheusHistogram) {
    const [name, labels] = splitName(id);
    for (const l of m.write(name, labels)) lines.push(l);
  } else if (m instanceof Histogram) {
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
  #sources: (() => readonly MetricDump[])[] = [];

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

  /** Returns the VictoriaMetrics histogram named `id` (`_bucket{vmrange="..."}`). */
  histogram(id: string): Histogram {
    return this.#getOrCreate(id, () => new Histogram(), Histogram);
  }

  /**
   * Returns the Prometheus histogram named `id` (`_bucket{le="..."}`), created with
   * `upperBounds`; a later call gets the existing one, whatever bounds it passes.
   *
   * @example
   * ```ts
   * const r = new MetricsRegistry();
   * r.prometheusHistogram("vmagent_push_seconds", [0.1, 1]).update(0.5);
   * r.writePrometheus();
   * // 'vmagent_push_seconds_bucket{le="0.1"} 0\nvmagent_push_seconds_bucket{le="1"} 1\n' +
   * // 'vmagent_push_seconds_bucket{le="+Inf"} 1\nvmagent_push_seconds_sum 0.5\n' +
   * // "vmagent_push_seconds_count 1\n"
   * ```
   */
  prometheusHistogram(
    id: string,
    upperBounds: readonly number[] = PROMETHEUS_DEFAULT_BUCKETS,
  ): PrometheusHistogram {
    return this.#getOrCreate(id, () => new PrometheusHistogram(upperBounds), PrometheusHistogram);
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
   * Every registered metric as plain data (gauges read now), for another registry's
   * {@linkcode addSource}.
   *
   * @example
   * ```ts
   * const r = new MetricsRegistry();
   * r.counter("vm_promscrape_scrapes_total").add(3);
   * r.dump(); // [{ id: "vm_promscrape_scrapes_total", kind: "counter", value: 3 }]
   * ```
   */
  dump(): MetricDump[] {
    const out: MetricDump[] = [];
    for (const [id, m] of this.#metrics) {
      if (m instanceof Histogram) out.push({ id, kind: "histogram", state: m.state() });
      else if (m instanceof PrometheusHistogram) {
        out.push({ id, kind: "prometheus_histogram", state: m.state() });
      } else out.push({ id, kind: m instanceof Counter ? "counter" : "gauge", value: m.get() });
    }
    return out;
  }

  /**
   * Adds a source of metrics kept elsewhere (a scrape Worker's registry): at exposition
   * time its metrics are added to the registered ones of the same identity and kind
   * (counters, gauges and histogram buckets sum), the others are written as they are.
   * Returns a function that removes it again.
   *
   * @example
   * ```ts
   * const r = new MetricsRegistry();
   * r.counter("vm_promscrape_scrapes_total").add(1);
   * r.addSource(() => [{ id: "vm_promscrape_scrapes_total", kind: "counter", value: 2 }]);
   * r.writePrometheus(); // "vm_promscrape_scrapes_total 3\n"
   * ```
   */
  addSource(fn: () => readonly MetricDump[]): () => void {
    this.#sources.push(fn);
    return () => {
      const i = this.#sources.indexOf(fn);
      if (i >= 0) this.#sources.splice(i, 1);
    };
  }

  /** The registered metrics with the sources' added. */
  #merged(): Map<string, Metric> {
    if (this.#sources.length === 0) return this.#metrics;
    const all = new Map(this.#metrics);
    for (const src of this.#sources) {
      for (const d of src()) {
        const m = mergedMetric(all.get(d.id), d);
        if (m !== undefined) all.set(d.id, m);
      }
    }
    return all;
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
    const all = this.#merged();
    const ids = [...all.keys()].sort(compareIds);
    let out = "";
    let prevFamily = "";
    const lines: string[] = [];
    for (const id of ids) {
      const m = all.get(id)!;
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

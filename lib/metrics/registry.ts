/**
 * Self-metrics registry in the style of VictoriaMetrics' `metrics` package:
 * a metric is named by its full Prometheus identity (`name{label="value"}`),
 * created on first use and written in the Prometheus text format.
 *
 * @module
 */

/** A monotonically increasing counter. */
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

/** A gauge: set directly, or read from a callback at exposition time. */
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

/** Formats a number as Prometheus text does (`+Inf`, `-Inf`, `NaN`, integers without exponent). */
export function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v !== v) return "NaN";
  return String(v);
}

/** A set of named metrics. */
export class MetricsRegistry {
  #metrics = new Map<string, Metric>();

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

  /** Writes every metric in the Prometheus text format, sorted by name. */
  writePrometheus(): string {
    const lines: string[] = [];
    const ids = [...this.#metrics.keys()].sort();
    for (const id of ids) {
      const m = this.#metrics.get(id)!;
      if (m instanceof Histogram) {
        const [name, labels] = splitName(id);
        const prefix = labels === "" ? "" : `${labels},`;
        const { sum, count } = m.visit((vmrange, n) => {
          lines.push(`${name}_bucket{${prefix}vmrange="${vmrange}"} ${n}`);
        });
        const suffix = labels === "" ? "" : `{${labels}}`;
        lines.push(`${name}_sum${suffix} ${formatValue(sum)}`);
        lines.push(`${name}_count${suffix} ${count}`);
      } else {
        lines.push(`${id} ${formatValue(m.get())}`);
      }
    }
    return lines.length === 0 ? "" : lines.join("\n") + "\n";
  }
}

/** The process-wide registry behind `/metrics`. */
export const metrics: MetricsRegistry = new MetricsRegistry();

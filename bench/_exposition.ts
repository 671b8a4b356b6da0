/**
 * Synthetic Prometheus exposition of a realistic shape, shared by the target
 * farm of `bench/e2e.ts` and the micro-benchmarks: counters and gauges with 3 to
 * 6 labels and histograms (buckets, `_sum`, `_count`), with `# HELP` and
 * `# TYPE` lines, whose values move between renders (counters only grow).
 *
 * The series text of every line is built once; a render only formats values,
 * so the farm spends little CPU next to the agent it measures.
 *
 * @module
 */

/** The kind of a series, which decides how its value moves. */
type SeriesKind = "counter" | "gauge" | "bucket" | "sum" | "count";

interface SeriesLine {
  /** `# HELP ...\n# TYPE ...\n` when the line opens a family, else "". */
  header: string;
  /** `name{labels} ` (with the trailing space). */
  prefix: string;
  kind: SeriesKind;
  /** Growth per render step (counters, buckets, sums, counts) or amplitude (gauges). */
  rate: number;
  /** Starting value. */
  base: number;
}

/** A pre-built exposition of `series` lines; see {@linkcode renderExposition}. */
export interface Exposition {
  /** Number of sample lines (what one scrape serves). */
  readonly series: number;
  readonly lines: readonly SeriesLine[];
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];
const STATUSES = ["200", "201", "204", "301", "400", "401", "403", "404", "500", "503"];
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"];
const ZONES = ["a", "b", "c"];
const RESOURCES = ["users", "orders", "invoices", "products", "sessions", "carts", "payments"];
const SERVICES = ["billing", "catalog", "checkout", "identity", "inventory", "search"];
const QUEUES = ["ingest", "email", "webhooks", "exports", "thumbnails"];
const POOLS = ["heap", "stack", "mmap", "buffers", "code_cache", "metaspace"];
const BUCKETS = [
  "0.005",
  "0.01",
  "0.025",
  "0.05",
  "0.1",
  "0.25",
  "0.5",
  "1",
  "2.5",
  "5",
  "10",
  "+Inf",
];
/** Series per histogram: its buckets, `_sum` and `_count`. */
const HISTOGRAM_SERIES = BUCKETS.length + 2;

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length];
}

function pod(i: number): string {
  // A Kubernetes-like pod name: deployment, replica-set hash, pod suffix.
  const h = ((i * 2654435761) >>> 0).toString(36).padStart(7, "0");
  return `api-${h.slice(0, 5)}-${h.slice(2, 7)}`;
}

function family(name: string, type: string, help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

/** Splits `n` series over the families: about a quarter histograms, the rest four families. */
function familySizes(n: number): { histograms: number; rest: [number, number, number, number] } {
  const histograms = n >= 4 * HISTOGRAM_SERIES ? Math.floor((n * 0.26) / HISTOGRAM_SERIES) : 0;
  const left = n - histograms * HISTOGRAM_SERIES;
  const q = Math.floor(left / 4);
  return { histograms, rest: [left - 3 * q, q, q, q] };
}

/**
 * Builds an exposition of exactly `series` sample lines (every label set distinct).
 *
 * @example
 * ```ts
 * const e = buildExposition(1000);
 * const text = renderExposition(e, 0); // 1000 sample lines with HELP/TYPE comments
 * ```
 */
export function buildExposition(series: number): Exposition {
  if (!Number.isInteger(series) || series < 1) {
    throw new RangeError(`series must be a positive integer, got ${series}`);
  }
  const lines: SeriesLine[] = [];
  const sizes = familySizes(series);
  const add = (header: string, prefix: string, kind: SeriesKind, rate: number, base: number) =>
    lines.push({ header, prefix, kind, rate, base });

  // Counter with 4 labels.
  for (let i = 0; i < sizes.rest[0]; i++) {
    const h = i === 0 ? family("http_requests_total", "counter", "Total HTTP requests.") : "";
    const labels = `method="${pick(METHODS, i)}",handler="/api/v1/${pick(RESOURCES, i)}/${i}",` +
      `status="${pick(STATUSES, i >> 1)}",region="${pick(REGIONS, i >> 2)}"`;
    add(h, `http_requests_total{${labels}} `, "counter", 1 + (i % 17), 1000 + i * 37);
  }
  // Counter with 6 labels.
  for (let i = 0; i < sizes.rest[1]; i++) {
    const h = i === 0
      ? family("rpc_client_calls_total", "counter", "RPC calls made by the client.")
      : "";
    const labels = `service="${pick(SERVICES, i)}",method="Get${pick(RESOURCES, i >> 1)}",` +
      `result="${i % 11 === 0 ? "error" : "ok"}",region="${pick(REGIONS, i)}",` +
      `zone="${pick(ZONES, i >> 2)}",pod="${pod(i)}"`;
    add(h, `rpc_client_calls_total{${labels}} `, "counter", 3 + (i % 5), i * 101);
  }
  // Gauge with 3 labels.
  for (let i = 0; i < sizes.rest[2]; i++) {
    const h = i === 0 ? family("memory_pool_bytes", "gauge", "Bytes in use per memory pool.") : "";
    const labels = `pool="${pick(POOLS, i)}_${i}",kind="${i % 2 ? "heap" : "nonheap"}",` +
      `region="${pick(REGIONS, i >> 1)}"`;
    add(h, `memory_pool_bytes{${labels}} `, "gauge", 4096 * (1 + (i % 9)), 1.5e6 + i * 7919);
  }
  // Gauge with 5 labels.
  for (let i = 0; i < sizes.rest[3]; i++) {
    const h = i === 0 ? family("queue_depth", "gauge", "Messages waiting in a queue.") : "";
    const labels = `queue="${pick(QUEUES, i)}",priority="${i % 3}",shard="${i}",` +
      `region="${pick(REGIONS, i >> 2)}",pod="${pod(i + 7)}"`;
    add(h, `queue_depth{${labels}} `, "gauge", 25, 50 + (i % 40));
  }
  // Histograms: 3 labels on buckets (method, handler, le), 2 on _sum and _count.
  const hist = "http_request_duration_seconds";
  for (let i = 0; i < sizes.histograms; i++) {
    const labels = `method="${pick(METHODS, i)}",handler="/api/v1/${pick(RESOURCES, i)}/${i}"`;
    const h = i === 0 ? family(hist, "histogram", "HTTP request latency.") : "";
    for (let b = 0; b < BUCKETS.length; b++) {
      add(
        b === 0 ? h : "",
        `${hist}_bucket{${labels},le="${BUCKETS[b]}"} `,
        "bucket",
        b + 1,
        b * 40,
      );
    }
    add("", `${hist}_sum{${labels}} `, "sum", 0.37 * BUCKETS.length, 123.456 + i);
    add("", `${hist}_count{${labels}} `, "count", BUCKETS.length, BUCKETS.length * 40);
  }
  return { series: lines.length, lines };
}

/**
 * Renders the exposition as it is at render `step` (0, 1, 2, ...): counters,
 * buckets, sums and counts grow with the step; gauges move up and down.
 */
export function renderExposition(e: Exposition, step: number): string {
  let out = "";
  const lines = e.lines;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    let v: number;
    switch (l.kind) {
      case "gauge":
        v = Math.round(l.base + l.rate * Math.sin(step * 0.7 + i) * 1000) / 1000;
        break;
      case "sum":
        v = l.base + l.rate * step + (i % 7) * 0.001;
        break;
      default:
        v = l.base + l.rate * step;
    }
    out += l.header + l.prefix + v + "\n";
  }
  return out;
}

/**
 * What one agent run measured, and the tables `e2e.ts` prints: one per run,
 * one comparing the agents on a load (with ours/vmagent ratios), and a summary.
 *
 * @module
 */
import type { AgentName } from "./_agent.ts";
import { describeLoad, type Load } from "./_options.ts";

/** The figures of one agent on one load, over the measured window. */
export interface RunResult {
  agent: AgentName;
  load: Load;
  windowSeconds: number;
  /** Wait after the window until its scrapes reached the sink (capped). */
  drainSeconds: number;
  /** Samples the farm served per second. */
  servedPerSecond: number;
  /** Samples that reached the sink per second (including the agent's auto series). */
  deliveredPerSecond: number;
  /**
   * Samples other than auto series timestamped in the window that reached the sink
   * by the end of the drain pause, over what the scrapes behind them served (the
   * farm serves exactly `series` lines per scrape, so that is `series` times the
   * successful scrapes timestamped in the window). Scrapes never made show in
   * `missedByGaps` and `scrapesDelivered`.
   */
  deliveredRatio: number;
  cpuSeconds: number;
  /** CPU seconds per second of window (1 = one core busy). */
  cpuCores: number;
  /** CPU seconds per million delivered samples. */
  cpuPerMillion: number;
  rssEndMiB: number;
  /** Largest RSS sampled once a second during the window. */
  rssPeakMiB: number;
  /** Kernel's peak RSS (VmHWM) over the agent's life. */
  hwmMiB: number;
  threads: number;
  /** Heap in use at the end of the window (ours: V8 heap used; vmagent: Go heap in use), NaN if unread. */
  heapInUseMiB: number;
  /** Heap reserved at the end (ours: V8 heap total; vmagent: Go heap sys). */
  heapReservedMiB: number;
  /** Buffers outside the heap at the end (ours: V8 external memory; NaN for vmagent). */
  externalMiB: number;
  wireBytesPerSample: number;
  rawBytesPerSample: number;
  requestsPerSecond: number;
  samplesPerRequest: number;
  scrapeP50ms: number;
  scrapeP99ms: number;
  lagP50s: number;
  lagP99s: number;
  scrapesExpected: number;
  scrapesServed: number;
  scrapesDelivered: number;
  failedScrapes: number;
  /** Expected minus served scrapes (negative when window edges favour the agent). */
  missedScrapes: number;
  /** Scrapes missing from gaps over 1.5 intervals between a target's scrapes. */
  missedByGaps: number;
  staleMarkers: number;
  sinkErrors: number;
  /** CPU of the harness (farm + sink threads), cores. */
  harnessCores: number;
  /** Whole-machine busy share during the window, percent of all cores. */
  machineBusyPercent: number;
  loadAverage: number;
}

interface Row {
  label: string;
  get: (r: RunResult) => number;
  digits: number;
  /** Print an ours/vmagent ratio for this row. */
  ratio?: boolean;
}

const ROWS: Row[] = [
  { label: "samples/s served by the farm", get: (r) => r.servedPerSecond, digits: 0 },
  {
    label: "samples/s arriving at the sink",
    get: (r) => r.deliveredPerSecond,
    digits: 0,
    ratio: true,
  },
  {
    label: "samples delivered/served, scrapes in window",
    get: (r) => r.deliveredRatio,
    digits: 4,
    ratio: true,
  },
  { label: "CPU cores used (window)", get: (r) => r.cpuCores, digits: 3, ratio: true },
  { label: "CPU seconds per 1M samples", get: (r) => r.cpuPerMillion, digits: 3, ratio: true },
  { label: "RSS at end of window, MiB", get: (r) => r.rssEndMiB, digits: 1, ratio: true },
  {
    label: "RSS peak in window (1s samples), MiB",
    get: (r) => r.rssPeakMiB,
    digits: 1,
    ratio: true,
  },
  { label: "RSS peak (VmHWM), MiB", get: (r) => r.hwmMiB, digits: 1, ratio: true },
  { label: "threads", get: (r) => r.threads, digits: 0 },
  { label: "heap in use at end, MiB", get: (r) => r.heapInUseMiB, digits: 1, ratio: true },
  { label: "heap reserved at end, MiB", get: (r) => r.heapReservedMiB, digits: 1, ratio: true },
  { label: "external buffers at end, MiB", get: (r) => r.externalMiB, digits: 1 },
  { label: "wire bytes/sample (snappy)", get: (r) => r.wireBytesPerSample, digits: 2, ratio: true },
  { label: "protobuf bytes/sample", get: (r) => r.rawBytesPerSample, digits: 2, ratio: true },
  { label: "remote write requests/s", get: (r) => r.requestsPerSecond, digits: 2, ratio: true },
  { label: "samples/request", get: (r) => r.samplesPerRequest, digits: 0, ratio: true },
  { label: "scrape duration p50, ms", get: (r) => r.scrapeP50ms, digits: 2, ratio: true },
  { label: "scrape duration p99, ms", get: (r) => r.scrapeP99ms, digits: 2, ratio: true },
  { label: "delivery lag p50 (up sample), s", get: (r) => r.lagP50s, digits: 2, ratio: true },
  { label: "delivery lag p99 (up sample), s", get: (r) => r.lagP99s, digits: 2, ratio: true },
  { label: "scrapes expected in window", get: (r) => r.scrapesExpected, digits: 0 },
  { label: "scrapes served by the farm", get: (r) => r.scrapesServed, digits: 0 },
  { label: "scrapes delivered (up samples)", get: (r) => r.scrapesDelivered, digits: 0 },
  { label: "failed scrapes (up=0)", get: (r) => r.failedScrapes, digits: 0 },
  { label: "missed scrapes (expected - served)", get: (r) => r.missedScrapes, digits: 0 },
  { label: "missed scrapes (gaps > 1.5 intervals)", get: (r) => r.missedByGaps, digits: 0 },
  { label: "wait for the window's samples after it, s", get: (r) => r.drainSeconds, digits: 0 },
  { label: "staleness markers", get: (r) => r.staleMarkers, digits: 0 },
  { label: "sink errors", get: (r) => r.sinkErrors, digits: 0 },
  { label: "harness CPU cores (farm + sink)", get: (r) => r.harnessCores, digits: 3 },
  { label: "machine busy, % of all cores", get: (r) => r.machineBusyPercent, digits: 1 },
  { label: "load average (1m) at end", get: (r) => r.loadAverage, digits: 2 },
];

/** Formats `n` with `digits` decimals ("-" for NaN). */
export function formatNumber(n: number, digits: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? "-" : String(n);
  return n.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** The table of one run. */
export function formatRun(r: RunResult): string {
  const title = `${r.agent}: ${describeLoad(r.load)}, window ${r.windowSeconds}s`;
  return `${title}\n${
    table(["metric", r.agent], ROWS.map((row) => [row.label, formatNumber(row.get(r), row.digits)]))
  }`;
}

/** The comparison of ours and vmagent on one load, with ours/vmagent ratios. */
export function formatComparison(ours: RunResult, vm: RunResult): string {
  const rows = ROWS.map((row) => {
    const a = row.get(ours);
    const b = row.get(vm);
    const ratio = row.ratio ? formatNumber(a / b, 2) : "";
    return [row.label, formatNumber(a, row.digits), formatNumber(b, row.digits), ratio];
  });
  return `ours vs vmagent: ${describeLoad(ours.load)}\n${
    table(["metric", "ours", "vmagent", "ours/vmagent"], rows)
  }`;
}

/** One line per run with the headline figures. */
export function formatSummary(results: readonly RunResult[]): string {
  const header = [
    "load",
    "agent",
    "served/s",
    "delivered/s",
    "cores",
    "CPU s/1M",
    "RSS peak MiB",
    "B/sample",
    "scrape p50 ms",
    "p99 ms",
    "missed",
  ];
  const rows = results.map((r) => [
    `${r.load.targets}x${r.load.series}/${r.load.intervalMs / 1000}s`,
    r.agent,
    formatNumber(r.servedPerSecond, 0),
    formatNumber(r.deliveredPerSecond, 0),
    formatNumber(r.cpuCores, 3),
    formatNumber(r.cpuPerMillion, 3),
    formatNumber(r.hwmMiB, 1),
    formatNumber(r.wireBytesPerSample, 2),
    formatNumber(r.scrapeP50ms, 2),
    formatNumber(r.scrapeP99ms, 2),
    formatNumber(r.missedScrapes, 0),
  ]);
  return `summary\n${table(header, rows)}`;
}

/**
 * Test helpers for the scraper: a collecting sink that renders series as text,
 * a tiny stand-in for metric relabeling, and fake timers.
 *
 * @module
 */
import type { Label, Sink, TimeSeries } from "../../lib/util/series.ts";
import { isStaleNaN } from "../../lib/util/series.ts";
import { labelsToString } from "../../lib/util/labels.ts";
import type { RelabelRule } from "../../lib/relabel/types.ts";
import type { Timers } from "../../lib/scrape/scrape_loop.ts";
import type { ScrapeConfig } from "../../lib/config/types.ts";
import type { ScrapeTarget } from "../../lib/targets/types.ts";

/** Renders one sample as `name{labels} value timestamp`, `STALE` for staleness markers. */
export function renderSample(labels: readonly Label[], value: number, timestamp: number): string {
  const v = isStaleNaN(value) ? "STALE" : Number.isNaN(value) ? "NaN" : String(value);
  return `${labelsToString(labels)} ${v} ${timestamp}`;
}

/** A sink that keeps every pushed batch. */
export class CollectingSink implements Sink {
  batches: TimeSeries[][] = [];
  push(series: TimeSeries[]): boolean {
    this.batches.push(series);
    return true;
  }
  /** All samples rendered, in push order. */
  lines(): string[] {
    const out: string[] = [];
    for (const b of this.batches) {
      for (const ts of b) {
        for (const s of ts.samples) out.push(renderSample(ts.labels, s.value, s.timestamp));
      }
    }
    return out;
  }
  /** Rendered samples whose metric name is `name`. */
  linesOf(name: string): string[] {
    return this.lines().filter((l) => l.startsWith(name + "{") || l.startsWith(name + " "));
  }
  /** The value of the auto series `name` in the last push that has it. */
  value(name: string): number | undefined {
    for (let i = this.batches.length - 1; i >= 0; i--) {
      for (const ts of this.batches[i]) {
        if (ts.labels[0]?.name === "__name__" && ts.labels[0].value === name) {
          return ts.samples[0].value;
        }
      }
    }
    return undefined;
  }
  clear(): void {
    this.batches = [];
  }
}

/** A fake rule for {@linkcode testRelabel}: drop by name, or set/drop a label. */
export function fakeRule(
  spec: { dropName?: string; set?: [string, string]; dropLabel?: string; dropAll?: boolean },
): RelabelRule {
  return { action: "test", source: {}, ...spec } as unknown as RelabelRule;
}

/** Interprets {@linkcode fakeRule}s (the real relabeling lives in lib/relabel). */
export function testRelabel(rules: RelabelRule[], labels: Label[]): Label[] {
  let out = labels.slice();
  for (
    const r of rules as unknown as {
      dropName?: string;
      set?: [string, string];
      dropLabel?: string;
      dropAll?: boolean;
    }[]
  ) {
    if (r.dropAll) return [];
    if (
      r.dropName !== undefined && out.some((l) => l.name === "__name__" && l.value === r.dropName)
    ) return [];
    if (r.dropLabel !== undefined) out = out.filter((l) => l.name !== r.dropLabel);
    if (r.set !== undefined) {
      const [n, v] = r.set;
      const i = out.findIndex((l) => l.name === n);
      if (i >= 0) out[i] = { name: n, value: v };
      else out.push({ name: n, value: v });
    }
  }
  return out;
}

/** Fake timers driven by {@linkcode FakeClock.advance}. */
export class FakeClock implements Timers {
  now = 0;
  #seq = 0;
  #timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.now + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(id: unknown): void {
    this.#timers.delete(id as number);
  }
  /** Pending timer deadlines, sorted. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.at).sort((a, b) => a - b);
  }
  /** Runs due timers in order up to `now + ms`, letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      let nextId = -1;
      let next = Infinity;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && t.at < next) {
          next = t.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const t = this.#timers.get(nextId)!;
      this.#timers.delete(nextId);
      this.now = Math.max(this.now, t.at);
      t.fn();
      await settle();
    }
    this.now = end;
    await settle();
  }
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

/** A scrape config with vmagent's defaults, for tests. */
export function makeConfig(over: Partial<ScrapeConfig> = {}): ScrapeConfig {
  return {
    jobName: "job",
    scrapeInterval: 60_000,
    scrapeTimeout: 10_000,
    metricsPath: "/metrics",
    scheme: "http",
    params: [],
    honorLabels: false,
    honorTimestamps: false,
    http: { headers: [], followRedirects: true },
    relabelConfigs: [],
    metricRelabelConfigs: [],
    sampleLimit: 0,
    seriesLimit: 0,
    labelLimit: 0,
    maxScrapeSize: 0,
    scrapeAlignInterval: 0,
    scrapeOffset: 0,
    streamParse: false,
    disableCompression: false,
    disableKeepalive: false,
    noStaleMarkers: false,
    staticConfigs: [],
    fileSdConfigs: [],
    kubernetesSdConfigs: [],
    ...over,
  };
}

/** A scrape target for `url` with instance/job labels, for tests. */
export function makeTarget(url: string, over: Partial<ScrapeTarget> = {}): ScrapeTarget {
  const u = new URL(url);
  const config = over.config ?? makeConfig();
  return {
    key: `key:${url}`,
    id: `id:${url}`,
    job: config.jobName,
    scrapeUrl: url,
    labels: [{ name: "instance", value: u.host }, { name: "job", value: config.jobName }],
    discoveredLabels: [],
    scrapeInterval: config.scrapeInterval,
    scrapeTimeout: config.scrapeTimeout,
    seriesLimit: 0,
    sampleLimit: 0,
    streamParse: false,
    config,
    ...over,
  };
}

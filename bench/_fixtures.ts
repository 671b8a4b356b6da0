/**
 * Inputs shared by the micro-benchmarks: one target's scrape of the synthetic
 * exposition (1000 series by default), its series with target labels, and the
 * remote write bodies made of them.
 *
 * @module
 */
import { applyRelabeling } from "../lib/relabel/mod.ts";
import { parsePrometheusText } from "../lib/scrape/parser.ts";
import type { TargetProcessorConfig } from "../lib/scrape/target_processor.ts";
import type { Label, TimeSeries } from "../lib/util/series.ts";
import { buildExposition, renderExposition } from "./_exposition.ts";

/** Series per scrape in the micro-benchmarks. */
export const SERIES = 1000;

const exposition = buildExposition(SERIES);

/** Two successive scrapes of one target (values differ, series are the same). */
export const SCRAPE_TEXTS: readonly [string, string] = [
  renderExposition(exposition, 1),
  renderExposition(exposition, 2),
];

/** The target labels vmagent adds (sorted, no `__` labels). */
export const TARGET_LABELS: readonly Label[] = [
  { name: "instance", value: "10.1.2.3:9100" },
  { name: "job", value: "kubernetes-pods" },
];

/** The label sets of one scrape as the scraper hands them on: `__name__`, scraped labels, target labels. */
export function scrapeLabelSets(): Label[][] {
  return parsePrometheusText(SCRAPE_TEXTS[0]).rows.map((r) => [
    { name: "__name__", value: r.metric },
    ...r.labels,
    ...TARGET_LABELS,
  ]);
}

/** `n` scrapes' worth of series (one sample each), `SERIES` per scrape, from distinct targets. */
export function scrapeSeries(n = 1): TimeSeries[] {
  const sets = scrapeLabelSets();
  const out: TimeSeries[] = [];
  const ts = 1_700_000_000_000;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < sets.length; i++) {
      const labels = k === 0
        ? sets[i]
        : sets[i].map((l) =>
          l.name === "instance" ? { name: l.name, value: `10.1.2.${3 + k}:9100` } : l
        );
      out.push({ labels, samples: [{ value: i * 1.5 + k, timestamp: ts + k * 15 }] });
    }
  }
  return out;
}

/** A target's processing settings: vmagent's defaults, no relabeling, `instance` and `job` labels. */
export function targetConfig(instance = "10.1.2.3:9100"): TargetProcessorConfig {
  return {
    scrapeUrl: `http://${instance}/metrics`,
    targetLabels: [{ name: "instance", value: instance }, TARGET_LABELS[1]],
    externalLabels: [],
    honorLabels: false,
    honorTimestamps: false,
    metricRelabelConfigs: [],
    labelLimit: 0,
    relabel: applyRelabeling,
    sampleLimit: 0,
    seriesLimit: 0,
    scrapeTimeoutSeconds: 10,
    noStaleMarkers: false,
  };
}

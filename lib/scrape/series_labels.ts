/**
 * Builds the final labels of a scraped series as vmagent does: the metric name,
 * the scraped labels, the target labels merged with `honor_labels` semantics,
 * `metric_relabel_configs`, removal of `__` labels, then `global.external_labels`
 * (merged the same way), then `label_limit`.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import type { RelabelRule } from "../relabel/types.ts";
import type { ParsedSeries } from "./parse_series.ts";
import { isAutoMetric } from "./auto_metrics.ts";

/** Applies compiled relabeling rules; returns [] when the series is dropped. */
export type RelabelFn = (rules: RelabelRule[], labels: Label[]) => Label[];

/** What {@linkcode buildSeriesLabels} needs from the target. */
export interface SeriesLabelsConfig {
  /** Target labels (no `__` labels), sorted. */
  targetLabels: readonly Label[];
  /** `global.external_labels`, sorted. */
  externalLabels: readonly Label[];
  honorLabels: boolean;
  metricRelabelConfigs: RelabelRule[];
  labelLimit: number;
  relabel: RelabelFn;
}

/**
 * The marker {@linkcode buildSeriesLabels} returns when the series has more labels than
 * `label_limit` (vmagent then skips the whole scrape).
 *
 * @example
 * ```ts
 * const labels = buildSeriesLabels({ metric: "foo", labels: [] }, { ...cfg, labelLimit: 1 });
 * // taken: with the target and external labels of `cfg` (see below), foo has 4 labels
 * if (labels === LABEL_LIMIT_EXCEEDED) onLimitExceeded("label_limit");
 * ```
 */
export const LABEL_LIMIT_EXCEEDED: unique symbol = Symbol("LABEL_LIMIT_EXCEEDED");

function indexOfName(labels: Label[], from: number, to: number, name: string): number {
  for (let i = from; i < to; i++) if (labels[i].name === name) return i;
  return -1;
}

/**
 * Appends `extra` to `dst`, resolving clashes with labels already in
 * `dst` as Prometheus and vmagent do: with `honorLabels` the existing label wins;
 * otherwise the existing one is renamed `exported_<name>` (an existing
 * `exported_<name>` becoming `exported_exported_<name>`) and the extra one is added.
 *
 * @example
 * ```ts
 * appendExtraLabels([{ name: "a", value: "b" }], [{ name: "a", value: "d" }], false);
 * // [{ name: "exported_a", value: "b" }, { name: "a", value: "d" }]
 * ```
 */
export function appendExtraLabels(
  dst: Label[],
  extra: readonly Label[],
  honorLabels: boolean,
): Label[] {
  const end = dst.length;
  for (const l of extra) {
    // Label objects are shared, never mutated: a renamed label is a new object.
    const prev = end === 0 ? -1 : indexOfName(dst, 0, end, l.name);
    if (prev < 0) {
      dst.push(l);
      continue;
    }
    if (honorLabels) continue;
    const exportedName = "exported_" + l.name;
    const exported = indexOfName(dst, 0, end, exportedName);
    if (exported >= 0) {
      dst[exported] = { name: "exported_" + exportedName, value: dst[exported].value };
    }
    dst[prev] = { name: exportedName, value: dst[prev].value };
    dst.push(l);
  }
  return dst;
}

/** Drops labels with an empty name or value (vmagent does so after metric relabeling). */
function removeEmpty(labels: Label[]): Label[] {
  for (const l of labels) {
    if (l.name === "" || l.value === "") {
      return labels.filter((x) => x.name !== "" && x.value !== "");
    }
  }
  return labels;
}

/** Drops `__`-prefixed labels except `__name__`. */
function finalize(labels: Label[]): Label[] {
  for (const l of labels) {
    if (l.name.startsWith("__") && l.name !== "__name__") {
      return labels.filter((x) => !x.name.startsWith("__") || x.name === "__name__");
    }
  }
  return labels;
}

/**
 * Returns the final labels of a scraped series, `null` when metric relabeling
 * drops it, or {@linkcode LABEL_LIMIT_EXCEEDED}.
 *
 * @example
 * ```ts
 * const cfg: SeriesLabelsConfig = {
 *   targetLabels: [{ name: "instance", value: "h:9100" }, { name: "job", value: "node" }],
 *   externalLabels: [{ name: "dc", value: "eu" }],
 *   honorLabels: false,
 *   metricRelabelConfigs: [],
 *   labelLimit: 0,
 *   relabel: applyRelabeling,
 * };
 * buildSeriesLabels({ metric: "foo", labels: [{ name: "job", value: "x" }] }, cfg);
 * // [{ name: "__name__", value: "foo" }, { name: "exported_job", value: "x" },
 * //  { name: "instance", value: "h:9100" }, { name: "job", value: "node" }, { name: "dc", value: "eu" }]
 * buildSeriesLabels({ metric: "up", labels: [] }, cfg)?.[0]; // { name: "__name__", value: "exported_up" }
 * ```
 */
export function buildSeriesLabels(
  series: ParsedSeries,
  cfg: SeriesLabelsConfig,
): Label[] | null | typeof LABEL_LIMIT_EXCEEDED {
  let metric = series.metric;
  // A scraped series named like an auto series, without labels, is renamed unless
  // honor_labels is set (vmagent #3557, #3406).
  if (!cfg.honorLabels && series.labels.length === 0 && isAutoMetric(metric)) {
    metric = "exported_" + metric;
  }
  let labels: Label[] = [{ name: "__name__", value: metric }];
  for (const l of series.labels) labels.push(l);
  appendExtraLabels(labels, cfg.targetLabels, cfg.honorLabels);
  if (cfg.metricRelabelConfigs.length > 0) {
    labels = cfg.relabel(cfg.metricRelabelConfigs, labels);
    if (labels.length === 0) return null;
  }
  labels = finalize(removeEmpty(labels));
  if (labels.length === 0) return null;
  if (cfg.externalLabels.length > 0) {
    appendExtraLabels(labels, cfg.externalLabels, cfg.honorLabels);
  }
  if (cfg.labelLimit > 0 && labels.length > cfg.labelLimit) return LABEL_LIMIT_EXCEEDED;
  return labels;
}

/**
 * Labels of an auto series: the name, the target labels, then external labels
 * (never relabeled). Returns undefined when they exceed `label_limit`.
 *
 * @example
 * ```ts
 * autoSeriesLabels("up", cfg); // cfg as in buildSeriesLabels' example
 * // [{ name: "__name__", value: "up" }, { name: "instance", value: "h:9100" },
 * //  { name: "job", value: "node" }, { name: "dc", value: "eu" }]
 * autoSeriesLabels("up", { ...cfg, labelLimit: 2 }); // undefined
 * ```
 */
export function autoSeriesLabels(name: string, cfg: SeriesLabelsConfig): Label[] | undefined {
  const labels: Label[] = [{ name: "__name__", value: name }];
  appendExtraLabels(labels, cfg.targetLabels, cfg.honorLabels);
  const out = finalize(labels);
  appendExtraLabels(out, cfg.externalLabels, cfg.honorLabels);
  if (cfg.labelLimit > 0 && out.length > cfg.labelLimit) return undefined;
  return out;
}

/**
 * A key for a label set that does not depend on label order, used to treat
 * `foo{a="1",b="2"}` and `foo{b="2",a="1"}` as the same series.
 *
 * @example
 * ```ts
 * const a = { name: "a", value: "1" }, b = { name: "b", value: "2" };
 * seriesKey([a, b]) === seriesKey([b, a]); // true
 * seriesKey([a]); // "a\u00001:1" (name, NUL, value length, ":", value)
 * ```
 */
export function seriesKey(labels: readonly Label[]): string {
  let sorted = labels;
  for (let i = 1; i < labels.length; i++) {
    if (labels[i - 1].name > labels[i].name) {
      sorted = labels.slice().sort(byName);
      break;
    }
  }
  let k = "";
  for (let i = 0; i < sorted.length; i++) {
    const l = sorted[i];
    k += l.name + "\u0000" + l.value.length + ":" + l.value;
  }
  return k;
}

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

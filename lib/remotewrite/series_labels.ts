/**
 * Label changes remote write applies to series before batching: relabeling
 * (`-remoteWrite.relabelConfig`, `-remoteWrite.urlRelabelConfig`) and extra labels
 * (`-remoteWrite.label`). Inputs are never modified: several URLs share them.
 *
 * @module
 */
import type { RelabelRule } from "../relabel/types.ts";
import type { Label, TimeSeries } from "../util/series.ts";

/** Applies compiled rules to a label list (the caller's copy); returns the result, empty = drop. */
export type ApplyRelabeling = (rules: readonly RelabelRule[], labels: Label[]) => Label[];

/**
 * Parses `-remoteWrite.label` values (`name=value`); empty items are skipped.
 *
 * @throws {Error} naming the bad item when it has no `=`.
 *
 * @example
 * ```ts
 * parseExtraLabels(["dc=eu1", "env=prod=1"]); // [{name:"dc",value:"eu1"}, {name:"env",value:"prod=1"}]
 * ```
 */
export function parseExtraLabels(items: readonly string[]): Label[] {
  const out: Label[] = [];
  for (const s of items) {
    if (s === "") continue;
    const n = s.indexOf("=");
    if (n < 0) {
      throw new Error(
        `missing '=' in -remoteWrite.label; it must contain a label in the form name=value; got ${
          JSON.stringify(s)
        }`,
      );
    }
    out.push({ name: s.slice(0, n), value: s.slice(n + 1) });
  }
  return out;
}

/**
 * Relabels each series with `rules`, then removes empty labels and `__`-prefixed ones
 * except `__name__` (vmagent's `FinalizeLabels`); series left without labels are dropped.
 *
 * @example
 * ```ts
 * const kept = relabelSeries(series, rules, applyRelabeling);
 * ```
 */
export function relabelSeries(
  series: readonly TimeSeries[],
  rules: readonly RelabelRule[],
  apply: ApplyRelabeling,
): TimeSeries[] {
  const out: TimeSeries[] = [];
  for (let i = 0; i < series.length; i++) {
    const ts = series[i];
    const relabeled = apply(rules, ts.labels.slice());
    const labels: Label[] = [];
    for (let j = 0; j < relabeled.length; j++) {
      const l = relabeled[j];
      if (l.name === "" || l.value === "") continue;
      if (l.name.charCodeAt(0) === 95 && l.name.charCodeAt(1) === 95 && l.name !== "__name__") {
        continue;
      }
      labels.push(l);
    }
    if (labels.length > 0) out.push({ labels, samples: ts.samples });
  }
  return out;
}

/**
 * Returns the series with `extra` labels set: an existing label of the same name
 * gets the new value in place, others are appended (vmagent HEAD, per URL at the end).
 * The input series and label arrays are not modified.
 *
 * @example
 * ```ts
 * withExtraLabels(
 *   [{ labels: [{ name: "__name__", value: "up" }, { name: "dc", value: "us" }], samples }],
 *   [{ name: "dc", value: "eu" }, { name: "env", value: "prod" }],
 * );
 * // [{ labels: [__name__="up", dc="eu", env="prod"], samples }]
 * ```
 */
export function withExtraLabels(
  series: readonly TimeSeries[],
  extra: readonly Label[],
): TimeSeries[] {
  const out: TimeSeries[] = new Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const ts = series[i];
    const labels = ts.labels.slice();
    for (const e of extra) {
      let found = false;
      for (let j = 0; j < labels.length; j++) {
        if (labels[j].name === e.name) {
          labels[j] = e;
          found = true;
          break;
        }
      }
      if (!found) labels.push(e);
    }
    out[i] = { labels, samples: ts.samples };
  }
  return out;
}

/**
 * Adds up the samples of all `series`.
 *
 * @example
 * ```ts
 * countSamples([{ labels, samples: [{ value: 1, timestamp: 1 }, { value: 2, timestamp: 2 }] }]); // 2
 * ```
 */
export function countSamples(series: readonly TimeSeries[]): number {
  let n = 0;
  for (let i = 0; i < series.length; i++) n += series[i].samples.length;
  return n;
}

/**
 * The labels a discovered target starts with, before `relabel_configs`, in current
 * vmagent's order (`mergeLabels` in lib/promscrape/config.go; reference 1.2 and 6.4).
 *
 * @module
 */
import type { ScrapeConfig } from "../config/types.ts";
import type { Label } from "../util/series.ts";
import { formatGoDuration } from "../util/duration.ts";

/**
 * Merges the initial target labels: `job`, `__address__`, `__scheme__`, `__metrics_path__`,
 * `__scrape_interval__`, `__scrape_timeout__` (Go duration text), `__param_<name>` (the first
 * value of each `params` entry that has one), then the group's labels (meta labels included);
 * then sorts them by name, keeping the last label of each name.
 *
 * @example
 * ```ts
 * mergeLabels(job, "10.0.0.1:9100", [["env", "prod"]]).map((l) => l.name);
 * // ["__address__", "__metrics_path__", "__scheme__", "__scrape_interval__", "__scrape_timeout__", "env", "job"]
 * ```
 */
export function mergeLabels(
  job: ScrapeConfig,
  target: string,
  groupLabels: readonly (readonly [string, string])[],
): Label[] {
  const out: Label[] = [
    { name: "job", value: job.jobName },
    { name: "__address__", value: target },
    { name: "__scheme__", value: job.scheme },
    { name: "__metrics_path__", value: job.metricsPath },
    { name: "__scrape_interval__", value: formatGoDuration(job.scrapeInterval) },
    { name: "__scrape_timeout__", value: formatGoDuration(job.scrapeTimeout) },
  ];
  for (const [name, values] of job.params) {
    if (values.length > 0) out.push({ name: "__param_" + name, value: values[0] });
  }
  for (const [name, value] of groupLabels) out.push({ name, value });
  return sortDedupeKeepLast(out);
}

/**
 * Stable-sorts labels by name (byte order) and keeps the last label of each name, as
 * vmagent's `Labels.RemoveDuplicates`. Returns the same array, shortened.
 *
 * @example
 * ```ts
 * sortDedupeKeepLast([{ name: "b", value: "1" }, { name: "a", value: "2" }, { name: "b", value: "3" }]);
 * // [{ name: "a", value: "2" }, { name: "b", value: "3" }]
 * ```
 */
export function sortDedupeKeepLast(labels: Label[]): Label[] {
  // Array.prototype.sort is stable.
  labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (n > 0 && labels[n - 1].name === labels[i].name) labels[n - 1] = labels[i];
    else labels[n++] = labels[i];
  }
  labels.length = n;
  return labels;
}

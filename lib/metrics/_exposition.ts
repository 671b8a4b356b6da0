/**
 * Private helper: one sample line of a metric written outside the registry
 * (process, app and flag metrics), with the optional `# HELP`/`# TYPE` lines.
 *
 * @module
 */

import { metadataLines, metricFamily } from "./registry.ts";
import { formatGoFloat, formatValue } from "./format_value.ts";

/** The metric types VictoriaMetrics writes in `# TYPE` lines. */
export type MetricType = "counter" | "gauge";

/**
 * Returns `name value\n`, preceded by metadata when `exposeMetadata` is set.
 * `float` selects Go's `%g` (VictoriaMetrics' WriteCounterFloat64) over integer digits.
 *
 * @example
 * ```ts
 * sampleLine("process_open_fds", "gauge", 12); // "process_open_fds 12\n"
 * sampleLine("process_cpu_seconds_total", "counter", 1.5, { float: true, exposeMetadata: true });
 * // "# HELP process_cpu_seconds_total\n# TYPE process_cpu_seconds_total counter\n" +
 * // "process_cpu_seconds_total 1.5\n"
 * ```
 */
export function sampleLine(
  name: string,
  type: MetricType,
  value: number | bigint,
  opts: { exposeMetadata?: boolean; float?: boolean } = {},
): string {
  const meta = opts.exposeMetadata ? metadataLines(metricFamily(name), type) : "";
  const text = typeof value === "bigint"
    ? value.toString()
    : opts.float
    ? formatGoFloat(value)
    : formatValue(Math.max(0, Math.trunc(value)));
  return `${meta}${name} ${text}\n`;
}

/**
 * Escapes a label value for the Prometheus text format (`\\`, `"`, newline).
 *
 * @example
 * ```ts
 * escapeLabelValue('say "hi"\n'); // 'say \\"hi\\"\\n'
 * ```
 */
export function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

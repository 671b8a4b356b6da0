/**
 * Relabeling with vmagent HEAD semantics: compile `relabel_configs` once with
 * {@linkcode parseRelabelConfigs}, apply them to label lists with
 * {@linkcode applyRelabeling}.
 *
 * @example
 * ```ts
 * import { applyRelabeling, parseRelabelConfigs } from "./mod.ts";
 *
 * const rules = parseRelabelConfigs([
 *   { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
 *   { if: '{__name__=~"go_.*"}', action: "drop" },
 * ]);
 * applyRelabeling(rules, [{ name: "__name__", value: "up" }]);
 * ```
 *
 * @module
 */
export { parseRelabelConfigs } from "./parse_relabel_configs.ts";
export { applyRelabeling } from "./apply_relabeling.ts";
export type { RelabelConfig, RelabelRule } from "./types.ts";
export { parseSeriesSelector, SeriesSelector } from "./selector.ts";
export {
  type CompiledGoRegex,
  compileGoRegex,
  compileGoRegexInfo,
  GoRegexErrorCode,
  type GoRegexOptions,
  GoRegexSyntaxError,
} from "./go_regex.ts";
export { PromRegex } from "./prom_regex.ts";
export {
  compileGoTemplate,
  expandGoTemplate,
  type GoTemplate,
  replaceAllGo,
} from "./go_template.ts";

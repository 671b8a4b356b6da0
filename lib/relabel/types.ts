/**
 * Relabeling types: the YAML form ({@linkcode RelabelConfig}) and the compiled
 * form ({@linkcode RelabelRule}) that `lib/relabel` builds once per config load.
 *
 * @module
 */

/** One `relabel_configs[]` entry as written in YAML. */
export interface RelabelConfig {
  /** `if`: series selector(s); the rule applies only to label sets matching one of them. */
  if?: string | string[];
  /** `action`, case-insensitive. @default "replace" */
  action?: string;
  /** `source_labels`: whose values, joined by `separator`, the rule reads. @default [] */
  source_labels?: string[];
  /** `separator` between source label values. @default ";" */
  separator?: string;
  /** `target_label`: the label the rule writes. @default "" */
  target_label?: string;
  /** `regex`, anchored; a list is joined with `|`. @default "(.*)" */
  regex?: string | string[];
  /** `modulus` of the `hashmod` action (which requires it to be > 0). @default 0 */
  modulus?: number;
  /** `replacement`, with `$1`-style references to regex groups. @default "$1" */
  replacement?: string;
  /** `match`: the Graphite-style pattern of the `graphite` action. */
  match?: string;
  /** `labels`: the templates of the `graphite` action. */
  labels?: Record<string, string>;
}

/**
 * A compiled rule. Opaque to other stages: they pass arrays of these to
 * `applyRelabeling` from `lib/relabel/mod.ts`.
 */
export interface RelabelRule {
  /** The action, lower-cased. */
  readonly action: string;
  /** The rule as written, for `/config` and debug pages. */
  readonly source: RelabelConfig;
}

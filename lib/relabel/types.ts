/**
 * Relabeling types: the YAML form ({@linkcode RelabelConfig}) and the compiled
 * form ({@linkcode RelabelRule}) that `lib/relabel` builds once per config load.
 *
 * @module
 */

/** One `relabel_configs[]` entry as written in YAML. */
export interface RelabelConfig {
  if?: string | string[];
  action?: string;
  source_labels?: string[];
  separator?: string;
  target_label?: string;
  regex?: string | string[];
  modulus?: number;
  replacement?: string;
  match?: string;
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

/**
 * `relabel_configs` lists inside YAML: strict field check, hand-off to
 * `parseRelabelConfigs` from `lib/relabel`, and mapping of its {@linkcode FieldError}s
 * back to file, line and column.
 *
 * @module
 */
import type { Node } from "yaml";
import { parseRelabelConfigs } from "../relabel/mod.ts";
import type { RelabelRule } from "../relabel/types.ts";
import { FieldError, type FieldPath } from "../util/field_error.ts";
import { type MapReader, readMap } from "./_map_reader.ts";
import type { YamlFile } from "./_yaml_file.ts";

/**
 * YAML field names of vmagent's `promrelabel.RelabelConfig`; others are errors in
 * strict mode and dropped otherwise.
 *
 * @example
 * ```ts
 * readMap(y, item, { known: RELABEL_FIELDS }); // rejects `typo_field:` when strict
 * ```
 */
export const RELABEL_FIELDS = [
  "if",
  "action",
  "source_labels",
  "separator",
  "target_label",
  "regex",
  "modulus",
  "replacement",
  "match",
  "labels",
] as const;

/**
 * Compiles the relabel rules of the YAML list `list.node` (at `list.path`); errors point
 * at the bad field. Returns the rules and their plain YAML form (known fields only).
 *
 * @example
 * ```ts
 * const text = "- source_labels: [__meta_x]\n  target_label: x\n";
 * const y = YamlFile.parse(text, { file: "r.yml", strict: true });
 * compileRelabelList(y, { node: y.root, path: [] });
 * // { rules: [<1 compiled rule>], plain: [{ source_labels: ["__meta_x"], target_label: "x" }] }
 * // with "- action: bogus": throws 'r.yml:1:11: [0].action: unknown `action` "bogus"; ...'
 * ```
 */
export function compileRelabelList(
  y: YamlFile,
  list: { node: Node | null; path: FieldPath },
): { rules: RelabelRule[]; plain: Record<string, unknown>[] } {
  const plain = y.listItems(list.node, list.path).map((item) => {
    readMap(y, item, { known: RELABEL_FIELDS }); // type and strict unknown-field check
    const obj = (y.toPlain(item.node, { keepNumbers: ["modulus"] }) ?? {}) as Record<
      string,
      unknown
    >;
    // Non-strict parsing ignores unknown fields, as yaml.v2 does.
    for (const k of Object.keys(obj)) {
      if (!(RELABEL_FIELDS as readonly string[]).includes(k)) delete obj[k];
    }
    return obj;
  });
  if (plain.length === 0) return { rules: [], plain };
  try {
    return { rules: parseRelabelConfigs(plain), plain };
  } catch (e) {
    if (e instanceof FieldError) {
      const at = y.nodeAt(list.node, e.path) ?? list.node;
      throw y.error(at, [...list.path, ...e.path], e.reason);
    }
    throw y.error(list.node, list.path, `cannot parse relabel configs: ${(e as Error).message}`);
  }
}

/**
 * Compiles relabel list field `key` of `r` ([] when absent) and records its plain form
 * for /config.
 *
 * @example
 * ```ts
 * const rules = readRelabelConfigs(r, "metric_relabel_configs"); // RelabelRule[]
 * ```
 */
export function readRelabelConfigs(r: MapReader, key: string): RelabelRule[] {
  const { rules, plain } = compileRelabelList(r.y, { node: r.node(key), path: [...r.path, key] });
  if (r.has(key)) r.put(key, plain);
  return rules;
}

/**
 * Small helpers over label lists shared by every stage.
 *
 * @module
 */
import { goQuote } from "./go_strconv.ts";
import type { Label } from "./series.ts";

/**
 * Sorts labels by name in place, byte order (as Go's sort of strings), and returns them.
 *
 * @example
 * ```ts
 * const labels = [{ name: "job", value: "n" }, { name: "__name__", value: "up" }];
 * sortLabels([...labels, { name: "Z", value: "" }]);
 * // [Z, __name__, job] (byte order: uppercase before "_" before lowercase)
 * ```
 */
export function sortLabels(labels: Label[]): Label[] {
  return labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Returns the value of label `name`, or "" when absent (as vmagent's `GetLabelValueByName`).
 *
 * @example
 * ```ts
 * const labels = [{ name: "__name__", value: "up" }, { name: "job", value: "node" }];
 * getLabelValue(labels, "job"); // "node"
 * getLabelValue(labels, "instance"); // ""
 * ```
 */
export function getLabelValue(labels: readonly Label[], name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return "";
}

/**
 * Quotes a string as Go's `strconv.Quote` (and `%q`) does: the name the scrape and
 * discovery code uses for {@linkcode goQuote}.
 *
 * @example
 * ```ts
 * quoteGo('say "hi"\n'); // '"say \\"hi\\"\\n"'
 * quoteGo("\x07"); // '"\\a"'
 * ```
 */
export function quoteGo(s: string): string {
  return goQuote(s);
}

/**
 * Formats labels as `{a="1",b="2"}` (Go-quoted values, in the given order), or as
 * `name{...}` when a `__name__` label is present, as vmagent prints series.
 *
 * @example
 * ```ts
 * labelsToString([{ name: "__name__", value: "up" }, { name: "job", value: "x" }]); // 'up{job="x"}'
 * ```
 */
export function labelsToString(labels: readonly Label[]): string {
  let name = "";
  const parts: string[] = [];
  for (const l of labels) {
    if (l.name === "__name__") name = l.value;
    else parts.push(`${l.name}=${quoteGo(l.value)}`);
  }
  if (name !== "" && parts.length === 0) return name;
  return `${name}{${parts.join(",")}}`;
}

/**
 * Converts a label list to a plain object (later duplicates win).
 *
 * @example
 * ```ts
 * labelsToObject([{ name: "job", value: "node" }, { name: "instance", value: "a:9100" }]);
 * // { job: "node", instance: "a:9100" }
 * ```
 */
export function labelsToObject(labels: readonly Label[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const l of labels) o[l.name] = l.value;
  return o;
}

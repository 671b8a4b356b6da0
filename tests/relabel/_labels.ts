/**
 * Test helpers: label lists written as `name{a="b",c="d"}` (order kept, the
 * metric name first) and printed back in their actual order.
 *
 * @module
 */
import type { Label } from "../../lib/util/series.ts";

/** Parses `name{a="b",...}` / `{a="b"}` / `name`, keeping the written order; values are JSON strings. */
export function parseLabels(s: string): Label[] {
  const open = s.indexOf("{");
  const name = open < 0 ? s : s.slice(0, open);
  const out: Label[] = name === "" ? [] : [{ name: "__name__", value: name }];
  if (open < 0) return out;
  const body = s.slice(open + 1, s.lastIndexOf("}"));
  const re = /\s*([^=,\s]+)\s*=\s*("(?:[^"\\]|\\.)*")\s*(?:,|$)/y;
  let pos = 0;
  while (body.slice(pos).trim() !== "") {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (m === null) throw new Error(`cannot parse labels ${s}`);
    out.push({ name: m[1], value: JSON.parse(m[2]) });
    pos = re.lastIndex;
  }
  return out;
}

/** Prints labels in their actual order as `{a="b",c="d"}` (no special place for `__name__`). */
export function formatLabels(labels: readonly Label[]): string {
  return `{${labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(",")}}`;
}

/** Prints labels sorted by name, `__name__` first as the metric name (vmagent's LabelsToString). */
export function formatSorted(labels: readonly Label[]): string {
  const sorted = [...labels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const name = sorted.find((l) => l.name === "__name__")?.value ?? "";
  const rest = sorted.filter((l) => l.name !== "__name__");
  if (name !== "" && rest.length === 0) return name;
  return `${name}{${rest.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(",")}}`;
}

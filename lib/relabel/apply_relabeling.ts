/**
 * {@linkcode applyRelabeling}: runs compiled rules over a label list with the
 * semantics of vmagent HEAD's `ParsedConfigs.Apply` (`lib/promrelabel/relabel.go`).
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { xxhash64 } from "../util/xxhash64.ts";
import { goToLower, goToUpper } from "./_go_case.ts";
import { CompiledRule, Op } from "./_compiled_rule.ts";
import { compileGoTemplate, expandGoTemplate, replaceAllGo } from "./go_template.ts";
import type { RelabelRule } from "./types.ts";

/**
 * Applies `rules` in order to `labels`, exactly as vmagent HEAD does, and returns
 * the result; an empty array means the entry was dropped.
 *
 * Order of the result: a label a rule modifies keeps its position, a label a
 * rule creates is appended at the end, `labelmap_all` renames in place, and
 * nothing is ever sorted. After the last rule, labels with an empty name or an
 * empty value are removed (while the rules run, a label set to "" stays in
 * place, so setting it again later keeps its original position).
 *
 * The `labels` array itself is modified and returned (callers must not reuse
 * it); the `Label` objects in it are never mutated: a changed label is replaced
 * by a new object, so label objects may be shared between series.
 *
 * `hashmod` needs `initXXHash64()` from `lib/util/xxhash64.ts` to have been awaited.
 *
 * @example
 * ```ts
 * const rules = parseRelabelConfigs([{ target_label: "env", replacement: "prod" }]);
 * applyRelabeling(rules, [{ name: "job", value: "node" }]);
 * // [{ name: "job", value: "node" }, { name: "env", value: "prod" }]
 * ```
 */
export function applyRelabeling(rules: readonly RelabelRule[], labels: Label[]): Label[] {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (!(rule instanceof CompiledRule)) {
      throw new TypeError("applyRelabeling: rules must come from parseRelabelConfigs()");
    }
    labels = applyRule(rule, labels);
    if (labels.length === 0) return labels;
  }
  return removeEmptyLabels(labels);
}

function removeEmptyLabels(labels: Label[]): Label[] {
  let w = 0;
  for (let r = 0; r < labels.length; r++) {
    const l = labels[r];
    if (l.name !== "" && l.value !== "") labels[w++] = l;
  }
  labels.length = w;
  return labels;
}

function drop(labels: Label[]): Label[] {
  labels.length = 0;
  return labels;
}

function getValue(labels: readonly Label[], name: string): string {
  for (let i = 0; i < labels.length; i++) if (labels[i].name === name) return labels[i].value;
  return "";
}

/** Sets the first label called `name`, in place, or appends it. */
function setValue(labels: Label[], name: string, value: string): Label[] {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i].name === name) {
      if (labels[i].value !== value) labels[i] = { name, value };
      return labels;
    }
  }
  labels.push({ name, value });
  return labels;
}

/** The values of `names` joined with `sep` (a missing label reads as ""). */
function concatValues(labels: readonly Label[], names: readonly string[], sep: string): string {
  if (names.length === 1) return getValue(labels, names[0]);
  let s = "";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) s += sep;
    s += getValue(labels, names[i]);
  }
  return s;
}

/** Replaces `{{name}}` in `replacement` with label values; an unclosed `{{` stays as is. */
function fillLabelReferences(replacement: string, labels: readonly Label[]): string {
  let out = "";
  let s = replacement;
  for (;;) {
    const open = s.indexOf("{{");
    if (open < 0) return out + s;
    out += s.slice(0, open);
    s = s.slice(open + 2);
    const close = s.indexOf("}}");
    if (close < 0) return out + "{{" + s;
    out += getValue(labels, s.slice(0, close));
    s = s.slice(close + 2);
  }
}

function containsAll(
  labels: readonly Label[],
  target: string,
  sources: readonly string[],
): boolean {
  const haystack = getValue(labels, target);
  for (let i = 0; i < sources.length; i++) {
    if (!haystack.includes(getValue(labels, sources[i]))) return false;
  }
  return true;
}

function allEqual(labels: readonly Label[], names: readonly string[]): boolean {
  const first = getValue(labels, names[0]);
  for (let i = 1; i < names.length; i++) if (getValue(labels, names[i]) !== first) return false;
  return true;
}

function ifMatches(rule: CompiledRule, labels: readonly Label[]): boolean {
  const sel = rule.ifSelectors;
  if (sel === undefined || sel.length === 0) return true;
  for (let i = 0; i < sel.length; i++) if (sel[i].matches(labels)) return true;
  return false;
}

/** vmagent's `replaceFullStringFast`: the new name of a label for `labelmap`. */
function mapName(rule: CompiledRule, name: string): string {
  const re = rule.regex;
  const prefix = re.literalPrefix;
  if (re.literalComplete && !rule.hasDollarInReplacement) {
    return name === prefix ? rule.replacement : name;
  }
  if (!name.startsWith(prefix)) return name;
  if (rule.replacement === "$1" && re.prefixCaptureKind !== 0) {
    // vmagent answers `prefix(.*)` and `prefix(.+)` without the regex (so even a "\n" passes).
    const suffix = name.slice(prefix.length);
    return re.prefixCaptureKind === 1 || suffix !== "" ? suffix : name;
  }
  if (!re.prom.test(name)) return name;
  const m = re.anchored.exec(name);
  return m === null ? name : expandGoTemplate(rule.replacementTemplate, m);
}

function applyReplace(rule: CompiledRule, labels: Label[]): Label[] {
  let replacement = rule.replacement;
  if (rule.hasLabelRefs) replacement = fillLabelReferences(replacement, labels);
  const source = concatValues(labels, rule.sourceLabels, rule.separator);
  const re = rule.regex;
  if (re.isDefault && rule.targetTemplate === undefined) {
    if (replacement === "$1") return setValue(labels, rule.targetLabel, source);
    if (!rule.hasDollarInReplacement) return setValue(labels, rule.targetLabel, replacement);
  }
  if (!re.prom.test(source)) return labels;
  // The anchored regex has no (?s): it may fail where the match check passed (a "\n"),
  // and vmagent then stores the source itself, or expands a rewritten template with no groups.
  const m = re.anchored.exec(source);
  let value: string;
  if (replacement === rule.replacement) {
    value = m === null ? source : expandGoTemplate(rule.replacementTemplate, m);
  } else {
    value = expandGoTemplate(compileGoTemplate(replacement, re.anchoredGroupNames), m);
  }
  const name = rule.targetTemplate === undefined
    ? rule.targetLabel
    : expandGoTemplate(rule.targetTemplate, m);
  return setValue(labels, name, value);
}

function applyRule(rule: CompiledRule, labels: Label[]): Label[] {
  if (!ifMatches(rule, labels)) return rule.op === Op.Keep ? drop(labels) : labels;
  switch (rule.op) {
    case Op.Replace:
      return applyReplace(rule, labels);
    case Op.ReplaceAll: {
      const source = concatValues(labels, rule.sourceLabels, rule.separator);
      const value = replaceAllGo(rule.regex.original, source, rule.replacementTemplate);
      return value === source ? labels : setValue(labels, rule.targetLabel, value);
    }
    case Op.KeepIfContains:
      return containsAll(labels, rule.targetLabel, rule.sourceLabels) ? labels : drop(labels);
    case Op.DropIfContains:
      return containsAll(labels, rule.targetLabel, rule.sourceLabels) ? drop(labels) : labels;
    case Op.KeepIfEqual:
      return allEqual(labels, rule.sourceLabels) ? labels : drop(labels);
    case Op.DropIfEqual:
      return allEqual(labels, rule.sourceLabels) ? drop(labels) : labels;
    case Op.KeepEqual:
    case Op.DropEqual: {
      const equal = concatValues(labels, rule.sourceLabels, rule.separator) ===
        getValue(labels, rule.targetLabel);
      return equal === (rule.op === Op.KeepEqual) ? labels : drop(labels);
    }
    case Op.Keep:
      // Without an explicit regex only `if` decides (it already matched).
      if (rule.regex.isDefault) return labels;
      return rule.regex.prom.test(concatValues(labels, rule.sourceLabels, rule.separator))
        ? labels
        : drop(labels);
    case Op.Drop:
      if (rule.regex.isDefault) return drop(labels);
      return rule.regex.prom.test(concatValues(labels, rule.sourceLabels, rule.separator))
        ? drop(labels)
        : labels;
    case Op.HashMod: {
      const h = xxhash64(concatValues(labels, rule.sourceLabels, rule.separator)) % rule.modulus;
      // Go formats int(h): a remainder of 2^63 or more reads as negative.
      return setValue(labels, rule.targetLabel, BigInt.asIntN(64, h).toString());
    }
    case Op.LabelMap: {
      // Only the labels present when the rule starts are visited; a label changed
      // by an earlier rename is seen with its new value.
      const n = labels.length;
      for (let i = 0; i < n; i++) {
        const { name, value } = labels[i];
        const mapped = mapName(rule, name);
        if (mapped !== name) labels = setValue(labels, mapped, value);
      }
      return labels;
    }
    case Op.LabelMapAll:
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i];
        const name = replaceAllGo(rule.regex.original, l.name, rule.replacementTemplate);
        if (name !== l.name) labels[i] = { name, value: l.value };
      }
      return labels;
    case Op.LabelDrop:
    case Op.LabelKeep: {
      const keepMatching = rule.op === Op.LabelKeep;
      let w = 0;
      for (let r = 0; r < labels.length; r++) {
        const l = labels[r];
        if (rule.regex.prom.test(l.name) === keepMatching) labels[w++] = l;
      }
      labels.length = w;
      return labels;
    }
    case Op.Uppercase:
    case Op.Lowercase: {
      const source = concatValues(labels, rule.sourceLabels, rule.separator);
      const value = rule.op === Op.Uppercase ? goToUpper(source) : goToLower(source);
      return setValue(labels, rule.targetLabel, value);
    }
    case Op.Graphite: {
      const captures = rule.graphiteMatch!.match(getValue(labels, "__name__"));
      if (captures === undefined) return labels;
      const gl = rule.graphiteLabels;
      for (let i = 0; i < gl.length; i++) {
        labels = setValue(labels, gl[i].name, gl[i].template.expand(captures));
      }
      return labels;
    }
  }
}

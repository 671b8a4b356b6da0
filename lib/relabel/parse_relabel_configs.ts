/**
 * {@linkcode parseRelabelConfigs}: validates a YAML-parsed `relabel_configs`
 * list the way vmagent HEAD does (`lib/promrelabel/config.go`) and compiles
 * each entry once into a {@linkcode RelabelRule} for `applyRelabeling`.
 *
 * @module
 */
import { FieldError, type FieldPath } from "../util/field_error.ts";
import { quoteGo } from "../util/labels.ts";
import { CompiledRule, type GraphiteLabel, Op } from "./_compiled_rule.ts";
import {
  labelsValue,
  modulusValue,
  optString,
  optStringList,
  regexValue,
  typeName,
} from "./_field_values.ts";
import { compileRuleRegex } from "./_rule_regex.ts";
import { GoRegexSyntaxError } from "./go_regex.ts";
import { GraphiteMatchTemplate, GraphiteReplaceTemplate } from "./graphite.ts";
import { compileGoTemplate } from "./go_template.ts";
import { parseSeriesSelector, type SeriesSelector } from "./selector.ts";
import type { RelabelConfig, RelabelRule } from "./types.ts";

const ACTIONS: Record<string, Op> = {
  replace: Op.Replace,
  replace_all: Op.ReplaceAll,
  keep_if_contains: Op.KeepIfContains,
  drop_if_contains: Op.DropIfContains,
  keep_if_equal: Op.KeepIfEqual,
  drop_if_equal: Op.DropIfEqual,
  keepequal: Op.KeepEqual,
  dropequal: Op.DropEqual,
  keep: Op.Keep,
  drop: Op.Drop,
  keep_metrics: Op.Keep,
  drop_metrics: Op.Drop,
  hashmod: Op.HashMod,
  labelmap: Op.LabelMap,
  labelmap_all: Op.LabelMapAll,
  labeldrop: Op.LabelDrop,
  labelkeep: Op.LabelKeep,
  uppercase: Op.Uppercase,
  lowercase: Op.Lowercase,
  graphite: Op.Graphite,
};

/**
 * Validates and compiles a `relabel_configs` list (the value YAML parsing gave:
 * an array of mappings; `null`/`undefined` give no rules). Throws
 * {@linkcode FieldError} with a path relative to the list, e.g.
 * `[2, "regex"]` and reason
 * ``cannot parse `regex` "^(?:()$": error parsing regexp: missing closing ): `^(?:()$` ``.
 * Unknown fields are not checked here (the YAML loader does that).
 *
 * @example
 * ```ts
 * const rules = parseRelabelConfigs([
 *   { source_labels: ["__address__"], regex: "(.+):\\d+", target_label: "host" },
 * ]);
 * ```
 */
export function parseRelabelConfigs(raw: unknown): RelabelRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw new FieldError([], `must be a list of relabeling rules; got ${typeName(raw)}`);
  }
  return raw.map((entry, i) => parseRule(entry, i));
}

function goQuoteList(list: readonly string[]): string {
  return `[${list.map(quoteGo).join(" ")}]`;
}

function parseIf(v: unknown, path: FieldPath): SeriesSelector[] | undefined {
  if (v === undefined || v === null) return undefined;
  const parse = (text: string, p: FieldPath): SeriesSelector => {
    try {
      return parseSeriesSelector(text);
    } catch (e) {
      throw new FieldError(
        p,
        `cannot parse series selector ${quoteGo(text)}: ${(e as Error).message}`,
      );
    }
  };
  if (typeof v === "string") return [parse(v, path)];
  if (!Array.isArray(v)) {
    throw new FieldError(path, `must be a series selector or a list of them; got ${typeName(v)}`);
  }
  return v.map((x, k) => {
    if (typeof x !== "string") {
      throw new FieldError([...path, k], `must be a series selector string; got ${typeName(x)}`);
    }
    return parse(x, [...path, k]);
  });
}

function parseRule(entry: unknown, i: number): CompiledRule {
  const path: FieldPath = [i];
  const obj = entry ?? {};
  if (typeof obj !== "object" || Array.isArray(obj)) {
    throw new FieldError(path, `must be a mapping with a relabeling rule; got ${typeName(obj)}`);
  }
  const o = (obj instanceof Map ? Object.fromEntries(obj) : obj) as Record<string, unknown>;
  // Points at the field when it is written, else at the rule.
  const at = (key: string): FieldPath => (o[key] === undefined ? path : [i, key]);
  const ifSelectors = parseIf(o.if, [i, "if"]);
  const rawAction = optString(o, "action", path);
  let sourceLabels = optStringList(o, "source_labels", path) ?? [];
  const separator = optString(o, "separator", path) ?? ";";
  const targetLabel = optString(o, "target_label", path) ?? "";
  const regexText = o.regex === undefined || o.regex === null
    ? undefined
    : regexValue(o.regex, [i, "regex"]);
  const modulus = modulusValue(o.modulus, [i, "modulus"]);
  const replacementIn = optString(o, "replacement", path);
  const match = optString(o, "match", path) ?? "";
  const labels = labelsValue(o.labels, [i, "labels"]);

  let regex;
  try {
    regex = compileRuleRegex(regexText, rawAction);
  } catch (e) {
    // vmagent: "cannot parse `regex` %q: %w", quoting the form Go failed to compile
    // (`^(?:regex)$` or the bare regex), then Go's own "error parsing regexp: ..." text.
    const form = e instanceof GoRegexSyntaxError && e.regex !== "" ? e.regex : regexText!;
    throw new FieldError(
      [i, "regex"],
      `cannot parse \`regex\` ${quoteGo(form)}: ${(e as Error).message}`,
    );
  }

  const action = (rawAction ?? "").toLowerCase() || "replace";
  const fail = (p: FieldPath, reason: string): never => {
    throw new FieldError(p, reason);
  };
  const needTarget = () =>
    targetLabel === "" &&
    fail(at("target_label"), `missing \`target_label\` for \`action=${action}\``);
  const needSources = () =>
    sourceLabels.length === 0 &&
    fail(at("source_labels"), `missing \`source_labels\` for \`action=${action}\``);
  const noRegex = () =>
    regexText !== undefined &&
    fail([i, "regex"], `\`regex\` cannot be used for \`action=${action}\``);
  const noTarget = () =>
    targetLabel !== "" &&
    fail([i, "target_label"], `\`target_label\` cannot be used for \`action=${action}\``);
  const graphiteOnly = (what: string) =>
    fail([i, what], `\`${what}\` cannot be used with \`action=graphite\``);

  switch (action) {
    case "graphite":
      if (match === "") fail(at("match"), "missing `match` for `action=graphite`");
      if (labels === undefined || labels.length === 0) {
        fail(at("labels"), "missing `labels` for `action=graphite`");
      }
      if (sourceLabels.length > 0) graphiteOnly("source_labels");
      if (targetLabel !== "") graphiteOnly("target_label");
      if (replacementIn !== undefined) graphiteOnly("replacement");
      if (regexText !== undefined) graphiteOnly("regex");
      break;
    case "replace":
      needTarget();
      break;
    case "replace_all":
    case "uppercase":
    case "lowercase":
      needSources();
      needTarget();
      break;
    case "keep_if_contains":
    case "drop_if_contains":
      if (targetLabel === "") {
        fail(at("target_label"), `\`target_label\` must be set for \`action=${action}\``);
      }
      if (sourceLabels.length === 0) {
        fail(
          at("source_labels"),
          `\`source_labels\` must contain at least a single entry for \`action=${action}\``,
        );
      }
      noRegex();
      break;
    case "keep_if_equal":
    case "drop_if_equal":
      if (sourceLabels.length < 2) {
        fail(
          at("source_labels"),
          `\`source_labels\` must contain at least two entries for \`action=${action}\`; got ${
            goQuoteList(sourceLabels)
          }`,
        );
      }
      noTarget();
      noRegex();
      break;
    case "keepequal":
    case "dropequal":
      needTarget();
      noRegex();
      break;
    case "keep":
    case "drop":
      if (ifSelectors === undefined) needSources();
      break;
    case "hashmod":
      needSources();
      needTarget();
      if (modulus < 1n) {
        fail(
          at("modulus"),
          `unexpected \`modulus\` for \`action=hashmod\`: ${modulus}; must be greater than 0`,
        );
      }
      break;
    case "keep_metrics":
    case "drop_metrics":
      if ((regexText === undefined || regexText === "") && ifSelectors === undefined) {
        fail(at("regex"), `\`regex\` must be non-empty for \`action=${action}\``);
      }
      if (sourceLabels.length > 0) {
        fail(
          [i, "source_labels"],
          `\`source_labels\` must be empty for \`action=${action}\`; got ${
            goQuoteList(sourceLabels)
          }`,
        );
      }
      sourceLabels = ["__name__"];
      break;
    case "labelmap":
    case "labelmap_all":
    case "labeldrop":
    case "labelkeep":
      break;
    default:
      fail(
        [i, "action"],
        `unknown \`action\` ${quoteGo(action)}; want one of ${Object.keys(ACTIONS).join(", ")}`,
      );
  }
  if (action !== "graphite") {
    if (match !== "") {
      fail(
        [i, "match"],
        `\`match\` config cannot be applied to \`action=${action}\`; it is applied only to \`action=graphite\``,
      );
    }
    if (labels !== undefined && labels.length > 0) {
      fail(
        [i, "labels"],
        `\`labels\` config cannot be applied to \`action=${action}\`; it is applied only to \`action=graphite\``,
      );
    }
  }

  const replacement = replacementIn ?? "$1";
  const groupNames = regex.anchoredGroupNames;
  const graphiteLabels: GraphiteLabel[] = action === "graphite"
    ? labels!.map(([name, tpl]) => ({ name, template: new GraphiteReplaceTemplate(tpl) }))
    : [];
  const source: RelabelConfig = {};
  if (o.if !== undefined && o.if !== null) source.if = o.if as string | string[];
  if (rawAction !== undefined) source.action = rawAction;
  if (o.source_labels !== undefined && o.source_labels !== null) {
    source.source_labels = optStringList(o, "source_labels", path);
  }
  if (o.separator !== undefined && o.separator !== null) source.separator = separator;
  if (targetLabel !== "") source.target_label = targetLabel;
  if (regexText !== undefined) {
    source.regex = Array.isArray(o.regex)
      ? (o.regex as unknown[]).map((x) => regexValue(x, []))
      : regexText;
  }
  if (modulus > 0n) source.modulus = Number(modulus);
  if (replacementIn !== undefined) source.replacement = replacementIn;
  if (match !== "") source.match = match;
  if (labels !== undefined) source.labels = Object.fromEntries(labels);

  return new CompiledRule(
    action,
    source,
    ACTIONS[action],
    ifSelectors,
    sourceLabels,
    separator,
    targetLabel,
    replacement,
    compileGoTemplate(replacement, groupNames),
    targetLabel.includes("$") ? compileGoTemplate(targetLabel, groupNames) : undefined,
    replacement.includes("$"),
    replacement.includes("{{"),
    regex,
    modulus,
    action === "graphite" ? new GraphiteMatchTemplate(match) : undefined,
    graphiteLabels,
  );
}

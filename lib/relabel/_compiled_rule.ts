/**
 * The compiled form of one relabeling rule. Built only by
 * `parseRelabelConfigs` and read only by `applyRelabeling`. Private to
 * `lib/relabel`.
 *
 * @module
 */
import type { RelabelConfig, RelabelRule } from "./types.ts";
import type { GraphiteMatchTemplate, GraphiteReplaceTemplate } from "./graphite.ts";
import type { GoTemplate } from "./go_template.ts";
import type { PromRegex } from "./prom_regex.ts";
import type { SeriesSelector } from "./selector.ts";

/**
 * The operation a compiled rule performs, one per action; `keep_metrics`/`drop_metrics`
 * compile to `Keep`/`Drop` on `__name__`.
 *
 * @example
 * ```ts
 * const [rule] = parseRelabelConfigs([{ action: "labeldrop", regex: "tmp_.*" }]);
 * (rule as CompiledRule).op === Op.LabelDrop; // true
 * ```
 */
export enum Op {
  Replace,
  ReplaceAll,
  KeepIfContains,
  DropIfContains,
  KeepIfEqual,
  DropIfEqual,
  KeepEqual,
  DropEqual,
  Keep,
  Drop,
  HashMod,
  LabelMap,
  LabelMapAll,
  LabelDrop,
  LabelKeep,
  Uppercase,
  Lowercase,
  Graphite,
}

/** The compiled regex of a rule, in the three forms vmagent keeps. */
export interface RuleRegex {
  /** True when the rule has no regex or one that reduces to `.*` (vmagent's default regex). */
  readonly isDefault: boolean;
  /** Go's `^(?:regex)$` without `(?s)`: capture groups for replacements. */
  readonly anchored: RegExp;
  /** Group names of {@linkcode anchored}. */
  readonly anchoredGroupNames: readonly string[];
  /** The unanchored regex with the `g` flag, for `replace_all` and `labelmap_all`. */
  readonly original: RegExp;
  /** Whole-string matching with `(?s)` and vmagent's fast paths. */
  readonly prom: PromRegex;
  /** Go's `LiteralPrefix()` of the unanchored regex, and whether the regex is only that literal. */
  readonly literalPrefix: string;
  readonly literalComplete: boolean;
  /** For `labelmap` with replacement `$1`: 1 when the regex text is `prefix(.*)`, 2 for `prefix(.+)`, else 0. */
  readonly prefixCaptureKind: number;
}

/** A graphite `labels` entry. */
export interface GraphiteLabel {
  readonly name: string;
  readonly template: GraphiteReplaceTemplate;
}

/**
 * Holds one relabeling rule in compiled form: its operation, parsed fields, regexes and
 * templates, so that applying it does no parsing. Built by `parseRelabelConfigs`.
 *
 * @example
 * ```ts
 * const [rule] = parseRelabelConfigs([{ source_labels: ["a"], target_label: "b" }]) as CompiledRule[];
 * rule.op; // Op.Replace
 * rule.separator; // ";"
 * rule.replacement; // "$1"
 * ```
 */
export class CompiledRule implements RelabelRule {
  constructor(
    readonly action: string,
    readonly source: RelabelConfig,
    readonly op: Op,
    /** `if` selectors (any may match); undefined when the rule has no `if`. */
    readonly ifSelectors: readonly SeriesSelector[] | undefined,
    readonly sourceLabels: readonly string[],
    readonly separator: string,
    readonly targetLabel: string,
    readonly replacement: string,
    /** `replacement` compiled against the anchored regex (or the original one for *_all actions). */
    readonly replacementTemplate: GoTemplate,
    /** `target_label` compiled against the anchored regex when it contains `$`. */
    readonly targetTemplate: GoTemplate | undefined,
    readonly hasDollarInReplacement: boolean,
    /** `{{label}}` references in `replacement`. */
    readonly hasLabelRefs: boolean,
    readonly regex: RuleRegex,
    readonly modulus: bigint,
    readonly graphiteMatch: GraphiteMatchTemplate | undefined,
    readonly graphiteLabels: readonly GraphiteLabel[],
  ) {}
}

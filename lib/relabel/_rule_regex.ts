/**
 * Compiles the `regex` of a relabeling rule into the forms vmagent keeps: the
 * anchored regex for capture groups, the unanchored one for `*_all` actions,
 * and the whole-string matcher with `(?s)`. Private to `lib/relabel`.
 *
 * @module
 */
import type { GoNode } from "./_go_regex_ast.ts";
import type { RuleRegex } from "./_compiled_rule.ts";
import { compileGoRegexInfo } from "./go_regex.ts";
import { PromRegex } from "./prom_regex.ts";

/**
 * Removes every leading `^` and trailing unescaped `$` (vmagent's `RemoveStartEndAnchors`).
 *
 * @example
 * ```ts
 * removeStartEndAnchors("^^foo.*$"); // "foo.*"
 * removeStartEndAnchors("price\\$"); // "price\\$": an escaped `$` stays
 * ```
 */
export function removeStartEndAnchors(expr: string): string {
  let s = expr;
  while (s.startsWith("^")) s = s.slice(1);
  while (s.endsWith("$") && !s.endsWith("\\$")) s = s.slice(0, -1);
  return s;
}

/** Go's `Regexp.LiteralPrefix()`: leading plain literal text, and whether nothing follows it. */
function literalPrefix(node: GoNode): { prefix: string; complete: boolean } {
  let prefix = "";
  const walk = (n: GoNode): boolean => {
    switch (n.op) {
      case "empty":
        return true;
      case "literal":
        if (n.fold) return false;
        prefix += String.fromCodePoint(...n.codePoints);
        return true;
      case "capture":
        return walk(n.sub);
      case "concat":
        return n.subs.every(walk);
      default:
        return false;
    }
  };
  const complete = walk(node);
  return { prefix, complete };
}

function build(source: string, anchor: boolean, forDefault: boolean): RuleRegex {
  // vmagent compiles the anchored form first, then the bare one: the first to fail is reported.
  const anchored = compileGoRegexInfo(source, { anchored: anchor });
  const original = compileGoRegexInfo(source, { anchored: false, global: true });
  const { prefix, complete } = literalPrefix(original.tree.root);
  const rest = source.startsWith(prefix) ? source.slice(prefix.length) : "";
  return {
    isDefault: forDefault,
    anchored: anchored.regexp,
    anchoredGroupNames: anchored.groupNames,
    original: original.regexp,
    prom: PromRegex.compile(source),
    literalPrefix: prefix,
    literalComplete: complete,
    prefixCaptureKind: rest === "(.*)" ? 1 : rest === "(.+)" ? 2 : 0,
  };
}

let defaultRegex: RuleRegex | undefined;

/** vmagent's `isDefaultRegex`: the regex reduces to `.*`; a regex Go rejects is not default. */
function isDefaultRegex(regex: string): boolean {
  try {
    return PromRegex.compile(regex).isMatchAll;
  } catch {
    return false; // the error is reported by the compilation that follows
  }
}

/**
 * Compiles a rule's regex as vmagent HEAD does: no regex, or one that reduces
 * to `.*`, gives the shared default (`^(.*)$` anchored, `.*` original); for
 * every action but `replace_all` and `labelmap_all` (compared case-sensitively,
 * as vmagent does) leading `^` and trailing `$` are removed and the regex is
 * anchored as `^(?:regex)$`. Throws `GoRegexSyntaxError` for the first form Go would
 * reject (anchored, then bare), with that form in its `regex`.
 *
 * @example
 * ```ts
 * const r = compileRuleRegex("^foo_(.+)$", "replace");
 * r.anchored.exec("foo_bar")?.[1]; // "bar"
 * r.literalPrefix; // "foo_"
 * r.prefixCaptureKind; // 2, the regex is `prefix(.+)`
 * compileRuleRegex(undefined, "keep").isDefault; // true
 * ```
 */
export function compileRuleRegex(
  regex: string | undefined,
  rawAction: string | undefined,
): RuleRegex {
  if (regex === undefined || isDefaultRegex(regex)) {
    if (defaultRegex === undefined) {
      const d = build(".*", true, true);
      // vmagent's default anchored regex is "^(.*)$": group 1 is the whole value.
      const a = compileGoRegexInfo("(.*)", { anchored: true });
      defaultRegex = { ...d, anchored: a.regexp, anchoredGroupNames: a.groupNames };
    }
    return defaultRegex;
  }
  if (rawAction === "replace_all" || rawAction === "labelmap_all") {
    return build(regex, false, false);
  }
  return build(removeStartEndAnchors(regex), true, false);
}

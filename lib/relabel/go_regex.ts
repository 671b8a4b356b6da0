/**
 * Go (RE2) regular expressions in JavaScript: {@linkcode compileGoRegex} parses
 * a pattern with Go's exact syntax rules and returns a `RegExp` (flag `v`) that
 * matches what Go's `regexp` matches. Constructs Go rejects (lookarounds,
 * backreferences, `\Z`, `\u1234`, ...) are rejected with Go's exact error text,
 * e.g. "error parsing regexp: invalid escape sequence: `\1`".
 *
 * @module
 */
import type { GoRegexTree } from "./_go_regex_ast.ts";
import { emitJsRegex } from "./_go_regex_emit.ts";
import { GoRegexErrorCode, GoRegexSyntaxError, parseGoRegex } from "./_go_regex_parse.ts";

export { GoRegexErrorCode, GoRegexSyntaxError };

/** Options of {@linkcode compileGoRegex}. */
export interface GoRegexOptions {
  /**
   * Match the whole string only: the pattern is compiled as Go's `^(?:pattern)$`,
   * which is how vmagent anchors relabeling regexes. Required, so it has no default.
   */
  anchored: boolean;
  /** Compile as if `(?s)` were set, so `.` also matches `\n` (Go's `syntax.DotNL`). @default false */
  dotNL?: boolean;
  /** Add the `g` flag (for `exec` loops with `lastIndex`). @default false */
  global?: boolean;
}

/** A compiled Go regex with the names of its capture groups. */
export interface CompiledGoRegex {
  /** The JavaScript equivalent (flags `v`, plus `g` when asked). */
  regexp: RegExp;
  /** `groupNames[i]` is the name of group `i` ("" when unnamed); index 0 is the whole match. */
  groupNames: readonly string[];
  /** The parsed pattern (of the anchored form when `anchored`). */
  tree: GoRegexTree;
}

/**
 * Compiles Go regular expression `source` to a JavaScript `RegExp`; throws
 * {@linkcode GoRegexSyntaxError} (a `SyntaxError`) for anything Go rejects, with
 * Go's message and, in `regex`, the form that failed (see {@linkcode compileGoRegexInfo}).
 *
 * @example
 * ```ts
 * const re = compileGoRegex("(?i)foo(?P<n>\\d+)", { anchored: true });
 * re.exec("FOO12")?.[1]; // "12"
 * ```
 */
export function compileGoRegex(source: string, opts: GoRegexOptions): RegExp {
  return compileGoRegexInfo(source, opts).regexp;
}

/**
 * Compiles like {@linkcode compileGoRegex}, also returning the group names and the parse tree.
 * Only names that are valid and unique JS identifiers become JS named groups. When
 * `anchored`, the anchored form `^(?:source)$` is checked first and then `source` itself,
 * as vmagent compiles a relabeling regex (and MetricsQL a `=~` filter): so `\Qa` fails on
 * its anchored form and `a)|(b` on its bare one.
 *
 * @example
 * ```ts
 * const { regexp, groupNames } = compileGoRegexInfo("(?P<host>[^:]+):(\\d+)", { anchored: true });
 * groupNames; // ["", "host", ""]
 * regexp.exec("h:80")?.groups?.host; // "h"
 * ```
 */
export function compileGoRegexInfo(source: string, opts: GoRegexOptions): CompiledGoRegex {
  const parseOpts = { dotNL: opts.dotNL ?? false };
  // vmagent anchors by text, "^(?:" + re + ")$", compiles that, then the bare pattern,
  // which rejects unbalanced input such as "a)|(b" that the anchored text hides.
  const tree = parseGoRegex(opts.anchored ? `^(?:${source})$` : source, parseOpts);
  if (opts.anchored) parseGoRegex(source, parseOpts);
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const n of tree.groupNames) (seen.has(n) ? dup : seen).add(n);
  const named = new Set<string>();
  for (const n of seen) if (n !== "" && !dup.has(n) && /^[A-Za-z_]\w*$/.test(n)) named.add(n);
  const js = emitJsRegex(tree.root, { namedGroups: named });
  let regexp: RegExp;
  try {
    regexp = new RegExp(js, opts.global ? "gv" : "v");
  } catch (e) {
    // Our translation produced a pattern JavaScript rejects: a bug here, not in the input.
    throw new GoRegexSyntaxError(GoRegexErrorCode.InternalError, source, source, { cause: e });
  }
  return { regexp, groupNames: tree.groupNames, tree };
}

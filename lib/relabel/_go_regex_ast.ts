/**
 * The syntax tree of a Go (RE2) regular expression as parsed by
 * `_go_regex_parse.ts`. Private to `lib/relabel`.
 *
 * @module
 */

/** A member of a character class. */
export type ClassItem =
  /** The code points `lo..hi`. */
  | { kind: "range"; lo: number; hi: number }
  /** A Perl or POSIX group (`\d`, `[:alpha:]`): ASCII ranges, possibly negated. */
  | { kind: "group"; negate: boolean; ranges: readonly number[] }
  /** A Unicode class (`\pL`, `\p{Greek}`): JS property names, possibly negated. */
  | { kind: "prop"; negate: boolean; names: readonly string[] };

/** A node of a parsed Go regular expression. */
export type GoNode =
  | { op: "empty" }
  /** One or more code points matched in sequence; `fold` is `(?i)`. */
  | { op: "literal"; codePoints: number[]; fold: boolean }
  | { op: "class"; items: ClassItem[]; negate: boolean; fold: boolean }
  /** `.` with `(?s)`: any character including `\n`. */
  | { op: "anyChar" }
  /** `.` without `(?s)`: any character except `\n`. */
  | { op: "anyCharNotNL" }
  /** `^` with `(?m)`. */
  | { op: "beginLine" }
  /** `$` with `(?m)`. */
  | { op: "endLine" }
  /** `^` without `(?m)`, or `\A`. */
  | { op: "beginText" }
  /** `$` without `(?m)`, or `\z`. */
  | { op: "endText" }
  | { op: "wordBoundary" }
  | { op: "noWordBoundary" }
  | { op: "capture"; index: number; name: string; sub: GoNode }
  /** `max` is -1 for no upper bound. */
  | { op: "repeat"; min: number; max: number; greedy: boolean; sub: GoNode }
  | { op: "concat"; subs: GoNode[] }
  | { op: "alternate"; subs: GoNode[] };

/** A parsed regular expression with its capture group names (index 0 is the whole match). */
export interface GoRegexTree {
  root: GoNode;
  /** `groupNames[i]` is the name of group `i`, or "" when unnamed. */
  groupNames: string[];
}

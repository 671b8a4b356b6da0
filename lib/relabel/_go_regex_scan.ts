/**
 * Scanners for the escapes and character classes of Go's regular expression
 * syntax (`regexp/syntax` parseEscape, parseClass, parseUnicodeClass, Perl
 * groups), working on a cursor into the pattern. Private to `lib/relabel`.
 *
 * @module
 */
import type { ClassItem, GoNode } from "./_go_regex_ast.ts";
import { lookupUnicodeClass, PERL_GROUPS, POSIX_GROUPS } from "./_unicode_classes.ts";

/** The pattern and the current position in it (UTF-16 units). */
export interface Cursor {
  readonly s: string;
  pos: number;
}

/**
 * The texts of Go's `regexp/syntax` error codes (`syntax.ErrorCode`), by Go's constant
 * name without the `Err` prefix. `NestingDepth` and `Large` are listed for completeness:
 * the parser does not check Go's size and depth limits.
 */
export const GoRegexErrorCode = {
  InternalError: "regexp/syntax: internal error",
  InvalidCharClass: "invalid character class",
  InvalidCharRange: "invalid character class range",
  InvalidEscape: "invalid escape sequence",
  InvalidNamedCapture: "invalid named capture",
  InvalidPerlOp: "invalid or unsupported Perl syntax",
  InvalidRepeatOp: "invalid nested repetition operator",
  InvalidRepeatSize: "invalid repeat count",
  InvalidUTF8: "invalid UTF-8",
  MissingBracket: "missing closing ]",
  MissingParen: "missing closing )",
  MissingRepeatArgument: "missing argument to repetition operator",
  TrailingBackslash: "trailing backslash at end of expression",
  UnexpectedParen: "unexpected )",
  NestingDepth: "expression nests too deeply",
  Large: "expression too large",
} as const;

/** One of the texts in {@linkcode GoRegexErrorCode}. */
export type GoRegexErrorCode = typeof GoRegexErrorCode[keyof typeof GoRegexErrorCode];

/**
 * The error thrown for a pattern Go's `regexp` would reject, with Go's exact text
 * (`*syntax.Error`): "error parsing regexp: <code>: \`<expr>\`". A `SyntaxError`, so
 * callers may catch either.
 *
 * @example
 * ```ts
 * try {
 *   compileGoRegex("a**", { anchored: false });
 * } catch (e) {
 *   e instanceof GoRegexSyntaxError; // true
 *   (e as GoRegexSyntaxError).code; // "invalid nested repetition operator"
 *   (e as GoRegexSyntaxError).expr; // "**"
 *   (e as Error).message; // "error parsing regexp: invalid nested repetition operator: `**`"
 * }
 * ```
 */
export class GoRegexSyntaxError extends SyntaxError {
  /** Go's error code text, e.g. "missing closing )". */
  readonly code: GoRegexErrorCode;
  /** The offending part of the expression, as Go reports it (may be ""). */
  readonly expr: string;
  /**
   * The whole expression that failed to parse: the pattern, or its anchored form
   * `^(?:pattern)$` when that is what failed; "" when not known.
   */
  readonly regex: string;

  constructor(code: GoRegexErrorCode, expr: string, regex = "", options?: ErrorOptions) {
    super(`error parsing regexp: ${code}: \`${expr}\``, options);
    this.name = "GoRegexSyntaxError";
    this.code = code;
    this.expr = expr;
    this.regex = regex;
  }
}

/**
 * Builds a syntax error with Go's code text and the offending text `expr`.
 *
 * @example
 * ```ts
 * err(GoRegexErrorCode.MissingBracket, "[a").message; // "error parsing regexp: missing closing ]: `[a`"
 * throw err(GoRegexErrorCode.TrailingBackslash, "");
 * ```
 */
export function err(code: GoRegexErrorCode, expr: string): GoRegexSyntaxError {
  return new GoRegexSyntaxError(code, expr);
}

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "7";
}

function isAlnum(c: string): boolean {
  return (c >= "0" && c <= "9") || (c >= "A" && c <= "Z") || (c >= "a" && c <= "z");
}

function unhex(c: string): number {
  if (c >= "0" && c <= "9") return c.charCodeAt(0) - 48;
  if (c >= "a" && c <= "f") return c.charCodeAt(0) - 87;
  if (c >= "A" && c <= "F") return c.charCodeAt(0) - 55;
  return -1;
}

/**
 * Throws when code point `cp`, read at `at` in `text`, is a lone surrogate, which no valid
 * UTF-8 encodes: Go reports invalid UTF-8 with the rest of the text from there.
 *
 * @example
 * ```ts
 * checkScalar(0x41, "A", 0); // returns; "A" is fine
 * checkScalar(0xd800, "a\ud800x", 1); // throws "error parsing regexp: invalid UTF-8: `\ud800x`"
 * ```
 */
export function checkScalar(cp: number, text: string, at: number): void {
  if (cp >= 0xd800 && cp <= 0xdfff) throw err(GoRegexErrorCode.InvalidUTF8, text.slice(at));
}

/**
 * Throws, as Go's `checkUTF8`, when `text` holds a lone surrogate (which no valid UTF-8
 * encodes), with the rest of `text` from there.
 *
 * @example
 * ```ts
 * checkText("name"); // returns
 * checkText("n\udc00me"); // throws "error parsing regexp: invalid UTF-8: `\udc00me`"
 * ```
 */
export function checkText(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    else throw err(GoRegexErrorCode.InvalidUTF8, text.slice(i));
  }
}

/**
 * Parses `\pL`, `\p{Greek}`, `\P{^Greek}` at pos and moves past it; undefined when not at `\p`/`\P`.
 * Throws for an unknown class name.
 *
 * @example
 * ```ts
 * const cur = { s: "\\p{Greek}x", pos: 0 };
 * parseUnicodeClass(cur); // { kind: "prop", negate: false, names: ["Script=Greek"] }
 * cur.pos; // 9, at "x"
 * ```
 */
export function parseUnicodeClass(cur: Cursor): ClassItem | undefined {
  const s = cur.s;
  const c = s[cur.pos + 1];
  if (s[cur.pos] !== "\\" || (c !== "p" && c !== "P")) return undefined;
  let negate = c === "P";
  const start = cur.pos;
  let name: string;
  let end: number;
  if (s[start + 2] === "{") {
    const close = s.indexOf("}", start);
    if (close < 0) throw err(GoRegexErrorCode.InvalidCharRange, s.slice(start));
    name = s.slice(start + 3, close);
    end = close + 1;
  } else {
    const cp = s.codePointAt(start + 2);
    if (cp !== undefined) checkScalar(cp, s, start + 2);
    name = cp === undefined ? "" : String.fromCodePoint(cp);
    end = start + 2 + name.length;
  }
  const seq = s.slice(start, end);
  if (name.startsWith("^")) {
    negate = !negate;
    name = name.slice(1);
  }
  const names = lookupUnicodeClass(name);
  // Go reports an unknown class name as an invalid range.
  if (names === undefined) throw err(GoRegexErrorCode.InvalidCharRange, seq);
  cur.pos = end;
  return { kind: "prop", negate, names };
}

/**
 * Parses a Perl class `\d \D \s \S \w \W` at pos and moves past it; undefined when not one of them.
 *
 * @example
 * ```ts
 * const cur = { s: "\\d+", pos: 0 };
 * parsePerlClass(cur); // { kind: "group", negate: false, ranges: [48, 57] }
 * cur.pos; // 2
 * ```
 */
export function parsePerlClass(cur: Cursor): ClassItem | undefined {
  const c = cur.s[cur.pos + 1];
  if (cur.s[cur.pos] !== "\\" || c === undefined || !"dswDSW".includes(c)) return undefined;
  cur.pos += 2;
  return { kind: "group", negate: c >= "A" && c <= "Z", ranges: PERL_GROUPS[c.toLowerCase()] };
}

/**
 * Parses a single-character escape at pos (Go's parseEscape), moves past it and returns its
 * code point. Throws for escapes Go rejects (backreferences, `\Z`, `\u`, ...).
 *
 * @example
 * ```ts
 * const cur = { s: "\\x41b", pos: 0 };
 * parseEscape(cur); // 65 ("A")
 * cur.pos; // 4, at "b"
 * ```
 */
export function parseEscape(cur: Cursor): number {
  const s = cur.s;
  const start = cur.pos;
  if (start + 1 >= s.length) throw err(GoRegexErrorCode.TrailingBackslash, "");
  const cp = nextCodePoint(cur, start + 1);
  const c = String.fromCodePoint(cp);
  if (cp < 0x80 && !isAlnum(c)) return cp; // escaped punctuation is itself
  // A single digit 1-7 not followed by an octal digit is a backreference, and 8 and 9 are
  // never octal: RE2 has neither, so Go reports them as invalid escapes.
  if ((c >= "1" && c <= "7" && isOctal(s[cur.pos])) || c === "0") {
    let r = cp - 48;
    for (let n = 1; n < 3 && isOctal(s[cur.pos]); n++) r = r * 8 + s.charCodeAt(cur.pos++) - 48;
    return r;
  }
  switch (c) {
    case "x": {
      const r = parseHexEscape(cur);
      if (r >= 0) return r;
      break;
    }
    case "a":
      return 7;
    case "f":
      return 12;
    case "n":
      return 10;
    case "r":
      return 13;
    case "t":
      return 9;
    case "v":
      return 11;
  }
  // Go reports the text consumed up to where the escape went wrong.
  throw err(GoRegexErrorCode.InvalidEscape, s.slice(start, cur.pos));
}

/**
 * Reads the code point at `pos` (which must be in the text), moves past it and returns it;
 * throws for a lone surrogate as Go's `nextRune` does for invalid UTF-8.
 */
function nextCodePoint(cur: Cursor, pos: number): number {
  const cp = cur.s.codePointAt(pos)!;
  checkScalar(cp, cur.s, pos);
  cur.pos = pos + (cp > 0xffff ? 2 : 1);
  return cp;
}

/**
 * The rest of `\x` (pos just after the `x`): `{hex...}` up to U+10FFFF, or exactly two hex
 * digits. Returns the code point, or -1 with pos after the text Go consumed before giving up.
 */
function parseHexEscape(cur: Cursor): number {
  const s = cur.s;
  if (cur.pos >= s.length) return -1;
  const first = nextCodePoint(cur, cur.pos);
  if (first === 0x7b) { // "{"
    let r = 0;
    let digits = 0;
    for (;;) {
      if (cur.pos >= s.length) return -1;
      const c = nextCodePoint(cur, cur.pos);
      if (c === 0x7d) break; // "}"
      const v = c < 0x80 ? unhex(String.fromCharCode(c)) : -1;
      if (v < 0) return -1;
      r = r * 16 + v;
      if (r > 0x10ffff) return -1;
      digits++;
    }
    return digits === 0 ? -1 : r;
  }
  const x = first < 0x80 ? unhex(String.fromCharCode(first)) : -1;
  // Go reads a second character even when the first is not a hex digit.
  const second = cur.pos < s.length ? nextCodePoint(cur, cur.pos) : -1;
  const y = second >= 0 && second < 0x80 ? unhex(String.fromCharCode(second)) : -1;
  return x < 0 || y < 0 ? -1 : x * 16 + y;
}

/**
 * Parses a bracketed class `[...]` at pos into a class node and moves past the `]`.
 * `fold` marks the node case-insensitive (`(?i)`). Throws when the class is malformed.
 *
 * @example
 * ```ts
 * const cur = { s: "[a-c]x", pos: 0 };
 * parseClass(cur, false);
 * // { op: "class", items: [{ kind: "range", lo: 97, hi: 99 }], negate: false, fold: false }
 * cur.pos; // 5, at "x"
 * ```
 */
export function parseClass(cur: Cursor, fold: boolean): GoNode {
  const s = cur.s;
  const whole = s.slice(cur.pos);
  let i = cur.pos + 1;
  let negate = false;
  if (s[i] === "^") {
    negate = true;
    i++;
  }
  const items: ClassItem[] = [];
  let first = true;
  while (i >= s.length || s[i] !== "]" || first) {
    if (i >= s.length) throw err(GoRegexErrorCode.MissingBracket, whole);
    first = false;
    // POSIX class [:alpha:] (only inside brackets).
    if (s[i] === "[" && s[i + 1] === ":" && i + 2 < s.length) {
      const close = s.indexOf(":]", i + 2);
      if (close >= 0) {
        const name = s.slice(i, close + 2);
        const neg = name[2] === "^";
        const key = name.slice(neg ? 3 : 2, -2);
        // Go reports an unknown class name as an invalid range.
        if (!Object.hasOwn(POSIX_GROUPS, key)) throw err(GoRegexErrorCode.InvalidCharRange, name);
        items.push({ kind: "group", negate: neg, ranges: POSIX_GROUPS[key] });
        i = close + 2;
        continue;
      }
    }
    cur.pos = i;
    const group = parseUnicodeClass(cur) ?? parsePerlClass(cur);
    if (group !== undefined) {
      items.push(group);
      i = cur.pos;
      continue;
    }
    const rangeStart = i;
    const lo = parseClassChar(cur, whole);
    let hi = lo;
    if (s[cur.pos] === "-" && cur.pos + 1 < s.length && s[cur.pos + 1] !== "]") {
      cur.pos++;
      hi = parseClassChar(cur, whole);
      if (hi < lo) throw err(GoRegexErrorCode.InvalidCharRange, s.slice(rangeStart, cur.pos));
    }
    items.push({ kind: "range", lo, hi });
    i = cur.pos;
  }
  cur.pos = i + 1;
  return { op: "class", items, negate, fold };
}

function parseClassChar(cur: Cursor, whole: string): number {
  if (cur.pos >= cur.s.length) throw err(GoRegexErrorCode.MissingBracket, whole);
  if (cur.s[cur.pos] === "\\") return parseEscape(cur);
  return nextCodePoint(cur, cur.pos);
}

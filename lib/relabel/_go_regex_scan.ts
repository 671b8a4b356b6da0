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
 * The error thrown for a pattern Go's `regexp` would reject; a `SyntaxError`, so callers may catch either.
 *
 * @example
 * ```ts
 * try {
 *   compileGoRegex("a**");
 * } catch (e) {
 *   e instanceof GoRegexSyntaxError; // true
 *   (e as Error).message; // "invalid nested repetition operator `**`"
 * }
 * ```
 */
export class GoRegexSyntaxError extends SyntaxError {
  constructor(message: string) {
    super(message);
    this.name = "GoRegexSyntaxError";
  }
}

/**
 * Builds a syntax error; `fragment` is the offending text, shown in backquotes.
 *
 * @example
 * ```ts
 * err("missing closing ]", "[a").message; // "missing closing ] `[a`"
 * throw err("trailing backslash at end of expression");
 * ```
 */
export function err(message: string, fragment?: string): GoRegexSyntaxError {
  return new GoRegexSyntaxError(fragment === undefined ? message : `${message} \`${fragment}\``);
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
 * Throws when a code point is a lone surrogate, which cannot come from valid UTF-8 (Go: invalid UTF-8).
 *
 * @example
 * ```ts
 * checkScalar(0x41); // returns; "A" is fine
 * checkScalar(0xd800); // throws GoRegexSyntaxError "invalid UTF-8 in regular expression"
 * ```
 */
export function checkScalar(cp: number): void {
  // A lone surrogate cannot come from valid UTF-8; Go reports it as invalid UTF-8.
  if (cp >= 0xd800 && cp <= 0xdfff) throw err("invalid UTF-8 in regular expression");
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
    if (close < 0) throw err("invalid character class range", s.slice(start));
    name = s.slice(start + 3, close);
    end = close + 1;
  } else {
    const cp = s.codePointAt(start + 2);
    name = cp === undefined ? "" : String.fromCodePoint(cp);
    end = start + 2 + name.length;
  }
  const seq = s.slice(start, end);
  if (name.startsWith("^")) {
    negate = !negate;
    name = name.slice(1);
  }
  const names = lookupUnicodeClass(name);
  if (names === undefined) throw err("unknown Unicode class", seq);
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
  if (start + 1 >= s.length) throw err("trailing backslash at end of expression");
  const cp = s.codePointAt(start + 1)!;
  const c = String.fromCodePoint(cp);
  cur.pos = start + 1 + c.length;
  if (cp < 0x80 && !isAlnum(c)) return cp; // escaped punctuation is itself
  if (c >= "1" && c <= "9" && !(c <= "7" && isOctal(s[cur.pos]))) {
    throw err("backreferences are not supported by Go regular expressions:", `\\${c}`);
  }
  if (c >= "0" && c <= "7") {
    let r = cp - 48;
    for (let n = 1; n < 3 && isOctal(s[cur.pos]); n++) r = r * 8 + s.charCodeAt(cur.pos++) - 48;
    return r;
  }
  switch (c) {
    case "x": {
      if (s[cur.pos] === "{") {
        const close = s.indexOf("}", cur.pos);
        const digits = close < 0 ? "" : s.slice(cur.pos + 1, close);
        if (/^[0-9A-Fa-f]+$/.test(digits)) {
          let r = 0;
          for (const d of digits) {
            r = r * 16 + unhex(d);
            if (r > 0x10ffff) break;
          }
          if (r <= 0x10ffff) {
            cur.pos = close + 1;
            return r;
          }
        }
        throw err("invalid escape sequence", s.slice(start, close < 0 ? s.length : close + 1));
      }
      const x = unhex(s[cur.pos] ?? ""), y = unhex(s[cur.pos + 1] ?? "");
      if (x < 0 || y < 0) throw err("invalid escape sequence", s.slice(start, cur.pos + 2));
      cur.pos += 2;
      return x * 16 + y;
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
  throw err("invalid escape sequence", `\\${c}`);
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
    if (i >= s.length) throw err("missing closing ]", whole);
    first = false;
    // POSIX class [:alpha:] (only inside brackets).
    if (s[i] === "[" && s[i + 1] === ":" && i + 2 < s.length) {
      const close = s.indexOf(":]", i + 2);
      if (close >= 0) {
        const name = s.slice(i, close + 2);
        const neg = name[2] === "^";
        const key = name.slice(neg ? 3 : 2, -2);
        if (!Object.hasOwn(POSIX_GROUPS, key)) throw err("unknown POSIX class", name);
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
      if (hi < lo) throw err("invalid character class range", s.slice(rangeStart, cur.pos));
    }
    items.push({ kind: "range", lo, hi });
    i = cur.pos;
  }
  cur.pos = i + 1;
  return { op: "class", items, negate, fold };
}

function parseClassChar(cur: Cursor, whole: string): number {
  if (cur.pos >= cur.s.length) throw err("missing closing ]", whole);
  if (cur.s[cur.pos] === "\\") return parseEscape(cur);
  const cp = cur.s.codePointAt(cur.pos)!;
  checkScalar(cp);
  cur.pos += cp > 0xffff ? 2 : 1;
  return cp;
}

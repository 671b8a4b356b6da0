/**
 * How current vmagent (lib/flagutil/array.go at HEAD) turns one value of an array flag into
 * items, and prints them back.
 *
 * - Commas split items, except inside `'…'`, `"…"`, `[…]`, `{…}` and `(…)` (brackets nest,
 *   quotes may hold backslash-escaped quotes). An unclosed quote or bracket runs to the end.
 * - An item wholly in double quotes is unquoted as a Go string literal; if that fails, the quotes
 *   are dropped and `\"`, `\\` unescaped. An item wholly in single quotes has the quotes dropped
 *   and `\'`, `\\` unescaped. Brackets are kept.
 * - An empty value is one empty item.
 *
 * @module
 */

import { goQuote } from "../util/go_strconv.ts";

const CLOSE: Record<string, string> = { '"': '"', "'": "'", "[": "]", "{": "}", "(": ")" };

/**
 * Splits one array-flag value into items as vmagent does.
 *
 * @example
 * ```ts
 * splitArrayValue(`a,"b,c",[d,e]`); // ["a", "b,c", "[d,e]"]
 * ```
 */
export function splitArrayValue(value: string): string[] {
  if (value === "") return [""];
  const items: string[] = [];
  let s = value;
  for (;;) {
    const end = nextItemEnd(s);
    items.push(unquoteItem(s.slice(0, end)));
    s = s.slice(end);
    if (s === "") return items;
    if (s[0] === ",") s = s.slice(1);
  }
}

/** Returns the index of the comma ending the first item of `s`, or `s.length`. */
function nextItemEnd(s: string): number {
  let i = 0;
  for (;;) {
    const n = indexOfAny(s, ",\"'[{(", i);
    if (n < 0) return s.length;
    if (s[n] === ",") return n;
    i = n + 1;
    i += closeQuoteOffset(s.slice(i), CLOSE[s[n]]);
  }
}

/**
 * Returns how many characters of `s` up to and including `close` belong to the opened quote or
 * bracket, or 0 when it is not closed (then the opening character counts as plain text).
 */
function closeQuoteOffset(s: string, close: string): number {
  if (close === '"' || close === "'") {
    let i = 0;
    for (;;) {
      const n = s.indexOf(close, i);
      if (n < 0) return 0;
      if (trailingBackslashes(s, n) % 2 === 1) {
        i = n + 1; // an escaped quote
        continue;
      }
      return n + 1;
    }
  }
  let i = 0;
  for (;;) {
    const n = indexOfAny(s, "\"'[{()}]", i);
    if (n < 0) return 0;
    if (s[n] === close) return n + 1;
    i = n + 1;
    const m = closeQuoteOffset(s.slice(i), CLOSE[s[n]] ?? "\0");
    if (m === 0) return 0;
    i += m;
  }
}

function trailingBackslashes(s: string, end: number): number {
  let n = end;
  while (n > 0 && s[n - 1] === "\\") n--;
  return end - n;
}

function indexOfAny(s: string, chars: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (chars.includes(s[i])) return i;
  }
  return -1;
}

function unquoteItem(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    const u = unquoteGoString(v);
    if (u !== undefined) return u;
    return v.slice(1, -1).replaceAll('\\"', '"').replaceAll("\\\\", "\\");
  }
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) {
    return v.slice(1, -1).replaceAll("\\'", "'").replaceAll("\\\\", "\\");
  }
  // A lone `"` or `'` item makes vmagent panic (it slices v[1:len(v)-1]); we keep it as is.
  return v;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};

/**
 * Unquotes a Go double-quoted string literal (`strconv.Unquote`); `undefined` when it is not a
 * valid literal.
 *
 * @example
 * ```ts
 * unquoteGoString('"a\\tb\\u00e9"'); // "a\tbé" (a, tab, b, é)
 * unquoteGoString('"\\x41"'); // "A"
 * unquoteGoString('"bad'); // undefined
 * ```
 */
export function unquoteGoString(q: string): string | undefined {
  if (q.length < 2 || q[0] !== '"' || q[q.length - 1] !== '"') return undefined;
  const body = q.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"' || c === "\n") return undefined;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
      out += simple;
      continue;
    }
    let digits = 0;
    let radix = 16;
    if (e === "x") digits = 2;
    else if (e === "u") digits = 4;
    else if (e === "U") digits = 8;
    else if (e >= "0" && e <= "7") [digits, radix] = [3, 8];
    else return undefined;
    const text = radix === 8 ? body.slice(i, i + 3) : body.slice(i + 1, i + 1 + digits);
    const re = radix === 8 ? /^[0-7]{3}$/ : new RegExp(`^[0-9a-fA-F]{${digits}}$`);
    if (!re.test(text)) return undefined;
    const code = parseInt(text, radix);
    if (e === "x" || radix === 8) {
      if (code > 255) return undefined;
      // Go inserts a raw byte; for ASCII that is the character, above it is a byte we map
      // to the same code point (flag values are text).
      out += String.fromCharCode(code);
    } else {
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      out += String.fromCodePoint(code);
    }
    i += radix === 8 ? 2 : digits;
  }
  return out;
}

/**
 * Prints string items as vmagent's `ArrayString.String()`: joined by commas, an item containing
 * `,`, `'`, `"`, `{`, `[`, `(` or a newline written as a Go-quoted string.
 *
 * @example
 * ```ts
 * formatStringArray(["a", "b,c"]); // `a,"b,c"`
 * ```
 */
export function formatStringArray(items: readonly string[]): string {
  return items.map((v) => (/[,'"{[(\n]/.test(v) ? goQuote(v) : v)).join(",");
}

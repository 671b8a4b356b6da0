/**
 * Parses the series part of a Prometheus text line (`name{label="value",...}`),
 * with the leniency of vmagent's parser: whitespace between tokens, a trailing
 * comma, empty label values, labels with an empty name skipped, UTF-8 quoted
 * names (`{"name", "label"="v"}`), and unknown escapes kept as written
 * (`"domain\user"` stays `domain\user`).
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";

/** The metric name and labels of one series, as written in the exposition. */
export interface ParsedSeries {
  /** The metric name. */
  metric: string;
  /** Labels in the order written; the metric name is not among them. */
  labels: Label[];
}

const C_SPACE = 32;
const C_TAB = 9;
const C_QUOTE = 34;
const C_BACKSLASH = 92;
const C_RBRACE = 125;
const C_COMMA = 44;
const C_EQ = 61;

function isSpace(c: number): boolean {
  return c === C_SPACE || c === C_TAB;
}

function skipSpace(s: string, i: number, end: number): number {
  while (i < end && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function trimEnd(s: string, start: number, end: number): number {
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * Returns the index just past the closing quote of the string that starts at
 * `i` (which must hold `"`), honouring backslash escapes, or -1 when unterminated.
 *
 * @example
 * ```ts
 * const s = String.raw`foo{a="x\"}",b="y"} 1`;
 * skipQuoted(s, 6, s.length); // 12: past `"x\"}"`, the escaped quote and the `}` inside included
 * skipQuoted('"abc', 0, 4); // -1
 * ```
 */
export function skipQuoted(s: string, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === C_BACKSLASH) i += 2;
    else if (c === C_QUOTE) return i + 1;
    else i++;
  }
  return -1;
}

/**
 * Returns the index just past the `}` that closes a label set whose body starts
 * at `i`, skipping quoted strings, or -1 when there is none before `end`.
 *
 * @example
 * ```ts
 * const s = String.raw`foo{a="x\"}",b="y"} 1`;
 * findLabelsEnd(s, 4, s.length); // 19: s.slice(0, 19) is the whole series, the `}` in the value skipped
 * ```
 */
export function findLabelsEnd(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === C_QUOTE) {
      i = skipQuoted(s, i, end);
      if (i < 0) return -1;
    } else if (c === C_RBRACE) {
      return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}

/**
 * Unescapes `\\`, `\"` and `\n` in a label value; any other backslash is kept, as vmagent does.
 *
 * @example
 * ```ts
 * unescapeLabelValue(String.raw`a\"b\\c\nd`); // 'a"b\\c\nd' (a quote, one backslash, a newline)
 * unescapeLabelValue(String.raw`domain\user`); // "domain\\user": an unknown escape stays as written
 * ```
 */
export function unescapeLabelValue(s: string): string {
  let n = s.indexOf("\\");
  if (n < 0) return s;
  let out = "";
  let from = 0;
  while (n >= 0) {
    out += s.substring(from, n);
    if (n + 1 >= s.length) {
      out += "\\";
      return out;
    }
    const c = s.charCodeAt(n + 1);
    if (c === C_BACKSLASH) out += "\\";
    else if (c === C_QUOTE) out += '"';
    else if (c === 110 /* n */) out += "\n";
    else out += s.substring(n, n + 2);
    from = n + 2;
    n = s.indexOf("\\", from);
  }
  return out + s.substring(from);
}

/** Position and text of a quoted string parsed by {@linkcode readQuoted}. */
interface Quoted {
  value: string;
  next: number;
}

const quoted: Quoted = { value: "", next: 0 };

/** Reads a quoted string at `i` into the shared `quoted` holder; returns an error or "". */
function readQuoted(s: string, i: number, end: number): string {
  if (i >= end || s.charCodeAt(i) !== C_QUOTE) {
    return `missing starting double quote in string: ${quoteGo(s.substring(i, end))}`;
  }
  const close = skipQuoted(s, i, end);
  if (close < 0) return `missing closing double quote in string: ${quoteGo(s.substring(i, end))}`;
  quoted.value = unescapeLabelValue(s.substring(i + 1, close - 1));
  quoted.next = close;
  return "";
}

/**
 * Parses a series text such as `foo{a="b"}`, `foo`, `foo {a="b",}` or
 * `{"foo","a"="b"}`. Returns the series, or a string with the reason it is malformed.
 *
 * @example
 * ```ts
 * parseSeries('http_requests_total{code="200"}');
 * // { metric: "http_requests_total", labels: [{ name: "code", value: "200" }] }
 * parseSeries("foo{bar}"); // 'cannot unmarshal tags: missing value for unquoted tag "bar}"'
 * ```
 */
export function parseSeries(raw: string): ParsedSeries | string {
  const end = raw.length;
  let i = skipSpace(raw, 0, end);
  const brace = raw.indexOf("{", i);
  if (brace < 0) {
    const nameEnd = trimEnd(raw, i, end);
    if (nameEnd === i) return "metric cannot be empty";
    return { metric: raw.substring(i, nameEnd), labels: [] };
  }
  let metric = raw.substring(i, trimEnd(raw, i, brace));
  const labels: Label[] = [];
  i = brace + 1;
  for (;;) {
    i = skipSpace(raw, i, end);
    const q = raw.indexOf('"', i);
    if (q < 0) {
      if (i < end && raw.charCodeAt(i) === C_RBRACE) break;
      return `cannot unmarshal tags: missing value for tag ${quoteGo(raw.substring(i))}`;
    }
    const keyEnd = trimEnd(raw, i, q);
    let key = "";
    if (keyEnd === i) {
      // A quoted name: `{"label"="value"}` or a quoted metric name `{"metric"}`.
      const err = readQuoted(raw, i, end);
      if (err !== "") return `cannot unmarshal tags: ${err}`;
      key = quoted.value;
      i = skipSpace(raw, quoted.next, end);
      if (i < end) {
        const c = raw.charCodeAt(i);
        if (c === C_COMMA || c === C_RBRACE) {
          if (metric !== "") {
            return `cannot unmarshal tags: metric name ${
              quoteGo(metric)
            } already set, duplicate metric name ${quoteGo(key)}`;
          }
          metric = key;
          if (c === C_COMMA) i++;
          continue;
        }
        if (c !== C_EQ) {
          return `cannot unmarshal tags: missing value for quoted tag ${quoteGo(key)}`;
        }
        i = skipSpace(raw, i + 1, end);
      }
    } else {
      if (raw.charCodeAt(keyEnd - 1) !== C_EQ) {
        return `cannot unmarshal tags: missing value for unquoted tag ${quoteGo(raw.substring(i))}`;
      }
      key = raw.substring(i, trimEnd(raw, i, keyEnd - 1));
      i = q;
    }
    const err = readQuoted(raw, i, end);
    if (err !== "") return `cannot unmarshal tags: ${err}`;
    const value = quoted.value;
    // A label with an empty name is skipped; an empty value is kept (vmagent #453).
    if (key !== "") labels.push({ name: key, value });
    i = skipSpace(raw, quoted.next, end);
    if (i < end && raw.charCodeAt(i) === C_RBRACE) break;
    if (i >= end || raw.charCodeAt(i) !== C_COMMA) {
      return `cannot unmarshal tags: missing comma after tag ${key}=${quoteGo(value)}`;
    }
    i++;
  }
  if (metric === "") return "metric cannot be empty";
  return { metric, labels };
}

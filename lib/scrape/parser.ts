/**
 * The Prometheus text exposition format (0.0.4) and OpenMetrics text scanner.
 *
 * The scanner walks the text once, line by line, and hands each sample line to a
 * {@linkcode RowVisitor} as a view (`text`, start and end of the series part),
 * with the value and timestamp already parsed. The series part is the raw text
 * from the first non-blank character up to the closing `}` (or the end of the
 * metric name): the scraper uses it as a cache key, so a known series costs one
 * map lookup and one number parse. Comments (`# HELP`, `# TYPE`, `# UNIT`,
 * `# EOF`, anything after `#` following the value, such as OpenMetrics
 * exemplars) are skipped; empty lines and CRLF endings are accepted.
 *
 * Timestamps are milliseconds; a timestamp in [-2^31, 2^31) is taken as
 * OpenMetrics seconds and multiplied by 1000, as vmagent does. A malformed line
 * is reported with its 1-based number as
 * `cannot unmarshal Prometheus line "<line>": <reason>` (vmagent's text) and
 * skipped; the rest of the text is kept.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import { NOT_A_NUMBER, parseNumberSpan } from "./parse_number.ts";
import { findLabelsEnd, type ParsedSeries, parseSeries } from "./parse_series.ts";

/** Receives what {@linkcode scanPrometheusText} finds. */
export interface RowVisitor {
  /**
   * One sample line. The raw series text is `text.substring(seriesStart, seriesEnd)`.
   * `timestamp` is milliseconds, or 0 when the line has none.
   * Return a reason string to reject the line as malformed (it is then reported
   * through {@linkcode RowVisitor.error}), or undefined to accept it.
   */
  row(
    text: string,
    seriesStart: number,
    seriesEnd: number,
    value: number,
    timestamp: number,
  ): string | undefined;
  /** One malformed line: vmagent's message and the 1-based line number. */
  error(message: string, line: number): void;
  /** `# HELP`, `# TYPE` and `# UNIT` lines, when wanted. */
  metadata?(kind: "HELP" | "TYPE" | "UNIT", metric: string, text: string): void;
}

/** Options of {@linkcode scanPrometheusText}. */
export interface ScanOptions {
  /** Number of the first line of `text` (for texts fed in blocks). @default 1 */
  firstLine?: number;
}

const C_SPACE = 32;
const C_TAB = 9;
const C_CR = 13;
const C_HASH = 35;
const C_LBRACE = 123;
const TS_SECONDS_LIMIT = 2 ** 31;

function isSpace(c: number): boolean {
  return c === C_SPACE || c === C_TAB;
}

function malformed(text: string, start: number, end: number, reason: string): string {
  return `cannot unmarshal Prometheus line ${quoteGo(text.substring(start, end))}: ${reason}`;
}

function scanMetadata(text: string, a: number, b: number, v: RowVisitor): void {
  // `# HELP name text`, `# TYPE name type`, `# UNIT name unit`: one space after `#`.
  if (b - a < 7 || text.charCodeAt(a + 1) !== C_SPACE) return;
  const kind = text.substring(a + 2, a + 6);
  if (kind !== "HELP" && kind !== "TYPE" && kind !== "UNIT") return;
  if (!isSpace(text.charCodeAt(a + 6))) return;
  let i = a + 7;
  const nameStart = i;
  while (i < b && !isSpace(text.charCodeAt(i))) i++;
  if (i === nameStart) return;
  const name = text.substring(nameStart, i);
  v.metadata!(kind, name, i < b ? text.substring(i + 1, b) : "");
}

/**
 * Scans `text` and calls `visitor` for every sample line and malformed line.
 * Returns the number of lines scanned.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * scanPrometheusText('# TYPE up gauge\nup{job="a"} 1 1700000000000\n', {
 *   row(t, s, e, value) { seen.push(`${t.substring(s, e)}=${value}`); return undefined; },
 *   error() {},
 * });
 * // seen: ['up{job="a"}=1']
 * ```
 */
export function scanPrometheusText(
  text: string,
  visitor: RowVisitor,
  options: ScanOptions = {},
): number {
  let line = (options.firstLine ?? 1) - 1;
  const len = text.length;
  const wantMetadata = visitor.metadata !== undefined;
  let pos = 0;
  while (pos < len) {
    let b = text.indexOf("\n", pos);
    const next = b < 0 ? len : b + 1;
    if (b < 0) b = len;
    line++;
    let a = pos;
    pos = next;
    if (b > a && text.charCodeAt(b - 1) === C_CR) b--;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    if (a === b) continue;
    let c = text.charCodeAt(a);
    if (c === C_HASH) {
      if (wantMetadata) scanMetadata(text, a, b, visitor);
      continue;
    }
    // The series part: a metric name up to a blank or `{`, then an optional label set.
    let i = a;
    while (i < b) {
      c = text.charCodeAt(i);
      if (c === C_SPACE || c === C_TAB || c === C_LBRACE) break;
      i++;
    }
    let seriesEnd = i;
    let j = i;
    while (j < b && isSpace(text.charCodeAt(j))) j++;
    if (j < b && text.charCodeAt(j) === C_LBRACE) {
      seriesEnd = findLabelsEnd(text, j + 1, b);
      if (seriesEnd < 0) {
        const r = parseSeries(text.substring(a, b));
        const reason = typeof r === "string" ? r : "cannot unmarshal tags: missing closing }";
        visitor.error(malformed(text, a, b, reason), line);
        continue;
      }
      j = seriesEnd;
    } else if (j >= b) {
      visitor.error(malformed(text, a, b, "missing value"), line);
      continue;
    }
    // The value, an optional timestamp, and an optional `# ...` tail (OpenMetrics exemplars).
    while (j < b && isSpace(text.charCodeAt(j))) j++;
    // Searched within the line only: indexOf would scan the rest of the body.
    let restEnd = j;
    while (restEnd < b && text.charCodeAt(restEnd) !== C_HASH) restEnd++;
    let k = j;
    while (k < restEnd && !isSpace(text.charCodeAt(k))) k++;
    if (k === j) {
      visitor.error(malformed(text, a, b, "value cannot be empty"), line);
      continue;
    }
    const value = parseNumberSpan(text, j, k);
    if (value === NOT_A_NUMBER) {
      visitor.error(
        malformed(text, a, b, `cannot parse value ${quoteGo(text.substring(j, k))}`),
        line,
      );
      continue;
    }
    let timestamp = 0;
    while (k < restEnd && isSpace(text.charCodeAt(k))) k++;
    if (k < restEnd) {
      let tsEnd = restEnd;
      while (tsEnd > k && isSpace(text.charCodeAt(tsEnd - 1))) tsEnd--;
      const ts = parseNumberSpan(text, k, tsEnd);
      if (ts === NOT_A_NUMBER || !Number.isFinite(ts)) {
        visitor.error(
          malformed(text, a, b, `cannot parse timestamp ${quoteGo(text.substring(k, tsEnd))}`),
          line,
        );
        continue;
      }
      // OpenMetrics timestamps are float seconds; vmagent treats small values as seconds.
      timestamp = Math.trunc(ts >= -TS_SECONDS_LIMIT && ts < TS_SECONDS_LIMIT ? ts * 1000 : ts);
    }
    const reason = visitor.row(text, a, seriesEnd, value, timestamp);
    if (reason !== undefined) visitor.error(malformed(text, a, b, reason), line);
  }
  return line - ((options.firstLine ?? 1) - 1);
}

/** One parsed sample line. */
export interface ParsedRow extends ParsedSeries {
  /** The sample value. */
  value: number;
  /** Milliseconds; 0 when the line has no timestamp. */
  timestamp: number;
}

/** A malformed line. */
export interface ParseError {
  /** 1-based line number. */
  line: number;
  /** vmagent's message: `cannot unmarshal Prometheus line "...": reason`. */
  message: string;
}

/** Metadata from `# HELP`, `# TYPE` and `# UNIT` lines. */
export interface ParsedMetadata {
  /** Which comment. */
  kind: "HELP" | "TYPE" | "UNIT";
  /** The metric family name. */
  metric: string;
  /** The rest of the line (help text, type or unit), as written. */
  text: string;
}

/** What {@linkcode parsePrometheusText} returns. */
export interface ParseResult {
  /** Sample lines, in order. */
  rows: ParsedRow[];
  /** Malformed lines, in order. */
  errors: ParseError[];
  /** `# HELP`, `# TYPE`, `# UNIT` lines, in order. */
  metadata: ParsedMetadata[];
}

/**
 * Parses a whole exposition into rows (each series parsed afresh; the scraper
 * uses {@linkcode scanPrometheusText} with its cache instead).
 *
 * @example
 * ```ts
 * const { rows, errors } = parsePrometheusText('foo{a="x"} 1.5\nbad line here\n');
 * // rows: [{ metric: "foo", labels: [{ name: "a", value: "x" }], value: 1.5, timestamp: 0 }]
 * // errors: [{ line: 2, message: 'cannot unmarshal Prometheus line "bad line here": cannot parse value "line"' }]
 * ```
 */
export function parsePrometheusText(text: string | Uint8Array): ParseResult {
  const s = typeof text === "string" ? text : new TextDecoder().decode(text);
  const out: ParseResult = { rows: [], errors: [], metadata: [] };
  scanPrometheusText(s, {
    row(t, start, end, value, timestamp) {
      const series = parseSeries(t.substring(start, end));
      if (typeof series === "string") return series;
      out.rows.push({ metric: series.metric, labels: series.labels, value, timestamp });
      return undefined;
    },
    error(message, line) {
      out.errors.push({ line, message });
    },
    metadata(kind, metric, data) {
      out.metadata.push({ kind, metric, text: data });
    },
  });
  return out;
}

/**
 * Converts a parsed row into labels with `__name__` first, as the scraper builds them.
 *
 * @example
 * ```ts
 * const { rows } = parsePrometheusText('http_requests_total{code="200"} 5\n');
 * rowLabels(rows[0]);
 * // [{ name: "__name__", value: "http_requests_total" }, { name: "code", value: "200" }]
 * ```
 */
export function rowLabels(row: ParsedSeries): Label[] {
  return [{ name: "__name__", value: row.metric }, ...row.labels];
}

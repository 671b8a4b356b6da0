/**
 * `scrape_series_added` as vmagent computes it: the number of rows of a
 * response whose series text is new compared with the previous successful
 * response, counted on the raw rows (before metric relabeling and limits). A
 * series written n times counts max(0, n - m) times when the previous response
 * had it m times (vmagent's `GetRowsDiff`, `lib/protoparser/prometheus/parser.go`,
 * compares the two responses as sorted lists of row keys).
 *
 * One difference is deliberate: vmagent sorts the lines as raw text but compares
 * their keys, so when a target's spelling makes the two orders disagree (leading
 * blanks, `{}`, blanks inside braces, unusual escapes) its walk can count a few
 * extra rows. Here the difference is always exact.
 *
 * Instead of keeping and diffing the previous body, each distinct row key keeps
 * its occurrence counts in the current and the last successful scrape, stamped
 * with scrape generation numbers, so counting costs a few integer operations per
 * row and nothing per scrape.
 *
 * @module
 */
import type { ParsedSeries } from "./parse_series.ts";

const RE_NEEDS_ESCAPE = /[\\"\n]/;

/**
 * The text vmagent compares rows by: the metric name, then `{name="value",...}`
 * in the order written with values re-escaped, or the bare name without labels
 * (vmagent's `marshalMetricNameWithTags`). Blanks, trailing commas, `{}` and
 * escapes as spelled by the target do not matter; the label order does.
 *
 * @example
 * ```ts
 * rowKey({ metric: "m", labels: [{ name: "b", value: "2" }, { name: "a", value: 'x"' }] });
 * // 'm{b="2",a="x\\""}'
 * rowKey({ metric: "m", labels: [] }); // "m"
 * ```
 */
export function rowKey(series: ParsedSeries): string {
  const labels = series.labels;
  if (labels.length === 0) return series.metric;
  let k = series.metric + "{";
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) k += ",";
    const v = labels[i].value;
    k += labels[i].name + '="' + (RE_NEEDS_ESCAPE.test(v) ? escapeValue(v) : v) + '"';
  }
  return k + "}";
}

function escapeValue(v: string): string {
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    out += c === "\\" ? "\\\\" : c === '"' ? '\\"' : c === "\n" ? "\\n" : c;
  }
  return out;
}

/**
 * Occurrence counts of one row key across scrapes. Scrape generations are
 * numbered by the caller from 1; generation 0 means "no successful scrape yet".
 *
 * @example
 * ```ts
 * const r = new RowCount();
 * r.add(1, 0); // true: new in the first scrape
 * r.add(1, 0); // true: a duplicate row counts too
 * r.add(2, 1); // false: scrape 1 (the last success) had it twice
 * r.add(2, 1); // false
 * r.add(2, 1); // true: a third copy
 * ```
 */
export class RowCount {
  /** Generation of {@linkcode RowCount.count}. */
  gen = 0;
  /** Occurrences in generation `gen`. */
  count = 0;
  /** The latest successful generation before `gen` that had the key. */
  okGen = 0;
  /** Occurrences in `okGen`. */
  okCount = 0;
  /** Occurrences in the last successful scrape, valid during generation `gen`. */
  prev = 0;

  /**
   * Counts one row in scrape `gen`, whose previous successful scrape is
   * `lastOkGen` (0 if none). Returns true when the row is beyond the rows with
   * this key in that scrape, i.e. it counts as added.
   */
  add(gen: number, lastOkGen: number): boolean {
    if (this.gen !== gen) {
      // The first row of this key in scrape `gen`. A failed scrape (partly
      // counted in stream mode) never becomes `lastOkGen`, so its count is dropped.
      if (this.gen === lastOkGen) {
        this.okGen = this.gen;
        this.okCount = this.count;
      }
      this.prev = this.okGen === lastOkGen ? this.okCount : 0;
      this.gen = gen;
      this.count = 0;
    }
    return ++this.count > this.prev;
  }
}

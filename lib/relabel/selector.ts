/**
 * Series selectors for the `if` option of relabeling rules, as vmagent parses
 * them with MetricsQL: `metric`, `metric{a="b",c!="d",e=~"re",f!~"re"}`,
 * `{__name__=~"..."}`, `{"metric"}`, and `or` groups inside the braces
 * (`{a="b" or c="d"}`). Matching follows vmagent's `if` semantics: a missing
 * label has the value "", regexes are anchored, and `{}` matches nothing.
 * MetricsQL WITH templates, functions and binary operators are rejected.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import { type Token, tokenize, unescapeIdent, unquoteString } from "./_metricsql_lexer.ts";
import { GoRegexSyntaxError } from "./go_regex.ts";
import { PromRegex } from "./prom_regex.ts";

const EQ = 0, NE = 1, RE = 2, NRE = 3;
const OP_TEXT = ["=", "!=", "=~", "!~"];

/**
 * vmagent's text for a `=~`/`!~` filter whose regex Go rejects: MetricsQL checks the
 * anchored form (`invalid regexp in label="value"`), then `if` compiles the bare one
 * (`cannot parse regexp for label=~"value"`); Go's own message follows.
 */
function regexFilterError(label: string, op: string, value: string, e: unknown): string {
  const message = (e as Error).message;
  if (e instanceof GoRegexSyntaxError && e.regex === value) {
    return `cannot parse regexp for ${label}${op}${quoteGo(value)}: ${message}`;
  }
  return `invalid regexp in ${label}=${quoteGo(value)}: ${message}`;
}

/** One label filter; `label` is "" for the metric name, as vmagent keeps it. */
interface LabelFilter {
  label: string;
  op: number;
  value: string;
  re: PromRegex | undefined;
}

const WORD_BINARY_OPS = new Set(["and", "or", "unless", "if", "ifnot", "default", "atan2"]);

/**
 * A parsed series selector: a list of `or` groups of label filters.
 *
 * @example
 * ```ts
 * const s = parseSeriesSelector('up{job=~"node.*"}');
 * s.matches([{ name: "__name__", value: "up" }, { name: "job", value: "node1" }]); // true
 * ```
 */
export class SeriesSelector {
  /** The selector as written. */
  readonly source: string;
  readonly #groups: readonly (readonly LabelFilter[])[];

  /** @internal Use {@linkcode parseSeriesSelector}. */
  constructor(source: string, groups: LabelFilter[][]) {
    this.source = source;
    this.#groups = groups;
  }

  /** Returns true when every filter of at least one `or` group matches `labels`. */
  matches(labels: readonly Label[]): boolean {
    const groups = this.#groups;
    for (let g = 0; g < groups.length; g++) {
      const filters = groups[g];
      let ok = true;
      for (let f = 0; f < filters.length && ok; f++) ok = matchFilter(filters[f], labels);
      if (ok) return true;
    }
    return false;
  }
}

function matchFilter(lf: LabelFilter, labels: readonly Label[]): boolean {
  switch (lf.op) {
    case EQ:
      return equalValue(lf, labels);
    case NE:
      return !equalValue(lf, labels);
    case RE:
      return matchRegex(lf, labels);
    default:
      return !matchRegex(lf, labels);
  }
}

function equalValue(lf: LabelFilter, labels: readonly Label[]): boolean {
  if (lf.label === "") {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i].name === "__name__") return labels[i].value === lf.value;
    }
    return false;
  }
  let seen = false;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i].name !== lf.label) continue;
    seen = true;
    if (labels[i].value === lf.value) return true;
  }
  // {missing=""} matches: a missing label reads as "".
  return !seen && lf.value === "";
}

function matchRegex(lf: LabelFilter, labels: readonly Label[]): boolean {
  let seen = false;
  for (let i = 0; i < labels.length; i++) {
    const name = labels[i].name;
    if ((name === "__name__" ? "" : name) !== lf.label) continue;
    seen = true;
    if (lf.re!.test(labels[i].value)) return true;
  }
  return !seen && lf.re!.test("");
}

/** A label filter as written, before metric-name handling. */
interface RawFilter {
  label: string;
  op: number; // -1: a bare name such as {"metric"}
  value: string;
  quoted: boolean;
}

class Parser {
  readonly toks: Token[];
  i = 0;
  constructor(text: string) {
    this.toks = tokenize(text);
  }
  get tok(): Token {
    return this.toks[this.i];
  }
  fail(what: string): never {
    const t = this.tok;
    throw new SyntaxError(
      t.kind === "eof" ? `${what} at end of input` : `${what}; got ${quoteGo(t.text)}`,
    );
  }

  /** expr := '+'* ( '(' expr ')' | metric ) with nothing after it. */
  parseTop(): RawFilter[][] | null {
    const groups = this.parseSingle();
    const t = this.tok;
    if (t.kind === "eof") return groups;
    if (t.kind === "op" || (t.kind === "ident" && WORD_BINARY_OPS.has(t.text.toLowerCase()))) {
      this.fail("expecting a series selector, not an expression with a binary operator");
    }
    this.fail("unexpected data after the series selector");
  }

  parseSingle(): RawFilter[][] | null {
    const t = this.tok;
    let groups: RawFilter[][] | null;
    if (t.kind === "op" && t.text === "+") {
      this.i++;
      return this.parseSingle();
    }
    if (t.kind === "punct" && t.text === "(") {
      this.i++;
      groups = this.parseSingle();
      if (this.tok.text === ",") this.fail("expecting a series selector, not a union");
      if (this.tok.kind === "op" || WORD_BINARY_OPS.has(this.tok.text.toLowerCase())) {
        this.fail("expecting a series selector, not an expression with a binary operator");
      }
      if (this.tok.text !== ")") this.fail(`expecting ")"`);
      this.i++;
    } else if (t.kind === "punct" && t.text === "{") {
      groups = this.parseBraces(undefined);
    } else if (t.kind === "ident") {
      const lower = t.text.toLowerCase();
      if (lower === "inf" || lower === "nan") {
        this.fail("expecting a series selector, not a number");
      }
      const next = this.toks[this.i + 1];
      if (next.text === "(") {
        this.fail(
          lower === "with"
            ? "WITH templates are not supported in `if`"
            : "expecting a series selector, not a function call",
        );
      }
      this.i++;
      const name: RawFilter = {
        label: "__name__",
        op: EQ,
        value: unescapeIdent(t.text),
        quoted: false,
      };
      groups = this.tok.text === "{" ? this.parseBraces(name) : [[name]];
    } else {
      this.fail("expecting a series selector");
    }
    const r = this.tok;
    if (
      r.text === "[" || r.text === "@" || (r.kind === "ident" && r.text.toLowerCase() === "offset")
    ) {
      this.fail("expecting a series selector, not a range, offset or @ modifier");
    }
    return groups;
  }

  /** '{' [ filters ( 'or' filters )* ] '}' ; null for `{}`. */
  parseBraces(name: RawFilter | undefined): RawFilter[][] | null {
    this.i++; // {
    if (this.tok.text === "}") {
      this.i++;
      return name === undefined ? null : [[name]];
    }
    const groups: RawFilter[][] = [];
    for (;;) {
      const group: RawFilter[] = name === undefined ? [] : [name];
      for (;;) {
        group.push(this.parseFilter());
        const sep = this.tok.text.toLowerCase();
        if (sep === ",") {
          this.i++;
          if (this.tok.text === "}") break;
          continue;
        }
        if (sep === "or" || sep === "}") break;
        this.fail(`expecting ",", "or" or "}" after a label filter`);
      }
      groups.push(group);
      if (this.tok.text === "}") {
        this.i++;
        return groups;
      }
      this.i++; // or
    }
  }

  parseFilter(): RawFilter {
    const t = this.tok;
    let label: string;
    const quoted = t.kind === "string";
    if (quoted) label = unescapeIdent(t.text.slice(1, -1));
    else if (t.kind === "ident") label = unescapeIdent(t.text);
    else this.fail("expecting a label name");
    this.i++;
    const opTok = this.tok;
    const op = opTok.kind === "op" ? OP_TEXT.indexOf(opTok.text) : -2;
    if (op < 0) {
      const sep = opTok.text.toLowerCase();
      if (sep === "," || sep === "}" || sep === "or") {
        if (!quoted) {
          throw new SyntaxError(`label filter ${quoteGo(label)} has no operator and value`);
        }
        return { label, op: -1, value: "", quoted };
      }
      this.fail(`expecting "=", "!=", "=~" or "!~" after label ${quoteGo(label)}`);
    }
    this.i++;
    // A value is one string or several joined with "+".
    if (this.tok.kind !== "string") {
      this.fail(`expecting a quoted string value for label ${quoteGo(label)}`);
    }
    let value = unquoteString(this.tok.text);
    this.i++;
    while (this.tok.text === "+" && this.toks[this.i + 1].kind === "string") {
      value += unquoteString(this.toks[this.i + 1].text);
      this.i += 2;
    }
    return { label, op, value, quoted };
  }
}

/** Applies MetricsQL's metric-name rules to the `or` groups and compiles the filters. */
function buildGroups(raw: RawFilter[][] | null): LabelFilter[][] {
  if (raw === null) return [];
  const groups: LabelFilter[][] = [];
  const names: string[] = [];
  for (const g of raw) {
    let metric = "";
    let filters: LabelFilter[] = [];
    for (const f of g) {
      if (f.op === -1 || (f.label === "__name__" && f.op === EQ)) {
        const name = f.op === -1 ? f.label : f.value;
        if (metric !== "" && metric !== name) {
          throw new SyntaxError(
            `metric name must not be set twice: ${quoteGo(metric)} or ${quoteGo(name)}`,
          );
        }
        metric = name;
        filters.unshift({ label: "", op: EQ, value: name, re: undefined });
        continue;
      }
      let re: PromRegex | undefined;
      if (f.op === RE || f.op === NRE) {
        try {
          re = PromRegex.compile(f.value);
        } catch (e) {
          throw new SyntaxError(regexFilterError(f.label, OP_TEXT[f.op], f.value, e));
        }
      }
      filters.push({ label: f.label === "__name__" ? "" : f.label, op: f.op, value: f.value, re });
    }
    const seen = new Set<string>();
    filters = filters.filter((lf) => {
      const key = `${lf.label}\u0000${lf.op}\u0000${lf.value}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    groups.push(filters);
    names.push(metric);
  }
  // When every group naming a metric names the same one, groups without any
  // __name__ filter get it too (MetricsQL's common metric name).
  const named = names.filter((n) => n !== "");
  if (named.length > 0 && named.every((n) => n === named[0])) {
    groups.forEach((filters, k) => {
      if (!raw[k].some((f) => f.label === "__name__" || f.op === -1)) {
        filters.unshift({ label: "", op: EQ, value: named[0], re: undefined });
      }
    });
  }
  return groups;
}

/**
 * Parses a series selector; throws `SyntaxError` with a message saying what is
 * wrong (the caller adds the field path and the selector text).
 *
 * @example
 * ```ts
 * parseSeriesSelector('{a="b" or c=~"d.*"}').matches([{ name: "c", value: "dx" }]); // true
 * ```
 */
export function parseSeriesSelector(text: string): SeriesSelector {
  return new SeriesSelector(text, buildGroups(new Parser(text).parseTop()));
}

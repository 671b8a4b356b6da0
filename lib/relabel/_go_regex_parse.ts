/**
 * A parser for Go's regular expression syntax (RE2, `regexp/syntax` with the
 * Perl flags `regexp.Compile` uses). It accepts exactly what Go accepts, with
 * Go's rules for flags, escapes, classes and repetition limits, and reports
 * errors that name the offending construct. Private to `lib/relabel`.
 *
 * @module
 */
import type { GoNode, GoRegexTree } from "./_go_regex_ast.ts";
import {
  checkScalar,
  checkText,
  type Cursor,
  err,
  GoRegexErrorCode,
  GoRegexSyntaxError,
  parseClass,
  parseEscape,
  parsePerlClass,
  parseUnicodeClass,
} from "./_go_regex_scan.ts";

export { GoRegexErrorCode, GoRegexSyntaxError };

const FOLD = 1; // (?i)
const DOT_NL = 2; // (?s)
const ONE_LINE = 4; // not (?m): ^ and $ match at text boundaries only
const NON_GREEDY = 8; // (?U)

/** Go's cap on a single counted repetition and on the product of nested ones. */
const MAX_REPEAT = 1000;

/** Options of {@linkcode parseGoRegex}. */
export interface ParseGoRegexOptions {
  /** Parse as if `(?s)` were set (Go's `syntax.DotNL`), as vmagent's PromRegex does. @default false */
  dotNL?: boolean;
}

/**
 * Parses Go regular expression `source` into a syntax tree and its capture group names;
 * throws {@linkcode GoRegexSyntaxError} where Go's `regexp/syntax` would fail, with Go's
 * error text and `regex` set to `source`.
 *
 * @example
 * ```ts
 * parseGoRegex("a(?P<n>b)").groupNames; // ["", "n"]
 * parseGoRegex("ab").root; // { op: "literal", codePoints: [97, 98], fold: false }
 * ```
 */
export function parseGoRegex(source: string, opts: ParseGoRegexOptions = {}): GoRegexTree {
  try {
    const p = new Parser(source, ONE_LINE | (opts.dotNL ? DOT_NL : 0));
    const root = p.parseAlternate();
    // Go reports both unbalanced cases with the whole expression.
    if (p.pos < source.length) throw err(GoRegexErrorCode.UnexpectedParen, source);
    return { root, groupNames: p.groupNames };
  } catch (e) {
    if (e instanceof GoRegexSyntaxError && e.regex === "") {
      throw new GoRegexSyntaxError(e.code, e.expr, source);
    }
    throw e;
  }
}

/** Returns false when a repetition nested in `node` multiplies past `n` copies (Go's repeatIsValid). */
function repeatIsValid(node: GoNode, n: number): boolean {
  if (node.op === "repeat") {
    let m = node.max;
    if (m === 0) return true;
    if (m < 0) m = node.min;
    if (m > n) return false;
    if (m > 0) n = Math.trunc(n / m);
  }
  if (node.op === "capture" || node.op === "repeat") return repeatIsValid(node.sub, n);
  if (node.op === "concat" || node.op === "alternate") {
    return node.subs.every((s) => repeatIsValid(s, n));
  }
  return true;
}

class Parser implements Cursor {
  readonly s: string;
  pos = 0;
  flags: number;
  readonly groupNames: string[] = [""];

  constructor(s: string, flags: number) {
    this.s = s;
    this.flags = flags;
  }

  /** alternate := concat ('|' concat)* ; stops at ')' or end of text. */
  parseAlternate(): GoNode {
    const subs = [this.parseConcat()];
    while (this.s[this.pos] === "|") {
      this.pos++;
      subs.push(this.parseConcat());
    }
    return subs.length === 1 ? subs[0] : { op: "alternate", subs };
  }

  parseConcat(): GoNode {
    const s = this.s;
    const atoms: GoNode[] = [];
    // The text of the previous repetition operator, to reject `a**` as Go does.
    let lastRepeat = -1;
    while (this.pos < s.length) {
      const c = s[this.pos];
      if (c === "|" || c === ")") break;
      const start = this.pos;
      if (c === "*" || c === "+" || c === "?") {
        this.pos++;
        const [min, max] = c === "*" ? [0, -1] : c === "+" ? [1, -1] : [0, 1];
        this.repeat(atoms, min, max, start, lastRepeat);
        lastRepeat = start;
        continue;
      }
      if (c === "{") {
        const r = this.parseRepeatBraces();
        if (r !== undefined) {
          const [min, max] = r;
          const text = s.slice(start, this.pos);
          if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw err(GoRegexErrorCode.InvalidRepeatSize, text);
          }
          this.repeat(atoms, min, max, start, lastRepeat);
          lastRepeat = start;
          continue;
        }
        // Not a valid {n,m}: a literal brace, as in Go.
      }
      lastRepeat = -1;
      this.parseAtom(atoms);
    }
    return concatOf(atoms);
  }

  /** Applies a repetition to the last atom; the operator text starts at `start`. */
  repeat(atoms: GoNode[], min: number, max: number, start: number, lastRepeat: number): void {
    let greedy = (this.flags & NON_GREEDY) === 0;
    if (this.s[this.pos] === "?") {
      this.pos++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) {
      throw err(GoRegexErrorCode.InvalidRepeatOp, this.s.slice(lastRepeat, this.pos));
    }
    const opText = this.s.slice(start, this.pos);
    const sub = atoms.pop();
    if (sub === undefined) throw err(GoRegexErrorCode.MissingRepeatArgument, opText);
    const node: GoNode = { op: "repeat", min, max, greedy, sub };
    if ((min >= 2 || max >= 2) && !repeatIsValid(node, MAX_REPEAT)) {
      throw err(GoRegexErrorCode.InvalidRepeatSize, opText);
    }
    atoms.push(node);
  }

  /** Parses `{n}`, `{n,}` or `{n,m}` at pos; returns undefined (pos unchanged) when it is not one. */
  parseRepeatBraces(): [number, number] | undefined {
    const s = this.s;
    let i = this.pos + 1;
    const int = (): number | undefined => {
      if (!(s[i] >= "0" && s[i] <= "9")) return undefined;
      // Go disallows leading zeros: `a{01}` is literal text.
      if (s[i] === "0" && s[i + 1] >= "0" && s[i + 1] <= "9") return undefined;
      let n = 0;
      for (; s[i] >= "0" && s[i] <= "9"; i++) {
        if (n >= 0) {
          n = n >= 1e8 ? -1 : n * 10 + (s.charCodeAt(i) - 48);
        }
      }
      return n;
    };
    let min = int();
    if (min === undefined || i >= s.length) return undefined;
    let max = min;
    if (s[i] === ",") {
      i++;
      if (i >= s.length) return undefined;
      if (s[i] === "}") max = -1;
      else {
        const m = int();
        if (m === undefined) return undefined;
        max = m;
        if (max < 0) min = -1;
      }
    }
    if (s[i] !== "}") return undefined;
    this.pos = i + 1;
    return [min, max];
  }

  parseAtom(atoms: GoNode[]): void {
    const s = this.s;
    const c = s[this.pos];
    switch (c) {
      case "(":
        if (s[this.pos + 1] === "?") {
          const node = this.parsePerlGroup();
          if (node !== undefined) atoms.push(node);
          return;
        }
        this.pos++;
        atoms.push(this.parseGroupBody(this.groupNames.push("") - 1, ""));
        return;
      case "^":
        this.pos++;
        atoms.push({ op: this.flags & ONE_LINE ? "beginText" : "beginLine" });
        return;
      case "$":
        this.pos++;
        atoms.push({ op: this.flags & ONE_LINE ? "endText" : "endLine" });
        return;
      case ".":
        this.pos++;
        atoms.push({ op: this.flags & DOT_NL ? "anyChar" : "anyCharNotNL" });
        return;
      case "[":
        atoms.push(parseClass(this, (this.flags & FOLD) !== 0));
        return;
      case "\\":
        this.parseBackslash(atoms);
        return;
      default: {
        const cp = s.codePointAt(this.pos)!;
        checkScalar(cp, s, this.pos);
        this.pos += cp > 0xffff ? 2 : 1;
        atoms.push(this.literal(cp));
      }
    }
  }

  literal(cp: number): GoNode {
    return { op: "literal", codePoints: [cp], fold: (this.flags & FOLD) !== 0 };
  }

  /** Parses the inside of a group up to and including `)`; captures when index > 0. */
  parseGroupBody(index: number, name: string, savedFlags = this.flags): GoNode {
    const sub = this.parseAlternate();
    if (this.s[this.pos] !== ")") throw err(GoRegexErrorCode.MissingParen, this.s);
    this.pos++;
    this.flags = savedFlags;
    return index > 0 ? { op: "capture", index, name, sub } : sub;
  }

  /** Parses `(?...`: a named capture, a non-capturing group, or a flag change (returns undefined). */
  parsePerlGroup(): GoNode | undefined {
    const s = this.s;
    const start = this.pos;
    const rest = s.length - start;
    const startsWithP = rest > 4 && s[start + 2] === "P" && s[start + 3] === "<";
    const startsWithName = rest > 3 && s[start + 2] === "<";
    if (startsWithP || startsWithName) {
      // Lookbehinds `(?<=` and `(?<!` land here too, as in Go: invalid named captures.
      const nameStart = start + (startsWithP ? 4 : 3);
      const end = s.indexOf(">", start);
      if (end < 0) {
        checkText(s.slice(start));
        throw err(GoRegexErrorCode.InvalidNamedCapture, s.slice(start));
      }
      const name = s.slice(nameStart, end);
      checkText(name);
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        throw err(GoRegexErrorCode.InvalidNamedCapture, s.slice(start, end + 1));
      }
      this.pos = end + 1;
      const index = this.groupNames.push(name) - 1;
      return this.parseGroupBody(index, name);
    }
    let flags = this.flags;
    let negative = false;
    let sawFlag = false;
    let i = start + 2;
    while (i < s.length) {
      checkScalar(s.codePointAt(i)!, s, i);
      const c = s[i++];
      const set = (bit: number, on: boolean) => {
        flags = on !== negative ? flags | bit : flags & ~bit;
        sawFlag = true;
      };
      if (c === "i") set(FOLD, true);
      else if (c === "m") set(ONE_LINE, false);
      else if (c === "s") set(DOT_NL, true);
      else if (c === "U") set(NON_GREEDY, true);
      else if (c === "-" && !negative) {
        negative = true;
        sawFlag = false;
      } else if ((c === ":" || c === ")") && (!negative || sawFlag)) {
        this.pos = i;
        if (c === ")") {
          this.flags = flags;
          return undefined;
        }
        const saved = this.flags;
        this.flags = flags;
        return this.parseGroupBody(0, "", saved);
      } else {
        // Lookaheads, atomic groups, comments, (?x)...: Go knows none of them.
        throw err(GoRegexErrorCode.InvalidPerlOp, s.slice(start, i));
      }
    }
    throw err(GoRegexErrorCode.InvalidPerlOp, s.slice(start, i));
  }

  parseBackslash(atoms: GoNode[]): void {
    const s = this.s;
    const c = s[this.pos + 1];
    switch (c) {
      case "A":
        this.pos += 2;
        atoms.push({ op: "beginText" });
        return;
      case "z":
        this.pos += 2;
        atoms.push({ op: "endText" });
        return;
      case "b":
        this.pos += 2;
        atoms.push({ op: "wordBoundary" });
        return;
      case "B":
        this.pos += 2;
        atoms.push({ op: "noWordBoundary" });
        return;
      case "C":
        throw err(GoRegexErrorCode.InvalidEscape, "\\C");
      case "Q": {
        // \Q...\E: everything up to \E (or the end) is literal text.
        const end = s.indexOf("\\E", this.pos + 2);
        const lit = s.slice(this.pos + 2, end < 0 ? s.length : end);
        this.pos = end < 0 ? s.length : end + 2;
        for (let k = 0; k < lit.length; k += lit.codePointAt(k)! > 0xffff ? 2 : 1) {
          const cp = lit.codePointAt(k)!;
          checkScalar(cp, lit, k);
          atoms.push(this.literal(cp));
        }
        return;
      }
    }
    const fold = (this.flags & FOLD) !== 0;
    const item = parseUnicodeClass(this) ?? parsePerlClass(this);
    if (item !== undefined) {
      atoms.push({ op: "class", items: [item], negate: false, fold });
      return;
    }
    atoms.push(this.literal(parseEscape(this)));
  }
}

/** Builds a concatenation, merging runs of literals with the same case folding. */
function concatOf(atoms: GoNode[]): GoNode {
  const out: GoNode[] = [];
  for (const a of atoms) {
    const last = out[out.length - 1];
    if (a.op === "literal" && last?.op === "literal" && last.fold === a.fold) {
      last.codePoints.push(...a.codePoints);
    } else {
      out.push(a.op === "literal" ? { ...a, codePoints: [...a.codePoints] } : a);
    }
  }
  if (out.length === 0) return { op: "empty" };
  return out.length === 1 ? out[0] : { op: "concat", subs: out };
}

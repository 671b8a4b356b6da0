/**
 * Anchored regex matching as vmagent's `regexutil.PromRegex` does it: the pattern
 * is parsed with `(?s)` (so `.` matches `\n`), must match the whole string, and
 * common shapes are answered without a regex: `literal`, `a|b|c`, `prefix.*`,
 * `prefix.+`, `.*needle.*`, `.+needle.+`. The fast paths keep vmagent's exact
 * answers, including two quirks: `.+needle.+` only looks at the first
 * occurrence of `needle`, and a pattern that reduces to a prefix plus a single
 * `.` does not match `\n` there.
 *
 * @module
 */
import type { GoNode } from "./_go_regex_ast.ts";
import { compileGoRegexInfo } from "./go_regex.ts";

enum Kind {
  Literal,
  Values,
  DotStar,
  DotPlus,
  SubstrStar,
  SubstrPlus,
  SingleDot,
  Regex,
}

/** vmagent stops expanding alternatives past this many values (`maxOrValues`). */
const MAX_OR_VALUES = 100;

/** Drops captures, empty matches and the no-op text anchors at the edges of a pattern. */
function simplify(node: GoNode, keepBegin: boolean, keepEnd: boolean): GoNode {
  switch (node.op) {
    case "capture":
      return simplify(node.sub, keepBegin, keepEnd);
    case "repeat": {
      const sub = simplify(node.sub, keepBegin, keepEnd);
      const { min, max } = node;
      if (sub.op === "empty" || max === 0) return { op: "empty" };
      if (min === 1 && max === 1) return sub;
      // Go's Simplify squashes x** to x* (and x++, x??) when the greediness agrees.
      if (
        sub.op === "repeat" && sub.min === min && sub.max === max && sub.greedy === node.greedy &&
        min <= 1 && (max === -1 || max === 1)
      ) return sub;
      return { ...node, sub };
    }
    case "alternate":
      return { op: "alternate", subs: node.subs.map((s) => simplify(s, keepBegin, keepEnd)) };
    case "concat": {
      let subs: GoNode[] = [];
      node.subs.forEach((s, i) => {
        const x = simplify(s, keepBegin || subs.length > 0, keepEnd || i + 1 < node.subs.length);
        if (x.op === "concat") subs.push(...x.subs);
        else if (x.op !== "empty") subs.push(x);
      });
      if (!keepBegin) { while (subs[0]?.op === "beginText") subs = subs.slice(1); }
      if (!keepEnd) { while (subs[subs.length - 1]?.op === "endText") subs = subs.slice(0, -1); }
      // Adjacent literals with the same folding read as one literal.
      const merged: GoNode[] = [];
      for (const s of subs) {
        const last = merged[merged.length - 1];
        if (s.op === "literal" && last?.op === "literal" && last.fold === s.fold) {
          merged[merged.length - 1] = {
            ...last,
            codePoints: [...last.codePoints, ...s.codePoints],
          };
        } else merged.push(s);
      }
      if (merged.length === 0) return { op: "empty" };
      return merged.length === 1 ? merged[0] : { op: "concat", subs: merged };
    }
    case "beginText":
      return keepBegin ? node : { op: "empty" };
    case "endText":
      return keepEnd ? node : { op: "empty" };
    default:
      return node;
  }
}

function literalText(node: GoNode): string | undefined {
  if (node.op === "literal" && !node.fold) return String.fromCodePoint(...node.codePoints);
  return undefined;
}

function isDotOp(node: GoNode | undefined, min: number): boolean {
  return node?.op === "repeat" && node.min === min && node.max === -1 &&
    node.sub.op === "anyChar";
}

/** The exact set of strings `node` matches, when small and made of plain literals. */
function orValues(node: GoNode): string[] | undefined {
  switch (node.op) {
    case "empty":
      return [""];
    case "literal":
      return node.fold ? undefined : [String.fromCodePoint(...node.codePoints)];
    case "capture":
      return orValues(node.sub);
    case "alternate": {
      const out: string[] = [];
      for (const s of node.subs) {
        const v = orValues(s);
        if (v === undefined) return undefined;
        out.push(...v);
        if (out.length > MAX_OR_VALUES) return undefined;
      }
      return out;
    }
    case "concat": {
      let acc = [""];
      for (const s of node.subs) {
        const v = orValues(s);
        if (v === undefined || acc.length * v.length > MAX_OR_VALUES) return undefined;
        acc = acc.flatMap((a) => v.map((b) => a + b));
      }
      return acc;
    }
    default:
      return undefined;
  }
}

/**
 * A compiled vmagent-style anchored regex. Build it with {@linkcode PromRegex.compile}.
 *
 * @example
 * ```ts
 * const re = PromRegex.compile("foo.*");
 * re.test("foobar"); // true
 * re.test("xfoo"); // false
 * ```
 */
export class PromRegex {
  /** The pattern as given. */
  readonly source: string;
  /** True when the pattern reduces to `.*` (vmagent's `isDefaultRegex`). */
  readonly isMatchAll: boolean;
  readonly #kind: Kind;
  readonly #prefix: string;
  readonly #needle: string;
  readonly #values: ReadonlySet<string>;
  readonly #regex: RegExp;

  private constructor(source: string) {
    this.source = source;
    const { regexp, tree } = compileGoRegexInfo(source, { anchored: true, dotNL: true });
    this.#regex = regexp;
    // The anchored tree is ^(?:source)$; its edges simplify away.
    const root = simplify(tree.root, false, false);
    let prefix = "";
    let rest: GoNode = root;
    const lit = literalText(root);
    if (lit !== undefined) {
      prefix = lit;
      rest = { op: "empty" };
    } else if (root.op === "concat" && literalText(root.subs[0]) !== undefined) {
      prefix = literalText(root.subs[0])!;
      const subs = root.subs.slice(1);
      rest = subs.length === 1 ? subs[0] : { op: "concat", subs };
    }
    this.#prefix = prefix;
    this.#needle = "";
    this.#values = new Set();
    this.isMatchAll = prefix === "" && rest.op === "repeat" && isDotOp(rest, 0) && rest.greedy;
    if (rest.op === "empty") this.#kind = Kind.Literal;
    else if (isDotOp(rest, 0)) this.#kind = Kind.DotStar;
    else if (isDotOp(rest, 1)) this.#kind = Kind.DotPlus;
    else if (rest.op === "anyChar") this.#kind = Kind.SingleDot;
    else if (
      rest.op === "concat" && rest.subs.length === 3 && literalText(rest.subs[1]) !== undefined &&
      ((isDotOp(rest.subs[0], 0) && isDotOp(rest.subs[2], 0)) ||
        (isDotOp(rest.subs[0], 1) && isDotOp(rest.subs[2], 1)))
    ) {
      this.#kind = isDotOp(rest.subs[0], 0) ? Kind.SubstrStar : Kind.SubstrPlus;
      this.#needle = literalText(rest.subs[1])!;
    } else {
      const values = orValues(rest);
      if (values !== undefined && values.length > 0) {
        this.#kind = Kind.Values;
        this.#values = new Set(values);
      } else this.#kind = Kind.Regex;
    }
  }

  /** Compiles Go regex `source`; throws `GoRegexSyntaxError` when Go would reject it. */
  static compile(source: string): PromRegex {
    return new PromRegex(source);
  }

  /** Returns true when the whole of `s` matches. */
  test(s: string): boolean {
    const prefix = this.#prefix;
    if (this.#kind === Kind.Literal) return s === prefix;
    if (prefix !== "") {
      if (!s.startsWith(prefix)) return false;
      if (this.#kind === Kind.Regex) return this.#regex.test(s);
      s = s.slice(prefix.length);
    }
    switch (this.#kind) {
      case Kind.DotStar:
        return true;
      case Kind.DotPlus:
        return s.length > 0;
      case Kind.SubstrStar:
        return s.includes(this.#needle);
      case Kind.SubstrPlus: {
        // vmagent checks the first occurrence only.
        const n = s.indexOf(this.#needle);
        return n > 0 && n + this.#needle.length < s.length;
      }
      case Kind.Values:
        return this.#values.has(s);
      case Kind.SingleDot: {
        // vmagent's printed suffix "." loses (?s) here, so "\n" does not match.
        const cp = s.codePointAt(0);
        return cp !== undefined && cp !== 10 && s.length === (cp > 0xffff ? 2 : 1);
      }
      default:
        return this.#regex.test(s);
    }
  }
}

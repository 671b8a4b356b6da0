/**
 * Writes a parsed Go regular expression as JavaScript regex source for the `v`
 * (Unicode sets) flag, spelling out every construct whose meaning differs
 * between the two engines: `.` (`[^\n]` unless `(?s)`), `\s` (ASCII only in Go),
 * `^`/`$` (text or `\n`-line boundaries only), case folding (`(?i:...)`
 * modifier groups around folded atoms only) and laziness (`(?U)` resolved per
 * quantifier). Private to `lib/relabel`.
 *
 * @module
 */
import type { ClassItem, GoNode } from "./_go_regex_ast.ts";

/** Options of {@linkcode emitJsRegex}. */
export interface EmitOptions {
  /**
   * Group names to emit as JS named groups (valid, unique identifiers only); others stay numbered.
   * @default undefined (every group numbered)
   */
  namedGroups?: ReadonlySet<string>;
}

/**
 * Returns JavaScript regex source (for the `v` flag) equivalent to `node`.
 *
 * @example
 * ```ts
 * emitJsRegex(parseGoRegex("a.b").root); // "a[^\\n]b": Go's `.` does not match a newline
 * emitJsRegex(parseGoRegex("(?i)a\\s").root); // "(?i:a)(?i:[\\x09-\\x0A\\x0C-\\x0D\\x20])"
 * ```
 */
export function emitJsRegex(node: GoNode, opts: EmitOptions = {}): string {
  return emit(node, opts.namedGroups);
}

function hex(cp: number): string {
  return cp.toString(16).toUpperCase();
}

/** Escapes one code point so that it means itself both inside and outside a `v`-mode class. */
function esc(cp: number): string {
  if (
    (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ||
    cp === 0x5f
  ) return String.fromCharCode(cp);
  if (cp < 0x100) return `\\x${hex(cp).padStart(2, "0")}`;
  return `\\u{${hex(cp)}}`;
}

function emitRanges(ranges: readonly number[]): string {
  let s = "";
  for (let i = 0; i < ranges.length; i += 2) {
    s += ranges[i] === ranges[i + 1] ? esc(ranges[i]) : `${esc(ranges[i])}-${esc(ranges[i + 1])}`;
  }
  return s;
}

function emitClassItem(item: ClassItem): string {
  switch (item.kind) {
    case "range":
      return item.lo === item.hi ? esc(item.lo) : `${esc(item.lo)}-${esc(item.hi)}`;
    case "group":
      return item.negate ? `[^${emitRanges(item.ranges)}]` : emitRanges(item.ranges);
    case "prop": {
      if (item.names.length === 1) return `\\${item.negate ? "P" : "p"}{${item.names[0]}}`;
      const union = item.names.map((n) => `\\p{${n}}`).join("");
      return item.negate ? `[^${union}]` : union;
    }
  }
}

function hasCase(codePoints: readonly number[]): boolean {
  for (const cp of codePoints) {
    const ch = String.fromCodePoint(cp);
    if (ch.toLowerCase() !== ch || ch.toUpperCase() !== ch) return true;
  }
  return false;
}

/** True when the emitted form is a single atom a quantifier can follow directly. */
function isAtom(node: GoNode): boolean {
  switch (node.op) {
    case "literal":
      return node.codePoints.length === 1;
    case "class":
    case "anyChar":
    case "anyCharNotNL":
    case "capture":
      return true;
    default:
      return false;
  }
}

function emit(node: GoNode, named: ReadonlySet<string> | undefined): string {
  switch (node.op) {
    case "empty":
      return "(?:)";
    case "literal": {
      const s = node.codePoints.map(esc).join("");
      return node.fold && hasCase(node.codePoints) ? `(?i:${s})` : s;
    }
    case "class": {
      const body = node.items.map(emitClassItem).join("");
      const s = `[${node.negate ? "^" : ""}${body}]`;
      return node.fold ? `(?i:${s})` : s;
    }
    case "anyChar":
      return "[^]";
    case "anyCharNotNL":
      return "[^\\n]";
    case "beginText":
      return "^";
    case "endText":
      return "$";
    // Go's multi-line anchors only know `\n`; JavaScript's `m` flag also knows `\r`, U+2028, U+2029.
    case "beginLine":
      return "(?<![^\\n])";
    case "endLine":
      return "(?![^\\n])";
    // Without the `i` flag (never set around these) `\b` uses ASCII word characters, as Go does.
    case "wordBoundary":
      return "\\b";
    case "noWordBoundary":
      return "\\B";
    case "capture": {
      const open = named?.has(node.name) ? `(?<${node.name}>` : "(";
      return `${open}${emit(node.sub, named)})`;
    }
    case "repeat": {
      const sub = emit(node.sub, named);
      const q = node.min === 0 && node.max === -1
        ? "*"
        : node.min === 1 && node.max === -1
        ? "+"
        : node.min === 0 && node.max === 1
        ? "?"
        : node.max === -1
        ? `{${node.min},}`
        : node.min === node.max
        ? `{${node.min}}`
        : `{${node.min},${node.max}}`;
      return `${isAtom(node.sub) ? sub : `(?:${sub})`}${q}${node.greedy ? "" : "?"}`;
    }
    case "concat":
      return node.subs.map((s) => (s.op === "alternate" ? `(?:${emit(s, named)})` : emit(s, named)))
        .join("");
    case "alternate":
      return node.subs.map((s) => emit(s, named)).join("|");
  }
}

/**
 * The part of MetricsQL's lexer that series selectors need: identifiers with
 * backslash escapes, quoted strings (`"..."`, `'...'`, `` `...` ``, with Go
 * unquoting), punctuation and operators, `#` comments. Anything else becomes
 * an `other` token so the parser can reject it. Private to `lib/relabel`.
 *
 * @module
 */

/** A token; `text` is empty at the end of input. */
export interface Token {
  kind: "punct" | "ident" | "string" | "op" | "other" | "eof";
  text: string;
}

const LETTER = /\p{L}/u;
const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u;
const BINARY_OPS = ["==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "^", ">", "<"];

function isFirstIdentChar(ch: string): boolean {
  return ch === "_" || ch === ":" || LETTER.test(ch);
}

function isIdentChar(ch: string): boolean {
  return isFirstIdentChar(ch) || (ch >= "0" && ch <= "9") || ch === ".";
}

function fromHex(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const v = parseInt(ch, 16);
  return Number.isNaN(v) ? -1 : v;
}

/**
 * Decodes the escape after a backslash at `s[i]`: [code point, length], or undefined when invalid.
 *
 * @example
 * ```ts
 * decodeIdentEscape("\\x41b", 1); // [65, 3]: `x41` is "A"
 * decodeIdentEscape("a\\-b", 2); // [45, 1]: an escaped printable character is itself
 * decodeIdentEscape("\\\n", 1); // undefined: a newline cannot be escaped
 * ```
 */
export function decodeIdentEscape(s: string, i: number): [number, number] | undefined {
  const c = s[i];
  if (c === "x" || c === "X") {
    const h1 = fromHex(s[i + 1]), h2 = fromHex(s[i + 2]);
    return h1 >= 0 && h2 >= 0 ? [h1 * 16 + h2, 3] : undefined;
  }
  if (c === "u" || c === "U") {
    const h = [1, 2, 3, 4].map((k) => fromHex(s[i + k]));
    return h.every((v) => v >= 0) ? [h.reduce((a, v) => a * 16 + v, 0), 5] : undefined;
  }
  const cp = s.codePointAt(i);
  if (cp === undefined) return undefined;
  const ch = String.fromCodePoint(cp);
  return PRINTABLE.test(ch) ? [cp, ch.length] : undefined;
}

/**
 * Replaces backslash escapes in an identifier; an invalid escape keeps its backslash.
 *
 * @example
 * ```ts
 * unescapeIdent("foo\\-bar"); // "foo-bar"
 * unescapeIdent("a\\x41"); // "aA"
 * ```
 */
export function unescapeIdent(s: string): string {
  if (!s.includes("\\")) return s;
  let out = "";
  for (let i = 0; i < s.length;) {
    if (s[i] !== "\\") {
      out += s[i++];
      continue;
    }
    const e = decodeIdentEscape(s, i + 1);
    if (e === undefined) {
      out += "\\";
      i++;
    } else {
      out += String.fromCodePoint(e[0]);
      i += 1 + e[1];
    }
  }
  return out;
}

/** True when an identifier token starts at `s[i]`. */
function isIdentPrefix(s: string, i: number): boolean {
  if (s[i] === "\\") return decodeIdentEscape(s, i + 1) !== undefined;
  const cp = s.codePointAt(i);
  return cp !== undefined && isFirstIdentChar(String.fromCodePoint(cp));
}

function scanIdent(s: string, start: number): number {
  let i = start;
  while (i < s.length) {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    if (i === start ? isFirstIdentChar(ch) : isIdentChar(ch)) {
      i += ch.length;
      continue;
    }
    if (ch !== "\\") break;
    const e = decodeIdentEscape(s, i + 1);
    if (e === undefined) break;
    i += 1 + e[1];
  }
  return i;
}

/**
 * Splits selector text into tokens, ending with an `eof` token; throws SyntaxError on an unterminated string.
 *
 * @example
 * ```ts
 * tokenize('up{job=~"node.*"}').map((t) => t.text);
 * // ["up", "{", "job", "=~", '"node.*"', "}", ""]
 * ```
 */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && " \t\n\v\f\r".includes(s[i])) i++;
    if (i >= s.length) break;
    const c = s[i];
    if (c === "#") {
      const nl = s.indexOf("\n", i);
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    if ("{}[](),@".includes(c)) {
      out.push({ kind: "punct", text: c });
      i++;
      continue;
    }
    if (isIdentPrefix(s, i)) {
      const end = scanIdent(s, i);
      out.push({ kind: "ident", text: s.slice(i, end) });
      i = end;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      for (;;) {
        const n = s.indexOf(c, j);
        if (n < 0) {
          throw new SyntaxError(`cannot find closing quote ${c} for the string ${s.slice(i)}`);
        }
        let bs = 0;
        while (n - bs - 1 > i && s[n - bs - 1] === "\\") bs++;
        if (bs % 2 === 0) {
          out.push({ kind: "string", text: s.slice(i, n + 1) });
          i = n + 1;
          break;
        }
        j = n + 1;
      }
      continue;
    }
    const op = ["=~", "!~", ...BINARY_OPS, "="].find((o) => s.startsWith(o, i));
    if (op !== undefined) {
      out.push({ kind: "op", text: op });
      i += op.length;
      continue;
    }
    // Numbers, durations and anything else: never valid in a series selector.
    let j = i + 1;
    while (j < s.length && !" \t\n\v\f\r{}[](),@\"'`".includes(s[j])) j++;
    out.push({ kind: "other", text: s.slice(i, j) });
    i = j;
  }
  out.push({ kind: "eof", text: "" });
  return out;
}

/**
 * Decodes a MetricsQL string literal token as MetricsQL does: single-quoted
 * strings are rewritten to double-quoted ones, then Go's `strconv.Unquote`
 * rules apply (escapes produce bytes, decoded as UTF-8 at the end). Throws
 * SyntaxError for an invalid escape or a bare quote or newline inside.
 *
 * @example
 * ```ts
 * unquoteString('"a\\tb"'); // "a\tb" (a real tab)
 * unquoteString("'it\\'s'"); // "it's"
 * unquoteString('"\\xc3\\xa9"'); // "é": escaped bytes are decoded as UTF-8
 * unquoteString("`a\\n`"); // "a\\n": raw strings keep backslashes
 * ```
 */
export function unquoteString(token: string): string {
  let t = token;
  if (t[0] === "'") {
    t = `"${t.slice(1, -1).replaceAll("\\'", "'").replaceAll('"', '\\"')}"`;
  }
  if (t[0] === "`") {
    const body = t.slice(1, -1);
    if (body.includes("`")) throw new SyntaxError(`cannot parse string literal ${token}`);
    return body.replaceAll("\r", "");
  }
  const body = t.slice(1, -1);
  if (body.includes("\n")) {
    throw new SyntaxError(`cannot parse string literal ${token}: newline in string`);
  }
  if (!body.includes("\\")) {
    if (body.includes('"')) throw new SyntaxError(`cannot parse string literal ${token}`);
    return body;
  }
  const enc = new TextEncoder();
  const bytes: number[] = [];
  const bad = () => new SyntaxError(`cannot parse string literal ${token}: invalid escape`);
  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c === '"') throw new SyntaxError(`cannot parse string literal ${token}`);
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    const simple: Record<string, number> = {
      a: 7,
      b: 8,
      f: 12,
      n: 10,
      r: 13,
      t: 9,
      v: 11,
      "\\": 92,
      '"': 34,
    };
    if (e !== undefined && Object.hasOwn(simple, e)) {
      bytes.push(simple[e]);
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const digits = body.slice(i, i + n);
      if (!new RegExp(`^[0-9A-Fa-f]{${n}}$`).test(digits)) throw bad();
      const v = parseInt(digits, 16);
      i += n;
      if (e === "x") bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw bad();
        bytes.push(...enc.encode(String.fromCodePoint(v)));
      }
    } else if (e !== undefined && e >= "0" && e <= "7") {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) throw bad();
      const v = parseInt(digits, 8);
      if (v > 255) throw bad();
      bytes.push(v);
      i += 2;
    } else throw bad();
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

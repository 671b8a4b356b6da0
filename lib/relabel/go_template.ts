/**
 * Go's `Regexp.Expand` templates (`$1`, `${1}`, `$name`, `${name}`, `$$`) and
 * `Regexp.ReplaceAllString`, with Go's exact rules: a reference is the longest
 * run of letters, digits and `_` after `$` (so `$1x` names the group `1x`), a
 * number with a leading zero or of 1e8 and more is a name, an unknown or
 * unmatched group expands to nothing, and a malformed `$` stays literal.
 *
 * @module
 */

/** A compiled template: literal text and, per reference, the candidate group indexes. */
export interface GoTemplate {
  /** The template as written. */
  readonly source: string;
  /** Literal strings and group references (the first matched index of each list is used). */
  readonly parts: readonly (string | readonly number[])[];
}

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/** Splits a template into literal text and reference names (Go's `extract`). */
function splitTemplate(template: string): (string | { name: string })[] {
  const out: (string | { name: string })[] = [];
  let lit = "";
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf("$", i);
    if (d < 0) break;
    lit += template.slice(i, d);
    i = d + 1;
    if (template[i] === "$") {
      lit += "$";
      i++;
      continue;
    }
    const brace = template[i] === "{";
    let j = brace ? i + 1 : i;
    const nameStart = j;
    while (j < template.length) {
      const cp = template.codePointAt(j)!;
      const ch = String.fromCodePoint(cp);
      if (!NAME_CHAR.test(ch)) break;
      j += ch.length;
    }
    const name = template.slice(nameStart, j);
    if (name === "" || (brace && template[j] !== "}")) {
      lit += "$"; // malformed: the $ is literal, scanning resumes after it
      continue;
    }
    if (lit !== "") out.push(lit);
    lit = "";
    out.push({ name });
    i = brace ? j + 1 : j;
  }
  lit += template.slice(i);
  if (lit !== "") out.push(lit);
  return out;
}

/** Go's number rule for a reference name: decimal, below 1e8, no leading zero; else -1. */
function refNumber(name: string): number {
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) return -1;
    num = num * 10 + (c - 48);
  }
  if (name[0] === "0" && name.length > 1) return -1;
  return num;
}

/**
 * Compiles `template` against a regex with the given group names (index 0 is
 * the whole match).
 *
 * @example
 * ```ts
 * const t = compileGoTemplate("${1}-$name", ["", "", "name"]);
 * expandGoTemplate(t, ["ab", "a", "b"]); // "a-b"
 * ```
 */
export function compileGoTemplate(template: string, groupNames: readonly string[]): GoTemplate {
  const parts: (string | readonly number[])[] = [];
  for (const p of splitTemplate(template)) {
    if (typeof p === "string") {
      parts.push(p);
      continue;
    }
    const num = refNumber(p.name);
    if (num >= 0) parts.push(num < groupNames.length ? [num] : []);
    else {
      const idx: number[] = [];
      for (let k = 0; k < groupNames.length; k++) if (groupNames[k] === p.name) idx.push(k);
      parts.push(idx);
    }
  }
  return { source: template, parts };
}

/**
 * Expands a compiled template with the groups of a match (`RegExpExecArray`
 * or any array of group texts, undefined for unmatched groups); `null` means no
 * match, so every reference expands to "".
 *
 * @example
 * ```ts
 * const re = compileGoRegexInfo("(\\w+):(\\d+)", { anchored: true });
 * const t = compileGoTemplate("$2-$1", re.groupNames);
 * expandGoTemplate(t, re.regexp.exec("host:80")); // "80-host"
 * expandGoTemplate(t, null); // "-"
 * ```
 */
export function expandGoTemplate(
  t: GoTemplate,
  groups: ArrayLike<string | undefined> | null,
): string {
  const parts = t.parts;
  if (parts.length === 1 && typeof parts[0] === "string") return parts[0];
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (typeof p === "string") {
      out += p;
      continue;
    }
    if (groups === null) continue;
    for (let k = 0; k < p.length; k++) {
      const g = groups[p[k]];
      if (g !== undefined) {
        out += g;
        break;
      }
    }
  }
  return out;
}

/**
 * Replaces every match of `re` (which must have the `g` flag) in `src` with the
 * expanded template, as Go's `ReplaceAllString`: an empty match right after the
 * previous match is not replaced, and the scan advances by one code point after
 * an empty match.
 *
 * @example
 * ```ts
 * const re = compileGoRegexInfo("a*", { anchored: false, global: true });
 * replaceAllGo(re.regexp, "baaac", compileGoTemplate("X", re.groupNames)); // "XbXcX", as Go
 * ```
 */
export function replaceAllGo(re: RegExp, src: string, t: GoTemplate): string {
  let out = "";
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    re.lastIndex = searchPos;
    const m = re.exec(src);
    if (m === null) break;
    const start = m.index;
    const end = start + m[0].length;
    out += src.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += expandGoTemplate(t, m);
    lastMatchEnd = end;
    // Advance past this match; always advance at least one character.
    const cp = src.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  re.lastIndex = 0;
  return out + src.slice(lastMatchEnd);
}

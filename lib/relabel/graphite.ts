/**
 * Templates of vmagent's `action: graphite`: a match template where `*` stands
 * for a run of characters without `.` (`foo.*.bar`), and replacement templates
 * where `$N` / `${N}` insert capture N (`$0` is the whole name).
 *
 * @module
 */

/**
 * A compiled `match` template.
 *
 * @example
 * ```ts
 * const t = new GraphiteMatchTemplate("*.signup.*");
 * t.match("foo.signup.bar"); // ["foo.signup.bar", "foo", "bar"]
 * ```
 */
export class GraphiteMatchTemplate {
  /** The template as written. */
  readonly source: string;
  readonly #parts: readonly string[];

  constructor(source: string) {
    this.source = source;
    // Literal runs and "*" markers, with empty runs left out.
    const parts: string[] = [];
    let s = source;
    for (;;) {
      const n = s.indexOf("*");
      if (n < 0) {
        if (s !== "") parts.push(s);
        break;
      }
      if (n > 0) parts.push(s.slice(0, n));
      parts.push("*");
      s = s.slice(n + 1);
    }
    this.#parts = parts;
  }

  /** Returns `[name, capture1, ...]` when `name` matches, else undefined. */
  match(name: string): string[] | undefined {
    const parts = this.#parts;
    const out = [name];
    const last = parts[parts.length - 1];
    if (last !== undefined && last !== "*" && !name.endsWith(last)) return undefined;
    let s = name;
    let i = 0;
    while (i < parts.length) {
      const p = parts[i];
      if (p !== "*") {
        if (!s.startsWith(p)) return undefined;
        s = s.slice(p.length);
        i++;
        continue;
      }
      if (i + 1 >= parts.length) {
        // The trailing "*" takes the rest, which must not contain dots.
        if (s.includes(".")) return undefined;
        out.push(s);
        return out;
      }
      // "*" runs up to the first occurrence of the next part, without dots.
      const next = parts[i + 1];
      i += 2;
      const n = s.indexOf(next);
      if (n < 0) return undefined;
      const capture = s.slice(0, n);
      if (capture.includes(".")) return undefined;
      out.push(capture);
      s = s.slice(n + next.length);
    }
    return s.length === 0 ? out : undefined;
  }
}

/**
 * A compiled replacement template of a graphite `labels` entry.
 *
 * @example
 * ```ts
 * new GraphiteReplaceTemplate("${2}_total").expand(["a.b.c", "a", "b"]); // "b_total"
 * ```
 */
export class GraphiteReplaceTemplate {
  /** The template as written. */
  readonly source: string;
  /** Literal text, or the index of a capture (with the literal to use when it is absent). */
  readonly #parts: readonly { text: string; index: number }[];

  constructor(source: string) {
    this.source = source;
    const parts: { text: string; index: number }[] = [];
    const add = (text: string, index: number) => {
      if (text !== "") parts.push({ text, index });
    };
    let s = source;
    for (;;) {
      const n = s.indexOf("$");
      if (n < 0) {
        add(s, -1);
        break;
      }
      add(s.slice(0, n), -1);
      s = s.slice(n + 1);
      if (s[0] === "{") {
        const close = s.indexOf("}");
        if (close < 0) {
          add("$" + s, -1);
          break;
        }
        const idx = s.slice(1, close);
        s = s.slice(close + 1);
        add("${" + idx + "}", goAtoi(idx));
      } else {
        let k = 0;
        while (k < s.length && s[k] >= "0" && s[k] <= "9") k++;
        const idx = s.slice(0, k);
        s = s.slice(k);
        add("$" + idx, goAtoi(idx));
      }
    }
    this.#parts = parts;
  }

  /** Expands the template with the captures returned by {@linkcode GraphiteMatchTemplate.match}. */
  expand(captures: readonly string[]): string {
    let out = "";
    for (const p of this.#parts) {
      out += p.index >= 0 && p.index < captures.length ? captures[p.index] : p.text;
    }
    return out;
  }
}

/** Go's `strconv.Atoi`: optional sign, decimal digits, 64-bit range; -1 when invalid or negative. */
function goAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) return -1;
  const n = BigInt(s);
  if (n < -(2n ** 63n) || n >= 2n ** 63n || n < 0n) return -1;
  return n > 2n ** 53n ? Number.MAX_SAFE_INTEGER : Number(n);
}

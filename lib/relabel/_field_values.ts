/**
 * Type checks for the fields of a parsed-YAML relabeling rule, with the
 * leniency of vmagent's YAML decoder: scalars are accepted where a string is
 * wanted, `null` means "not set". Private to `lib/relabel`.
 *
 * @module
 */
import { FieldError, type FieldPath } from "../util/field_error.ts";

/**
 * Describes a YAML value's type for error messages.
 *
 * @example
 * ```ts
 * typeName([1]); // "a list"
 * typeName({}); // "a mapping"
 * typeName(3); // "a number"
 * typeName(null); // "null"
 * ```
 */
export function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

/**
 * Formats a number as Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest decimal without an exponent.
 *
 * @example
 * ```ts
 * formatFloat(1.5e-7); // "0.00000015"
 * formatFloat(1e21); // "1000000000000000000000"
 * formatFloat(Infinity); // "+Inf"
 * ```
 */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const [, sign, lead, frac = "", expText] = m;
  const exp = Number(expText);
  const digits = lead + frac;
  // JavaScript uses exponents only from 1e21 up and below 1e-6, so the digits always fit.
  if (exp >= 0) return sign + digits.padEnd(exp + 1, "0");
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

/**
 * Converts a YAML scalar to the string vmagent would read from it; undefined for mappings and lists.
 *
 * @example
 * ```ts
 * scalarString(1.5); // "1.5"
 * scalarString(true); // "true"
 * scalarString([]); // undefined
 * ```
 */
export function scalarString(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : formatFloat(v);
    case "bigint":
    case "boolean":
      return String(v);
  }
  return undefined;
}

/**
 * Reads an optional string field, accepting any scalar; null and absent give undefined.
 * Throws a `FieldError` at `path` + `key` for a mapping or list.
 *
 * @example
 * ```ts
 * optString({ separator: 1 }, "separator", [0]); // "1"
 * optString({}, "separator", [0]); // undefined
 * optString({ separator: [] }, "separator", [0]); // throws "[0].separator: must be a string; got a list"
 * ```
 */
export function optString(
  obj: Record<string, unknown>,
  key: string,
  path: FieldPath,
): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  const s = scalarString(v);
  if (s === undefined) throw new FieldError([...path, key], `must be a string; got ${typeName(v)}`);
  return s;
}

/**
 * Reads an optional list of strings, accepting scalars and turning null items into "";
 * null and absent give undefined. Throws a `FieldError` for a non-list or a nested mapping or list.
 *
 * @example
 * ```ts
 * optStringList({ source_labels: ["a", 1, null] }, "source_labels", [0]); // ["a", "1", ""]
 * ```
 */
export function optStringList(
  obj: Record<string, unknown>,
  key: string,
  path: FieldPath,
): string[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    throw new FieldError([...path, key], `must be a list of strings; got ${typeName(v)}`);
  }
  return v.map((x, j) => {
    if (x === null) return "";
    const s = scalarString(x);
    if (s === undefined) {
      throw new FieldError([...path, key, j], `must be a string; got ${typeName(x)}`);
    }
    return s;
  });
}

/**
 * Reads `regex`: a scalar, or a list (nested lists allowed) joined with `|`, as vmagent's MultiLineRegex.
 *
 * @example
 * ```ts
 * regexValue(["a", ["b", "c"]], [0, "regex"]); // "a|b|c"
 * regexValue(12, [0, "regex"]); // "12"
 * ```
 */
export function regexValue(v: unknown, path: FieldPath): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.map((x, j) => regexValue(x, [...path, j])).join("|");
  const s = scalarString(v);
  if (s === undefined) {
    throw new FieldError(path, `must be a string or a list of strings; got ${typeName(v)}`);
  }
  return s;
}

/**
 * Reads `modulus`: a non-negative integer below 2^64; null and absent give 0. Throws a
 * `FieldError` otherwise.
 *
 * @example
 * ```ts
 * modulusValue(8, [2, "modulus"]); // 8n
 * modulusValue(-1, [2, "modulus"]); // throws "[2].modulus: must be a non-negative integer; got -1"
 * ```
 */
export function modulusValue(v: unknown, path: FieldPath): bigint {
  if (v === undefined || v === null) return 0n;
  let n: bigint | undefined;
  if (typeof v === "bigint") n = v;
  else if (typeof v === "number" && Number.isInteger(v)) n = BigInt(v);
  if (n === undefined || n < 0n || n >= 1n << 64n) {
    throw new FieldError(
      path,
      `must be a non-negative integer; got ${scalarString(v) ?? typeName(v)}`,
    );
  }
  return n;
}

/**
 * Reads graphite `labels`: a mapping of label names to template strings, as [name, template] pairs
 * (a null template is ""); null and absent give undefined.
 *
 * @example
 * ```ts
 * labelsValue({ job: "$1", env: null }, [0, "labels"]); // [["job", "$1"], ["env", ""]]
 * ```
 */
export function labelsValue(v: unknown, path: FieldPath): [string, string][] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new FieldError(path, `must be a mapping of label names to values; got ${typeName(v)}`);
  }
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return entries.map(([k, x]) => {
    const s = x === null ? "" : scalarString(x);
    if (s === undefined) {
      throw new FieldError([...path, String(k)], `must be a string; got ${typeName(x)}`);
    }
    return [String(k), s];
  });
}

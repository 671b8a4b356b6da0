/**
 * Go `strconv` text rules that vmagent's flags and target labels (`__series_limit__`,
 * `__stream_parse__`, ...) inherit: `ParseBool`, `ParseInt(s, 0, 64)`, `Atoi`,
 * `ParseFloat(s, 64)`, `FormatFloat(f, 'g', -1, 64)` and `Quote`. Errors carry Go's wording,
 * because vmagent prints them verbatim in its fatal messages and target errors.
 *
 * @module
 */

/**
 * A Go-style parse failure; `message` is the text Go's `strconv` would return.
 *
 * @example
 * ```ts
 * try {
 *   parseGoInt("12x");
 * } catch (e) {
 *   if (e instanceof GoParseError) e.kind; // "syntax"
 *   // e.message: 'strconv.ParseInt: parsing "12x": invalid syntax'
 * }
 * ```
 */
export class GoParseError extends Error {
  /** `syntax` for malformed text, `range` for a well-formed value that does not fit. */
  readonly kind: "syntax" | "range";

  constructor(kind: "syntax" | "range", message: string) {
    super(message);
    this.name = "GoParseError";
    this.kind = kind;
  }
}

function numError(fn: string, s: string, kind: "syntax" | "range"): GoParseError {
  const what = kind === "syntax" ? "invalid syntax" : "value out of range";
  return new GoParseError(kind, `strconv.${fn}: parsing ${goQuote(s)}: ${what}`);
}

const BOOL_TEXT: Record<string, boolean> = {
  "1": true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  "0": false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

/**
 * Parses a boolean exactly as Go's `strconv.ParseBool`: `1 t T TRUE true True` and
 * `0 f F FALSE false False`; anything else throws.
 *
 * @example
 * ```ts
 * parseGoBool("T"); // true
 * ```
 */
export function parseGoBool(s: string): boolean {
  const v = BOOL_TEXT[s];
  if (v === undefined || !Object.hasOwn(BOOL_TEXT, s)) throw numError("ParseBool", s, "syntax");
  return v;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * Go's `underscoreOK`: underscores may only sit between digits, or between a base prefix and a
 * digit.
 */
function underscoreOK(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1])) {
    i = 2;
    saw = "0";
    hex = s[1] === "x" || s[1] === "X";
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

/**
 * Parses an integer as Go's `strconv.ParseInt(s, 0, 64)`, the rule behind `flag.Int`: optional
 * sign, base prefixes `0x`, `0o`, `0b` and a leading `0` for octal, and `_` between digits.
 *
 * @example
 * ```ts
 * parseGoInt("0x10"); // 16
 * ```
 */
export function parseGoInt(s: string): number {
  const fn = "ParseInt";
  let body = s;
  let neg = false;
  if (body[0] === "+" || body[0] === "-") {
    neg = body[0] === "-";
    body = body.slice(1);
  }
  if (body === "") throw numError(fn, s, "syntax");
  let base = 10;
  if (body[0] === "0") {
    const p = body.length >= 3 ? body[1].toLowerCase() : "";
    base = p === "b" ? 2 : p === "o" ? 8 : p === "x" ? 16 : 8;
    body = body.slice(p === "b" || p === "o" || p === "x" ? 2 : 1);
  }
  let n = 0n;
  const b = BigInt(base);
  let underscores = false;
  for (const ch of body) {
    if (ch === "_") {
      underscores = true;
      continue;
    }
    const d = /^[0-9a-zA-Z]$/.test(ch) ? parseInt(ch, 36) : NaN;
    if (Number.isNaN(d) || d >= base) throw numError(fn, s, "syntax");
    n = n * b + BigInt(d);
  }
  if (underscores && !underscoreOK(s)) throw numError(fn, s, "syntax");
  if (neg) n = -n;
  if (n > INT64_MAX || n < INT64_MIN) throw numError(fn, s, "range");
  return Number(n);
}

/**
 * Parses a base-10 integer as Go's `strconv.Atoi` (used by vmagent's int array flags): optional
 * sign, decimal digits only.
 *
 * @example
 * ```ts
 * parseGoAtoi("+7"); // 7
 * ```
 */
export function parseGoAtoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw numError("Atoi", s, "syntax");
  const n = BigInt(s);
  if (n > INT64_MAX || n < INT64_MIN) throw numError("Atoi", s, "range");
  return Number(n);
}

const DEC_DIGITS = String.raw`[0-9]+(?:_[0-9]+)*`;
const HEX_DIGITS = String.raw`[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*`;
const DEC_FLOAT_RE = new RegExp(
  String
    .raw`^[+-]?(?:${DEC_DIGITS}(?:\.(?:${DEC_DIGITS})?)?|\.${DEC_DIGITS})(?:[eE][+-]?${DEC_DIGITS})?$`,
);
const HEX_FLOAT_RE = new RegExp(
  String
    .raw`^([+-]?)0[xX]_?(${HEX_DIGITS}(?:\.(?:${HEX_DIGITS})?)?|\.${HEX_DIGITS})[pP]([+-]?${DEC_DIGITS})$`,
);

/**
 * Parses a float as Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1.8p3`)
 * literals with `_` between digits, and `inf`, `infinity`, `nan` in any case (infinities may be
 * signed). A finite literal too large for float64 throws a range error.
 *
 * @example
 * ```ts
 * parseGoFloat("1_000.5"); // 1000.5
 * ```
 */
export function parseGoFloat(s: string): number {
  const fn = "ParseFloat";
  const lower = s.toLowerCase();
  const unsigned = lower.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity") {
    return lower[0] === "-" ? -Infinity : Infinity;
  }
  if (lower === "nan") return NaN;
  let v: number;
  if (DEC_FLOAT_RE.test(s)) {
    v = Number(s.replaceAll("_", ""));
  } else {
    const m = HEX_FLOAT_RE.exec(s);
    if (m === null) throw numError(fn, s, "syntax");
    const [intPart, fracPart = ""] = m[2].replaceAll("_", "").split(".");
    const mantissa = BigInt("0x" + ((intPart + fracPart) || "0"));
    const exp = Number(m[3].replaceAll("_", "")) - 4 * fracPart.length;
    v = Number(mantissa) * 2 ** exp;
    if (m[1] === "-") v = -v;
  }
  if (!Number.isFinite(v)) throw numError(fn, s, "range");
  return v;
}

/**
 * Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits that
 * round-trip, in exponent form (`1e+06`, `1.5e-05`) when the decimal exponent is below -4 or at
 * least 6 (Go fixes 6 for the shortest form), else plain (`60`, `123456`, `0.001`).
 *
 * @example
 * ```ts
 * formatGoFloat(60); // "60"
 * formatGoFloat(1e6); // "1e+06"
 * ```
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  // toExponential() without an argument gives the shortest round-tripping digits, like Go.
  const [mant, expText] = f.toExponential().split("e");
  const exp = Number(expText);
  const neg = mant[0] === "-";
  const digits = mant.replace("-", "").replace(".", "");
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${neg ? "-" : ""}${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return (neg ? "-" : "") + plainDecimal(digits, exp);
}

function plainDecimal(digits: string, exp: number): string {
  const dp = exp + 1; // digits before the decimal point
  if (dp <= 0) return "0." + "0".repeat(-dp) + digits;
  if (dp >= digits.length) return digits + "0".repeat(dp - digits.length);
  return digits.slice(0, dp) + "." + digits.slice(dp);
}

const PRINTABLE_RE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;
const SHORT_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

/**
 * Quotes a string as Go's `strconv.Quote` (and `%q`): double quotes; `"` and `\` escaped;
 * printable characters kept; control characters as `\n`, `\t`, `\x1b`; other non-printable
 * characters as `\uXXXX` or `\UXXXXXXXX`.
 *
 * @example
 * ```ts
 * goQuote('a"b\n'); // "\"a\\\"b\\n\""
 * ```
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === "\\") {
      out += "\\" + ch;
      continue;
    }
    if (ch === " " || PRINTABLE_RE.test(ch)) {
      out += ch;
      continue;
    }
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // lone surrogate: Go sees bad UTF-8
    else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
    else out += "\\U" + cp.toString(16).padStart(8, "0");
  }
  return out + '"';
}

/**
 * Number parsing for the Prometheus text format, with the grammar vmagent accepts
 * (`fastfloat.Parse` in VictoriaMetrics): decimal integers and floats with an
 * optional exponent, `.5` and `5.`, and the words `NaN`, `Inf`, `Infinity` in any
 * case with an optional sign. Hex floats, `_` separators and surrounding
 * whitespace are rejected. One difference: a leading `+` on a plain number
 * (`+1.5`) is accepted, as Prometheus does (vmagent's fast parser rejects it).
 *
 * @module
 */

/**
 * The marker {@linkcode parseNumberSpan} returns when the text is not a number (a symbol, so it
 * cannot be confused with `NaN`, which is a valid sample value).
 *
 * @example
 * ```ts
 * const v = parseNumberSpan("abc", 0, 3);
 * if (v === NOT_A_NUMBER) onParseError("cannot parse value"); // taken: "abc" is not a number
 * ```
 */
export const NOT_A_NUMBER: unique symbol = Symbol("NOT_A_NUMBER");

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_MINUS = 45;
const C_PLUS = 43;
const C_E = 101;
const C_BIG_E = 69;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function parseWord(
  s: string,
  start: number,
  end: number,
  neg: boolean,
): number | typeof NOT_A_NUMBER {
  const len = end - start;
  if (len !== 3 && len !== 8) return NOT_A_NUMBER;
  const w = s.substring(start, end).toLowerCase();
  if (w === "inf" || w === "infinity") return neg ? -Infinity : Infinity;
  if (w === "nan") return NaN;
  return NOT_A_NUMBER;
}

/**
 * Parses `s.substring(start, end)` as a sample value or timestamp. Returns
 * {@linkcode NOT_A_NUMBER} on malformed text; never throws and never allocates
 * for plain integers of up to 15 digits.
 *
 * @example
 * ```ts
 * parseNumberSpan("x 1.5e3", 2, 7); // 1500
 * parseNumberSpan("+Inf", 0, 4); // Infinity
 * parseNumberSpan("0x10", 0, 4); // NOT_A_NUMBER
 * ```
 */
export function parseNumberSpan(
  s: string,
  start: number,
  end: number,
): number | typeof NOT_A_NUMBER {
  let i = start;
  if (i >= end) return NOT_A_NUMBER;
  let neg = false;
  let c = s.charCodeAt(i);
  if (c === C_MINUS || c === C_PLUS) {
    neg = c === C_MINUS;
    i++;
    if (i >= end) return NOT_A_NUMBER;
    c = s.charCodeAt(i);
  }
  // Fast path: an integer that fits exactly in a double.
  const intStart = i;
  let d = 0;
  while (i < end) {
    c = s.charCodeAt(i);
    if (!isDigit(c)) break;
    d = d * 10 + (c - C_0);
    i++;
  }
  const intDigits = i - intStart;
  if (i === end) {
    if (intDigits === 0) return NOT_A_NUMBER;
    if (intDigits <= 15) return neg ? -d : d;
    return Number(s.substring(start, end));
  }
  if (intDigits === 0 && c !== C_DOT) return parseWord(s, i, end, neg);
  // General decimal: digits* ['.' digits*] [(e|E) [+-] digits+], with a digit somewhere
  // in the mantissa. Validated here, then converted by Number() (correctly rounded).
  let mantissaDigits = intDigits;
  if (c === C_DOT) {
    i++;
    while (i < end && isDigit(s.charCodeAt(i))) {
      i++;
      mantissaDigits++;
    }
    if (mantissaDigits === 0) return NOT_A_NUMBER;
    if (i === end) return Number(s.substring(start, end));
    c = s.charCodeAt(i);
  }
  if (c !== C_E && c !== C_BIG_E) return NOT_A_NUMBER;
  i++;
  if (i < end) {
    c = s.charCodeAt(i);
    if (c === C_MINUS || c === C_PLUS) i++;
  }
  const expStart = i;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  if (i === expStart || i !== end) return NOT_A_NUMBER;
  return Number(s.substring(start, end));
}

/**
 * Number formatting for the Prometheus text exposition, matching what
 * VictoriaMetrics' `metrics` package writes: integral values without an
 * exponent (its `%d` path), other values as Go's `%g` (shortest digits,
 * exponent form below 1e-4 and from 1e6 up).
 *
 * @module
 */

/**
 * Formats `v` as Go's `fmt.Sprintf("%g", v)` does: the shortest digits that
 * read back as `v`, in exponent form (`1.5e+06`, two-digit exponent at least)
 * when the decimal exponent is below -4 or at least 6.
 *
 * @example
 * ```ts
 * formatGoFloat(0.25); // "0.25"
 * formatGoFloat(1234567.5); // "1.2345675e+06"
 * formatGoFloat(0.00001); // "1e-05"
 * ```
 */
export function formatGoFloat(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v !== v) return "NaN";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mantissa, expText] = v.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    const digits = String(Math.abs(exp)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  // In this range String() already prints plain decimal digits.
  return String(v);
}

/**
 * Formats a metric value as VictoriaMetrics does: `+Inf`, `-Inf`, `NaN`;
 * integers (that fit an int64) as plain digits; anything else as Go's `%g`.
 *
 * @example
 * ```ts
 * formatValue(3); // "3"
 * formatValue(1e19); // "1e+19" (beyond int64)
 * formatValue(0.5); // "0.5"
 * ```
 */
export function formatValue(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 9.223372036854776e18) {
    // String() would switch to exponent form from 1e21 on; BigInt never does.
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  return formatGoFloat(v);
}

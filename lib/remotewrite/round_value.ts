/**
 * Value rounding for `-remoteWrite.significantFigures` and `-remoteWrite.roundDigits`
 * (vmagent's `decimal.RoundToSignificantFigures` / `RoundToDecimalDigits`).
 * Staleness markers are never changed.
 *
 * @module
 */
/**
 * Keeps `digits` significant figures of `v`, rounding half up on the first dropped
 * digit of its shortest decimal form. `digits` outside 1..17 leaves `v` unchanged.
 *
 * @example
 * ```ts
 * roundToSignificantFigures(123456, 2); // 120000
 * roundToSignificantFigures(0.0012345, 3); // 0.00123
 * ```
 */
export function roundToSignificantFigures(v: number, digits: number): number {
  if (digits <= 0 || digits >= 18 || v === 0 || !Number.isFinite(v)) return v;
  // Shortest round-trip digits, as vmagent's decimal conversion sees them.
  const [mant, expText] = Math.abs(v).toExponential().split("e");
  const all = mant.replace(".", "");
  if (all.length <= digits) return v;
  let kept = BigInt(all.slice(0, digits));
  if (all.charCodeAt(digits) - 48 >= 5) kept += 1n;
  const exp = parseInt(expText, 10) - (digits - 1);
  const r = Number(`${kept}e${exp}`);
  return v < 0 ? -r : r;
}

/**
 * Rounds `v` to `digits` decimal digits after the point (negative: before it), half
 * away from zero as Go's `math.Round`. `digits` ≥ 100 or ≤ -100 leaves it unchanged.
 *
 * @example
 * ```ts
 * roundToDecimalDigits(1.236, 2); // 1.24
 * roundToDecimalDigits(126.78, -1); // 130
 * ```
 */
export function roundToDecimalDigits(v: number, digits: number): number {
  // Any NaN (staleness markers included) is returned as is, keeping its bits.
  if (digits <= -100 || digits >= 100 || v !== v) return v;
  const m = 10 ** digits;
  const x = v * m;
  const r = x < 0 ? -Math.round(-x) : Math.round(x);
  return r / m;
}

/**
 * Returns the value adjustment for a URL's rounding flags, or undefined when both
 * are off (so the encoder skips the call). NaNs, staleness markers included, pass
 * through unchanged.
 *
 * @example
 * ```ts
 * valueAdjuster(0, 100); // undefined: both flags at their "off" defaults
 * valueAdjuster(3, 100)!(123456); // 123000
 * valueAdjuster(0, 2)!(1.236); // 1.24
 * ```
 */
export function valueAdjuster(
  significantFigures: number,
  roundDigits: number,
): ((v: number) => number) | undefined {
  const sf = significantFigures > 0 && significantFigures < 18;
  const rd = roundDigits > -100 && roundDigits < 100;
  if (!sf && !rd) return undefined;
  return (v) => {
    if (v !== v) return v; // NaN, including staleness markers
    if (sf) v = roundToSignificantFigures(v, significantFigures);
    if (rd) v = roundToDecimalDigits(v, roundDigits);
    return v;
  };
}

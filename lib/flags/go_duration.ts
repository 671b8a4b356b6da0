/**
 * Go `time.Duration` text, the form of every duration flag of vmagent: `time.ParseDuration`
 * (`1m30s`, `500ms`, `1.5h`, `-2s`, `0`). Values are exact nanoseconds as `bigint`, like Go's
 * int64; `formatGoDurationNs` in `lib/util/duration.ts` prints them back as `Duration.String()`.
 * Durations in the scrape config (`1d`, `1w`, bare seconds) follow another syntax:
 * `parseDuration` in `lib/util/duration.ts`.
 *
 * @module
 */

import { GoParseError, goQuote } from "../util/go_strconv.ts";

const NS_PER: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_ABS = 1n << 63n; // |int64 min|; a positive result must stay below it

/** One nanosecond-exact component: integer part, fraction digits, unit. */
const COMPONENT_RE = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;

/**
 * Parses Go duration text into nanoseconds, as `time.ParseDuration`: an optional sign, then one
 * or more `<number><unit>` parts with units `ns us µs μs ms s m h`; a bare `0` is allowed.
 *
 * @example
 * ```ts
 * parseGoDuration("1m30s"); // 90_000_000_000n
 * ```
 */
export function parseGoDuration(text: string): bigint {
  const invalid = () => new GoParseError("syntax", `time: invalid duration ${goQuote(text)}`);
  let s = text;
  let neg = false;
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    if (!(s[0] === "." || (s[0] >= "0" && s[0] <= "9"))) throw invalid();
    const m = COMPONENT_RE.exec(s);
    if (m === null) {
      throw new GoParseError("syntax", `time: missing unit in duration ${goQuote(text)}`);
    }
    const [whole, intDigits, fracDigits = ""] = m;
    if (intDigits === "" && fracDigits === "") throw invalid();
    const unitText = m[3];
    const unit = NS_PER[unitText];
    if (unit === undefined) {
      throw new GoParseError(
        "syntax",
        `time: unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`,
      );
    }
    let v = intDigits === "" ? 0n : BigInt(intDigits);
    if (v > MAX_ABS / unit) throw invalid();
    v *= unit;
    if (fracDigits !== "") {
      // Go scales the fraction in float64; exact decimal arithmetic agrees for every fraction
      // with up to 15 digits, which covers any duration written by hand.
      const scale = 10n ** BigInt(fracDigits.length);
      v += (BigInt(fracDigits) * unit) / scale;
    }
    total += v;
    if (total > MAX_ABS) throw invalid();
    s = s.slice(whole.length);
  }
  if (!neg && total === MAX_ABS) throw invalid();
  return neg ? -total : total;
}

/**
 * Converts nanoseconds to (possibly fractional) milliseconds, the unit used across the project.
 *
 * @example
 * ```ts
 * nsToMs(parseGoDuration("1m30s")); // 90000
 * nsToMs(1500n); // 0.0015
 * ```
 */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

/**
 * Durations as vmagent reads and prints them.
 *
 * {@linkcode parseDuration} accepts what vmagent HEAD accepts for durations in
 * `-promscrape.config` (`promutil.Duration`, which calls metricsql's `DurationValue`
 * with step 0) and in the `__scrape_interval__` / `__scrape_timeout__` labels
 * (`timeutil.ParseDuration`, same syntax plus a range check):
 * - a bare number is seconds: `90`, `1.5`, `.5`, `2e3`;
 * - otherwise one or more `<number><unit>` parts, summed: `1m30s`, `1h-5m`, `1.5d`;
 *   units `ms`, `s`, `m`, `h`, `d`, `w` (7d), `y` (365d). Units are case-insensitive,
 *   except that `M` is not minutes (vmagent reserves it for 1e6), and `i` or
 *   `$__interval` (a query step, 0 here) are accepted as vmagent does.
 *   After a negative part, later parts count negative too (`-1h5m` is -65m).
 *
 * {@linkcode formatGoDuration} prints milliseconds like Go's `time.Duration.String()`,
 * which vmagent uses for `__scrape_interval__` / `__scrape_timeout__` (`1m0s`, `10s`);
 * {@linkcode formatGoDurationNs} does the same for exact nanoseconds (duration flags).
 * Go's own `time.ParseDuration` syntax (no `d`, `w`, `y`; a unit is required) is
 * `parseGoDuration` in `lib/flags/go_duration.ts`.
 *
 * @module
 */

/**
 * Largest duration in milliseconds that fits a Go `time.Duration` (int64 nanoseconds), about
 * 292 years.
 *
 * @example
 * ```ts
 * const fits = Math.abs(ms) <= MAX_DURATION_MS; // MAX_DURATION_MS is 9223372036854
 * parseDuration("300y"); // throws RangeError: ... must be in the range [-9223372036854ms, ...
 * ```
 */
export const MAX_DURATION_MS = 9223372036854;

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
  i: 0,
};

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTERVAL = "$__interval";

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Length of the duration part at the start of `s`, or -1 (metricsql's scanSingleDuration). */
function scanPart(s: string): number {
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) i++;
  if (s.slice(i) === INTERVAL) return i + INTERVAL.length;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  if (i === 0 || i === s.length) return -1;
  if (s[i] === ".") {
    const j = i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i === j + 1 || i === s.length) return -1;
  }
  const c = s[i].toLowerCase();
  if (c === "m") {
    const next = s[i + 1]?.toLowerCase();
    if (next === "s") return i + 2;
    if (next === "i" || next === "b") return -1; // `Mi`/`MB` are sizes, not durations
    return s[i] === "m" ? i + 1 : -1; // capital `M` means 1e6 in vmagent, never minutes
  }
  return "shdwyi".includes(c) ? i + 1 : -1;
}

/** Milliseconds of one scanned part such as `1.5h` or `-30s`. */
function partValue(part: string, whole: string): number {
  if (part === INTERVAL) return 0;
  const s = part.toLowerCase();
  const unit = s.endsWith("ms") ? "ms" : s[s.length - 1];
  const num = s.slice(0, s.length - unit.length);
  if (!DECIMAL_FLOAT.test(num)) {
    throw new RangeError(
      `cannot parse duration ${JSON.stringify(whole)}: bad number in ${JSON.stringify(part)}`,
    );
  }
  return Number(num) * MS_PER_UNIT[unit];
}

/**
 * Parses a Prometheus/vmagent duration into milliseconds (truncated toward zero).
 *
 * @throws {TypeError} when `text` is not a string.
 * @throws {RangeError} when `text` is empty, malformed or out of the Go duration range.
 *
 * @example
 * ```ts
 * parseDuration("1m30s"); // 90000
 * parseDuration("500ms"); // 500
 * parseDuration("1.5"); // 1500 (bare numbers are seconds)
 * ```
 */
export function parseDuration(text: string): number {
  if (typeof text !== "string") {
    throw new TypeError(`duration must be a string; got ${typeof text}`);
  }
  if (text === "") throw new RangeError("duration cannot be empty");
  let ms: number;
  const last = text.charCodeAt(text.length - 1);
  if ((isDigit(last) || last === 46 /* . */) && DECIMAL_FLOAT.test(text)) {
    ms = Number(text) * 1000;
  } else {
    ms = 0;
    let negative = false;
    let rest = text;
    while (rest.length > 0) {
      const n = scanPart(rest);
      if (n <= 0) throw new RangeError(`cannot parse duration ${JSON.stringify(text)}`);
      let v = partValue(rest.slice(0, n), text);
      rest = rest.slice(n);
      if (negative && v > 0) v = -v;
      if (v < 0) negative = true;
      ms += v;
    }
  }
  ms = Math.trunc(ms);
  if (!Number.isFinite(ms) || ms > MAX_DURATION_MS || ms < -MAX_DURATION_MS) {
    throw new RangeError(
      `duration ${
        JSON.stringify(text)
      } must be in the range [-${MAX_DURATION_MS}ms, ${MAX_DURATION_MS}ms]`,
    );
  }
  return ms === 0 ? 0 : ms; // no -0
}

/** Writes `v / 10^prec` fraction digits without trailing zeros; returns [text, v / 10^prec]. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [print ? "." + digits : "", v];
}

/**
 * Formats milliseconds exactly as Go's `time.Duration.String()` formats the same duration.
 *
 * @throws {RangeError} when `ms` is not finite.
 *
 * @example
 * ```ts
 * formatGoDuration(60000); // "1m0s"
 * formatGoDuration(1500); // "1.5s"
 * formatGoDuration(0.001); // "1µs"
 * ```
 */
export function formatGoDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`duration must be finite; got ${ms}`);
  return formatGoDurationNs(
    Number.isInteger(ms) ? BigInt(ms) * 1_000_000n : BigInt(Math.round(ms * 1e6)),
  );
}

/**
 * Formats exact nanoseconds (Go's int64 `time.Duration`) as `Duration.String()`: `0s`; below
 * one second a single unit (`500ms`, `1.5µs`, `3ns`); otherwise hours, minutes and seconds
 * (`1h0m0s`, `1m30s`, `1.5s`). Duration flags print their values with it.
 *
 * @example
 * ```ts
 * formatGoDurationNs(60_000_000_000n); // "1m0s"
 * formatGoDurationNs(1_500n); // "1.5µs"
 * ```
 */
export function formatGoDurationNs(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  if (neg) ns = -ns;
  let out: string;
  if (ns < 1_000_000_000n) {
    // Below one second Go switches to the largest unit that keeps an integer part.
    let unit: string;
    let prec: number;
    if (ns < 1000n) [unit, prec] = ["ns", 0];
    else if (ns < 1_000_000n) [unit, prec] = ["µs", 3];
    else [unit, prec] = ["ms", 6];
    const [frac, whole] = fmtFrac(ns, prec);
    out = whole.toString() + frac + unit;
  } else {
    const [frac, secsTotal] = fmtFrac(ns, 9);
    out = (secsTotal % 60n).toString() + frac + "s";
    const mins = secsTotal / 60n;
    if (mins > 0n) {
      out = (mins % 60n).toString() + "m" + out;
      const hours = mins / 60n;
      if (hours > 0n) out = hours.toString() + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

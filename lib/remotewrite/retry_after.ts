/**
 * The `Retry-After` header of a remote storage's answer that asks for a retry; it
 * overrides the next backoff delay of the block being sent.
 *
 * @module
 */

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP date. Returns milliseconds,
 * or 0 when absent or invalid (vmagent's `parseRetryAfterHeader`).
 *
 * @example
 * ```ts
 * parseRetryAfter("120", Date.now()); // 120000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")); // 60000
 * ```
 */
export function parseRetryAfter(value: string | null, nowMs: number): number {
  if (value === null) return 0;
  const s = value.trim();
  if (s === "") return 0;
  if (/^[+-]?\d+$/.test(s)) {
    const secs = parseInt(s, 10);
    return secs > 0 ? secs * 1000 : 0;
  }
  // IMF-fixdate, as Go's http.TimeFormat: "Mon, 02 Jan 2006 15:04:05 GMT".
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(s)) {
    const t = Date.parse(s);
    if (Number.isNaN(t)) return 0;
    // Go truncates to whole seconds: time.Duration(time.Until(t).Seconds()) * time.Second.
    const secs = Math.trunc((t - nowMs) / 1000);
    return secs > 0 ? secs * 1000 : 0;
  }
  return 0;
}

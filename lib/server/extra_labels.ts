/**
 * Labels that push requests add to every series they carry, as vmagent does:
 * `extra_label=name=value` query args, and Pushgateway-style labels in the path
 * (`/api/v1/import/prometheus/metrics/job/<job>/<name>/<value>...`, with
 * `<name>@base64` for base64url-encoded values). Also the `timestamp` query arg.
 *
 * @module
 */

import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Decodes unpadded base64url as Go's `base64.RawURLEncoding` does: `\r` and
 * `\n` are skipped, anything else outside the alphabet (and a lone final
 * character) fails with "illegal base64 data at input byte N".
 */
function decodeBase64URL(s: string): string {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\r" || c === "\n") continue;
    const v = BASE64URL.indexOf(c);
    if (v < 0) throw new Error(`illegal base64 data at input byte ${i}`);
    acc = (acc << 6) | v;
    if (++n === 4) {
      out.push((acc >>> 16) & 0xff, (acc >>> 8) & 0xff, acc & 0xff);
      acc = 0;
      n = 0;
    }
  }
  // Go reports a lone final character at the last byte, newlines included.
  if (n === 1) throw new Error(`illegal base64 data at input byte ${s.length - 1}`);
  if (n === 2) out.push((acc >>> 4) & 0xff);
  if (n === 3) out.push((acc >>> 10) & 0xff, (acc >>> 2) & 0xff);
  return new TextDecoder().decode(new Uint8Array(out));
}

/**
 * Returns the Pushgateway labels in `path` (after `/metrics/job/` or
 * `/metrics/job@base64/`); labels with empty values are left out.
 * Throws on a name without a value or bad base64.
 *
 * @example
 * ```ts
 * pushgatewayLabels("/api/v1/import/prometheus/metrics/job/backup/instance/db1");
 * // [{ name: "job", value: "backup" }, { name: "instance", value: "db1" }]
 * ```
 */
export function pushgatewayLabels(path: string): Label[] {
  const n = path.indexOf("/metrics/job");
  if (n < 0) return [];
  let s = path.slice(n + "/metrics/".length);
  if (!s.startsWith("job/") && !s.startsWith("job@base64/")) return [];
  const out: Label[] = [];
  while (s.length > 0) {
    const i = s.indexOf("/");
    if (i < 0) throw new Error(`missing value for label ${quoteGo(s)}`);
    let name = s.slice(0, i);
    s = s.slice(i + 1);
    const isBase64 = name.endsWith("@base64");
    if (isBase64) name = name.slice(0, -"@base64".length);
    const j = s.indexOf("/");
    let value = j < 0 ? s : s.slice(0, j);
    s = j < 0 ? "" : s.slice(j + 1);
    if (isBase64) {
      try {
        value = decodeBase64URL(value.replace(/=+$/, ""));
      } catch (e) {
        throw new Error(
          `cannot base64-decode value=${quoteGo(value)} for label=${quoteGo(name)}: ${
            (e as Error).message
          }`,
        );
      }
    }
    if (value !== "") out.push({ name, value });
  }
  return out;
}

/**
 * Returns the labels to add to pushed series: Pushgateway path labels, then
 * every `extra_label=name=value` query arg in order. Throws with vmagent's text
 * on a malformed argument.
 *
 * @example
 * ```ts
 * extraLabels(new URL("http://x/api/v1/write?extra_label=env=prod"), "/api/v1/write");
 * // [{ name: "env", value: "prod" }]
 * ```
 */
export function extraLabels(url: URL, path: string): Label[] {
  let labels: Label[];
  try {
    labels = pushgatewayLabels(path);
  } catch (e) {
    throw new Error(
      `cannot parse pushgateway-style labels from ${quoteGo(path)}: ${(e as Error).message}`,
    );
  }
  for (const arg of url.searchParams.getAll("extra_label")) {
    const i = arg.indexOf("=");
    if (i < 0) {
      throw new Error(
        `\`extra_label\` query arg must have the format \`name=value\`; got ${quoteGo(arg)}`,
      );
    }
    labels.push({ name: arg.slice(0, i), value: arg.slice(i + 1) });
  }
  return labels;
}

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Parses a base-10 int64 as Go's `strconv.ParseInt(s, 10, 64)`: an optional
 * sign and digits only; the error text is Go's (`invalid syntax`, or
 * `value out of range` as soon as the digits pass 64 bits or the result
 * int64).
 */
function parseInt64(s: string): bigint {
  const fail = (why: string) => new Error(`strconv.ParseInt: parsing ${quoteGo(s)}: ${why}`);
  const neg = s[0] === "-";
  const start = neg || s[0] === "+" ? 1 : 0;
  if (start === s.length) throw fail("invalid syntax");
  let n = 0n;
  for (let i = start; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw fail("invalid syntax");
    n = n * 10n + BigInt(d);
    if (n > UINT64_MAX) throw fail("value out of range");
  }
  if (neg ? n > INT64_MAX + 1n : n > INT64_MAX) throw fail("value out of range");
  return neg ? -n : n;
}

/**
 * Returns the `timestamp` query arg (milliseconds), or 0 when absent or empty.
 * Throws, in vmagent's words, on anything but a base-10 int64. Values past
 * 2^53 come back rounded to the nearest double.
 *
 * @example
 * ```ts
 * queryTimestamp(new URL("http://vmagent/api/v1/import/prometheus?timestamp=1700000000000"));
 * // 1700000000000
 * queryTimestamp(new URL("http://vmagent/api/v1/import/prometheus")); // 0
 * queryTimestamp(new URL("http://vmagent/api/v1/import/prometheus?timestamp=1.5"));
 * // throws 'cannot parse `timestamp=1.5` query arg: strconv.ParseInt: parsing "1.5": invalid syntax'
 * ```
 */
export function queryTimestamp(url: URL): number {
  const ts = url.searchParams.get("timestamp");
  if (ts === null || ts === "") return 0;
  try {
    return Number(parseInt64(ts));
  } catch (e) {
    throw new Error(`cannot parse \`timestamp=${ts}\` query arg: ${(e as Error).message}`);
  }
}

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

function decodeBase64URL(s: string): string {
  const std = s.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/");
  if (/[^A-Za-z0-9+/]/.test(std) || std.length % 4 === 1) throw new Error("illegal base64 data");
  const bin = atob(std + "=".repeat((4 - (std.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
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
        value = decodeBase64URL(value);
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

/**
 * Returns the `timestamp` query arg (milliseconds), or 0 when absent.
 * Throws on anything but an integer.
 *
 * @example
 * ```ts
 * queryTimestamp(new URL("http://vmagent/api/v1/import/prometheus?timestamp=1700000000000"));
 * // 1700000000000
 * queryTimestamp(new URL("http://vmagent/api/v1/import/prometheus")); // 0
 * ```
 */
export function queryTimestamp(url: URL): number {
  const ts = url.searchParams.get("timestamp");
  if (ts === null || ts === "") return 0;
  if (!/^[+-]?\d+$/.test(ts)) {
    throw new Error(`cannot parse \`timestamp=${ts}\` query arg: invalid syntax`);
  }
  return Number(ts);
}

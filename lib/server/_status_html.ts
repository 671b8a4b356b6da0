/**
 * Shared pieces of the target status pages (`/targets`, `/service-discovery`, `/cluster`):
 * HTML escaping, the page frame, label and time formatting, credential masking and the
 * request filters vmagent's pages accept. Private to lib/server.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import { type ScrapeStatus, type ScrapeTarget, unknownScrapeStatus } from "../targets/types.ts";

/**
 * Escapes text for HTML element content and double- or single-quoted attributes.
 *
 * @example
 * ```ts
 * escapeHtml(`<b class="x">Tom & Jerry's</b>`);
 * // "&lt;b class=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;"
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/**
 * Hides the password of `user:password@` in a URL (shown as `xxxxx`), so pages never show
 * credentials.
 *
 * @example
 * ```ts
 * maskUrl("http://user:pass@host:9100/metrics"); // "http://user:xxxxx@host:9100/metrics"
 * maskUrl("user:pass@host:9100"); // "user:xxxxx@host:9100"
 * ```
 */
export function maskUrl(url: string): string {
  return url.replace(
    /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^/@?#:]*):([^/@?#]*)@/,
    (_, scheme, user: string) => `${scheme ?? ""}${user}:xxxxx@`,
  );
}

/**
 * Returns labels for display: the password in an `__address__` or `instance` with
 * `user:password@` is masked.
 *
 * @example
 * ```ts
 * displayLabels([{ name: "__address__", value: "admin:secret@10.0.0.1:9100" }]);
 * // [{ name: "__address__", value: "admin:xxxxx@10.0.0.1:9100" }]
 * ```
 */
export function displayLabels(labels: readonly Label[]): Label[] {
  return labels.map((l) =>
    (l.name === "__address__" || l.name === "instance") && l.value.includes("@")
      ? { name: l.name, value: maskUrl(l.value) }
      : l
  );
}

/**
 * Formats labels as `{a="1", b="2"}` (vmagent's HTML form), HTML-escaped, passwords masked.
 *
 * @example
 * ```ts
 * labelsHtml([{ name: "job", value: "node" }, { name: "instance", value: "a:9100" }]);
 * // "{job=&quot;node&quot;, instance=&quot;a:9100&quot;}"
 * ```
 */
export function labelsHtml(labels: readonly Label[]): string {
  return escapeHtml(
    "{" + displayLabels(labels).map((l) => `${l.name}=${quoteGo(l.value)}`).join(", ") + "}",
  );
}

/**
 * Wraps `body` (HTML, not escaped) in a whole page with the title and the status navigation.
 *
 * @example
 * ```ts
 * const res = htmlPage("Active targets", "<p>No targets</p>");
 * res.headers.get("Content-Type"); // "text/html; charset=utf-8"
 * ```
 */
export function htmlPage(title: string, body: string): Response {
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 1.5rem 2rem;color:#212529}
nav{padding:.6rem 0;border-bottom:1px solid #dee2e6;margin-bottom:1rem}
nav a{margin-right:1rem;text-decoration:none;color:#0d6efd}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem;font-size:.9rem}
th,td{border:1px solid #dee2e6;padding:.25rem .5rem;text-align:left;vertical-align:top}
tr:nth-child(even){background:#f8f9fa}
tr.down{background:#f8d7da}tr.dropped{background:#fff3cd}
.badge{display:inline-block;padding:.1rem .4rem;border-radius:.25rem;color:#fff;font-size:.8rem}
.up{background:#198754}.downb{background:#dc3545}.unknown{background:#6c757d}.drop{background:#ffc107;color:#000}
.labels{font-family:monospace;word-break:break-all}
.error{color:#842029;background:#f8d7da;padding:.5rem;border-radius:.25rem;margin:.5rem 0}
.warn{background:#fff3cd;padding:.5rem;border-radius:.25rem;margin:.5rem 0}
form input[type=text]{width:30rem;max-width:100%}
</style>
</head>
<body>
<nav><a href="targets">Active targets</a><a href="service-discovery">Discovered targets</a><a href="cluster">Cluster</a><a href="api/v1/targets">/api/v1/targets</a></nav>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/**
 * Formats milliseconds since the epoch as Go's `time.RFC3339Nano` in UTC (trailing fraction
 * zeros cut).
 *
 * @example
 * ```ts
 * rfc3339Nano(1700000000120); // "2023-11-14T22:13:20.12Z"
 * rfc3339Nano(1700000000000); // "2023-11-14T22:13:20Z"
 * ```
 */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return iso.slice(0, 19) + (frac === "" ? "" : "." + frac) + "Z";
}

/**
 * Formats the age of the last scrape as `1.234s ago`, or `never scraped`, as vmagent's target
 * list does.
 *
 * @example
 * ```ts
 * sinceText(1000, 2234); // "1.234s ago"
 * sinceText(0, 2234); // "never scraped"
 * ```
 */
export function sinceText(lastScrape: number, now: number): string {
  if (lastScrape <= 0) return "never scraped";
  return `${((now - lastScrape) / 1000).toFixed(3)}s ago`;
}

/**
 * Formats the last response size as `512B`, `3KiB` (rounded up), or `never scraped`, as
 * vmagent does.
 *
 * @example
 * ```ts
 * sizeText(512); // "512B"
 * sizeText(3000); // "3KiB"
 * sizeText(undefined); // "never scraped"
 * ```
 */
export function sizeText(bytes: number | undefined): string {
  if (bytes === undefined || bytes <= 0) return "never scraped";
  if (bytes < 1024) return `${bytes}B`;
  return `${Math.ceil(bytes / 1024)}KiB`;
}

/**
 * Reads query parameter `name` as Go's `strconv.ParseBool` would; false on anything else
 * (vmagent ignores parse errors of page flags).
 *
 * @example
 * ```ts
 * queryBool(new URL("http://localhost/targets?show_only_unhealthy=true"), "show_only_unhealthy");
 * // true
 * queryBool(new URL("http://localhost/targets?show_only_unhealthy=yes"), "show_only_unhealthy");
 * // false (not a Go bool)
 * ```
 */
export function queryBool(url: URL, name: string): boolean {
  return ["1", "t", "T", "TRUE", "true", "True"].includes(url.searchParams.get(name) ?? "");
}

/** The filters `/targets` and `/service-discovery` accept. */
export interface TargetFilter {
  showOriginalLabels: boolean;
  showOnlyUnhealthy: boolean;
  endpointSearch: string;
  labelSearch: string;
}

/**
 * Reads the target page filters from the query string (search texts trimmed).
 *
 * @example
 * ```ts
 * readFilter(new URL("http://localhost/targets?show_original_labels=1&label_search=%20job%20"));
 * // { showOriginalLabels: true, showOnlyUnhealthy: false, endpointSearch: "", labelSearch: "job" }
 * ```
 */
export function readFilter(url: URL): TargetFilter {
  return {
    showOriginalLabels: queryBool(url, "show_original_labels"),
    showOnlyUnhealthy: queryBool(url, "show_only_unhealthy"),
    endpointSearch: (url.searchParams.get("endpoint_search") ?? "").trim(),
    labelSearch: (url.searchParams.get("label_search") ?? "").trim(),
  };
}

/**
 * Looks up the scrape status of the target with `key`; a zeroed `unknown` status before its
 * first scrape.
 *
 * @example
 * ```ts
 * statusOrUnknown(undefined, "target-key").health; // "unknown"
 * statusOrUnknown((key) => statuses.get(key), "target-key"); // the stored status, if any
 * ```
 */
export function statusOrUnknown(
  statusOf: ((key: string) => ScrapeStatus | undefined) | undefined,
  key: string,
): ScrapeStatus {
  return statusOf?.(key) ?? unknownScrapeStatus();
}

/**
 * Returns a comparator for `Array.prototype.sort` ordering items by the string `get` returns
 * (code unit order, so uppercase sorts before lowercase).
 *
 * @example
 * ```ts
 * [{ job: "b" }, { job: "a" }, { job: "B" }].sort(byString((t) => t.job));
 * // [{ job: "B" }, { job: "a" }, { job: "b" }]
 * ```
 */
export function byString<T>(get: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/**
 * Returns the discovered `__address__` of a target, or `""` (vmagent orders target lists by it).
 *
 * @example
 * ```ts
 * addressOf([{ name: "__address__", value: "10.0.0.1:9100" }, { name: "job", value: "node" }]);
 * // "10.0.0.1:9100"
 * addressOf([]); // ""
 * ```
 */
export function addressOf(labels: readonly Label[]): string {
  for (const l of labels) if (l.name === "__address__") return l.value;
  return "";
}

/** A predicate over targets built from the search filters; throws on a bad regex or selector. */
export type TargetMatcher = (t: ScrapeTarget) => boolean;

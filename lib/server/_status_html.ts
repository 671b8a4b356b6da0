/**
 * Shared pieces of the target status pages (`/targets`, `/service-discovery`, `/cluster`):
 * HTML escaping, the page frame, label and time formatting, credential masking and the
 * request filters vmagent's pages accept. Private to lib/server.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { quoteGo } from "../util/labels.ts";
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";

/** Escapes text for HTML element content and double- or single-quoted attributes. */
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

/** Hides the password of `user:password@` in a URL (shown as `xxxxx`), so pages never show credentials. */
export function maskUrl(url: string): string {
  return url.replace(
    /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)?([^/@?#:]*):([^/@?#]*)@/,
    (_, scheme, user: string) => `${scheme ?? ""}${user}:xxxxx@`,
  );
}

/** Labels for display: the password in an `__address__` or `instance` with `user:password@` is masked. */
export function displayLabels(labels: readonly Label[]): Label[] {
  return labels.map((l) =>
    (l.name === "__address__" || l.name === "instance") && l.value.includes("@")
      ? { name: l.name, value: maskUrl(l.value) }
      : l
  );
}

/** Labels as `{a="1", b="2"}` (vmagent's HTML form), HTML-escaped. */
export function labelsHtml(labels: readonly Label[]): string {
  return escapeHtml(
    "{" + displayLabels(labels).map((l) => `${l.name}=${quoteGo(l.value)}`).join(", ") + "}",
  );
}

/** A whole HTML page with the status navigation. */
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

/** Go's `time.RFC3339Nano` in UTC for milliseconds since the epoch (trailing fraction zeros cut). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2006-01-02T15:04:05.000Z
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return iso.slice(0, 19) + (frac === "" ? "" : "." + frac) + "Z";
}

/** `1.234s ago`, or `never scraped`, as vmagent's target list prints the last scrape time. */
export function sinceText(lastScrape: number, now: number): string {
  if (lastScrape <= 0) return "never scraped";
  return `${((now - lastScrape) / 1000).toFixed(3)}s ago`;
}

/** `512B`, `3KiB` (rounded up), or `never scraped`, as vmagent prints the last response size. */
export function sizeText(bytes: number | undefined): string {
  if (bytes === undefined || bytes <= 0) return "never scraped";
  if (bytes < 1024) return `${bytes}B`;
  return `${Math.ceil(bytes / 1024)}KiB`;
}

/** Go's `strconv.ParseBool`, false on anything else (vmagent ignores parse errors of page flags). */
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

/** Reads the filters from the query string (search texts trimmed). */
export function readFilter(url: URL): TargetFilter {
  return {
    showOriginalLabels: queryBool(url, "show_original_labels"),
    showOnlyUnhealthy: queryBool(url, "show_only_unhealthy"),
    endpointSearch: (url.searchParams.get("endpoint_search") ?? "").trim(),
    labelSearch: (url.searchParams.get("label_search") ?? "").trim(),
  };
}

/** The status of a target, `unknown` before its first scrape. */
export function statusOrUnknown(
  statusOf: ((key: string) => ScrapeStatus | undefined) | undefined,
  key: string,
): ScrapeStatus {
  return statusOf?.(key) ?? {
    health: "unknown",
    lastError: "",
    lastScrape: 0,
    lastScrapeDuration: 0,
    lastSamplesScraped: 0,
    scrapesTotal: 0,
    scrapesFailed: 0,
    seriesCount: 0,
  };
}

/** Compares by a string, byte order. */
export function byString<T>(get: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = get(a);
    const y = get(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

/** The discovered `__address__` of a target (vmagent orders target lists by it). */
export function addressOf(labels: readonly Label[]): string {
  for (const l of labels) if (l.name === "__address__") return l.value;
  return "";
}

/** A predicate over targets built from the search filters; throws on a bad regex or selector. */
export type TargetMatcher = (t: ScrapeTarget) => boolean;

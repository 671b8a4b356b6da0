/**
 * The small fixed endpoints every VictoriaMetrics component serves:
 * `/health`, `/ping`, `/-/healthy`, `/-/ready`, `/robots.txt`, `favicon.ico`,
 * and vmagent's `/ready`.
 *
 * @module
 */

import { httpError, textResponse } from "./http_error.ts";
import type { HealthState } from "./health_state.ts";

/**
 * `/health`: `OK`, or 503 with the time left while the shutdown delay runs.
 *
 * @example
 * ```ts
 * const res = healthResponse(new HealthState(), Date.now()); // 200 "OK"
 * ```
 */
export function healthResponse(state: HealthState, nowMs: number): Response {
  const deadline = state.shutdownDeadline;
  if (deadline <= 0) return textResponse("OK");
  const left = Math.max(0, deadline - nowMs) / 1000;
  return httpError(
    503,
    `The server is in delayed shutdown mode, which will end in ${left.toFixed(3)}s`,
  );
}

/**
 * Answers `/ping` (InfluxDB agents): 204 with no body, or 200 with `verbose=true`.
 *
 * @example
 * ```ts
 * pingResponse(new URL("http://localhost:8429/ping")).status; // 204
 * pingResponse(new URL("http://localhost:8429/ping?verbose=true")).status; // 200
 * ```
 */
export function pingResponse(url: URL): Response {
  const status = url.searchParams.get("verbose") === "true" ? 200 : 204;
  return new Response(null, { status });
}

/**
 * Answers `/-/healthy` (Prometheus compatibility) with 200 and a fixed text.
 *
 * @example
 * ```ts
 * await prometheusHealthyResponse().text(); // "VictoriaMetrics is Healthy.\n"
 * ```
 */
export function prometheusHealthyResponse(): Response {
  return textResponse("VictoriaMetrics is Healthy.\n");
}

/**
 * Answers `/-/ready` (Prometheus compatibility): always ready, as in vmagent.
 *
 * @example
 * ```ts
 * await prometheusReadyResponse().text(); // "VictoriaMetrics is Ready.\n"
 * ```
 */
export function prometheusReadyResponse(): Response {
  return textResponse("VictoriaMetrics is Ready.\n");
}

/**
 * Answers `/robots.txt` with a rule that keeps search engines away.
 *
 * @example
 * ```ts
 * await robotsResponse().text(); // "User-agent: *\nDisallow: /\n"
 * ```
 */
export function robotsResponse(): Response {
  return textResponse("User-agent: *\nDisallow: /\n");
}

/**
 * `/ready`: 200 `OK` once every scrape config produced its first target list,
 * else 425 Too Early with the number still pending.
 *
 * @example
 * ```ts
 * readyResponse(0).status; // 200, body "OK"
 * await readyResponse(2).text(); // "waiting for scrapes to init, left: 2\n" (status 425)
 * ```
 */
export function readyResponse(pendingScrapeConfigs: number): Response {
  if (pendingScrapeConfigs > 0) {
    return httpError(425, `waiting for scrapes to init, left: ${pendingScrapeConfigs}`);
  }
  return textResponse("OK");
}

/** A 1x1 icon of our own (ICO holding a 32-bit BMP), so browsers stop asking. */
const FAVICON: Uint8Array = (() => {
  const b = new Uint8Array(22 + 48);
  const v = new DataView(b.buffer);
  v.setUint16(2, 1, true); // type: icon
  v.setUint16(4, 1, true); // one image
  b[6] = 1; // width
  b[7] = 1; // height
  v.setUint16(10, 1, true); // planes
  v.setUint16(12, 32, true); // bits per pixel
  v.setUint32(14, 48, true); // image size
  v.setUint32(18, 22, true); // image offset
  v.setUint32(22, 40, true); // BITMAPINFOHEADER size
  v.setInt32(26, 1, true); // width
  v.setInt32(30, 2, true); // height: colour rows plus mask rows
  v.setUint16(34, 1, true); // planes
  v.setUint16(36, 32, true); // bits per pixel
  b.set([0x8c, 0x3a, 0x5c, 0xff], 62); // one BGRA pixel; the AND mask after it stays 0
  return b;
})();

/**
 * Answers `.../favicon.ico` with a 1x1 icon, cached for an hour as vmagent does.
 *
 * @example
 * ```ts
 * const res = faviconResponse();
 * res.headers.get("Content-Type"); // "image/x-icon"
 * res.headers.get("Cache-Control"); // "max-age=3600"
 * ```
 */
export function faviconResponse(): Response {
  return new Response(FAVICON.slice(), {
    headers: { "Content-Type": "image/x-icon", "Cache-Control": "max-age=3600" },
  });
}

/** An entry of the index page: a relative link and what it shows. */
export interface IndexEntry {
  path: string;
  doc: string;
}

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * `/`: a small HTML page with the version and links to the useful endpoints.
 *
 * @example
 * ```ts
 * indexResponse("v0.1.0", [{ path: "metrics", doc: "self-metrics" }]);
 * ```
 */
export function indexResponse(version: string, entries: readonly IndexEntry[]): Response {
  let html = "<h2>vmagent-deno</h2>";
  html += `Version ${escapeHTML(version)}<br>`;
  html += "A Prometheus scraping agent compatible with vmagent.<br>";
  html += "Useful endpoints:<br>";
  for (const e of entries) {
    html += `<a href="${escapeHTML(e.path)}">${escapeHTML(e.path)}</a> - ${escapeHTML(e.doc)}<br/>`;
  }
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

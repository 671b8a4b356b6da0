/**
 * The config pages: `/config` (plain YAML) and `/api/v1/status/config`
 * (Prometheus API JSON), also used for the remote write relabel configs.
 *
 * @module
 */

import { TEXT_PLAIN } from "./http_error.ts";

/**
 * Answers `/config` and the relabel config pages: the (masked) YAML as plain text.
 *
 * @example
 * ```ts
 * const res = configTextResponse("global:\n  scrape_interval: 1m\n");
 * res.headers.get("Content-Type"); // "text/plain; charset=utf-8"
 * ```
 */
export function configTextResponse(yaml: string): Response {
  return new Response(yaml, { headers: { "Content-Type": TEXT_PLAIN } });
}

/**
 * Answers `/api/v1/status/config` (Prometheus API): `{"status":"success","data":{"yaml":"..."}}`.
 *
 * @example
 * ```ts
 * await configJSONResponse("global: {}\n").text();
 * // '{"status":"success","data":{"yaml":"global: {}\\n"}}'
 * ```
 */
export function configJSONResponse(yaml: string): Response {
  const body = `{"status":"success","data":{"yaml":${JSON.stringify(yaml)}}}`;
  return new Response(body, { headers: { "Content-Type": "application/json" } });
}

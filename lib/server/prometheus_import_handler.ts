/**
 * `/api/v1/import/prometheus` (and the Pushgateway-style
 * `/api/v1/import/prometheus/metrics/job/<job>/...`): Prometheus text
 * exposition pushed by clients, optionally compressed (gzip, deflate, zstd or
 * snappy, as vmagent accepts). Malformed lines are logged and skipped, as
 * vmagent does; the rest goes to the sink.
 * 204 on success (200 for Pushgateway paths), 400 on an unreadable body,
 * 429 when the sink refuses.
 *
 * @module
 */

import { parsePrometheusText } from "../scrape/parser.ts";
import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { getLogger } from "../util/log.ts";
import type { TimeSeries } from "../util/series.ts";
import { extraLabels, queryTimestamp } from "./extra_labels.ts";
import { HttpError } from "./http_error.ts";
import {
  DEFAULT_MAX_INSERT_REQUEST_SIZE,
  type IngestOptions,
  queueFullError,
  wrapError,
} from "./ingest_options.ts";
import { decodedStream, readLimited } from "./request_body.ts";
import {
  errorResponse,
  type Handler,
  quotedRemoteAddr,
  requestPath,
  requestURI,
} from "./request_log.ts";

/**
 * Returns the Prometheus text import handler. The decompressed text is limited
 * by `-maxInsertRequestSize` (vmagent streams it without a limit).
 *
 * @example
 * ```ts
 * const handler = createPrometheusImportHandler({ sink: { push: () => true } });
 * await handler(new Request("http://x/api/v1/import/prometheus", { method: "POST", body: "up 1\n" }));
 * ```
 */
export function createPrometheusImportHandler(opts: IngestOptions): Handler {
  const registry = opts.registry ?? defaultRegistry;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? getLogger("httpserver");
  const limit = {
    maxBytes: opts.maxInsertRequestSize ?? DEFAULT_MAX_INSERT_REQUEST_SIZE,
    flag: "maxInsertRequestSize",
  };
  const requests = registry.counter(
    'vmagent_http_requests_total{path="/api/v1/import/prometheus", protocol="prometheusimport"}',
  );
  const errors = registry.counter(
    'vmagent_http_request_errors_total{path="/api/v1/import/prometheus", protocol="prometheusimport"}',
  );
  const readCalls = registry.counter('vm_protoparser_read_calls_total{type="prometheus"}');
  const readErrors = registry.counter('vm_protoparser_read_errors_total{type="prometheus"}');
  const rowsRead = registry.counter('vm_protoparser_rows_read_total{type="prometheus"}');
  const rowsInserted = registry.counter('vmagent_rows_inserted_total{type="prometheus"}');
  const rowsPerInsert = registry.histogram('vmagent_rows_per_insert{type="prometheus"}');

  const readText = async (req: Request): Promise<string> => {
    let stream: ReadableStream<Uint8Array> | null;
    try {
      stream = await decodedStream(req.body, req.headers.get("Content-Encoding") ?? "", limit);
    } catch (e) {
      throw wrapError("cannot decode Prometheus text exposition data: ", e);
    }
    readCalls.inc();
    try {
      return new TextDecoder().decode(await readLimited(stream, limit));
    } catch (e) {
      readErrors.inc();
      if (e instanceof HttpError) throw e;
      throw wrapError("cannot read Prometheus exposition data: ", e);
    }
  };

  return async (req, info) => {
    const url = new URL(req.url);
    const path = requestPath(url).replaceAll("//", "/");
    requests.inc();
    try {
      const extra = extraLabels(url, path);
      const defaultTs = queryTimestamp(url);
      const { rows, errors: lineErrors } = parsePrometheusText(await readText(req));
      for (const e of lineErrors) {
        log.error(
          `uri: ${requestURI(url)}, remote address: ${quotedRemoteAddr(req, info)}: ${e.message}`,
        );
      }
      rowsRead.add(rows.length);
      const ts = defaultTs > 0 ? defaultTs : now();
      const series: TimeSeries[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        const labels = [{ name: "__name__", value: r.metric }];
        for (const l of r.labels) labels.push(l);
        for (const l of extra) labels.push(l);
        series[i] = {
          labels,
          samples: [{ value: r.value, timestamp: r.timestamp === 0 ? ts : r.timestamp }],
        };
      }
      if (series.length > 0 && !opts.sink.push(series)) throw queueFullError();
      rowsInserted.add(rows.length);
      rowsPerInsert.update(rows.length);
      // Pushgateway clients expect 200 (vmagent issue #3636).
      const pushgateway = /^(\/prometheus)?\/api\/v1\/import\/prometheus\/metrics\/job\//.test(
        path,
      );
      return new Response(null, { status: pushgateway ? 200 : 204 });
    } catch (e) {
      errors.inc();
      return errorResponse(e, { req, url, info, log });
    }
  };
}

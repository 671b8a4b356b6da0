/**
 * `/api/v1/write` (also `/api/v1/push` and their `/prometheus/` aliases):
 * Prometheus remote write v1, a snappy-compressed protobuf `WriteRequest`,
 * fed to the sink with any `extra_label` query args appended to each series.
 * 204 on success, 400 with the reason on a bad body, 429 when the sink refuses.
 *
 * @module
 */

import { decodeWriteRequest } from "../remotewrite/write_request_decoder.ts";
import { snappyDecompress } from "../remotewrite/snappy.ts";
import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { getLogger } from "../util/log.ts";
import type { TimeSeries } from "../util/series.ts";
import { extraLabels } from "./extra_labels.ts";
import { HttpError, httpError } from "./http_error.ts";
import {
  DEFAULT_MAX_INSERT_REQUEST_SIZE,
  type IngestOptions,
  queueFullError,
  wrapError,
} from "./ingest_options.ts";
import { readLimited } from "./request_body.ts";
import { errorResponse, type Handler, requestPath } from "./request_log.ts";

/**
 * Returns the remote write ingest handler.
 *
 * A `?get_vm_proto_version=1` handshake (vmagent v1.88-v1.115 probing for the
 * zstd protocol) is declined with 400, so such senders use Prometheus remote
 * write; a `Content-Encoding: zstd` body that is not snappy gets 415, on which
 * newer vmagent senders switch to snappy.
 *
 * @example
 * ```ts
 * const handler = createRemoteWriteHandler({ sink: { push: () => true } });
 * const res = await handler(new Request("http://x/api/v1/write", { method: "POST", body }));
 * ```
 */
export function createRemoteWriteHandler(opts: IngestOptions): Handler {
  const registry = opts.registry ?? defaultRegistry;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? getLogger("httpserver");
  const maxSize = opts.maxInsertRequestSize ?? DEFAULT_MAX_INSERT_REQUEST_SIZE;
  const limit = { maxBytes: maxSize, flag: "maxInsertRequestSize" };
  const requests = registry.counter(
    'vmagent_http_requests_total{path="/api/v1/write", protocol="promremotewrite"}',
  );
  const errors = registry.counter(
    'vmagent_http_request_errors_total{path="/api/v1/write", protocol="promremotewrite"}',
  );
  const readCalls = registry.counter('vm_protoparser_read_calls_total{type="promremotewrite"}');
  const readErrors = registry.counter('vm_protoparser_read_errors_total{type="promremotewrite"}');
  const rowsRead = registry.counter('vm_protoparser_rows_read_total{type="promremotewrite"}');
  const unmarshalErrors = registry.counter(
    'vm_protoparser_unmarshal_errors_total{type="promremotewrite"}',
  );
  const rowsInserted = registry.counter('vmagent_rows_inserted_total{type="promremotewrite"}');
  const rowsPerInsert = registry.histogram('vmagent_rows_per_insert{type="promremotewrite"}');

  const parseBody = (data: Uint8Array, zstd: boolean): TimeSeries[] => {
    let raw: Uint8Array;
    try {
      raw = snappyDecompress(data, { maxLength: maxSize });
    } catch (e) {
      if (zstd) {
        throw new HttpError(
          415,
          `cannot decompress zstd-encoded request with length ${data.length}: zstd is not ` +
            "supported here; send snappy-compressed Prometheus remote write",
        );
      }
      throw wrapError(`cannot decompress snappy-encoded request with length ${data.length}: `, e);
    }
    try {
      return decodeWriteRequest(raw);
    } catch (e) {
      unmarshalErrors.inc();
      throw wrapError(`cannot unmarshal prompb.WriteRequest with size ${raw.length} bytes: `, e);
    }
  };

  return async (req, info) => {
    const url = new URL(req.url);
    if (url.searchParams.get("get_vm_proto_version")) {
      return httpError(
        400,
        "the VictoriaMetrics remote write protocol is not supported; use Prometheus remote write",
      );
    }
    requests.inc();
    const start = now();
    try {
      const extra = extraLabels(url, requestPath(url));
      let series: TimeSeries[];
      try {
        readCalls.inc();
        const body = await readLimited(req.body, limit);
        series = parseBody(body, req.headers.get("Content-Encoding") === "zstd");
      } catch (e) {
        readErrors.inc();
        const secs = Math.floor((now() - start) / 1000);
        throw wrapError(
          `cannot read prometheus remote_write data from client in ${secs} seconds: `,
          e,
        );
      }
      let rows = 0;
      for (const ts of series) {
        rows += ts.samples.length;
        for (const l of extra) ts.labels.push(l);
      }
      rowsRead.add(rows);
      if (series.length > 0 && !opts.sink.push(series)) {
        const secs = Math.floor((now() - start) / 1000);
        throw wrapError(
          `cannot read prometheus remote_write data from client in ${secs} seconds: `,
          queueFullError(),
        );
      }
      rowsInserted.add(rows);
      rowsPerInsert.update(rows);
      return new Response(null, { status: 204 });
    } catch (e) {
      errors.inc();
      return errorResponse(e, { req, url, info, log });
    }
  };
}

/**
 * `/api/v1/write` (also `/api/v1/push` and their `/prometheus/` aliases):
 * Prometheus remote write v1 (a snappy-compressed protobuf `WriteRequest`) and
 * the VictoriaMetrics remote write protocol (the same `WriteRequest`, zstd
 * compressed, sent with `Content-Encoding: zstd`), fed to the sink with any
 * `extra_label` query args appended to each series. 204 on success, 400 with
 * the reason on a bad body, 429 when the sink refuses; `?get_vm_proto_version`
 * is answered with `1` (zstd spoken here), as vmagent does.
 *
 * @module
 */

import { decodeWriteRequest } from "../remotewrite/write_request_decoder.ts";
import { snappyDecodedLength, snappyDecompress } from "../remotewrite/snappy.ts";
import { metrics as defaultRegistry } from "../metrics/registry.ts";
import { getLogger } from "../util/log.ts";
import type { TimeSeries } from "../util/series.ts";
import { extraLabels } from "./extra_labels.ts";
import { errorMessage, textResponse } from "./http_error.ts";
import {
  DEFAULT_MAX_INSERT_REQUEST_SIZE,
  type IngestOptions,
  queueFullError,
  wrapError,
} from "./ingest_options.ts";
import { readLimited } from "./request_body.ts";
import { errorResponse, type Handler, requestPath } from "./request_log.ts";
import { zstdDecompress } from "./zstd_decompress.ts";

/** Decodes a snappy block of at most `maxSize` decoded bytes, with vmagent's error texts. */
function unsnappy(data: Uint8Array, maxSize: number): Uint8Array {
  let n: number;
  try {
    n = snappyDecodedLength(data);
  } catch (e) {
    throw new Error(`cannot read snappy header: ${errorMessage(e)}`);
  }
  if (n > maxSize) throw new Error(`too big data size ${n} exceeding ${maxSize} bytes`);
  return snappyDecompress(data);
}

/** Decodes zstd frames of at most `maxSize` decoded bytes, with vmagent's error texts. */
function unzstd(data: Uint8Array, maxSize: number): Uint8Array {
  try {
    return zstdDecompress(data, { maxLength: maxSize });
  } catch (e) {
    throw new Error(
      `cannot decompress zstd block with len=${data.length} and maxDataSizeBytes=${maxSize}: ` +
        errorMessage(e),
    );
  }
}

/**
 * Unpacks a remote write body as vmagent does: with `Content-Encoding: zstd`
 * zstd first and snappy as the fallback, else snappy first and zstd as the
 * fallback (vmagent v1.88+ may resend blocks from its on-disk queue under the
 * other encoding's header). When both fail, the error is the first decoder's.
 */
function unpack(data: Uint8Array, zstd: boolean, maxSize: number): Uint8Array {
  try {
    return zstd ? unzstd(data, maxSize) : unsnappy(data, maxSize);
  } catch (first) {
    try {
      return zstd ? unsnappy(data, maxSize) : unzstd(data, maxSize);
    } catch {
      throw new Error(
        `cannot decompress ${zstd ? "zstd" : "snappy"}-encoded request with length ` +
          `${data.length}: ${errorMessage(first)}`,
      );
    }
  }
}

/**
 * Returns the remote write ingest handler.
 *
 * The body is snappy unless `Content-Encoding` is exactly `zstd`; either way
 * the other encoding is tried when the announced one fails, and both are held
 * to `-maxInsertRequestSize`, compressed and decoded. A request with a
 * non-empty `get_vm_proto_version` query arg (the handshake of vmagent
 * v1.88-v1.115 senders) gets 200 with the body `1`, so such senders switch to
 * zstd; it is not counted as a write request.
 *
 * @example
 * ```ts
 * const handler = createRemoteWriteHandler({ sink: { push: () => true } });
 * const res = await handler(
 *   new Request("http://x/api/v1/write", { method: "POST", body, headers: { "Content-Encoding": "zstd" } }),
 *   info,
 * ); // 204
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
    const raw = unpack(data, zstd, maxSize);
    try {
      return decodeWriteRequest(raw);
    } catch (e) {
      unmarshalErrors.inc();
      throw wrapError(`cannot unmarshal prompb.WriteRequest with size ${raw.length} bytes: `, e);
    }
  };

  return async (req, info) => {
    const url = new URL(req.url);
    // The handshake: VictoriaMetrics remote write protocol version 1 is spoken here.
    if (url.searchParams.get("get_vm_proto_version")) return textResponse("1");
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
        readErrors.inc(); // vmagent counts a refused push as a read error too
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

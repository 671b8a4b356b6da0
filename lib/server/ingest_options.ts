/**
 * What the push endpoints (`/api/v1/write`, `/api/v1/import/prometheus`) share:
 * the sink they feed, their limits and their instruments.
 *
 * @module
 */

import type { Sink } from "../util/series.ts";
import type { Logger } from "../util/log.ts";
import type { MetricsRegistry } from "../metrics/registry.ts";
import { HttpError } from "./http_error.ts";

/** Options of the push handlers. */
export interface IngestOptions {
  /** Where pushed series go; `push` returning false (queue full) answers 429. */
  sink: Sink;
  /** `-maxInsertRequestSize`: largest request body, compressed and uncompressed. @default 33554432 */
  maxInsertRequestSize?: number;
  /** The registry for `vmagent_*` and `vm_protoparser_*` counters. @default metrics */
  registry?: MetricsRegistry;
  /** The clock (ms). @default Date.now */
  now?: () => number;
  /** Where request errors are logged. @default getLogger("httpserver") */
  log?: Logger;
}

/**
 * The default `-maxInsertRequestSize` in bytes: 32 MiB.
 *
 * @example
 * ```ts
 * const limit = opts.maxInsertRequestSize ?? DEFAULT_MAX_INSERT_REQUEST_SIZE; // 33554432
 * ```
 */
export const DEFAULT_MAX_INSERT_REQUEST_SIZE = 32 * 1024 * 1024;

/**
 * The 429 answer when the sink refuses data (remote write queues full with
 * `-remoteWrite.disableOnDiskQueue`), worded after vmagent's.
 *
 * @example
 * ```ts
 * if (!sink.push(series)) throw queueFullError(); // answered with 429
 * ```
 */
export function queueFullError(): HttpError {
  return new HttpError(
    429,
    "error when processing imported data: remote storage systems cannot keep up with the data " +
      "ingestion rate; retry the request later, or drop -remoteWrite.disableOnDiskQueue so that " +
      "pending data can be kept under -remoteWrite.tmpDataPath",
  );
}

/**
 * Prefixes an error message, keeping the HTTP status of an HttpError.
 *
 * @example
 * ```ts
 * const err = wrapError("cannot read body: ", new HttpError(413, "too big"));
 * // HttpError, status 413, message "cannot read body: too big"
 * wrapError("cannot parse: ", "boom"); // Error("cannot parse: boom"), answered with 400
 * ```
 */
export function wrapError(prefix: string, err: unknown): Error {
  const msg = `${prefix}${err instanceof Error ? err.message : String(err)}`;
  return err instanceof HttpError ? new HttpError(err.status, msg) : new Error(msg);
}

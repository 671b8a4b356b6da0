/**
 * Test helpers for the server handlers: a collecting logger, a recording sink,
 * and remote write bodies built with independent libraries (protobufjs, snappyjs).
 *
 * @module
 */
import protobuf from "protobufjs";
import snappy from "snappyjs";
import type { Logger } from "../../lib/util/log.ts";
import type { Sink, TimeSeries } from "../../lib/util/series.ts";

/** A logger that keeps its lines as `level msg`. */
export function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

/** A sink that records every push and answers `accept`. */
export function recordingSink(accept = true): Sink & { pushed: TimeSeries[][] } {
  const pushed: TimeSeries[][] = [];
  return {
    pushed,
    push(series) {
      pushed.push(series);
      return accept;
    },
  };
}

const root = protobuf.Root.fromJSON({
  nested: {
    WriteRequest: { fields: { timeseries: { rule: "repeated", type: "TimeSeries", id: 1 } } },
    TimeSeries: {
      fields: {
        labels: { rule: "repeated", type: "Label", id: 1 },
        samples: { rule: "repeated", type: "Sample", id: 2 },
      },
    },
    Label: { fields: { name: { type: "string", id: 1 }, value: { type: "string", id: 2 } } },
    Sample: { fields: { value: { type: "double", id: 1 }, timestamp: { type: "int64", id: 2 } } },
  },
});
const WriteRequest = root.lookupType("WriteRequest");

/** Encodes series as an uncompressed protobuf WriteRequest (with protobufjs). */
export function encodeWriteRequest(series: TimeSeries[]): Uint8Array {
  return WriteRequest.encode(WriteRequest.create({ timeseries: series })).finish();
}

/** Compresses bytes in the snappy block format (with snappyjs). */
export function snappyBlock(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(snappy.compress(bytes));
}

/** A remote write POST request to `url` with `body`. */
export function postRequest(
  url: string,
  body: Uint8Array | string | null,
  headers: HeadersInit = {},
): Request {
  return new Request(url, { method: "POST", body: body as BodyInit | null, headers });
}

/** The connection info Deno.serve would pass. */
export const INFO = { remoteAddr: { hostname: "10.0.0.7", port: 43210 } };

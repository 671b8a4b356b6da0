/**
 * Remote write: everything after the scrape {@linkcode Sink}. Open one
 * {@linkcode RemoteWrite} for the process; it relabels, batches, encodes
 * (protobuf + snappy), queues (memory + vmagent's on-disk format) and sends
 * with vmagent's retry policy to every `-remoteWrite.url`, or prints to stdout
 * when none is given.
 *
 * @example
 * ```ts
 * import { loadRemoteWriteRelabelRules, RemoteWrite, remoteWriteOptionsFromFlags } from "./mod.ts";
 *
 * const rules = await loadRemoteWriteRelabelRules(flags);
 * const rw = await RemoteWrite.open(remoteWriteOptionsFromFlags(flags, { rules }));
 * rw.push(series); // from the scraper: never blocks
 * rw.setRelabelRules((await loadRemoteWriteRelabelRules(flags)).global); // on SIGHUP
 * await rw.close(); // on shutdown: unsent data goes to disk
 * ```
 *
 * @module
 */
export { RemoteWrite, type RemoteWriteURLInfo } from "./remote_write.ts";
export {
  parseHeaders,
  type RemoteWriteClient,
  type RemoteWriteOptions,
  type RemoteWriteURLOptions,
  urlClientConfig,
} from "./options.ts";
export {
  loadRemoteWriteRelabelRules,
  remoteWriteOptionsFromFlags,
  type RemoteWriteRelabelRules,
} from "./from_flags.ts";
export { formatSeriesText, StdoutSink, type StdoutSinkOptions } from "./stdout_sink.ts";
export { encodeWriteRequest, WriteRequestBuilder } from "./write_request_encoder.ts";
export { countWriteRequest, decodeWriteRequest, ProtobufError } from "./write_request_decoder.ts";
export {
  snappyCompress,
  snappyDecodedLength,
  snappyDecompress,
  SnappyError,
  snappyMaxCompressedLength,
  snappyValid,
} from "./snappy.ts";
export {
  remoteWriteHeaders,
  sendBlock,
  type SendMetrics,
  type SendOptions,
  type SendTarget,
} from "./send_block.ts";
export { type Clock, realClock, sleep } from "../util/clock.ts";
export { PERSISTENT_QUEUE_DIRNAME, queueDirName, sanitizedURL } from "./queue_dir.ts";
export { parseExtraLabels } from "./series_labels.ts";

/**
 * vmagent HEAD `-remoteWrite.*` flags (names, types and defaults as in app/vmagent/remotewrite at
 * HEAD; descriptions in our words). Array flags are per URL: read them with
 * `flags.getArg(name, urlIndex)`.
 *
 * @module
 */

import {
  type ArrayFlagSpec,
  boolArrayFlag,
  boolFlag,
  bytesArrayFlag,
  bytesFlag,
  durationArrayFlag,
  durationFlag,
  intArrayFlag,
  intFlag,
  stringArrayFlag,
  stringFlag,
} from "./flag_spec.ts";

const URL = "the corresponding -remoteWrite.url";

/**
 * `-remoteWrite.queues`, whose default is 2 × the available CPU cores as in vmagent.
 *
 * @example
 * ```ts
 * remoteWriteQueuesFlag(4).default; // 8
 * ```
 */
export function remoteWriteQueuesFlag(cpus: number): ArrayFlagSpec<"int"> {
  return intArrayFlag(
    2 * cpus,
    `Number of concurrent senders to ${URL}. Raise it when the default cannot keep up with ` +
      "the volume of collected data; the default depends on the number of CPU cores",
    { defaultHint: "2*availableCPUs" },
  );
}

/**
 * Remote write flags. The `-remoteWrite.queues` entry here assumes one CPU; `vmagentFlags(cpus)`
 * replaces it with the real default.
 *
 * @example
 * ```ts
 * REMOTE_WRITE_FLAGS["remoteWrite.sendTimeout"].default; // 60000 (1m, in ms)
 * REMOTE_WRITE_FLAGS["remoteWrite.tmpDataPath"].default; // "vmagent-remotewrite-data"
 * ```
 */
export const REMOTE_WRITE_FLAGS = {
  "remoteWrite.url": stringArrayFlag(
    "Remote storage URL to send data to, e.g. http://<victoriametrics-host>:8428/api/v1/write, " +
      "speaking the Prometheus remote write protocol. Give several URLs to replicate the data " +
      "to each of them",
  ),
  "remoteWrite.tmpDataPath": stringFlag(
    "vmagent-remotewrite-data",
    "Directory for data not yet sent to -remoteWrite.url. See also " +
      "-remoteWrite.maxDiskUsagePerURL and -remoteWrite.disableOnDiskQueue",
  ),
  "remoteWrite.maxDiskUsagePerURL": bytesArrayFlag(
    0,
    `Largest on-disk buffer at -remoteWrite.tmpDataPath for ${URL}; when it is full the oldest ` +
      "data is dropped to make room. Data is stored in chunks of about 500MB, so multiples of " +
      "that work best. 0 means no limit",
  ),
  "remoteWrite.disableOnDiskQueue": boolArrayFlag(
    `Whether to keep pending data for ${URL} only in memory instead of -remoteWrite.tmpDataPath ` +
      "when the remote storage cannot keep up. See also -remoteWrite.dropSamplesOnOverload",
  ),
  "remoteWrite.dropSamplesOnOverload": boolFlag(
    false,
    "Whether to drop samples that cannot be sent in time to -remoteWrite.url when " +
      "-remoteWrite.disableOnDiskQueue is set",
  ),
  "remoteWrite.queues": remoteWriteQueuesFlag(1),
  "remoteWrite.maxBlockSize": bytesFlag(
    8 * 1024 * 1024,
    "Largest block to send to remote storage. Bigger blocks may be faster but use more " +
      "memory. See also -remoteWrite.maxRowsPerBlock",
  ),
  "remoteWrite.maxRowsPerBlock": intFlag(
    10000,
    "Largest number of samples per block sent to remote storage. More may be faster but " +
      "uses more memory. See also -remoteWrite.maxBlockSize",
  ),
  "remoteWrite.flushInterval": durationFlag(
    "1s",
    "How often to send collected data to remote storage when fewer than " +
      "-remoteWrite.maxRowsPerBlock samples arrive per interval",
  ),
  "remoteWrite.sendTimeout": durationArrayFlag("1m", `Timeout for sending one block to ${URL}`),
  "remoteWrite.rateLimit": intArrayFlag(
    0,
    `Optional limit in bytes per second on data sent to ${URL}. Useful to spare the remote ` +
      "storage when a large backlog is sent after an outage. 0 means no limit",
  ),
  "remoteWrite.retryMinInterval": durationArrayFlag(
    "1s",
    `Smallest delay between attempts to send a block to ${URL}; each retry doubles the delay. ` +
      "See also -remoteWrite.retryMaxInterval",
  ),
  "remoteWrite.retryMaxInterval": durationArrayFlag(
    "1m",
    `Largest delay between attempts to send a block to ${URL}; the doubling delay stays at ` +
      "this value once it gets there. See also -remoteWrite.retryMinInterval",
  ),
  "remoteWrite.retryMaxTime": durationArrayFlag(
    "1m",
    `The max time spent on retry attempts to send a block of data to ${URL}. This flag is ` +
      "deprecated, use -remoteWrite.retryMaxInterval instead; it applies only when " +
      "-remoteWrite.retryMaxInterval is not set",
  ),
  "remoteWrite.label": stringArrayFlag(
    "Optional label as name=value added to every series sent to every -remoteWrite.url",
  ),
  "remoteWrite.relabelConfig": stringFlag(
    "",
    "Optional path or http(s) URL of relabeling rules applied to all series before they are " +
      "sent to any -remoteWrite.url. See also -remoteWrite.urlRelabelConfig",
  ),
  "remoteWrite.urlRelabelConfig": stringArrayFlag(
    `Optional path or http(s) URL of relabeling rules for ${URL}. ` +
      "See also -remoteWrite.relabelConfig",
  ),
  "remoteWrite.headers": stringArrayFlag(
    `Optional HTTP headers sent with every request to ${URL}, as 'Name:value'; separate ` +
      "several headers with '^^', e.g. -remoteWrite.headers='header1:value1^^header2:value2'",
  ),
  "remoteWrite.basicAuth.username": stringArrayFlag(
    `Optional basic auth username for ${URL}`,
  ),
  "remoteWrite.basicAuth.usernameFile": stringArrayFlag(
    `Optional file holding the basic auth username for ${URL}; re-read every second`,
  ),
  "remoteWrite.basicAuth.password": stringArrayFlag(
    `Optional basic auth password for ${URL}`,
  ),
  "remoteWrite.basicAuth.passwordFile": stringArrayFlag(
    `Optional file holding the basic auth password for ${URL}; re-read every second`,
  ),
  "remoteWrite.bearerToken": stringArrayFlag(`Optional bearer token for ${URL}`),
  "remoteWrite.bearerTokenFile": stringArrayFlag(
    `Optional file holding the bearer token for ${URL}; re-read every second`,
  ),
  "remoteWrite.tlsInsecureSkipVerify": boolArrayFlag(
    `Whether to skip TLS certificate verification when connecting to ${URL}`,
  ),
  "remoteWrite.tlsCAFile": stringArrayFlag(
    `Optional CA file to verify the TLS certificate of ${URL}; the system CAs by default`,
  ),
  "remoteWrite.tlsCertFile": stringArrayFlag(
    `Optional client TLS certificate file to present to ${URL}`,
  ),
  "remoteWrite.tlsKeyFile": stringArrayFlag(
    `Optional client TLS key file to use with ${URL}`,
  ),
  "remoteWrite.tlsServerName": stringArrayFlag(
    `Optional TLS server name for connections to ${URL}; the host of the URL by default`,
  ),
  "remoteWrite.proxyURL": stringArrayFlag(
    `Optional proxy for requests to ${URL}: http, https or socks5, e.g. ` +
      "-remoteWrite.proxyURL=socks5://proxy:1234",
  ),
  "remoteWrite.showURL": boolFlag(
    false,
    "Whether to show -remoteWrite.url in metrics and logs. Hidden by default because URLs may " +
      "hold credentials",
  ),
  "remoteWrite.significantFigures": intArrayFlag(
    0,
    `Number of significant figures kept in sample values sent to ${URL}, to improve ` +
      "compression. 0 keeps them all. See also -remoteWrite.roundDigits",
  ),
  "remoteWrite.roundDigits": intArrayFlag(
    100,
    `Round sample values sent to ${URL} to this many decimal digits after the point, e.g. 2 ` +
      "turns 1.236 into 1.24 and -1 turns 126.78 into 130. 100 disables rounding. " +
      "See also -remoteWrite.significantFigures",
  ),
  "remoteWrite.keepDanglingQueues": boolFlag(
    false,
    "Keep the queues at -remoteWrite.tmpDataPath that match no -remoteWrite.url, e.g. when " +
      "a URL is removed only for a while and its pending data is wanted later",
  ),
  "remoteWrite.forcePromProto": boolArrayFlag(
    `Whether to always use the Prometheus remote write protocol for ${URL}`,
  ),
} as const;

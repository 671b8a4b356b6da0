/**
 * Names vmagent derives from a remote write URL: the sanitized form used in logs
 * and metrics, and the persistent queue folder.
 *
 * @module
 */
import { xxhash64Hex } from "../util/xxhash64.ts";

/**
 * Name of the folder under `-remoteWrite.tmpDataPath` that holds the per-URL queues.
 *
 * @example
 * ```ts
 * `${tmpDataPath}/${PERSISTENT_QUEUE_DIRNAME}/${queueDirName(0, url)}`;
 * // "vmagent-remotewrite-data/persistent-queue/1_<16 hex digits>"
 * ```
 */
export const PERSISTENT_QUEUE_DIRNAME = "persistent-queue";

/**
 * Returns the URL as logs and metrics show it: `N:secret-url`, or `N:<url>` with
 * `-remoteWrite.showURL` (`index` is 0-based, `N` 1-based).
 *
 * @example
 * ```ts
 * sanitizedURL(0, "http://user:pass@vm:8428/api/v1/write", false); // "1:secret-url"
 * ```
 */
export function sanitizedURL(index: number, url: string, showURL: boolean): string {
  return showURL ? `${index + 1}:${url}` : `${index + 1}:secret-url`;
}

/**
 * Cuts the query string and fragment off a URL, as vmagent does before hashing it
 * (user info is kept).
 *
 * @example
 * ```ts
 * urlWithoutQuery("http://u:p@vm:8428/api/v1/write?extra_label=a=b#x"); // "http://u:p@vm:8428/api/v1/write"
 * ```
 */
export function urlWithoutQuery(url: string): string {
  let s = url;
  const hash = s.indexOf("#");
  if (hash >= 0) s = s.slice(0, hash);
  const q = s.indexOf("?");
  if (q >= 0) s = s.slice(0, q);
  return s;
}

/**
 * Returns the queue folder name `<N>_<16 upper-case hex digits of xxHash64>` of the URL
 * without query and fragment, so that changing query parameters keeps the queue.
 * `initXXHash64()` must have been awaited.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * queueDirName(0, "http://vm:8428/api/v1/write?extra_label=a=b"); // "1_" + 16 hex digits
 * ```
 */
export function queueDirName(index: number, url: string): string {
  return `${index + 1}_${xxhash64Hex(urlWithoutQuery(url))}`;
}

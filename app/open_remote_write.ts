/**
 * Opens remote write with errors that name `-remoteWrite.tmpDataPath`: the queue folders
 * live under it, and Deno's file system errors name a path but not the flag it came from.
 *
 * @module
 */
import type { RemoteWriteOptions } from "../lib/remotewrite/options.ts";
import { RemoteWrite } from "../lib/remotewrite/remote_write.ts";

/** Options of {@linkcode openRemoteWrite}. */
export interface OpenRemoteWriteOptions {
  /** Creates a folder and its parents. @default Deno.mkdir */
  mkdir?: (path: string) => Promise<void>;
  /** Opens remote write. @default RemoteWrite.open */
  open?: (options: RemoteWriteOptions) => Promise<RemoteWrite>;
}

/**
 * Creates `-remoteWrite.tmpDataPath` (when there is a URL: each keeps its queue there,
 * even with `-remoteWrite.disableOnDiskQueue`), then opens remote write. A failure is
 * reported as `cannot create -remoteWrite.tmpDataPath=<path>: <reason>`.
 *
 * @example
 * ```ts
 * const rw = await openRemoteWrite(remoteWriteOptionsFromFlags(flags));
 * ```
 */
export async function openRemoteWrite(
  options: RemoteWriteOptions,
  opts: OpenRemoteWriteOptions = {},
): Promise<RemoteWrite> {
  const mkdir = opts.mkdir ?? ((p: string) => Deno.mkdir(p, { recursive: true }));
  const open = opts.open ?? ((o: RemoteWriteOptions) => RemoteWrite.open(o));
  const dir = options.tmpDataPath ?? "vmagent-remotewrite-data";
  if (options.urls.length > 0) {
    try {
      await mkdir(dir);
    } catch (e) {
      throw new Error(`cannot create -remoteWrite.tmpDataPath=${dir}: ${fsReason(e, dir)}`);
    }
  }
  try {
    return await open(options);
  } catch (e) {
    // e.g. a queue folder below it that cannot be made.
    if (isFsError(e) && e.message.includes(`'${dir}`)) {
      throw new Error(`cannot use -remoteWrite.tmpDataPath=${dir}: ${e.message}`);
    }
    throw e;
  }
}

function isFsError(e: unknown): e is Error {
  return Object.values(Deno.errors).some((c) => e instanceof c);
}

/** The reason of an error without Deno's `: mkdir '<path>'` tail, which repeats the path. */
function fsReason(e: unknown, path: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  const tail = `: mkdir '${path}'`;
  return msg.endsWith(tail) ? msg.slice(0, -tail.length) : msg;
}

/**
 * File helpers for the persistent queue: vmagent's file names, `metainfo.json`
 * (written atomically: temporary file, fsync, rename), and full reads/writes
 * over Deno's synchronous file API.
 *
 * @module
 */

/** Name of the queue's metadata file (vmagent's `metainfo.json`). */
export const METAINFO_FILENAME = "metainfo.json";
/** Name of the lock file that keeps two processes off one queue (vmagent's `flock.lock`). */
export const FLOCK_FILENAME = "flock.lock";
/** Chunk files are named by their global offset in 16 upper-case hex digits. */
export const CHUNK_NAME_RE = /^[0-9A-F]{16}$/;

/** The content of `metainfo.json`, with vmagent's field names. */
export interface Metainfo {
  Name: string;
  ReaderOffset: number;
  WriterOffset: number;
}

/** Returns the chunk file name for a global offset. */
export function chunkName(offset: number): string {
  return offset.toString(16).toUpperCase().padStart(16, "0");
}

/** Joins a folder and a file name. */
export function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * Reads and checks `metainfo.json`. Returns undefined when it does not exist;
 * throws an Error naming the problem when it is unreadable or inconsistent.
 */
export function readMetainfo(path: string): Metainfo | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`cannot parse ${path}: ${(e as Error).message}`);
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== "object" || o === null) throw new Error(`${path} does not hold a JSON object`);
  const name = typeof o.Name === "string" ? o.Name : "";
  const r = o.ReaderOffset ?? 0;
  const w = o.WriterOffset ?? 0;
  if (
    !Number.isSafeInteger(r) || !Number.isSafeInteger(w) || (r as number) < 0 || (w as number) < 0
  ) {
    throw new Error(`${path} holds invalid offsets: ReaderOffset=${r}, WriterOffset=${w}`);
  }
  if ((r as number) > (w as number)) {
    throw new Error(`${path}: ReaderOffset=${r} cannot exceed WriterOffset=${w}`);
  }
  return { Name: name, ReaderOffset: r as number, WriterOffset: w as number };
}

const encoder = new TextEncoder();

/** Writes `metainfo.json` atomically; `sync` adds fsync of the data and of the folder. */
export function writeMetainfo(dir: string, mi: Metainfo, sync: boolean): void {
  const path = join(dir, METAINFO_FILENAME);
  const tmp = `${path}.tmp`;
  const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
  try {
    writeAll(f, encoder.encode(JSON.stringify(mi)));
    if (sync) f.syncSync();
  } finally {
    f.close();
  }
  Deno.renameSync(tmp, path);
  if (sync) syncDir(dir);
}

/** fsyncs a folder so that renames and new files in it survive a power loss. */
export function syncDir(dir: string): void {
  try {
    const d = Deno.openSync(dir, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch {
    // Some file systems refuse fsync on folders; the data files are synced anyway.
  }
}

/** Writes all of `data` at the file's position. */
export function writeAll(f: Deno.FsFile, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += f.writeSync(data.subarray(off));
}

/** Reads into `buf` until it is full or the file ends; returns the number of bytes read. */
export function readFull(f: Deno.FsFile, buf: Uint8Array): number {
  let off = 0;
  while (off < buf.length) {
    const n = f.readSync(buf.subarray(off));
    if (n === null || n === 0) break;
    off += n;
  }
  return off;
}

/** Returns the size of the file at `path`, or -1 when it does not exist. */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return -1;
  }
}

/** Removes a file, ignoring a missing one. */
export function removeFile(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

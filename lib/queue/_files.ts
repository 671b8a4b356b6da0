/**
 * File helpers for the persistent queue: vmagent's file names, `metainfo.json`
 * (written atomically: temporary file, fsync, rename), and full reads/writes
 * over Deno's synchronous file API.
 *
 * @module
 */
import { statfsSync } from "node:fs";

/**
 * Name of the file holding a queue's reader and writer offsets (vmagent's `metainfo.json`).
 *
 * @example
 * ```ts
 * const mi = readMetainfo(join("/tmp/q", METAINFO_FILENAME)); // reads "/tmp/q/metainfo.json"
 * ```
 */
export const METAINFO_FILENAME = "metainfo.json";
/**
 * Name of the lock file that keeps two processes off one queue (vmagent's `flock.lock`).
 *
 * @example
 * ```ts
 * const lock = Deno.openSync(join("/tmp/q", FLOCK_FILENAME), { read: true, write: true, create: true });
 * lock.tryLockSync(true); // false when another process has the queue open
 * ```
 */
export const FLOCK_FILENAME = "flock.lock";
/**
 * Matches a chunk file name: its global offset in 16 upper-case hex digits.
 *
 * @example
 * ```ts
 * CHUNK_NAME_RE.test("0000000020000080"); // true
 * CHUNK_NAME_RE.test("20000080"); // false (not padded)
 * ```
 */
export const CHUNK_NAME_RE = /^[0-9A-F]{16}$/;

/** The content of `metainfo.json`, with vmagent's field names. */
export interface Metainfo {
  Name: string;
  ReaderOffset: number;
  WriterOffset: number;
}

/**
 * Formats a global offset as a chunk file name (16 upper-case hex digits).
 *
 * @example
 * ```ts
 * chunkName(536871040); // "0000000020000080"
 * ```
 */
export function chunkName(offset: number): string {
  return offset.toString(16).toUpperCase().padStart(16, "0");
}

/**
 * Joins a folder and a file name with exactly one `/` between them.
 *
 * @example
 * ```ts
 * join("/tmp/q", "flock.lock"); // "/tmp/q/flock.lock"
 * join("/tmp/q/", "flock.lock"); // "/tmp/q/flock.lock"
 * ```
 */
export function join(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * Reads and checks `metainfo.json`. Returns undefined when it does not exist;
 * throws an Error naming the problem when it is unreadable, not a JSON object (an array
 * included), has a non-string `Name` or has inconsistent offsets. A missing or null field
 * counts as empty, as Go's `json.Unmarshal` leaves it.
 *
 * @example
 * ```ts
 * readMetainfo("/tmp/q/metainfo.json");
 * // { Name: "1:secret-url", ReaderOffset: 0, WriterOffset: 1032 }, or undefined if missing
 * ```
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
  // An array is an object to typeof but no metainfo: vmagent's json.Unmarshal rejects it too.
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`${path} does not hold a JSON object`);
  }
  const o = raw as Record<string, unknown>;
  if (o.Name !== undefined && o.Name !== null && typeof o.Name !== "string") {
    throw new Error(`${path} holds an invalid Name: ${JSON.stringify(o.Name)}`);
  }
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

/**
 * Writes `metainfo.json` atomically; `sync` adds fsync of the data and of the folder.
 *
 * @example
 * ```ts
 * writeMetainfo("/tmp/q", { Name: "1:secret-url", ReaderOffset: 0, WriterOffset: 1032 }, true);
 * // /tmp/q/metainfo.json now holds {"Name":"1:secret-url","ReaderOffset":0,"WriterOffset":1032}
 * ```
 */
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

/**
 * fsyncs a folder so that renames and new files in it survive a power loss;
 * file systems that refuse it are silently tolerated.
 *
 * @example
 * ```ts
 * Deno.renameSync("/tmp/q/metainfo.json.tmp", "/tmp/q/metainfo.json");
 * syncDir("/tmp/q"); // the rename is now durable
 * ```
 */
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

/**
 * Writes all of `data` at the file's position, looping over short writes.
 *
 * @example
 * ```ts
 * const f = Deno.openSync("/tmp/q/0000000000000000", { write: true, create: true });
 * writeAll(f, new Uint8Array([1, 2, 3])); // the file position advances by 3
 * f.close();
 * ```
 */
export function writeAll(f: Deno.FsFile, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += f.writeSync(data.subarray(off));
}

/**
 * Reads into `buf` until it is full or the file ends; returns the number of bytes read.
 *
 * @example
 * ```ts
 * const f = Deno.openSync("/tmp/q/0000000000000000", { read: true });
 * const header = new Uint8Array(8);
 * readFull(f, header); // 8, or fewer when the file ends first
 * f.close();
 * ```
 */
export function readFull(f: Deno.FsFile, buf: Uint8Array): number {
  let off = 0;
  while (off < buf.length) {
    const n = f.readSync(buf.subarray(off));
    if (n === null || n === 0) break;
    off += n;
  }
  return off;
}

/**
 * Returns the size of the file at `path` in bytes, or -1 when it cannot be stat'ed
 * (most often: it does not exist).
 *
 * @example
 * ```ts
 * fileSize("/tmp/q/0000000000000000"); // e.g. 1032
 * fileSize("/tmp/q/no-such-file"); // -1
 * ```
 */
export function fileSize(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return -1;
  }
}

/**
 * Removes a file; a missing one is not an error, other failures are thrown.
 *
 * @example
 * ```ts
 * removeFile("/tmp/q/metainfo.json.tmp"); // no-op when it is already gone
 * ```
 */
export function removeFile(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Creates `dir` when missing and takes the exclusive lock on its `flock.lock`, so
 * that one process at a time uses the queue; throws when another process holds it.
 *
 * @example
 * ```ts
 * const lock = lockDir("/tmp/q");
 * // ... use the queue ...
 * unlockDir(lock);
 * ```
 */
export function lockDir(dir: string): Deno.FsFile {
  Deno.mkdirSync(dir, { recursive: true });
  const lock = Deno.openSync(join(dir, FLOCK_FILENAME), {
    read: true,
    write: true,
    create: true,
  });
  if (!lock.tryLockSync(true)) {
    lock.close();
    throw new Error(
      `cannot open persistent queue at ${dir}: another process holds ${FLOCK_FILENAME}`,
    );
  }
  return lock;
}

/**
 * Releases a lock taken by {@linkcode lockDir} and closes its file.
 *
 * @example
 * ```ts
 * unlockDir(lockDir("/tmp/q")); // another process may open /tmp/q now
 * ```
 */
export function unlockDir(lock: Deno.FsFile): void {
  try {
    lock.unlockSync();
  } catch {
    // closing releases it anyway
  }
  lock.close();
}

/**
 * Returns the bytes an unprivileged process may still write on the file system holding
 * `path` (statfs `f_bavail × f_bsize`, as vmagent's `fs.MustGetFreeSpace`), or NaN when
 * it cannot be told.
 *
 * @example
 * ```ts
 * freeDiskSpace("/tmp/q"); // e.g. 82111811584
 * ```
 */
export function freeDiskSpace(path: string): number {
  try {
    const s = statfsSync(path);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return NaN;
  }
}

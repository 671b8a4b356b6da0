/**
 * Chunk-file geometry of the persistent queue, record scanning, and the repair
 * done when a queue folder is opened: misplaced chunk files are removed, a
 * missing or corrupt `metainfo.json` is rebuilt from the chunks, and the writer
 * chunk is cut at its last valid record (recovering, with a block validator,
 * records written after the last metainfo save).
 *
 * @module
 */
import { getLogger } from "../util/log.ts";
import {
  CHUNK_NAME_RE,
  chunkName,
  fileSize,
  FLOCK_FILENAME,
  join,
  type Metainfo,
  METAINFO_FILENAME,
  readFull,
  readMetainfo,
  removeFile,
} from "./_files.ts";

const log = getLogger("persistentqueue");

/** Where a queue lives and how its chunks are cut. */
export interface Geometry {
  dir: string;
  chunkSize: number;
  maxBlock: number;
  validate?: (block: Uint8Array) => boolean;
}

/**
 * Rounds a global offset down to the start of the chunk file that holds it.
 *
 * @example
 * ```ts
 * chunkStart({ dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 }, 2500); // 2048
 * ```
 */
export function chunkStart(g: Geometry, offset: number): number {
  return offset - (offset % g.chunkSize);
}

/**
 * Builds the path of the chunk file that starts at global `offset`.
 *
 * @example
 * ```ts
 * chunkPath({ dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 }, 2048); // "/tmp/q/0000000000000800"
 * ```
 */
export function chunkPath(g: Geometry, offset: number): string {
  return join(g.dir, chunkName(offset));
}

/**
 * Decodes the 8-byte big-endian length that starts a record; values above 2^53
 * come back as `Number.MAX_SAFE_INTEGER`, so that any size check rejects them.
 *
 * @example
 * ```ts
 * recordLength(new Uint8Array([0, 0, 0, 0, 0, 0, 1, 44])); // 300
 * recordLength(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0])); // 9007199254740991
 * ```
 */
export function recordLength(header: Uint8Array): number {
  const v = new DataView(header.buffer, header.byteOffset, 8);
  const hi = v.getUint32(0);
  const lo = v.getUint32(4);
  return hi > 0x1fffff ? Number.MAX_SAFE_INTEGER : hi * 4294967296 + lo;
}

/**
 * Encodes a record length as the 8-byte big-endian header written before a block.
 *
 * @example
 * ```ts
 * recordHeader(300); // Uint8Array [0, 0, 0, 0, 0, 0, 1, 44]
 * ```
 */
export function recordHeader(length: number): Uint8Array {
  const h = new Uint8Array(8);
  const v = new DataView(h.buffer);
  v.setUint32(0, Math.floor(length / 4294967296));
  v.setUint32(4, length >>> 0);
  return h;
}

/**
 * Walks the records of a chunk file from local offset `from` (a record start) and
 * returns where the last valid one ends, reading at most `maxRecords` records.
 * A record is valid when its length is in 1..`maxBlock`, it lies within `size`,
 * and `g.validate` (if any) accepts it; an unreadable file gives 0.
 *
 * With `skipDamaged`, a record whose length is sound but whose content `g.validate`
 * rejects does not end the walk when the record after it is valid: the damage is
 * local (a flipped byte), the reader skips that block alone, and what follows is kept.
 *
 * @example
 * ```ts
 * const g = { dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 };
 * // a chunk holding two 3-byte records followed by a torn header:
 * scanValidEnd(g, "/tmp/q/0000000000000000", 0, 26); // 22
 * ```
 */
export function scanValidEnd(
  g: Geometry,
  path: string,
  from: number,
  size: number,
  maxRecords = Infinity,
  skipDamaged = false,
): number {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch {
    return 0;
  }
  const header = new Uint8Array(8);
  let pos = from;
  try {
    f.seekSync(pos, Deno.SeekMode.Start);
    for (let n = 0; n < maxRecords && pos + 8 <= size && pos + g.maxBlock + 8 <= g.chunkSize; n++) {
      if (readFull(f, header) < 8) break;
      const len = recordLength(header);
      if (len === 0 || len > g.maxBlock || pos + 8 + len > size) break;
      const data = new Uint8Array(len);
      if (readFull(f, data) < len) break;
      if (g.validate !== undefined && !g.validate(data)) {
        const next = pos + 8 + len;
        if (!skipDamaged || scanValidEnd(g, path, next, size, 1) === next) break;
      }
      pos += 8 + len;
    }
  } finally {
    f.close();
  }
  return pos;
}

/** Sorted offsets of chunk files; removes misaligned ones and leftovers, logs unknown files. */
function listChunks(g: Geometry): number[] {
  const out: number[] = [];
  for (const e of Deno.readDirSync(g.dir)) {
    const name = e.name;
    if (name === METAINFO_FILENAME || name === FLOCK_FILENAME) continue;
    if (name === `${METAINFO_FILENAME}.tmp`) {
      removeFile(join(g.dir, name));
      continue;
    }
    if (!e.isFile || !CHUNK_NAME_RE.test(name)) {
      log.error(`skipping unknown ${e.isFile ? "file" : "entry"} ${join(g.dir, name)}`);
      continue;
    }
    const off = parseInt(name, 16);
    if (!Number.isSafeInteger(off) || off % g.chunkSize !== 0) {
      log.error(
        `unexpected offset for chunk file ${join(g.dir, name)}; it must be a multiple of ` +
          `${g.chunkSize}; removing the file`,
      );
      removeFile(join(g.dir, name));
      continue;
    }
    out.push(off);
  }
  return out.sort((a, b) => a - b);
}

/** Rebuilds offsets from the chunk files when `metainfo.json` is missing or corrupt. */
function rebuildMetainfo(g: Geometry, name: string, chunks: number[], why: string): Metainfo {
  const first = chunks[0];
  const last = chunks[chunks.length - 1];
  const lastPath = chunkPath(g, last);
  const end = scanValidEnd(g, lastPath, 0, Math.max(0, fileSize(lastPath)), Infinity, true);
  const writer = last + end;
  log.error(
    `${why || `missing ${METAINFO_FILENAME}`} in ${g.dir}; rebuilt it from ${chunks.length} ` +
      `chunk file(s): reading from ${first}, writing at ${writer}; blocks sent before may be sent again`,
  );
  return { Name: name, ReaderOffset: first, WriterOffset: writer };
}

/** What {@linkcode openAndRepair} found: offsets and the writer chunk opened at its end. */
export interface OpenedQueue {
  readerOffset: number;
  writerOffset: number;
  writer: Deno.FsFile;
}

/**
 * Reads (or rebuilds) the metadata, removes misplaced chunks and repairs the writer
 * chunk, then returns the offsets and the writer chunk opened at its end.
 *
 * @example
 * ```ts
 * const g = { dir: "/tmp/q", chunkSize: 1024, maxBlock: 100 };
 * const { readerOffset, writerOffset, writer } = openAndRepair(g, "1:secret-url");
 * // on an empty folder: readerOffset 0, writerOffset 0, writer = "/tmp/q/0000000000000000"
 * writer.close();
 * ```
 */
export function openAndRepair(g: Geometry, name: string): OpenedQueue {
  let mi: Metainfo | undefined;
  let miError = "";
  try {
    mi = readMetainfo(join(g.dir, METAINFO_FILENAME));
  } catch (e) {
    miError = (e as Error).message;
  }
  const chunks = listChunks(g);
  if (mi === undefined) {
    if (chunks.length === 0) {
      if (miError !== "") log.error(`${miError}; re-creating the queue at ${g.dir}`);
      mi = { Name: name, ReaderOffset: 0, WriterOffset: 0 };
    } else {
      mi = rebuildMetainfo(g, name, chunks, miError);
    }
  }
  let r = mi.ReaderOffset;
  const rChunk = chunkStart(g, r);
  const wChunk = chunkStart(g, mi.WriterOffset);
  for (const off of chunks) {
    const when = off < rChunk ? "past" : off > wChunk ? "future" : "";
    if (when === "") continue;
    log.error(`unexpected chunk file found from the ${when}: ${chunkPath(g, off)}; removing it`);
    removeFile(chunkPath(g, off));
  }
  const wPath = chunkPath(g, wChunk);
  const size = fileSize(wPath);
  const saved = mi.WriterOffset - wChunk;
  let wLocal = saved;
  if (size < 0) {
    if (saved > 0) {
      log.error(`missing chunk file ${wPath} with ${saved} bytes of data; they are lost`);
    }
    wLocal = 0;
  } else if (size > saved) {
    // Written after the last save (kill -9, OOM): keep whole valid records when they can be told apart.
    wLocal = g.validate !== undefined ? scanValidEnd(g, wPath, saved, size, Infinity, true) : saved;
    if (wLocal > saved) {
      log.warn(
        `${wPath}: recovered ${
          wLocal - saved
        } bytes of blocks written after the last metainfo save`,
      );
    }
    if (wLocal < size) {
      log.warn(
        `${wPath} size (${size} bytes) is bigger than the writer offset (${wLocal} bytes); this may be ` +
          "the case on unclean shutdown (OOM, `kill -9`, hardware reset); cutting the tail",
      );
    }
  } else if (size < saved) {
    const from = rChunk === wChunk ? Math.min(r - rChunk, size) : 0;
    wLocal = scanValidEnd(g, wPath, from, size, Infinity, true);
    log.error(
      `${wPath} size (${size} bytes) is smaller than the writer offset (${saved} bytes); ` +
        `keeping the ${wLocal} bytes of valid blocks`,
    );
  }
  const w = wChunk + wLocal;
  const writer = Deno.openSync(wPath, { read: true, write: true, create: true });
  if (size !== wLocal) writer.truncateSync(wLocal);
  writer.seekSync(wLocal, Deno.SeekMode.Start);
  if (r > w) {
    log.error(
      `reader offset ${r} is beyond the repaired writer offset ${w}; the queue is empty now`,
    );
    r = w;
  }
  return { readerOffset: r, writerOffset: w, writer };
}

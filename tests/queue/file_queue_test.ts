import assert from "node:assert/strict";
import { FileQueue, type FileQueueOptions } from "../../lib/queue/file_queue.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { block, blockId, captureLogs, listDir, tempDir, validBlock } from "./_helpers.ts";

// Tiny geometry: blocks up to 64 bytes, chunk files of 216 bytes. Blocks of 16 bytes
// make 24-byte records, 7 per chunk (a new chunk starts when 64+8 more would not fit).
const MAX_BLOCK = 64;
const CHUNK = (MAX_BLOCK + 8) * 3;
const PER_CHUNK = 7;

function open(dir: string, extra: Partial<FileQueueOptions> = {}): FileQueue {
  return FileQueue.open(dir, {
    name: "1:secret-url",
    chunkFileSize: CHUNK,
    maxBlockSize: MAX_BLOCK,
    now: () => 0,
    registry: new MetricsRegistry(),
    ...extra,
  });
}

/** Reads and acknowledges everything, returning the block ids in order. */
function drain(q: FileQueue): number[] {
  const ids: number[] = [];
  for (let b = q.read(); b !== null; b = q.read()) {
    ids.push(blockId(b.data));
    q.ack(b.offset);
  }
  return ids;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const chunkNames = (dir: string) => listDir(dir).filter((n) => /^[0-9A-F]{16}$/.test(n));

Deno.test("FileQueue.open() creates vmagent's files: metainfo.json, flock.lock and chunk 0000000000000000", () => {
  using dir = tempDir();
  const q = open(dir.path);
  assert.deepEqual(listDir(dir.path), ["0000000000000000", "flock.lock", "metainfo.json"]);
  assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${dir.path}/metainfo.json`)), {
    Name: "1:secret-url",
    ReaderOffset: 0,
    WriterOffset: 0,
  });
  q.close();
});

Deno.test("FileQueue.write() stores 8-byte big-endian length records that read() returns in order", () => {
  using dir = tempDir();
  const q = open(dir.path);
  assert.equal(q.write(block(1, 16)), 0);
  assert.equal(q.write(block(2, 20)), 24);
  assert.equal(q.pendingBytes, 24 + 28);
  const raw = Deno.readFileSync(`${dir.path}/0000000000000000`);
  assert.deepEqual([...raw.subarray(0, 8)], [0, 0, 0, 0, 0, 0, 0, 16]);
  assert.deepEqual(raw.subarray(8, 24), block(1, 16));
  assert.deepEqual([...raw.subarray(24, 32)], [0, 0, 0, 0, 0, 0, 0, 20]);
  const a = q.read()!;
  assert.deepEqual(a, { data: block(1, 16), offset: 0 });
  const b = q.read()!;
  assert.deepEqual(b, { data: block(2, 20), offset: 24 });
  assert.equal(q.read(), null);
  assert.equal(q.pendingBytes, 0);
  q.close();
});

Deno.test("FileQueue spreads blocks over tiny chunk files named by offset and deletes read ones", () => {
  using dir = tempDir();
  const q = open(dir.path);
  for (const id of range(0, 20)) q.write(block(id));
  assert.deepEqual(chunkNames(dir.path), [
    "0000000000000000",
    "00000000000000D8",
    "00000000000001B0",
  ]);
  const meta = JSON.parse(Deno.readTextFileSync(`${dir.path}/metainfo.json`));
  assert.equal(
    meta.WriterOffset,
    2 * CHUNK,
    "saved on the last chunk switch (the clock stands still)",
  );
  assert.deepEqual(drain(q).slice(0, PER_CHUNK + 1), range(0, PER_CHUNK + 1));
  assert.deepEqual(chunkNames(dir.path), ["00000000000001B0"]);
  q.close();
});

Deno.test("FileQueue keeps unacknowledged blocks: after close and reopen they come first, in order", () => {
  using dir = tempDir();
  let q = open(dir.path);
  for (const id of range(0, 12)) q.write(block(id));
  const a = q.read()!;
  const b = q.read()!;
  const c = q.read()!;
  q.ack(b.offset); // acknowledged out of order: a and c stay outstanding
  assert.equal(q.committedOffset, a.offset);
  for (let i = 0; i < 6; i++) q.ack(q.read()!.offset); // reads into the second chunk
  assert.equal(
    chunkNames(dir.path).length,
    2,
    "the first chunk is kept for the outstanding blocks",
  );
  q.close();
  assert.equal(
    JSON.parse(Deno.readTextFileSync(`${dir.path}/metainfo.json`)).ReaderOffset,
    a.offset,
  );
  q = open(dir.path);
  // From the oldest outstanding block on: 0, then 1 again (acked after it), 2, ...
  assert.deepEqual(drain(q), range(0, 12));
  assert.equal(c.offset, 48);
  q.close();
});

Deno.test("FileQueue.ack() of every block lets the reader offset advance and removes old chunks", () => {
  using dir = tempDir();
  const q = open(dir.path);
  for (const id of range(0, 10)) q.write(block(id));
  const blocks = range(0, 10).map(() => q.read()!);
  assert.equal(q.outstandingBlocks, 10);
  for (const b of blocks.reverse()) q.ack(b.offset);
  assert.equal(q.committedOffset, q.readerOffset);
  assert.deepEqual(chunkNames(dir.path), ["00000000000000D8"]);
  q.ack(12345); // unknown offsets are ignored
  q.close();
});

Deno.test("FileQueue survives a restart with data: nothing lost, order kept, writes continue", () => {
  using dir = tempDir();
  let q = open(dir.path);
  for (const id of range(0, 9)) q.write(block(id));
  q.close();
  q = open(dir.path);
  for (const id of range(9, 15)) q.write(block(id));
  q.close();
  q = open(dir.path);
  assert.deepEqual(drain(q), range(0, 15));
  q.close();
});

Deno.test("FileQueue.open() fails while another handle holds flock.lock, and works after close", () => {
  using dir = tempDir();
  const q = open(dir.path);
  assert.throws(() => open(dir.path), /another process holds flock.lock/);
  q.close();
  open(dir.path).close();
});

Deno.test("FileQueue.open() cuts a torn tail written after the last save (kill -9 during a write)", () => {
  using dir = tempDir();
  using logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 3)) q.write(block(id));
  q.close();
  // A partial record: a header promising 40 bytes, then only 5.
  const f = Deno.openSync(`${dir.path}/0000000000000000`, { append: true });
  f.writeSync(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 40, 1, 2, 3, 4, 5]));
  f.close();
  q = open(dir.path, { validateBlock: validBlock });
  assert.equal(q.writerOffset, 72);
  assert.equal(Deno.statSync(`${dir.path}/0000000000000000`).size, 72);
  q.write(block(3));
  assert.deepEqual(drain(q), [0, 1, 2, 3]);
  q.close();
  assert.match(logs.text(), /bigger than the writer offset/);
});

Deno.test("FileQueue.open() with validateBlock recovers whole blocks written after the last metainfo save", () => {
  using dir = tempDir();
  using copy = tempDir();
  using _logs = captureLogs();
  // The clock stands still, so metainfo.json is saved on the first write only: the
  // copy taken while the queue is open looks like the folder after a kill -9.
  const q = open(dir.path);
  for (const id of range(0, 5)) q.write(block(id));
  for (const name of chunkNames(dir.path).concat("metainfo.json")) {
    Deno.copyFileSync(`${dir.path}/${name}`, `${copy.path}/${name}`);
  }
  q.close();
  const meta = JSON.parse(Deno.readTextFileSync(`${copy.path}/metainfo.json`));
  assert.equal(meta.WriterOffset, 24, "only the first write was recorded");
  const recovered = open(copy.path, { validateBlock: validBlock });
  assert.deepEqual(drain(recovered), [0, 1, 2, 3, 4]);
  recovered.close();
});

Deno.test("FileQueue.open() without validateBlock overwrites unrecorded blocks, as vmagent does", () => {
  using dir = tempDir();
  using copy = tempDir();
  using _logs = captureLogs();
  const q = open(dir.path);
  for (const id of range(0, 5)) q.write(block(id));
  for (const name of chunkNames(dir.path).concat("metainfo.json")) {
    Deno.copyFileSync(`${dir.path}/${name}`, `${copy.path}/${name}`);
  }
  q.close();
  const plain = open(copy.path);
  assert.deepEqual(drain(plain), [0]);
  plain.close();
});

Deno.test("FileQueue.open() keeps the valid blocks of a writer chunk shorter than the saved offset", () => {
  using dir = tempDir();
  using logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 5)) q.write(block(id));
  q.close();
  Deno.truncateSync(`${dir.path}/0000000000000000`, 24 * 3 + 10); // cut in the middle of block 3
  q = open(dir.path);
  assert.equal(q.writerOffset, 72);
  assert.deepEqual(drain(q), [0, 1, 2]);
  q.close();
  assert.match(logs.text(), /smaller than the writer offset/);
});

Deno.test("FileQueue.read() skips the rest of a chunk with a corrupted header and keeps later chunks", () => {
  using dir = tempDir();
  using logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 3 * PER_CHUNK)) q.write(block(id));
  q.close();
  // Corrupt the length of the third record of the first chunk.
  const f = Deno.openSync(`${dir.path}/0000000000000000`, { write: true });
  f.seekSync(48, Deno.SeekMode.Start);
  f.writeSync(new Uint8Array([0xff, 0xff, 0, 0, 0, 0, 0, 1]));
  f.close();
  q = open(dir.path);
  assert.deepEqual(drain(q), [0, 1, ...range(PER_CHUNK, 3 * PER_CHUNK)]);
  q.close();
  assert.match(logs.text(), /skipping corrupted .*0000000000000000, since invalid block size/);
});

Deno.test("FileQueue.read() with validateBlock skips only a block whose content is damaged", () => {
  using dir = tempDir();
  using logs = captureLogs();
  const reg = new MetricsRegistry();
  let q = open(dir.path, { registry: reg });
  for (const id of range(0, 6)) q.write(block(id));
  q.close();
  const f = Deno.openSync(`${dir.path}/0000000000000000`, { write: true });
  f.seekSync(24 * 2 + 8 + 10, Deno.SeekMode.Start); // inside block 2's content
  f.writeSync(new Uint8Array([0xee, 0xee]));
  f.close();
  q = open(dir.path, { validateBlock: validBlock, registry: reg });
  assert.deepEqual(drain(q), [0, 1, 3, 4, 5]);
  q.close();
  assert.match(logs.text(), /skipping a damaged block of 16 bytes at offset 48/);
  assert.match(reg.writePrometheus(), /vm_persistentqueue_blocks_dropped_total\{[^}]*\} 1\n/);
});

Deno.test("FileQueue.open() repairs around a block whose content is damaged: only that block is lost", () => {
  // Each case damages block 2 of 6 (24-byte records in one chunk), then breaks something
  // that makes open() scan the chunk for its valid end.
  const f = (breakIt: (dir: string, copy: string) => string, want: number[], log: RegExp) => {
    using dir = tempDir();
    using copy = tempDir();
    using logs = captureLogs();
    // The clock stands still, so metainfo.json is saved on the first write only: the copy
    // taken while the queue is open looks like the folder after a kill -9.
    const q = open(dir.path);
    for (const id of range(0, 6)) q.write(block(id));
    for (const name of chunkNames(dir.path).concat("metainfo.json")) {
      Deno.copyFileSync(`${dir.path}/${name}`, `${copy.path}/${name}`);
    }
    q.close();
    const target = breakIt(dir.path, copy.path);
    const c = Deno.openSync(`${target}/0000000000000000`, { write: true });
    c.seekSync(24 * 2 + 8 + 10, Deno.SeekMode.Start); // inside block 2's content
    c.writeSync(new Uint8Array([0xee, 0xee]));
    c.close();
    const r = open(target, { validateBlock: validBlock });
    assert.deepEqual(drain(r), want);
    r.close();
    assert.match(logs.text(), log);
    assert.match(logs.text(), /skipping a damaged block of 16 bytes at offset 48/);
  };
  // metainfo.json is lost: it is rebuilt from the chunk.
  f(
    (dir) => {
      Deno.removeSync(`${dir}/metainfo.json`);
      return dir;
    },
    [0, 1, 3, 4, 5],
    /rebuilt it from 1 chunk file\(s\): reading from 0, writing at 144/,
  );
  // The chunk is shorter than the saved writer offset: cut in the middle of block 5.
  f(
    (dir) => {
      Deno.truncateSync(`${dir}/0000000000000000`, 24 * 5 + 10);
      return dir;
    },
    [0, 1, 3, 4],
    /keeping the 120 bytes of valid blocks/,
  );
  // A kill -9: blocks written after the last metainfo save are recovered.
  f((_, copy) => copy, [0, 1, 3, 4, 5], /recovered 120 bytes of blocks written after/);
});

Deno.test("FileQueue.read() survives a corrupted writer chunk: the reader and the writer move on together", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 3)) q.write(block(id));
  q.close();
  const f = Deno.openSync(`${dir.path}/0000000000000000`, { write: true });
  f.seekSync(24, Deno.SeekMode.Start);
  f.writeSync(new Uint8Array(8)); // zero length: corrupted
  f.close();
  q = open(dir.path);
  assert.deepEqual(drain(q), [0]);
  q.write(block(10));
  q.write(block(11));
  assert.deepEqual(drain(q), [10, 11]);
  q.close();
  q = open(dir.path);
  assert.equal(q.pendingBytes, 0);
  q.close();
});

Deno.test("FileQueue.open() rebuilds a corrupt or missing metainfo.json from the chunk files", () => {
  const f = (damage: (path: string) => void) => {
    using dir = tempDir();
    using logs = captureLogs();
    let q = open(dir.path);
    for (const id of range(0, 10)) q.write(block(id));
    q.close();
    damage(`${dir.path}/metainfo.json`);
    q = open(dir.path, { validateBlock: validBlock });
    assert.deepEqual(drain(q), range(0, 10));
    q.close();
    assert.match(logs.text(), /rebuilt it from 2 chunk/);
  };
  f((p) => Deno.writeTextFileSync(p, "{not json"));
  f((p) => Deno.writeTextFileSync(p, '{"Name":"x","ReaderOffset":500,"WriterOffset":10}'));
  f((p) => Deno.removeSync(p));
  // JSON that is no object, or a Name that is no string, is as corrupt as vmagent finds it;
  // taken as offsets 0/0 it would delete every chunk as "from the future".
  f((p) => Deno.writeTextFileSync(p, "[]"));
  f((p) => Deno.writeTextFileSync(p, '[{"Name":"1:secret-url","ReaderOffset":0}]'));
  f((p) => Deno.writeTextFileSync(p, "null"));
  f((p) => Deno.writeTextFileSync(p, "42"));
  f((p) => Deno.writeTextFileSync(p, '"metainfo"'));
  f((p) => Deno.writeTextFileSync(p, '{"Name":7,"ReaderOffset":0,"WriterOffset":0}'));
});

Deno.test("FileQueue.open() re-creates an empty queue whose metainfo.json is not a JSON object", () => {
  const f = (text: string, want: RegExp) => {
    using dir = tempDir();
    using logs = captureLogs();
    Deno.writeTextFileSync(`${dir.path}/metainfo.json`, text);
    const q = open(dir.path);
    assert.match(logs.text(), want);
    assert.match(logs.text(), /re-creating the queue at /);
    assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${dir.path}/metainfo.json`)), {
      Name: "1:secret-url",
      ReaderOffset: 0,
      WriterOffset: 0,
    });
    q.write(block(1));
    assert.deepEqual(drain(q), [1]);
    q.close();
  };
  f("[]", /metainfo\.json does not hold a JSON object/);
  f("[1, 2]", /metainfo\.json does not hold a JSON object/);
  f("true", /metainfo\.json does not hold a JSON object/);
  f('{"Name":["x"]}', /metainfo\.json holds an invalid Name: \["x"\]/);
});

Deno.test("FileQueue.open() takes null or missing metainfo.json fields as empty, as Go's json.Unmarshal does", () => {
  using dir = tempDir();
  using logs = captureLogs();
  Deno.writeTextFileSync(
    `${dir.path}/metainfo.json`,
    '{"Name":null,"ReaderOffset":null,"Extra":1}',
  );
  const q = open(dir.path);
  q.write(block(3));
  assert.deepEqual(drain(q), [3]);
  q.close();
  assert.doesNotMatch(logs.text(), /re-creating|rebuilt/);
});

Deno.test("FileQueue.open() removes chunk files from the past, the future and misaligned ones; skips unknown files", () => {
  using dir = tempDir();
  using logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 2 * PER_CHUNK + 2)) q.write(block(id));
  for (let i = 0; i < PER_CHUNK + 1; i++) q.ack(q.read()!.offset);
  q.close();
  Deno.writeFileSync(`${dir.path}/0000000000000000`, new Uint8Array(10)); // from the past
  Deno.writeFileSync(`${dir.path}/00000000000010E0`, new Uint8Array(10)); // from the future
  Deno.writeFileSync(`${dir.path}/0000000000000001`, new Uint8Array(10)); // misaligned
  Deno.writeFileSync(`${dir.path}/notes.txt`, new Uint8Array(1));
  q = open(dir.path);
  assert.deepEqual(listDir(dir.path), [
    "00000000000000D8",
    "00000000000001B0",
    "flock.lock",
    "metainfo.json",
    "notes.txt",
  ]);
  assert.deepEqual(drain(q), range(PER_CHUNK + 1, 2 * PER_CHUNK + 2));
  q.close();
  assert.match(logs.text(), /from the past/);
  assert.match(logs.text(), /from the future/);
  assert.match(logs.text(), /must be a multiple of 216/);
  assert.match(logs.text(), /skipping unknown file .*notes.txt/);
});

Deno.test("FileQueue.read() skips a missing middle chunk file", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  let q = open(dir.path);
  for (const id of range(0, 3 * PER_CHUNK)) q.write(block(id));
  q.close();
  Deno.removeSync(`${dir.path}/00000000000000D8`);
  q = open(dir.path);
  assert.deepEqual(drain(q), [...range(0, PER_CHUNK), ...range(2 * PER_CHUNK, 3 * PER_CHUNK)]);
  q.close();
});

// Records of 72 bytes (64-byte blocks) fill a 216-byte chunk exactly, so offsets have no gaps.
Deno.test("FileQueue.write() drops the oldest blocks beyond maxPendingBytes and counts them", () => {
  using dir = tempDir();
  const reg = new MetricsRegistry();
  const q = open(dir.path, { maxPendingBytes: 72 * 4, registry: reg });
  for (const id of range(0, 10)) q.write(block(id, 64));
  assert.equal(q.pendingBytes, 72 * 4);
  assert.deepEqual(drain(q), [6, 7, 8, 9]);
  const text = reg.writePrometheus();
  assert.match(
    text,
    /vm_persistentqueue_blocks_dropped_total\{path="[^"]+",name="1:secret-url"\} 6\n/,
  );
  assert.match(text, /vm_persistentqueue_bytes_dropped_total\{[^}]*\} 384\n/);
  assert.match(text, /vm_persistentqueue_blocks_written_total\{[^}]*\} 10\n/);
  q.close();
});

Deno.test("FileQueue exposes bytes_pending and free_disk_space_bytes, the room left under maxPendingBytes", () => {
  const f = (maxPendingBytes: number, free: number, wantFree: number) => {
    using dir = tempDir();
    const reg = new MetricsRegistry();
    const q = open(dir.path, { maxPendingBytes, registry: reg, freeDiskSpace: () => free });
    for (const id of range(0, 3)) q.write(block(id, 64));
    const l = `{path="${dir.path}",name="1:secret-url"}`;
    const text = reg.writePrometheus();
    assert.ok(text.includes(`vm_persistentqueue_bytes_pending${l} ${72 * 3}\n`), text);
    assert.ok(text.includes(`vm_persistentqueue_free_disk_space_bytes${l} ${wantFree}\n`), text);
    q.close();
    assert.doesNotMatch(
      reg.writePrometheus(),
      /bytes_pending|free_disk_space/,
      "gauges go on close",
    );
  };
  f(0, 1_000_000, 1_000_000); // no limit: the disk's free space
  f(72 * 10, 1_000_000, 72 * 7); // the limit minus what is pending
  f(72 * 10, 100, 100); // a fuller disk wins
});

Deno.test("FileQueue reads the free disk space of its folder with statfs by default", () => {
  using dir = tempDir();
  const reg = new MetricsRegistry();
  const q = open(dir.path, { registry: reg });
  const line = reg.writePrometheus().split("\n").find((l) =>
    l.startsWith("vm_persistentqueue_free_disk_space_bytes{")
  );
  const v = Number(line?.slice(line.lastIndexOf(" ") + 1));
  assert.ok(Number.isSafeInteger(v) && v > 0, `free disk space: ${line}`);
  q.close();
});

Deno.test("FileQueue.write() drops a block bigger than maxPendingBytes", () => {
  using dir = tempDir();
  const reg = new MetricsRegistry();
  const q = open(dir.path, { maxPendingBytes: 50, registry: reg });
  assert.equal(q.write(block(1, 16)), 0);
  assert.equal(q.write(block(2, 64)), -1);
  assert.deepEqual(drain(q), []);
  assert.match(reg.writePrometheus(), /vm_persistentqueue_blocks_dropped_total\{[^}]*\} 2\n/);
  q.close();
});

Deno.test("FileQueue.write() refuses blocks above maxBlockSize and empty blocks", () => {
  using dir = tempDir();
  const q = open(dir.path);
  assert.throws(() => q.write(new Uint8Array(MAX_BLOCK + 1)), RangeError);
  assert.throws(() => q.write(new Uint8Array(0)), RangeError);
  q.close();
  assert.throws(() => q.write(block(1)), /closed/);
});

Deno.test("FileQueue.resetIfEmpty() starts an empty queue again at offset 0", () => {
  using dir = tempDir();
  const q = open(dir.path);
  for (const id of range(0, 2 * PER_CHUNK + 1)) q.write(block(id));
  drain(q);
  q.resetIfEmpty(CHUNK);
  assert.equal(q.readerOffset, 0);
  assert.equal(q.writerOffset, 0);
  assert.deepEqual(chunkNames(dir.path), ["0000000000000000"]);
  q.write(block(7));
  assert.deepEqual(drain(q), [7]);
  q.close();
});

Deno.test("FileQueue saves metainfo.json at most once a second while writing", () => {
  using dir = tempDir();
  let now = 0;
  const q = open(dir.path, { now: () => now });
  const meta = () => JSON.parse(Deno.readTextFileSync(`${dir.path}/metainfo.json`)).WriterOffset;
  q.write(block(1));
  assert.equal(meta(), 24, "first write of this second");
  q.write(block(2));
  assert.equal(meta(), 24, "same second: not saved");
  now = 1000;
  q.write(block(3));
  assert.equal(meta(), 72);
  q.write(block(4));
  q.flush();
  assert.equal(meta(), 96, "flush() saves at once");
  q.close();
});

Deno.test("FileQueue handles a chunk filled to its last byte, across a restart", () => {
  using dir = tempDir();
  let q = open(dir.path);
  for (const id of range(0, 3)) q.write(block(id, 64)); // 3 × 72 bytes = 216: chunk 0 is full
  assert.equal(q.writerOffset, CHUNK);
  assert.equal(Deno.statSync(`${dir.path}/0000000000000000`).size, CHUNK);
  q.close();
  q = open(dir.path);
  for (const id of range(3, 7)) q.write(block(id, 64));
  assert.deepEqual(chunkNames(dir.path), [
    "0000000000000000",
    "00000000000000D8",
    "00000000000001B0",
  ]);
  assert.equal(Deno.statSync(`${dir.path}/00000000000000D8`).size, CHUNK);
  assert.deepEqual(drain(q), range(0, 7));
  q.close();
});

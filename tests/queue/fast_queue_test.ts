import assert from "node:assert/strict";
import { FastQueue, type FastQueueOptions, type QueueLease } from "../../lib/queue/fast_queue.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { block, blockId, captureLogs, listDir, tempDir } from "./_helpers.ts";

function open(
  dir: string,
  clock: { now: number },
  extra: Partial<FastQueueOptions> = {},
): FastQueue {
  return FastQueue.open(dir, {
    name: "1:secret-url",
    chunkFileSize: (64 + 8) * 3,
    maxBlockSize: 64,
    maxInmemoryBlocks: 3,
    now: () => clock.now,
    registry: new MetricsRegistry(),
    ...extra,
  });
}

function drainIds(fq: FastQueue): number[] {
  const ids: number[] = [];
  for (let l = fq.tryRead(); l !== null; l = fq.tryRead()) {
    ids.push(blockId(l.block));
    fq.ack(l);
  }
  return ids;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

Deno.test("FastQueue keeps blocks in memory while readers keep up (the file stays empty)", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 });
  for (const id of [1, 2, 3]) assert.ok(fq.tryWriteBlock(block(id)));
  assert.equal(fq.inmemoryBlocks, 3);
  assert.equal(fq.filePendingBytes, 0);
  assert.equal(fq.pendingBytes, 48);
  assert.deepEqual(drainIds(fq), [1, 2, 3]);
  assert.equal(Deno.statSync(`${dir.path}/0000000000000000`).size, 0);
  fq.close();
});

Deno.test("FastQueue moves memory to the file when memory is full, and keeps the order", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 });
  for (const id of range(0, 10)) assert.ok(fq.tryWriteBlock(block(id)));
  assert.equal(fq.inmemoryBlocks, 0, "everything moved to the file");
  assert.ok(fq.filePendingBytes > 0);
  assert.deepEqual(drainIds(fq), range(0, 10));
  // Once the file is drained, memory is used again.
  fq.tryWriteBlock(block(10));
  assert.equal(fq.inmemoryBlocks, 1);
  fq.close();
});

Deno.test("FastQueue moves memory to the file when nobody read for 5 seconds", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  const fq = open(dir.path, clock);
  fq.tryWriteBlock(block(1));
  clock.now = 4999;
  fq.tryWriteBlock(block(2));
  assert.equal(fq.inmemoryBlocks, 2);
  clock.now = 5000;
  fq.tryWriteBlock(block(3));
  assert.equal(fq.inmemoryBlocks, 0);
  assert.deepEqual(drainIds(fq), [1, 2, 3]);
  fq.close();
});

Deno.test("FastQueue.close() writes held, memory and file blocks back in their original order", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  let fq = open(dir.path, clock);
  fq.tryWriteBlock(block(1));
  fq.tryWriteBlock(block(2));
  const held1 = fq.tryRead()!; // a sender retries this one: remote storage is down
  const held2 = fq.tryRead()!;
  fq.tryWriteBlock(block(3));
  clock.now = 6000;
  fq.tryWriteBlock(block(4)); // stale: memory moves to the file, held copies first
  fq.tryWriteBlock(block(5));
  fq.tryWriteBlock(block(6));
  assert.deepEqual([blockId(held1.block), blockId(held2.block)], [1, 2]);
  fq.close();
  fq = open(dir.path, clock);
  assert.deepEqual(drainIds(fq), [1, 2, 3, 4, 5, 6]);
  fq.close();
});

Deno.test("FastQueue.close() puts blocks held from memory before memory blocks (nothing in the file)", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  let fq = open(dir.path, clock);
  for (const id of [1, 2, 3]) fq.tryWriteBlock(block(id));
  const held = fq.tryRead()!;
  assert.equal(blockId(held.block), 1);
  fq.close();
  fq.ack(held); // too late: ignored
  fq = open(dir.path, clock);
  assert.deepEqual(drainIds(fq), [1, 2, 3]);
  fq.close();
});

Deno.test("FastQueue.ack() of a held block copied to the file keeps it from coming back after restart", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  let fq = open(dir.path, clock);
  fq.tryWriteBlock(block(1));
  const held = fq.tryRead()!;
  clock.now = 10_000;
  fq.tryWriteBlock(block(2));
  fq.tryWriteBlock(block(3));
  fq.tryWriteBlock(block(4)); // memory full: 2, 3 and the held copy of 1 go to the file
  fq.ack(held);
  fq.close();
  fq = open(dir.path, clock);
  assert.deepEqual(drainIds(fq), [2, 3, 4]);
  fq.close();
});

Deno.test("FastQueue with disableOnDiskQueue refuses writes when memory is full and never touches the file", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  const fq = open(dir.path, clock, { disableOnDiskQueue: true });
  assert.equal(fq.isPersistentQueueDisabled, true);
  for (const id of [1, 2, 3]) assert.ok(fq.tryWriteBlock(block(id)));
  assert.equal(fq.isWriteBlocked(), true);
  assert.equal(fq.tryWriteBlock(block(4)), false);
  clock.now = 60_000;
  assert.equal(fq.tryWriteBlock(block(4)), false, "no stale move to the file either");
  assert.equal(fq.filePendingBytes, 0);
  const l = fq.tryRead()!;
  fq.ack(l);
  assert.equal(fq.isWriteBlocked(), false);
  assert.ok(fq.tryWriteBlock(block(5)));
  assert.deepEqual(drainIds(fq), [2, 3, 5]);
  fq.close();
});

Deno.test("FastQueue with disableOnDiskQueue saves memory on close and is blocked until the leftover is read", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  let fq = open(dir.path, clock, { disableOnDiskQueue: true });
  fq.tryWriteBlock(block(1));
  fq.tryWriteBlock(block(2));
  fq.writeBlockIgnoreDisabled(block(3));
  fq.writeBlockIgnoreDisabled(block(4)); // memory full: written to the file anyway
  assert.ok(fq.filePendingBytes > 0);
  assert.equal(fq.isWriteBlocked(), true);
  fq.close();
  fq = open(dir.path, clock, { disableOnDiskQueue: true });
  assert.equal(fq.isWriteBlocked(), true);
  assert.equal(fq.tryWriteBlock(block(5)), false);
  assert.deepEqual(drainIds(fq), [1, 2, 3, 4]);
  assert.equal(fq.isWriteBlocked(), false);
  assert.ok(fq.tryWriteBlock(block(5)));
  fq.close();
});

Deno.test("FastQueue.read() waits for a block, and resolves null on stopReaders() or abort", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 });
  const pending = fq.read();
  fq.tryWriteBlock(block(7));
  const got = (await pending) as QueueLease;
  assert.equal(blockId(got.block), 7);
  fq.ack(got);
  const ac = new AbortController();
  const aborted = fq.read(ac.signal);
  ac.abort();
  assert.equal(await aborted, null);
  const stopped = fq.read();
  fq.stopReaders();
  assert.equal(await stopped, null);
  assert.equal(await fq.read(), null);
  fq.tryWriteBlock(block(8));
  assert.equal(
    blockId(fq.tryReadInmemory()!.block),
    8,
    "non-blocking reads still work for the drain",
  );
  fq.close();
});

Deno.test("FastQueue.read() wakes several waiting readers as blocks arrive", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 }, { maxInmemoryBlocks: 1 });
  const readers = [fq.read(), fq.read(), fq.read()];
  for (const id of [1, 2, 3]) fq.tryWriteBlock(block(id));
  const got = (await Promise.all(readers)).map((l) => blockId(l!.block)).sort();
  assert.deepEqual(got, [1, 2, 3]);
  fq.close();
});

Deno.test("FastQueue.setRemoteFailing(true) moves memory to the file at the next write or flush()", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 }, { maxInmemoryBlocks: 10 });
  fq.tryWriteBlock(block(1));
  fq.setRemoteFailing(true);
  fq.flush();
  assert.equal(fq.inmemoryBlocks, 0);
  fq.tryWriteBlock(block(2));
  assert.equal(fq.inmemoryBlocks, 0, "the file has data: new blocks follow it there");
  assert.deepEqual(drainIds(fq), [1, 2]);
  fq.setRemoteFailing(false);
  fq.tryWriteBlock(block(3));
  fq.flush();
  assert.equal(fq.inmemoryBlocks, 1, "back to memory once sends work");
  fq.close();
});

Deno.test("FastQueue.flush() moves memory nobody read for 5 seconds to the file", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = { now: 0 };
  const fq = open(dir.path, clock, { maxInmemoryBlocks: 10 });
  fq.tryWriteBlock(block(1));
  fq.flush();
  assert.equal(fq.inmemoryBlocks, 1);
  clock.now = 5000;
  fq.flush();
  assert.equal(fq.inmemoryBlocks, 0);
  assert.ok(fq.filePendingBytes > 0);
  fq.close();
});

Deno.test("FastQueue.flush() saves a block a sender holds and retries while sends fail, with nothing else queued", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const fq = open(dir.path, { now: 0 }, { maxInmemoryBlocks: 10 });
  fq.tryWriteBlock(block(7));
  const held = fq.tryRead();
  assert.notEqual(held, null);
  assert.equal(fq.inmemoryBlocks, 0, "the only block is held by the sender");
  fq.setRemoteFailing(true);
  const chunkBytes = () =>
    listDir(dir.path).filter((n) => /^[0-9A-F]{16}$/.test(n))
      .reduce((a, n) => a + Deno.statSync(`${dir.path}/${n}`).size, 0);
  assert.equal(chunkBytes(), 0);
  fq.flush();
  fq.flush();
  // What a SIGKILL leaves: the block must already be in a chunk file (the page cache keeps it).
  assert.ok(chunkBytes() > 0, "the held block was written to a chunk file");
  fq.close();
  const after = open(dir.path, { now: 0 }, { maxInmemoryBlocks: 10 });
  try {
    assert.deepEqual(drainIds(after), [7], "exactly once after a restart");
  } finally {
    after.close();
  }
});

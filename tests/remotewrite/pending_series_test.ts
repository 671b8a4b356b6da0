import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { PendingSeries, type PendingSeriesOptions } from "../../lib/remotewrite/pending_series.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { getLogger } from "../../lib/util/log.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { captureLogs } from "../queue/_helpers.ts";
import { encodedBatch } from "./_fakes.ts";

function series(name: string, n: number, t0 = 1000): TimeSeries {
  return {
    labels: [{ name: "__name__", value: name }, { name: "job", value: "j" }],
    samples: Array.from({ length: n }, (_, i) => ({ value: i + 0.5, timestamp: t0 + i })),
  };
}

function setup(extra: Partial<PendingSeriesOptions> = {}) {
  const blocks: Uint8Array[] = [];
  let accept = true;
  const ps = new PendingSeries({
    pushBlock: (b) => {
      if (!accept) return false;
      blocks.push(b);
      return true;
    },
    log: getLogger("test"),
    ...extra,
  });
  const decoded = () => blocks.map((b) => decodeWriteRequest(snappyDecompress(b)));
  return { ps, blocks, decoded, setAccept: (v: boolean) => accept = v };
}

/** Flattens decoded blocks into "name@timestamp" strings, in order. */
function flat(blocks: TimeSeries[][]): string[] {
  return blocks.flat().flatMap((ts) =>
    ts.samples.map((s) => `${ts.labels[0].value}@${s.timestamp}`)
  );
}

Deno.test("PendingSeries flushes before a series once maxRowsPerBlock samples are waiting", () => {
  const s = setup({ maxRowsPerBlock: 3 });
  assert.ok(s.ps.tryPush([1, 2, 3, 4, 5, 6, 7].map((i) => series(`m${i}`, 1))));
  assert.deepEqual(s.decoded().map((b) => b.map((ts) => ts.labels[0].value)), [["m1", "m2", "m3"], [
    "m4",
    "m5",
    "m6",
  ]]);
  assert.equal(s.ps.sampleCount, 1);
  assert.ok(s.ps.tryFlush());
  assert.equal(s.blocks.length, 3);
  assert.equal(s.ps.sampleCount, 0);
  assert.ok(s.ps.tryFlush(), "flushing an empty batch is a no-op");
  assert.equal(s.blocks.length, 3);
});

Deno.test("PendingSeries keeps every block under maxBlockSize (uncompressed) and the order of samples", () => {
  const s = setup({ maxBlockSize: 300 });
  const input = Array.from({ length: 40 }, (_, i) => series(`m${i}`, 2, i * 10));
  assert.ok(s.ps.tryPush(input));
  s.ps.tryFlush();
  assert.ok(s.blocks.length > 5);
  for (const b of s.blocks) assert.ok(snappyDecompress(b).length <= 300);
  assert.deepEqual(flat(s.decoded()), flat([input]));
});

Deno.test("PendingSeries splits one series above maxBlockSize by samples", () => {
  const s = setup({ maxBlockSize: 200 });
  const big = series("big", 100);
  assert.ok(s.ps.tryPush([series("a", 1), big, series("z", 1)]));
  s.ps.tryFlush();
  for (const b of s.blocks) assert.ok(snappyDecompress(b).length <= 200);
  assert.deepEqual(flat(s.decoded()), flat([[series("a", 1), big, series("z", 1)]]));
});

Deno.test("PendingSeries drops, with a warning, a single sample that cannot fit in maxBlockSize", () => {
  using logs = captureLogs();
  const s = setup({ maxBlockSize: 100 });
  const huge: TimeSeries = {
    labels: [{ name: "__name__", value: "x".repeat(500) }],
    samples: [{ value: 1, timestamp: 1 }],
  };
  assert.ok(s.ps.tryPush([series("a", 1), huge, series("b", 1)]));
  s.ps.tryFlush();
  assert.deepEqual(flat(s.decoded()), ["a@1000", "b@1000"]);
  assert.match(
    logs.text(),
    /dropping a sample for metric with 1 labels exceeding -remoteWrite.maxBlockSize=100 bytes/,
  );
});

Deno.test("PendingSeries.tryPush() returns false and keeps the batch when the queue refuses a flush", () => {
  const s = setup({ maxRowsPerBlock: 2 });
  s.setAccept(false);
  assert.equal(s.ps.tryPush([series("a", 1), series("b", 1), series("c", 1)]), false);
  assert.equal(s.ps.sampleCount, 2, "a and b wait; c was not taken");
  assert.equal(s.ps.tryFlush(), false);
  s.setAccept(true);
  assert.ok(s.ps.tryFlush());
  assert.deepEqual(flat(s.decoded()), ["a@1000", "b@1000"]);
});

Deno.test("PendingSeries.flushWith() hands the batch to a sink that always accepts (shutdown)", () => {
  const s = setup();
  s.setAccept(false);
  s.ps.tryPush([series("a", 3)]);
  const got: Uint8Array[] = [];
  s.ps.flushWith((b) => got.push(b));
  assert.equal(got.length, 1);
  assert.equal(s.ps.sampleCount, 0);
});

Deno.test("PendingSeries applies adjustValue and records block size histograms", () => {
  const reg = new MetricsRegistry();
  const s = setup({
    adjustValue: Math.floor,
    blockSizeBytes: reg.histogram("vmagent_remotewrite_block_size_bytes"),
    blockSizeRows: reg.histogram("vmagent_remotewrite_block_size_rows"),
  });
  s.ps.tryPush([series("a", 2), series("b", 1)]);
  s.ps.tryFlush();
  assert.deepEqual(s.decoded()[0].flatMap((ts) => ts.samples.map((x) => x.value)), [0, 1, 0]);
  const text = reg.writePrometheus();
  assert.match(text, /vmagent_remotewrite_block_size_rows_sum 2\n/);
  assert.match(
    text,
    new RegExp(`vmagent_remotewrite_block_size_bytes_sum ${s.blocks[0].length}\\n`),
  );
});

Deno.test("PendingSeries.tryPushEncoded() makes the same blocks as tryPush() for the same series", () => {
  const f = (extra: Partial<PendingSeriesOptions>, series: TimeSeries[], from = 0) => {
    const a = setup(extra);
    const b = setup(extra);
    assert.ok(a.ps.tryPush(series.slice(from)));
    assert.ok(b.ps.tryPushEncoded(encodedBatch(series), from));
    a.ps.tryFlush();
    b.ps.tryFlush();
    assert.deepEqual(b.blocks, a.blocks);
    assert.ok(a.blocks.length > 0);
  };
  const many = Array.from({ length: 25 }, (_, i) => series(`m${i}`, 1, 1000 + i));
  many.push({ labels: [{ name: "__name__", value: "z" }], samples: [{ value: 0, timestamp: 0 }] });
  f({}, many);
  f({ maxRowsPerBlock: 4 }, many, 3);
  f({ maxBlockSize: 200 }, many);
  f({ adjustValue: (v) => Math.round(v) }, many);
});

Deno.test("PendingSeries.tryPushEncoded() drops a sample bigger than maxBlockSize and keeps the rest", () => {
  using logs = captureLogs();
  const { ps, decoded } = setup({ maxBlockSize: 100 });
  const big: TimeSeries = {
    labels: [{ name: "__name__", value: "big" }, { name: "x", value: "y".repeat(200) }],
    samples: [{ value: 1, timestamp: 5 }],
  };
  assert.ok(ps.tryPushEncoded(encodedBatch([series("a", 1), big, series("b", 1)])));
  ps.tryFlush();
  assert.deepEqual(flat(decoded()), ["a@1000", "b@1000"]);
  assert.ok(logs.lines.some((l) => l.includes("exceeding -remoteWrite.maxBlockSize=100")));
});

Deno.test("PendingSeries.recycle() reuses the memory of its own sent blocks only", () => {
  const { ps, blocks } = setup();
  ps.tryPush([series("a", 3)]);
  ps.tryFlush();
  const first = blocks[0];
  ps.recycle(new Uint8Array(first.length)); // not ours: ignored
  ps.recycle(first);
  ps.tryPush([series("b", 2)]);
  ps.tryFlush();
  assert.equal(blocks[1].buffer, first.buffer, "the next block reuses the recycled buffer");
  // (blocks[0] now holds garbage: it was given back.)
  assert.deepEqual(flat([decodeWriteRequest(snappyDecompress(blocks[1]))]), ["b@1000", "b@1001"]);
  ps.tryPush([series("c", 1)]);
  ps.tryFlush();
  assert.notEqual(blocks[2].buffer, blocks[1].buffer, "a block in use is never reused");
});

/**
 * Fault tests of remote write with real storages: an outage, a restart during an
 * outage and damaged queue files. Each sample must arrive exactly once (checked
 * with VictoriaMetrics, which keeps duplicates) and in order (checked with
 * Prometheus, which rejects out-of-order samples with 400).
 */
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { captureLogs } from "../queue/_helpers.ts";
import { metricValue } from "../remotewrite/_fakes.ts";
import { freePort, havePeers, tempDir, waitFor } from "./_peers.ts";
import {
  promQuery,
  type Receiver,
  startPrometheus,
  startVictoriaMetrics,
  vmExport,
} from "./_vm.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BASE = Math.floor(Date.now() / 1000) * 1000 - 3_000_000;

/** Sample k of series s: timestamp BASE + k seconds, value k. */
function batch(k: number, seriesCount = 3): TimeSeries[] {
  return Array.from({ length: seriesCount }, (_, s) => ({
    labels: [{ name: "__name__", value: "fault_test" }, { name: "s", value: String(s) }],
    samples: [{ value: k, timestamp: BASE + k * 1000 }],
  }));
}

/** The points VictoriaMetrics holds for each series `s`, as "timestamp=value" strings. */
async function storedVM(vm: Receiver): Promise<Map<string, string[]>> {
  const rows = await vmExport(vm, '{__name__="fault_test"}');
  return new Map(rows.map((r) => [r.labels.s, r.points.map(([t, v]) => `${t}=${v}`)]));
}

const want = (ks: number[]) => ks.map((k) => `${BASE + k * 1000}=${k}`);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** Waits until VictoriaMetrics holds `n` points for every one of `series` series. */
function waitStoredVM(vm: Receiver, n: number, series = 3): Promise<Map<string, string[]>> {
  return waitFor(
    `${n} points per series in VictoriaMetrics`,
    async () => {
      const got = await storedVM(vm);
      const ok = got.size === series && [...got.values()].every((p) => p.length >= n);
      return ok ? got : undefined;
    },
    40_000,
    300,
  );
}

Deno.test({
  name: "remote write delivers every sample exactly once and in order after the storages were down",
  ignore: !havePeers("victoria-metrics", "prometheus"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const vmPort = freePort();
    const promPort = freePort();
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [
        {
          url: `http://127.0.0.1:${vmPort}/api/v1/write`,
          retryMinInterval: 200,
          retryMaxInterval: 1000,
        },
        {
          url: `http://127.0.0.1:${promPort}/api/v1/write`,
          queues: 1,
          retryMinInterval: 200,
          retryMaxInterval: 1000,
        },
      ],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
      maxInmemoryBlocks: 2,
      chunkFileSize: 16 * 1024,
      registry: reg,
    });
    let vm: Receiver | undefined;
    let prom: Receiver | undefined;
    try {
      for (let k = 0; k < 60; k++) {
        rw.push(batch(k));
        await sleep(50);
      }
      assert.ok(rw.pendingBytes().every((n) => n > 0), "both URLs have a backlog");
      vm = await startVictoriaMetrics(`${dir.path}/vm`, { port: vmPort });
      prom = await startPrometheus(`${dir.path}/prom`, { port: promPort });
      for (let k = 60; k < 80; k++) {
        rw.push(batch(k));
        await sleep(50);
      }
      const got = await waitStoredVM(vm, 80);
      for (const s of ["0", "1", "2"]) {
        assert.deepEqual(got.get(s), want(range(0, 80)), `series ${s}`);
      }
      // pendingBytes does not count a block a sender holds, so "drained" is not
      // "delivered": wait until Prometheus answers with the last sample.
      const p = await waitFor(
        "80 points in Prometheus",
        async () => {
          const r = await promQuery(prom!, 'fault_test{s="1"}[2h]', BASE + 100_000);
          return (r[0]?.values?.length ?? 0) >= 80 ? r : undefined;
        },
        20_000,
        200,
      );
      assert.deepEqual(p[0].values!.map(([t, v]) => `${t * 1000}=${v}`), want(range(0, 80)));
      assert.deepEqual(rw.pendingBytes(), [0, 0], "both queues drained");
      assert.equal(
        metricValue(reg, 'vmagent_remotewrite_packets_dropped_total{url="2:secret-url"}'),
        0,
        "no out-of-order rejections",
      );
    } finally {
      await rw.close();
      await vm?.stop();
      await prom?.stop();
    }
  },
});

Deno.test({
  name: "remote write loses nothing when the pipeline restarts during an outage",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const port = freePort();
    const opts = {
      urls: [{
        url: `http://127.0.0.1:${port}/api/v1/write`,
        retryMinInterval: 200,
        retryMaxInterval: 1000,
      }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
      maxInmemoryBlocks: 4,
      chunkFileSize: 16 * 1024,
      registry: new MetricsRegistry(),
    };
    let rw = await RemoteWrite.open(opts);
    for (let k = 0; k < 30; k++) {
      rw.push(batch(k));
      await sleep(30);
    }
    rw.push(batch(30)); // still in the batch when closing
    await rw.close();
    rw = await RemoteWrite.open(opts);
    for (let k = 31; k < 40; k++) rw.push(batch(k));
    await rw.close(); // a second restart, still down
    const vm = await startVictoriaMetrics(`${dir.path}/vm`, { port });
    rw = await RemoteWrite.open(opts);
    try {
      for (let k = 40; k < 50; k++) rw.push(batch(k));
      const got = await waitStoredVM(vm, 50);
      await sleep(500); // a duplicate, if any, would show up now
      const final = await storedVM(vm);
      for (const s of ["0", "1", "2"]) {
        assert.deepEqual(final.get(s), want(range(0, 50)), `series ${s}`);
        assert.deepEqual(got.get(s), final.get(s));
      }
    } finally {
      await rw.close();
      await vm.stop();
    }
  },
});

interface Record_ {
  chunk: string;
  offset: number;
  ks: number[];
}

/** Parses the chunk files of a queue folder: each record's chunk, local offset and sample ks. */
function readQueue(qdir: string): Record_[] {
  const out: Record_[] = [];
  const chunks = [...Deno.readDirSync(qdir)].map((e) => e.name).filter((n) =>
    /^[0-9A-F]{16}$/.test(n)
  ).sort();
  for (const chunk of chunks) {
    const data = Deno.readFileSync(`${qdir}/${chunk}`);
    const view = new DataView(data.buffer);
    let p = 0;
    while (p + 8 <= data.length) {
      const len = view.getUint32(p + 4);
      if (len === 0 || p + 8 + len > data.length) break;
      const series = decodeWriteRequest(snappyDecompress(data.subarray(p + 8, p + 8 + len)));
      const ks = [...new Set(series.flatMap((ts) => ts.samples.map((s) => s.value)))];
      out.push({ chunk, offset: p, ks });
      p += 8 + len;
    }
  }
  return out;
}

Deno.test({
  name: "remote write starts with damaged queue files and delivers the undamaged data",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using logs = captureLogs();
    const port = freePort();
    const opts = {
      urls: [{
        url: `http://127.0.0.1:${port}/api/v1/write`,
        retryMinInterval: 200,
        retryMaxInterval: 1000,
      }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 60_000,
      maxInmemoryBlocks: 1,
      maxRowsPerBlock: 6,
      chunkFileSize: 4096,
      registry: new MetricsRegistry(),
    };
    let rw = await RemoteWrite.open(opts);
    const qdir = rw.urls[0].queueDir;
    const total = 400;
    for (let k = 0; k < total; k++) rw.push(batch(k));
    await sleep(300); // the sender takes block 0 and keeps retrying it
    await rw.close();
    const records = readQueue(qdir);
    const chunks = [...new Set(records.map((r) => r.chunk))];
    assert.ok(chunks.length >= 5, `several chunk files: ${chunks.length}`);
    const inChunk = (c: string) => records.filter((r) => r.chunk === c);
    // 1. Chunk 2: the content of its second block is damaged (a broken snappy header).
    const damagedBlock = inChunk(chunks[1])[1];
    const f1 = Deno.openSync(`${qdir}/${chunks[1]}`, { write: true });
    f1.seekSync(damagedBlock.offset + 8, Deno.SeekMode.Start);
    f1.writeSync(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    f1.close();
    // 2. Chunk 3: the length header of its second record is garbage: the rest of that chunk is lost.
    const badHeader = inChunk(chunks[2])[1];
    const f2 = Deno.openSync(`${qdir}/${chunks[2]}`, { write: true });
    f2.seekSync(badHeader.offset, Deno.SeekMode.Start);
    f2.writeSync(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 9]));
    f2.close();
    // 3. The last chunk is torn in the middle of its last block.
    const last = chunks[chunks.length - 1];
    const torn = inChunk(last).at(-1)!;
    Deno.truncateSync(`${qdir}/${last}`, torn.offset + 8 + 3);
    const lost = new Set<Record_>([damagedBlock, ...inChunk(chunks[2]).slice(1), torn]);
    const expected = records.filter((r) => !lost.has(r)).flatMap((r) => r.ks).sort((a, b) => a - b);
    assert.equal(records.flatMap((r) => r.ks).length, total, "every block was saved on close");
    assert.ok(
      expected.length > total / 2 && expected.length < total,
      `${expected.length} samples expected`,
    );

    const vm = await startVictoriaMetrics(`${dir.path}/vm`, { port });
    rw = await RemoteWrite.open(opts);
    try {
      const n = expected.length;
      const got = await waitStoredVM(vm, n);
      await waitFor(
        "queue drained",
        () => rw.pendingBytes()[0] === 0 ? true : undefined,
        20_000,
        100,
      );
      for (const s of ["0", "1", "2"]) assert.deepEqual(got.get(s), want(expected), `series ${s}`);
      assert.match(logs.text(), /skipping a damaged block/);
      assert.match(logs.text(), /skipping corrupted .*, since invalid block size/);
      assert.match(logs.text(), /smaller than the writer offset/);
    } finally {
      await rw.close();
      await vm.stop();
    }
  },
});

/**
 * End to end, with the agent as a real process: `-remoteWrite.disableOnDiskQueue`
 * (stateless mode) with the remote storage down and a target farm that fills the
 * in-memory queue within seconds. Memory must stay bounded, samples are dropped and
 * counted, scraping goes on, nothing is written to disk while running, and a graceful
 * stop writes what is pending in memory to disk, which a restart then sends.
 */
import assert from "node:assert/strict";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { countWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import {
  activeTargets,
  AGENT_TESTDATA,
  assertNoStackTrace,
  type LiveAgent,
  metricValue,
  startLiveAgent,
} from "./_agent_run.ts";
import { havePeers, REPO_ROOT, tempDir, tryGetText, waitFor } from "./_peers.ts";
import { type Receiver, startVictoriaMetrics } from "./_vm.ts";

const FAULTS = `${REPO_ROOT}tests/testdata/faults`;
const TARGETS = 20;
const SERIES_PER_TARGET = 2000;
/**
 * `-memory.allowedBytes`: with one URL and the default `-remoteWrite.maxRowsPerBlock=10000`
 * the in-memory queue holds allowed / 10000 / 100 = 5 blocks (remote_write.ts), about
 * 1.2 s of the farm's 40,100 samples per second.
 */
const ALLOWED_BYTES = 5_000_000;
const QUEUE_BLOCKS = 5;
const SAMPLE_EVERY_MS = 3_000;
const SAMPLES = 16;
/**
 * The highest RSS accepted, in bytes. What the agent holds by design with this setup is
 * small: 5 queued blocks plus one per sender (about 80 KB each compressed), one batch,
 * and a series cache of 40,000 series. Measured here: 140–300 MB, a V8 heap sawtooth
 * (it climbs about 1–1.5 MB/s between major collections, which come every 30–100 s, and
 * stays under 230 MB over a 200 s run). An unbounded queue, or dropped samples kept
 * alive, would hold the whole run instead: 45 s × 40,000 samples/s = 1.8 M samples, at
 * least 150 bytes each as JavaScript objects, 270 MB on top of that.
 */
const MAX_RSS = 400 * 1024 * 1024;
/**
 * The max RSS of the second half of the run may exceed the first half's by this share:
 * room for one climb of the heap sawtooth across the window (+19 % seen at most).
 */
const MAX_GROWTH = 0.5;

/** A farm of targets served from the test process, each with its scrape count. */
interface Farm extends AsyncDisposable {
  addresses: string[];
  requests(): number[];
}

function startFarm(): Farm {
  const body = new TextEncoder().encode(
    "# TYPE fault_farm_series gauge\n" +
      Array.from({ length: SERIES_PER_TARGET }, (_, i) => `fault_farm_series{i="${i}"} ${i}\n`)
        .join(""),
  );
  const counts = new Array<number>(TARGETS).fill(0);
  const servers = counts.map((_, t) =>
    Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
      counts[t]++;
      return new Response(body, { headers: { "Content-Type": "text/plain; version=0.0.4" } });
    })
  );
  return {
    addresses: servers.map((s) => `127.0.0.1:${s.addr.port}`),
    requests: () => [...counts],
    async [Symbol.asyncDispose]() {
      await Promise.all(servers.map((s) => s.shutdown()));
    },
  };
}

/**
 * A remote storage that is down, on a port kept for it: connections are accepted and
 * closed at once, so every send fails, and no other process (a parallel test, another
 * suite on the machine) can take the port before the storage starts there.
 * `release()` frees the port for the storage.
 */
function downStorage(): { port: number; release(): Promise<void> } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    for await (const conn of listener) conn.close();
  })().catch(() => {});
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    listener.close();
    await accepting;
  };
  return { port: listener.addr.port, release, [Symbol.asyncDispose]: release };
}

/** The RSS of process `pid` in bytes, from `ps` (the test may not read `/proc`). */
async function rssBytes(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  const kib = Number(new TextDecoder().decode(out.stdout).trim());
  if (!out.success || !Number.isFinite(kib) || kib <= 0) throw new Error(`ps failed for ${pid}`);
  return kib * 1024;
}

/** Sums every series of `name` (any labels) in a text exposition. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** The one queue folder under `<tmpDataPath>/persistent-queue`. */
async function queueDir(tmpDataPath: string): Promise<string> {
  const root = `${tmpDataPath}/persistent-queue`;
  const names: string[] = [];
  for await (const e of Deno.readDir(root)) if (e.isDirectory) names.push(e.name);
  assert.equal(names.length, 1, `one queue folder: ${names}`);
  return `${root}/${names[0]}`;
}

/** Bytes in the chunk files (named by 16 hex digits) of a queue folder. */
async function chunkBytes(dir: string): Promise<number> {
  let n = 0;
  for await (const e of Deno.readDir(dir)) {
    if (/^[0-9A-F]{16}$/.test(e.name)) n += (await Deno.stat(`${dir}/${e.name}`)).size;
  }
  return n;
}

/**
 * Reads the blocks between `ReaderOffset` and `WriterOffset` of a queue folder (records
 * of an 8-byte big-endian length and a snappy block) and counts what they hold.
 */
async function queuedOnDisk(dir: string): Promise<{ blocks: number; samples: number }> {
  const meta = JSON.parse(await Deno.readTextFile(`${dir}/metainfo.json`)) as {
    ReaderOffset: number;
    WriterOffset: number;
  };
  const chunks: number[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (/^[0-9A-F]{16}$/.test(e.name)) chunks.push(parseInt(e.name, 16));
  }
  let blocks = 0;
  let samples = 0;
  for (const start of chunks.sort((a, b) => a - b)) {
    const data = await Deno.readFile(
      `${dir}/${start.toString(16).toUpperCase().padStart(16, "0")}`,
    );
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let p = 0; p + 8 <= data.length && start + p < meta.WriterOffset;) {
      const len = Number(view.getBigUint64(p));
      if (start + p >= meta.ReaderOffset) {
        samples += countWriteRequest(snappyDecompress(data.subarray(p + 8, p + 8 + len))).samples;
        blocks++;
      }
      p += 8 + len;
    }
  }
  return { blocks, samples };
}

/** One observation of the running agent. */
interface Sample {
  atMs: number;
  rss: number;
  /** The agent's own `process_resident_memory_bytes`. */
  selfRss: number;
  dropped: number;
  inmemoryBlocks: number;
  pendingBytes: number;
  healthStatus: number;
  targetsUp: number;
  scrapes: number;
  chunkBytes: number;
}

async function observe(agent: LiveAgent, farm: Farm, qdir: string, t0: number): Promise<Sample> {
  const text = await tryGetText(`${agent.base}/metrics`);
  if (text === undefined) throw new Error("cannot read /metrics");
  const health = await fetch(`${agent.base}/health`);
  await health.body?.cancel();
  const targets = await activeTargets(agent.base);
  return {
    atMs: Date.now() - t0,
    rss: await rssBytes(agent.proc.child.pid),
    selfRss: metricValue(text, "process_resident_memory_bytes") ?? 0,
    dropped: metricSum(text, "vmagent_remotewrite_samples_dropped_total"),
    inmemoryBlocks: metricSum(text, "vmagent_remotewrite_pending_inmemory_blocks"),
    pendingBytes: metricSum(text, "vmagent_remotewrite_pending_data_bytes"),
    healthStatus: health.status,
    targetsUp: targets.filter((t) => t.health === "up").length,
    scrapes: farm.requests().reduce((a, b) => a + b, 0),
    chunkBytes: await chunkBytes(qdir),
  };
}

const MB = (n: number) => (n / 1024 / 1024).toFixed(1);

Deno.test({
  name:
    "-remoteWrite.disableOnDiskQueue with the storage down keeps memory bounded, drops and counts, " +
    "writes nothing to disk until a graceful stop saves the memory queue",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using farm = startFarm();
    await using down = downStorage();
    const vmPort = down.port;
    const rw = `${dir.path}/rw`;
    const urlArgs = [
      `-remoteWrite.url=http://127.0.0.1:${vmPort}/api/v1/write`,
      "-remoteWrite.disableOnDiskQueue",
      `-remoteWrite.tmpDataPath=${rw}`,
      "-remoteWrite.flushInterval=1s",
      `-memory.allowedBytes=${ALLOWED_BYTES}`,
    ];
    const env = { FAULT_FARM_TARGETS: farm.addresses.map((a) => JSON.stringify(a)).join(",") };
    const samples: Sample[] = [];
    let logs = "";
    {
      await using agent = await startLiveAgent([
        `-promscrape.config=${FAULTS}/farm.yml`,
        ...urlArgs,
      ], { env });
      try {
        const qdir = await queueDir(rw);
        const t0 = Date.now();
        await waitFor(
          "the in-memory queue to fill and samples to be dropped",
          async () => {
            const text = await tryGetText(`${agent.base}/metrics`);
            return metricSum(text ?? "", "vmagent_remotewrite_samples_dropped_total") > 0 ||
              undefined;
          },
          30_000,
          250,
        );
        for (let i = 0; i < SAMPLES; i++) {
          samples.push(await observe(agent, farm, qdir, t0));
          await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
        }
        console.log(
          "t(s)  rss(MB)  self(MB)  dropped  inmem  pending(MB)  up  scrapes  chunks\n" +
            samples.map((s) =>
              [
                (s.atMs / 1000).toFixed(1),
                MB(s.rss),
                MB(s.selfRss),
                s.dropped,
                s.inmemoryBlocks,
                MB(s.pendingBytes),
                s.targetsUp,
                s.scrapes,
                s.chunkBytes,
              ].join("  ")
            ).join("\n"),
        );
        const half = Math.floor(SAMPLES / 2);
        const firstMax = Math.max(...samples.slice(0, half).map((s) => s.rss));
        const secondMax = Math.max(...samples.slice(half).map((s) => s.rss));
        assert.ok(
          secondMax <= firstMax * (1 + MAX_GROWTH),
          `RSS grew from ${MB(firstMax)} MB to ${MB(secondMax)} MB`,
        );
        const max = Math.max(firstMax, secondMax);
        assert.ok(max <= MAX_RSS, `RSS ${MB(max)} MB above ${MB(MAX_RSS)} MB`);
        for (let i = 1; i < samples.length; i++) {
          const [a, b] = [samples[i - 1], samples[i]];
          assert.ok(b.dropped > a.dropped, `drops keep growing: ${a.dropped} -> ${b.dropped}`);
          assert.ok(b.scrapes > a.scrapes, `scrapes keep coming: ${a.scrapes} -> ${b.scrapes}`);
        }
        for (const s of samples) {
          assert.equal(s.healthStatus, 200, "/health stays OK");
          assert.equal(s.targetsUp, TARGETS, "every target stays up");
          assert.equal(s.chunkBytes, 0, "nothing is written to the on-disk queue while running");
          assert.ok(s.inmemoryBlocks <= QUEUE_BLOCKS, `in-memory blocks: ${s.inmemoryBlocks}`);
        }
        agent.proc.child.kill("SIGTERM");
        const st = await waitFor(
          "the agent to exit",
          () => Promise.race([agent.proc.status, Promise.resolve(undefined)]),
          30_000,
        );
        assert.equal(st.code, 0, "a graceful stop exits 0");
      } finally {
        logs += `--- stateless agent ---\n${agent.proc.output().slice(-5000)}\n`;
      }
      assertNoStackTrace(agent.proc.output());
    }

    const qdir = await queueDir(rw);
    const onDisk = await queuedOnDisk(qdir);
    console.log(`on disk after SIGTERM: ${onDisk.blocks} blocks, ${onDisk.samples} samples`);
    assert.ok(onDisk.blocks >= QUEUE_BLOCKS, `the memory queue went to disk: ${onDisk.blocks}`);

    // The storage comes up; a restart (no targets) sends what the stop saved.
    let vm: Receiver | undefined;
    try {
      await down.release();
      vm = await startVictoriaMetrics(`${dir.path}/vm`, { port: vmPort });
      const store = vm;
      await using agent = await startLiveAgent([
        `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
        ...urlArgs,
      ]);
      const inserted = await waitFor(
        "the saved samples in VictoriaMetrics",
        async () => {
          const text = await tryGetText(`http://127.0.0.1:${store.port}/metrics`);
          const n = metricSum(text ?? "", "vm_rows_inserted_total");
          return n >= onDisk.samples ? n : undefined;
        },
        30_000,
        500,
      ).catch((e) => {
        throw new Error(`${e}\n${logs}\n--- restarted agent ---\n${agent.proc.output()}`);
      });
      assert.equal(inserted, onDisk.samples, "every saved sample arrived once");
    } finally {
      await vm?.stop();
    }
  },
});

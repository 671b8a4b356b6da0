/**
 * The per-URL and batching flags of remote write, seen from the outside: what reaches
 * a (fake) remote storage through {@linkcode RemoteWrite} for `-remoteWrite.queues`,
 * `-remoteWrite.maxDiskUsagePerURL`, `-remoteWrite.rateLimit`, `-remoteWrite.headers`,
 * `-remoteWrite.sendTimeout`, `-remoteWrite.maxRowsPerBlock` and `-remoteWrite.maxBlockSize`.
 */
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import type { RemoteWriteOptions } from "../../lib/remotewrite/options.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { captureLogs, tempDir } from "../queue/_helpers.ts";
import { FakeClient, ManualClock, metricValue, type Recorded, type Reply } from "./_fakes.ts";

const URL1 = "http://127.0.0.1:1/api/v1/write";
const URL2 = "http://127.0.0.1:2/api/v1/write";
const U1 = 'url="1:secret-url"';

/** Opens RemoteWrite on a manual clock; URL i answers with `replies[i]`. */
async function open(dir: string, o: Partial<RemoteWriteOptions>, replies: Reply[]) {
  const clock = new ManualClock();
  const reg = new MetricsRegistry();
  const clients: FakeClient[] = [];
  const rw = await RemoteWrite.open({
    urls: [{ url: URL1, queues: 1 }],
    tmpDataPath: dir,
    clock,
    random: () => 0,
    registry: reg,
    cpus: 1,
    chunkFileSize: 64 * 1024,
    createClient: () => {
      const c = new FakeClient(clock, [], replies[clients.length]);
      clients.push(c);
      return c;
    },
    ...o,
  });
  const close = async () => {
    const p = rw.close();
    await clock.advance(6000);
    await p;
  };
  return { rw, clock, reg, clients, close };
}

/** Series `i` of `name` with one sample: timestamp 1000 + i, value i. */
const s = (name: string, i: number, extra: Record<string, string> = {}): TimeSeries => ({
  labels: [
    { name: "__name__", value: name },
    { name: "i", value: String(i) },
    ...Object.entries(extra).map(([n, v]) => ({ name: n, value: v })),
  ],
  samples: [{ value: i, timestamp: 1000 + i }],
});

const decoded = (r: Recorded) => decodeWriteRequest(snappyDecompress(r.body));
const values = (rs: Recorded[]) => rs.flatMap((r) => decoded(r).map((ts) => ts.samples[0].value));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** A reply that waits until the test calls `release()`. */
function gate() {
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const reply = (): Promise<Response> => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) =>
      waiting.push(() => {
        inFlight--;
        resolve(new Response(null, { status: 204 }));
      })
    );
  };
  return {
    reply,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    release() {
      for (const w of waiting.splice(0)) w();
    },
  };
}

Deno.test("RemoteWrite runs -remoteWrite.queues senders at once per URL, within 1 .. 16 × CPUs", async () => {
  const f = async (queues: number, want: number) => {
    using dir = tempDir();
    using _logs = captureLogs();
    const g = gate();
    const e = await open(dir.path, {
      urls: [{ url: URL1, queues }],
      maxRowsPerBlock: 1,
      maxInmemoryBlocks: 100,
    }, [g.reply]);
    assert.equal(metricValue(e.reg, `vmagent_remotewrite_queues{${U1}}`), want);
    e.rw.push(range(0, 20).map((i) => s("q", i)));
    e.rw.flush();
    await e.clock.advance(0);
    assert.equal(g.inFlight, Math.min(want, 20), `queues=${queues}: requests in flight`);
    for (let i = 0; i < 20 && e.clients[0].requests.length < 20; i++) {
      g.release();
      await e.clock.advance(0);
    }
    g.release();
    await e.clock.advance(0);
    assert.equal(g.maxInFlight, Math.min(want, 20), `queues=${queues}: never more`);
    assert.deepEqual(values(e.clients[0].requests).sort((a, b) => a - b), range(0, 20));
    await e.close();
  };
  await f(1, 1);
  await f(3, 3);
  await f(0, 1); // at least one
  await f(100, 16); // cpus: 1
});

Deno.test("RemoteWrite keeps at most -remoteWrite.maxDiskUsagePerURL pending, dropping the oldest blocks and counting them", async () => {
  using dir = tempDir();
  using logs = captureLogs();
  let up = false;
  const chunk = 4096;
  const e = await open(dir.path, {
    urls: [{ url: URL1, queues: 1, maxDiskUsage: 100, retryMaxInterval: 4000 }],
    chunkFileSize: chunk,
    maxInmemoryBlocks: 2,
    maxRowsPerBlock: 1,
  }, [() =>
    Promise.resolve(
      up ? new Response(null, { status: 204 }) : new Response("down", { status: 503 }),
    )]);
  assert.match(logs.text(), /rounding the -remoteWrite.maxDiskUsagePerURL=100 .*: 4096/);
  const n = 400;
  for (let i = 0; i < n; i++) {
    e.rw.push([s("d", i)]);
    e.rw.flush();
    await e.clock.advance(10);
  }
  assert.ok(e.rw.pendingBytes()[0] <= chunk, `pending ${e.rw.pendingBytes()[0]} > ${chunk}`);
  const l = `{path="${e.rw.urls[0].queueDir}",name="1:secret-url"}`;
  const dropped = metricValue(e.reg, `vm_persistentqueue_blocks_dropped_total${l}`);
  assert.ok(dropped > n / 2, `blocks dropped: ${dropped}`);
  up = true;
  await e.clock.advance(10_000);
  const got = values(e.clients[0].requests.slice(-1000)).filter((_, i, a) => a.indexOf(_) === i);
  // The block the sender held while retrying comes first; then the newest blocks, in order.
  assert.equal(got[0], 0);
  const rest = got.slice(1);
  assert.deepEqual(rest, range(n - rest.length, n), "the newest blocks are kept, in order");
  assert.equal(got.length + dropped, n, "every block was either sent or counted as dropped");
  await e.close();
});

Deno.test("RemoteWrite spaces requests by -remoteWrite.rateLimit bytes per second", async () => {
  const f = async (rateLimit: number, minSpreadMs: number, maxSpreadMs: number) => {
    using dir = tempDir();
    using _logs = captureLogs();
    const e = await open(dir.path, {
      urls: [{ url: URL1, queues: 1, rateLimit }],
      maxRowsPerBlock: 1,
      maxInmemoryBlocks: 100,
    }, [204]);
    e.rw.push(range(0, 10).map((i) => s("r", i, { pad: "x".repeat(40) })));
    e.rw.flush();
    await e.clock.advance(20_000);
    const reqs = e.clients[0].requests;
    assert.deepEqual(values(reqs), range(0, 10));
    const bytes = reqs.reduce((a, r) => a + r.body.length, 0);
    const spread = reqs[9].at - reqs[0].at;
    assert.ok(
      spread >= minSpreadMs && spread <= maxSpreadMs,
      `rateLimit=${rateLimit}: ${bytes} bytes sent over ${spread} ms`,
    );
    assert.equal(metricValue(e.reg, `vmagent_remotewrite_rate_limit{${U1}}`), rateLimit);
    const reached = metricValue(e.reg, `vmagent_remotewrite_rate_limit_reached_total{${U1}}`);
    assert.equal(reached > 0, rateLimit > 0, `rate_limit_reached_total ${reached}`);
    await e.close();
  };
  await f(0, 0, 0); // off: all at once
  // 10 blocks of 50-60 bytes at 100 bytes/s: the budget of one second covers about two.
  await f(100, 4000, 6000);
});

Deno.test("RemoteWrite sends each URL's -remoteWrite.headers and cuts a request at its -remoteWrite.sendTimeout", async () => {
  using dir = tempDir();
  using logs = captureLogs();
  const hangOnce = (() => {
    let first = true;
    return (_req: Recorded, signal?: AbortSignal): Promise<Response> => {
      if (!first) return Promise.resolve(new Response(null, { status: 204 }));
      first = false;
      return new Promise((_, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true })
      );
    };
  })();
  const e = await open(dir.path, {
    urls: [
      { url: URL1, queues: 1, headers: "X-Scope-OrgID: team-a^^X-Other:b" },
      { url: URL2, queues: 1, sendTimeout: 5000 },
    ],
  }, [204, hangOnce]);
  e.rw.push([s("h", 1)]);
  e.rw.flush();
  await e.clock.advance(0);
  const h = e.clients[0].requests[0].headers;
  assert.equal(h.get("x-scope-orgid"), "team-a");
  assert.equal(h.get("x-other"), "b");
  assert.equal(e.clients[1].requests[0].headers.get("x-scope-orgid"), null, "only URL 1's");
  await e.clock.advance(4999);
  assert.equal(e.clients[1].requests.length, 1, "still waiting before the timeout");
  await e.clock.advance(1 + 1000); // the timeout, then retryMinInterval
  assert.equal(e.clients[1].requests.length, 2, "retried after the timeout");
  assert.match(
    logs.text(),
    /"2:secret-url": cannot get a response within -remoteWrite.sendTimeout=5s/,
  );
  assert.equal(metricValue(e.reg, 'vmagent_remotewrite_errors_total{url="2:secret-url"}'), 1);
  await e.close();
});

Deno.test("RemoteWrite cuts blocks at -remoteWrite.maxRowsPerBlock samples and -remoteWrite.maxBlockSize bytes", async () => {
  const f = async (
    o: Partial<RemoteWriteOptions>,
    check: (blocks: { rows: number; bytes: number }[]) => void,
  ) => {
    using dir = tempDir();
    using _logs = captureLogs();
    const e = await open(dir.path, { maxInmemoryBlocks: 100, ...o }, [204]);
    e.rw.push(range(0, 25).map((i) => s("b", i, { pad: "y".repeat(30) })));
    e.rw.flush();
    await e.clock.advance(0);
    const reqs = e.clients[0].requests;
    assert.deepEqual(values(reqs), range(0, 25), "every sample, in order");
    check(reqs.map((r) => ({ rows: decoded(r).length, bytes: snappyDecompress(r.body).length })));
    await e.close();
  };
  await f({ maxRowsPerBlock: 10 }, (blocks) => {
    assert.deepEqual(blocks.map((b) => b.rows), [10, 10, 5]);
  });
  await f({ maxBlockSize: 300 }, (blocks) => {
    assert.ok(blocks.length >= 6, `${blocks.length} requests`);
    assert.ok(
      blocks.every((b) => b.bytes <= 300),
      `uncompressed sizes ${blocks.map((b) => b.bytes)}`,
    );
  });
});

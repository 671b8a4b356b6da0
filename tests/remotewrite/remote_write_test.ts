import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { parseRelabelConfigs } from "../../lib/relabel/mod.ts";
import type { RemoteWriteOptions } from "../../lib/remotewrite/options.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import type { HTTPClientConfig } from "../../lib/config/types.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { captureLogs, listDir, tempDir } from "../queue/_helpers.ts";
import { encodedBatch, FakeClient, ManualClock, metricValue, type Recorded } from "./_fakes.ts";

const URL1 = "http://127.0.0.1:1/api/v1/write";
const URL2 = "http://127.0.0.1:2/api/v1/write";

/** A fake remote storage: decodes what it accepts; answers 503 while down. */
class Receiver {
  up = true;
  received: TimeSeries[] = [];
  reply = (req: Recorded): Promise<Response> => {
    if (!this.up) return Promise.resolve(new Response("storage is down", { status: 503 }));
    this.received.push(...decodeWriteRequest(snappyDecompress(req.body)));
    return Promise.resolve(new Response(null, { status: 204 }));
  };
  /** "name{k=v,...}@ts=value" strings of everything received, in order. */
  samples(): string[] {
    return this.received.flatMap((ts) => {
      const id = ts.labels.map((l) => `${l.name}=${l.value}`).join(",");
      return ts.samples.map((s) => `${id}@${s.timestamp}=${s.value}`);
    });
  }
}

interface Env {
  clock: ManualClock;
  reg: MetricsRegistry;
  receivers: Receiver[];
  configs: HTTPClientConfig[];
  open(extra?: Partial<RemoteWriteOptions>): Promise<RemoteWrite>;
}

function env(dir: string, base: Partial<RemoteWriteOptions> = {}): Env {
  const clock = new ManualClock();
  const reg = new MetricsRegistry();
  const receivers = [new Receiver(), new Receiver()];
  const configs: HTTPClientConfig[] = [];
  return {
    clock,
    reg,
    receivers,
    configs,
    open: (extra = {}) => {
      let opened = 0;
      return RemoteWrite.open({
        urls: [{ url: URL1, queues: 1, retryMaxInterval: 4000 }],
        tmpDataPath: dir,
        clock,
        random: () => 0,
        registry: reg,
        cpus: 1,
        chunkFileSize: 64 * 1024,
        createClient: (cfg) => {
          configs.push(cfg);
          return new FakeClient(clock, [], receivers[opened++ % 2].reply);
        },
        ...base,
        ...extra,
      });
    },
  };
}

/** Closes while moving the clock, so the shutdown deadline can pass. */
async function close(rw: RemoteWrite, clock: ManualClock): Promise<void> {
  const p = rw.close();
  await clock.advance(6000);
  await p;
}

const m = (name: string, i: number, ts: number, v = i): TimeSeries => ({
  labels: [{ name: "__name__", value: name }, { name: "i", value: String(i) }],
  samples: [{ value: v, timestamp: ts }],
});

Deno.test("RemoteWrite sends pushed series every flush interval with -remoteWrite.label appended", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rw = await e.open({ labels: ["dc=eu1", "i=overridden"] });
  assert.ok(rw.push([m("a", 1, 1000), m("b", 2, 1000)]));
  await e.clock.advance(999);
  assert.equal(e.receivers[0].received.length, 0, "not before the flush interval");
  await e.clock.advance(1);
  assert.deepEqual(e.receivers[0].samples(), [
    "__name__=a,i=overridden,dc=eu1@1000=1",
    "__name__=b,i=overridden,dc=eu1@1000=2",
  ]);
  assert.equal(metricValue(e.reg, 'vmagent_remotewrite_blocks_sent_total{url="1:secret-url"}'), 1);
  assert.equal(
    metricValue(e.reg, "vmagent_remotewrite_global_rows_pushed_before_relabel_total"),
    2,
  );
  await close(rw, e.clock);
});

Deno.test("RemoteWrite applies the global relabeling, then each URL's own, without changing the input", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rw = await e.open({
    urls: [
      {
        url: URL1,
        queues: 1,
        relabelRules: parseRelabelConfigs([{ action: "drop", source_labels: ["i"], regex: "2" }]),
      },
      {
        url: URL2,
        queues: 1,
        relabelRules: parseRelabelConfigs([{ target_label: "to", replacement: "two" }]),
      },
    ],
    relabelRules: parseRelabelConfigs([{
      action: "drop",
      source_labels: ["__name__"],
      regex: "junk",
    }]),
  });
  const input = [m("a", 1, 1000), m("a", 2, 1000), m("junk", 3, 1000)];
  const copy = structuredClone(input);
  rw.push(input);
  assert.deepEqual(input, copy);
  await e.clock.advance(1000);
  assert.deepEqual(e.receivers[0].samples(), ["__name__=a,i=1@1000=1"]);
  assert.deepEqual(e.receivers[1].samples(), [
    "__name__=a,i=1,to=two@1000=1",
    "__name__=a,i=2,to=two@1000=2",
  ]);
  const p = (i: number) => `path="${rw.urls[i].queueDir}",url="${i + 1}:secret-url"`;
  assert.equal(metricValue(e.reg, "vmagent_remotewrite_global_relabel_metrics_dropped_total"), 1);
  assert.equal(metricValue(e.reg, `vmagent_remotewrite_relabel_metrics_dropped_total{${p(0)}}`), 1);
  assert.equal(
    metricValue(e.reg, `vmagent_remotewrite_rows_pushed_after_relabel_total{${p(0)}}`),
    1,
  );
  assert.equal(
    metricValue(e.reg, `vmagent_remotewrite_rows_pushed_after_relabel_total{${p(1)}}`),
    2,
  );
  await close(rw, e.clock);
});

Deno.test("RemoteWrite delivers every sample exactly once and in order after the receiver was down", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rx = e.receivers[0];
  rx.up = false;
  const rw = await e.open({ maxInmemoryBlocks: 2 });
  const want: string[] = [];
  for (let t = 0; t < 40; t++) {
    rw.push([m("s", t % 3, 1000 + t * 1000, t)]);
    want.push(`__name__=s,i=${t % 3}@${1000 + t * 1000}=${t}`);
    await e.clock.advance(1000);
  }
  assert.equal(rx.received.length, 0);
  assert.ok(rw.pendingBytes()[0] > 0, "backlog on disk");
  assert.ok(listDir(rw.urls[0].queueDir).some((n) => /^[0-9A-F]{16}$/.test(n)));
  rx.up = true;
  await e.clock.advance(10_000);
  assert.deepEqual(rx.samples(), want);
  assert.equal(rw.pendingBytes()[0], 0);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite loses nothing when restarted during an outage, and keeps the order", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rx = e.receivers[0];
  rx.up = false;
  let rw = await e.open({ maxInmemoryBlocks: 3 });
  const want: string[] = [];
  for (let t = 0; t < 12; t++) {
    rw.push([m("r", 0, 1000 + t, t)]);
    want.push(`__name__=r,i=0@${1000 + t}=${t}`);
    await e.clock.advance(t % 2 === 0 ? 1000 : 7000);
  }
  rw.push([m("r", 0, 5000, 99)]); // still in the batch at close: flushed to disk too
  want.push("__name__=r,i=0@5000=99");
  await close(rw, e.clock);
  rx.up = true;
  rw = await e.open({ maxInmemoryBlocks: 3 });
  await e.clock.advance(2000);
  assert.deepEqual(rx.samples(), want);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite with disableOnDiskQueue drops and counts when the memory queue is full", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  e.receivers[0].up = false;
  const rw = await e.open({
    urls: [{ url: URL1, queues: 1, disableOnDiskQueue: true, retryMaxInterval: 4000 }],
    maxInmemoryBlocks: 2,
    maxRowsPerBlock: 1,
  });
  const pu = `path="${rw.urls[0].queueDir}",url="1:secret-url"`;
  const results: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    results.push(rw.push([m("x", i, 1000 + i), m("x", i, 2000 + i)]));
    await e.clock.advance(0); // the sender takes what it can
  }
  // One block is held by the sender, two wait in memory, one in the batch; then the URL is blocked.
  assert.deepEqual(results, [true, true, false, false, false, false]);
  assert.equal(metricValue(e.reg, `vmagent_remotewrite_samples_dropped_total{${pu}}`), 8);
  assert.equal(metricValue(e.reg, `vmagent_remotewrite_push_failures_total{${pu}}`), 4);
  assert.equal(metricValue(e.reg, `vmagent_remotewrite_queue_blocked{${pu}}`), 1);
  assert.equal(rw.tryPush([m("x", 9, 9000)]), false, "tryPush refuses (HTTP 429) without dropping");
  assert.equal(metricValue(e.reg, `vmagent_remotewrite_samples_dropped_total{${pu}}`), 8);
  const chunk = `${rw.urls[0].queueDir}/0000000000000000`;
  assert.equal(Deno.statSync(chunk).size, 0, "nothing written to disk while running");
  await close(rw, e.clock);
  assert.ok(Deno.statSync(chunk).size > 0, "memory saved on close");
  e.receivers[0].up = true;
  const again = await e.open({
    urls: [{ url: URL1, queues: 1, disableOnDiskQueue: true }],
    maxInmemoryBlocks: 2,
  });
  assert.equal(again.tryPush([m("y", 0, 1)]), false, "blocked until the saved data is sent");
  await e.clock.advance(1000);
  assert.deepEqual(e.receivers[0].samples(), [
    "__name__=x,i=0@1000=0",
    "__name__=x,i=0@2000=0",
    "__name__=x,i=1@1001=1",
    "__name__=x,i=1@2001=1",
  ]);
  assert.ok(again.tryPush([m("y", 0, 1)]));
  await close(again, e.clock);
});

Deno.test("RemoteWrite.tryPush() drops instead of refusing with dropSamplesOnOverload", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  e.receivers[0].up = false;
  const rw = await e.open({
    urls: [{ url: URL1, queues: 1, disableOnDiskQueue: true }],
    maxInmemoryBlocks: 1,
    maxRowsPerBlock: 1,
    dropSamplesOnOverload: true,
  });
  for (let i = 0; i < 4; i++) rw.push([m("x", i, 1000 + i), m("x", i, 2000 + i)]);
  assert.equal(rw.tryPush([m("x", 9, 9000)]), true);
  const pu = `path="${rw.urls[0].queueDir}",url="1:secret-url"`;
  assert.ok(metricValue(e.reg, `vmagent_remotewrite_samples_dropped_total{${pu}}`) >= 1);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite with no URL prints batches to stdout with -remoteWrite.label", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const out: string[] = [];
  const rw = await e.open({ urls: [], labels: ["dc=x"], stdout: (t) => out.push(t) });
  rw.push([m("up", 1, 1234)]);
  await e.clock.advance(1000);
  assert.deepEqual(out, ['up{i="1",dc="x"} 1 1234\n']);
  assert.deepEqual(rw.urls, []);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite.open() names queue folders vmagent's way and removes dangling ones", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const root = `${dir.path}/persistent-queue`;
  Deno.mkdirSync(`${root}/7_0000000000000000`, { recursive: true });
  const e = env(dir.path);
  let rw = await e.open({
    urls: [{ url: URL1 }, { url: `${URL2}?extra_label=a=b` }],
    showURL: true,
  });
  assert.equal(rw.urls[1].sanitizedURL, `2:${URL2}?extra_label=a=b`);
  assert.match(rw.urls[0].queueDir, /\/persistent-queue\/1_[0-9A-F]{16}$/);
  const names = listDir(root);
  assert.equal(names.length, 2, "dangling 7_... removed");
  assert.ok(
    !Number.isNaN(
      metricValue(e.reg, `vmagent_remotewrite_queues{url="2:${URL2}?extra_label=a=b"}`),
    ),
  );
  await close(rw, e.clock);
  Deno.mkdirSync(`${root}/9_0000000000000000`);
  rw = await e.open({ urls: [{ url: URL1 }], keepDanglingQueues: true });
  assert.equal(listDir(root).length, 3);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite.open() turns the URL flags into the HTTP client config", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rw = await e.open({
    urls: [{
      url: URL1,
      basicAuthUsername: "u",
      basicAuthPasswordFile: "/etc/pass",
      tlsCAFile: "/etc/ca.pem",
      tlsInsecureSkipVerify: true,
      proxyURL: "socks5://proxy:1080",
    }, { url: URL2, bearerToken: "tok" }],
  });
  assert.deepEqual(e.configs[0], {
    headers: [],
    followRedirects: true,
    basicAuth: {
      username: "u",
      usernameFile: undefined,
      password: undefined,
      passwordFile: "/etc/pass",
    },
    tlsConfig: {
      caFile: "/etc/ca.pem",
      certFile: undefined,
      keyFile: undefined,
      serverName: undefined,
      insecureSkipVerify: true,
    },
    proxyUrl: "socks5://proxy:1080",
  });
  assert.deepEqual(e.configs[1], { headers: [], followRedirects: true, bearerToken: "tok" });
  await close(rw, e.clock);
});

Deno.test("RemoteWrite.open() rejects invalid URLs, labels and proxy URLs", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  await assert.rejects(e.open({ urls: [{ url: "not a url" }] }), /invalid -remoteWrite.url/);
  await assert.rejects(e.open({ urls: [{ url: "ftp://x/y" }] }), /unsupported scheme ftp:/);
  await assert.rejects(e.open({ labels: ["novalue"] }), /missing '='/);
  await assert.rejects(e.open({ urls: [{ url: URL1, proxyURL: "proxy:1" }] }), /proxyURL/);
});

Deno.test("RemoteWrite rounds values with significantFigures per URL", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rw = await e.open({ urls: [{ url: URL1, significantFigures: 2 }] });
  rw.push([m("v", 1, 1000, 123456)]);
  rw.flush();
  await e.clock.advance(10);
  assert.deepEqual(e.receivers[0].samples(), ["__name__=v,i=1@1000=120000"]);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite drops for a blocked stateless URL and still feeds the healthy one when several URLs are set", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  e.receivers[0].up = false;
  const rw = await e.open({
    urls: [
      { url: URL1, queues: 1, disableOnDiskQueue: true },
      { url: URL2, queues: 1 },
    ],
    maxInmemoryBlocks: 1,
    maxRowsPerBlock: 1,
  });
  const results: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    results.push(rw.tryPush([m("h", i, 1000 + i), m("h", i, 2000 + i)]));
    await e.clock.advance(0);
  }
  assert.ok(
    results.every((r) => r),
    "tryPush never refuses: the blocked URL's samples are dropped",
  );
  const pu = `path="${rw.urls[0].queueDir}",url="1:secret-url"`;
  assert.ok(metricValue(e.reg, `vmagent_remotewrite_samples_dropped_total{${pu}}`) > 0);
  rw.flush();
  await e.clock.advance(10);
  assert.equal(e.receivers[1].samples().length, 10, "the healthy URL got everything");
  await close(rw, e.clock);
});

Deno.test("RemoteWrite.setRelabelRules() swaps the global and per-URL rules (reload)", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const e = env(dir.path);
  const rw = await e.open();
  rw.push([m("a", 1, 1000)]);
  rw.flush();
  await e.clock.advance(10);
  rw.setRelabelRules(parseRelabelConfigs([{ action: "drop", source_labels: ["i"], regex: "2" }]), [
    parseRelabelConfigs([{ target_label: "reloaded", replacement: "yes" }]),
  ]);
  rw.push([m("a", 2, 2000), m("a", 3, 3000)]);
  rw.flush();
  await e.clock.advance(10);
  assert.deepEqual(e.receivers[0].samples(), [
    "__name__=a,i=1@1000=1",
    "__name__=a,i=3,reloaded=yes@3000=3",
  ]);
  await close(rw, e.clock);
});

Deno.test("RemoteWrite.pushEncoded() sends what push() sends, with and without -remoteWrite.label and a shared tail", async () => {
  const f = async (labels: string[], want: string[], tailCount = 0) => {
    using dir = tempDir();
    using _logs = captureLogs();
    const e = env(dir.path);
    const rw = await e.open({ labels });
    const batch = encodedBatch([m("a", 1, 1000), m("b", 2, 1000, 0)], tailCount);
    // With a tail, series a ends with it and b does not.
    if (tailCount > 0) assert.deepEqual([...batch.withTail!], [1, 0]);
    assert.ok(rw.pushEncoded(batch));
    await e.clock.advance(1000);
    assert.deepEqual(e.receivers[0].samples(), want);
    assert.equal(
      metricValue(e.reg, "vmagent_remotewrite_global_rows_pushed_before_relabel_total"),
      2,
    );
    await close(rw, e.clock);
  };
  await f([], ["__name__=a,i=1@1000=1", "__name__=b,i=2@1000=0"]);
  await f(["dc=eu1"], ["__name__=a,i=1,dc=eu1@1000=1", "__name__=b,i=2,dc=eu1@1000=0"]);
  await f([], ["__name__=a,i=1@1000=1", "__name__=b,i=2@1000=0"], 1);
  await f(["dc=eu1"], ["__name__=a,i=1,dc=eu1@1000=1", "__name__=b,i=2,dc=eu1@1000=0"], 1);
});

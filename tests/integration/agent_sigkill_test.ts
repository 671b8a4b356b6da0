/**
 * End to end, with the agent as a real process: a hard kill (SIGKILL) and a graceful
 * stop (SIGTERM) while the remote storage is down, then a restart with the storage up.
 *
 * A target served from the test process answers each scrape with a counter one higher
 * than the last, so every scrape is identified by its value. VictoriaMetrics (which keeps
 * duplicate samples) is the receiver: its `/api/v1/export` tells which scrapes arrived
 * and how many times.
 */
import assert from "node:assert/strict";
import { snappyCompress, snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";
import {
  AGENT_TESTDATA,
  agentMetric,
  assertNoStackTrace,
  type LiveAgent,
  received,
  startLiveAgent,
  startTestReceiver,
} from "./_agent_run.ts";
import { havePeers, REPO_ROOT, tempDir, tryGetText, waitFor } from "./_peers.ts";
import { type Receiver, startVictoriaMetrics, vmExport } from "./_vm.ts";

const FAULTS = `${REPO_ROOT}tests/testdata/faults`;
const METRIC = "fault_scrapes_total";

/**
 * What a SIGKILL during an outage may lose, counted back from the kill: the batch not
 * yet flushed into the queue. It is flushed every `-remoteWrite.flushInterval` (1 s here)
 * plus up to 10 % jitter, and once a send has failed every flushed block goes to the
 * file at once (`FastQueue.setRemoteFailing`), where the page cache keeps it through a
 * kill. So scrapes served up to 1.1 s before the kill may be lost; 0.9 s more is slack
 * for a scrape answered but not yet parsed and pushed on a loaded machine. With scrapes
 * every second that is at most the last two scrapes.
 */
const MAX_LOSS_MS = 2000;

/** One scrape the target answered. */
interface Served {
  value: number;
  /** `Date.now()` when the target answered. */
  at: number;
}

/** The counter target: what it served, and a switch that makes it answer 503. */
interface CounterTarget extends AsyncDisposable {
  address: string;
  served: Served[];
  /** While true, scrapes get 503 and serve no value. */
  failing: boolean;
}

/** A target whose counter grows by one per answered scrape; it remembers what it served. */
function startCounterTarget(): CounterTarget {
  const served: Served[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    if (target.failing) return new Response("down for the test", { status: 503 });
    const value = served.length + 1;
    served.push({ value, at: Date.now() });
    return new Response(`# TYPE ${METRIC} counter\n${METRIC} ${value}\n`, {
      headers: { "Content-Type": "text/plain; version=0.0.4" },
    });
  });
  const target: CounterTarget = {
    address: `127.0.0.1:${server.addr.port}`,
    served,
    failing: false,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
  return target;
}

/** Resolves at `Date.now()` = `t` (at once when it is past). */
function sleepUntil(t: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
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

/** Waits up to `ms` for the agent to exit and returns its exit code. */
async function exitCode(agent: LiveAgent, ms: number): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the agent did not exit within ${ms}ms`)), ms);
  });
  try {
    return (await Promise.race([agent.proc.status, timeout])).code;
  } finally {
    clearTimeout(timer);
  }
}

/** What one outage run produced. */
interface Outcome {
  /** Every scrape the target answered, in order. */
  served: Served[];
  /** How many of them the first agent answered (before the signal took effect). */
  servedBeforeSignal: number;
  /** `Date.now()` right before the signal. */
  signalAt: number;
  /** The counter values VictoriaMetrics holds, in timestamp order, duplicates kept. */
  stored: number[];
  /** `Date.now()` right before the restarted agent was stopped (SIGTERM). */
  stopAt: number;
  /** Output of the two agent runs, for failure messages. */
  logs: string;
}

/**
 * Runs the agent scraping the counter every second with `-remoteWrite.url` at a
 * VictoriaMetrics that is not started yet, sends `signal` about 8 s after the first
 * scrape, starts VictoriaMetrics, restarts the agent on the same
 * `-remoteWrite.tmpDataPath`, lets it scrape 6 more times, stops it gracefully once the
 * last scrape is stored, and reads everything back.
 */
async function outage(signal: "SIGKILL" | "SIGTERM"): Promise<Outcome> {
  await using dir = await tempDir();
  await using target = startCounterTarget();
  await using down = downStorage();
  const vmPort = down.port;
  const args = [
    `-promscrape.config=${FAULTS}/counter.yml`,
    `-remoteWrite.url=http://127.0.0.1:${vmPort}/api/v1/write`,
    "-remoteWrite.flushInterval=1s",
    `-remoteWrite.tmpDataPath=${dir.path}/rw`,
  ];
  const env = { FAULT_TARGET: target.address };
  const served = target.served;
  let logs = "";
  let vm: Receiver | undefined;
  try {
    let signalAt: number;
    let servedBeforeSignal: number;
    let stopAt: number;
    {
      await using agent = await startLiveAgent(args, { env });
      try {
        // About 8 s of scrapes, all failing to be sent; the signal comes half-way between
        // two scrapes.
        await waitFor("the first scrape", () => served.length >= 1 || undefined, 30_000);
        await sleepUntil(served[0].at + 7_500);
        assert.ok(served.length >= 6, `scrapes keep coming: ${served.length}`);
        const errors = await agentMetric(
          agent.base,
          'vmagent_remotewrite_errors_total{url="1:secret-url"}',
        );
        assert.ok(errors > 0, "sends to the down URL failed");
        signalAt = Date.now();
        agent.proc.child.kill(signal);
        const code = await exitCode(agent, 20_000);
        if (signal === "SIGTERM") assert.equal(code, 0, "a graceful stop exits 0");
        servedBeforeSignal = served.length;
      } finally {
        logs += `--- first agent ---\n${agent.proc.output()}\n`;
      }
      if (signal === "SIGTERM") assertNoStackTrace(agent.proc.output());
    }
    await down.release();
    vm = await startVictoriaMetrics(`${dir.path}/vm`, { port: vmPort });
    {
      await using agent = await startLiveAgent(args, { env });
      try {
        await waitFor(
          "6 scrapes after the restart",
          () => served.length >= servedBeforeSignal + 6 || undefined,
          30_000,
        );
        // Freeze what was served (a scrape in flight when a stop comes is discarded, by
        // vmagent too), then wait until all of it is stored and nothing is pending.
        target.failing = true;
        const want = served.slice(servedBeforeSignal).map((s) => s.value);
        const store = vm;
        await waitFor(
          "every scrape since the restart in VictoriaMetrics",
          async () => {
            const rows = await vmExport(store, `{__name__="${METRIC}"}`);
            const got = new Set(rows.flatMap((r) => r.points.map(([, v]) => v)));
            return want.every((v) => got.has(v)) || undefined;
          },
          30_000,
          500,
        );
        await waitFor("an empty queue", async () => {
          const text = await tryGetText(`${agent.base}/metrics`) ?? "";
          const pending = text.split("\n").filter((l) =>
            l.startsWith("vmagent_remotewrite_pending_data_bytes{")
          );
          return pending.length > 0 && pending.every((l) => l.endsWith(" 0")) || undefined;
        }, 30_000);
        stopAt = Date.now();
        agent.proc.child.kill("SIGTERM");
        assert.equal(await exitCode(agent, 20_000), 0, "the restarted agent stops gracefully");
      } finally {
        logs += `--- restarted agent ---\n${agent.proc.output()}\n`;
      }
      assertNoStackTrace(agent.proc.output());
    }
    const rows = await vmExport(vm, `{__name__="${METRIC}"}`);
    assert.ok(rows.length <= 1, `one series, got ${rows.length}`);
    const points = rows[0]?.points ?? [];
    // The failed scrapes at the end mark the series stale (as Prometheus does): a
    // staleness marker, stored as null, after the last value. No other marker is expected.
    const firstStale = points.findIndex(([, v]) => v === null);
    assert.ok(
      firstStale < 0 || points.slice(firstStale).every(([, v]) => v === null),
      `staleness markers only after the target failed: ${JSON.stringify(points)}`,
    );
    return {
      served: [...served],
      servedBeforeSignal,
      signalAt,
      stopAt,
      stored: points.filter(([, v]) => v !== null).map(([, v]) => v as number),
      logs,
    };
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.stack : e}\n${logs}`);
  } finally {
    await vm?.stop();
  }
}

/** Counter values stored more than once. */
function duplicates(stored: number[]): number[] {
  const seen = new Set<number>();
  const dups = new Set<number>();
  for (const v of stored) (seen.has(v) ? dups : seen).add(v);
  return [...dups].sort((a, b) => a - b);
}

/** Asserts what both runs must show: no duplicates, values in scrape order, nothing invented. */
function assertCommon(o: Outcome): void {
  assert.deepEqual(duplicates(o.stored), [], "no scrape arrived twice");
  for (let i = 1; i < o.stored.length; i++) {
    assert.ok(o.stored[i - 1] < o.stored[i], `timestamps follow scrape order: ${o.stored}`);
  }
  const max = o.served.length;
  assert.ok(o.stored.every((v) => Number.isInteger(v) && v >= 1 && v <= max), `${o.stored}`);
  const got = new Set(o.stored);
  const missing = o.served.slice(o.servedBeforeSignal).filter((s) => !got.has(s.value));
  assert.deepEqual(
    missing.map((s) => `${s.value} answered ${o.stopAt - s.at} ms before the stop`),
    [],
    `every scrape after the restart arrived\n${o.logs}`,
  );
}

Deno.test({
  name: "SIGKILL during a remote storage outage loses at most the last flush interval of scrapes",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const o = await outage("SIGKILL");
    assertCommon(o);
    const before = o.served.slice(0, o.servedBeforeSignal);
    const got = new Set(o.stored);
    const lost = before.filter((s) => !got.has(s.value));
    const lostMs = lost.length === 0 ? 0 : o.signalAt - lost[0].at;
    console.log(
      `SIGKILL: ${before.length} scrapes before the kill, lost ${lost.length} ` +
        `(values ${lost.map((s) => s.value)}), oldest lost answered ${lostMs} ms before the kill`,
    );
    // Only a tail can be lost: the batch not yet flushed.
    const firstLost = lost.length === 0 ? Infinity : lost[0].value;
    assert.ok(
      before.every((s) => s.value < firstLost || !got.has(s.value)),
      `the lost scrapes are the last ones: lost ${lost.map((s) => s.value)}`,
    );
    assert.ok(
      lostMs <= MAX_LOSS_MS,
      `lost scrapes answered ${lostMs} ms before the kill (bound ${MAX_LOSS_MS} ms): ` +
        `${JSON.stringify(lost)}\n${o.logs}`,
    );
  },
});

Deno.test({
  name: "SIGTERM during a remote storage outage loses nothing: every scrape arrives exactly once",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const o = await outage("SIGTERM");
    console.log(
      `SIGTERM: ${o.servedBeforeSignal} scrapes before the stop, ` +
        `${o.served.length - o.servedBeforeSignal} after the restart, ${o.stored.length} stored`,
    );
    assertCommon(o);
    assert.deepEqual(o.stored, o.served.map((s) => s.value), `every scrape, once\n${o.logs}`);
  },
});

Deno.test({
  name: "SIGKILL during an outage keeps a block pushed seconds before, when nothing followed it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // A push, then silence: the block is flushed into the memory queue while the URL is
    // not yet known to fail, a sender takes it and retries. It is older than the flush
    // interval when the agent is killed, so it must be on disk by then
    // (FastQueue.setRemoteFailing: "memory blocks go to the file at the next write or
    // flush" while sends fail).
    await using dir = await tempDir();
    await using down = downStorage();
    const port = down.port;
    const args = [
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.url=http://127.0.0.1:${port}/api/v1/write`,
      "-remoteWrite.flushInterval=1s",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ];
    const series = [{
      labels: [{ name: "__name__", value: "fault_pushed" }],
      samples: [{ value: 7, timestamp: Date.now() - 60_000 }],
    }];
    let logs = "";
    {
      await using agent = await startLiveAgent(args);
      try {
        const r = await fetch(`${agent.base}/api/v1/write`, {
          method: "POST",
          body: new Uint8Array(snappyCompress(encodeWriteRequest(series))),
        });
        assert.equal(r.status, 204, await r.text());
        const pushedAt = Date.now();
        await waitFor("a retried send", async () => {
          const n = await agentMetric(
            agent.base,
            'vmagent_remotewrite_errors_total{url="1:secret-url"}',
          );
          return n >= 2 || undefined;
        }, 20_000);
        // Two more flush intervals: the block is well past the loss bound of a kill.
        await sleepUntil(Math.max(Date.now(), pushedAt + MAX_LOSS_MS) + 2_000);
        agent.proc.child.kill("SIGKILL");
        await exitCode(agent, 10_000);
      } finally {
        logs += `--- first agent ---\n${agent.proc.output()}\n`;
      }
    }
    await down.release();
    await using recv = startTestReceiver(port);
    await using agent = await startLiveAgent(args);
    const got = await waitFor(
      "the pushed sample at the receiver after the restart",
      () => received(recv, "fault_pushed").length > 0 ? received(recv, "fault_pushed") : undefined,
      10_000,
    ).catch((e) => {
      throw new Error(`${e}\n${logs}--- restarted agent ---\n${agent.proc.output()}`);
    });
    assert.deepEqual(got.map((s) => s.samples), [[[series[0].samples[0].timestamp, 7]]]);
  },
});

/** One record of a chunk file: its offset in the file and the sample values of its block. */
interface QueueRecord {
  offset: number;
  values: number[];
}

/** Reads the records (8-byte big-endian length + snappy WriteRequest) of a chunk file. */
function chunkRecords(path: string): QueueRecord[] {
  const data = Deno.readFileSync(path);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: QueueRecord[] = [];
  for (let p = 0; p + 8 <= data.length;) {
    const len = Number(view.getBigUint64(p));
    const body = data.subarray(p + 8, p + 8 + len);
    out.push({
      offset: p,
      values: decodeWriteRequest(snappyDecompress(body)).flatMap((ts) =>
        ts.samples.map((s) => s.value)
      ),
    });
    p += 8 + len;
  }
  return out;
}

Deno.test({
  name:
    "the agent starts on damaged queue files (a broken block, a torn tail, a corrupt metainfo.json) and sends every undamaged block once",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using down = downStorage();
    const port = down.port;
    const args = [
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.url=http://127.0.0.1:${port}/api/v1/write`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-remoteWrite.maxRowsPerBlock=1",
    ];
    const t0 = Date.now() - 600_000;
    const N = 20;
    let logs = "";
    {
      // Storage down: N one-sample blocks, saved to the queue by a graceful stop.
      await using agent = await startLiveAgent(args);
      try {
        for (let k = 1; k <= N; k++) {
          const series = [{
            labels: [{ name: "__name__", value: "fault_damaged" }],
            samples: [{ value: k, timestamp: t0 + k * 1000 }],
          }];
          const r = await fetch(`${agent.base}/api/v1/write`, {
            method: "POST",
            body: new Uint8Array(snappyCompress(encodeWriteRequest(series))),
          });
          assert.equal(r.status, 204, await r.text());
        }
        agent.proc.child.kill("SIGTERM");
        assert.equal(await exitCode(agent, 20_000), 0, "a graceful stop exits 0");
      } finally {
        logs += `--- first agent ---\n${agent.proc.output()}\n`;
      }
    }
    const root = `${dir.path}/rw/persistent-queue`;
    const [qname] = [...Deno.readDirSync(root)].map((e) => e.name);
    const qdir = `${root}/${qname}`;
    const chunk = `${qdir}/0000000000000000`;
    const records = chunkRecords(chunk);
    assert.deepEqual(
      records.flatMap((r) => r.values).sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i + 1),
      `every block was saved on stop\n${logs}`,
    );
    // 1. The content of the 5th block: a snappy header that cannot be decoded.
    const broken = records[4];
    const f = Deno.openSync(chunk, { write: true });
    f.seekSync(broken.offset + 8, Deno.SeekMode.Start);
    f.writeSync(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    f.close();
    // 2. The last block is torn (a crash in the middle of a write).
    const torn = records[records.length - 1];
    Deno.truncateSync(chunk, torn.offset + 8 + 3);
    // 3. metainfo.json is garbage.
    Deno.writeTextFileSync(`${qdir}/metainfo.json`, '{"Name":"1:secret-url","ReaderOff');
    const lost = new Set([...broken.values, ...torn.values]);
    const want = records.flatMap((r) => r.values).filter((v) => !lost.has(v))
      .sort((a, b) => a - b);

    await down.release();
    await using recv = startTestReceiver(port);
    await using agent = await startLiveAgent(args);
    const values = () =>
      received(recv, "fault_damaged").flatMap((s) => s.samples.map(([, v]) => v));
    await waitFor(
      "the undamaged blocks at the receiver",
      () => values().length >= want.length ? true : undefined,
      20_000,
    ).catch((e) => {
      throw new Error(
        `${e}: got ${values()}\n${logs}--- restarted agent ---\n${agent.proc.output()}`,
      );
    });
    // Nothing else comes later (a duplicate or a block read past the damage).
    await waitFor("an empty queue", async () => {
      const text = await tryGetText(`${agent.base}/metrics`) ?? "";
      const pending = text.split("\n").filter((l) =>
        l.startsWith("vmagent_remotewrite_pending_data_bytes{")
      );
      return pending.length > 0 && pending.every((l) => l.endsWith(" 0")) || undefined;
    }, 20_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(values().sort((a, b) => a - b), want, "every undamaged block, once");
    const out = agent.proc.output();
    assert.match(out, /metainfo\.json.*rebuilt it from 1 chunk file/);
    assert.match(out, /skipping a damaged block/);
    assertNoStackTrace(out);
  },
});

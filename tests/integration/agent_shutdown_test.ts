/**
 * End to end: graceful shutdown. `/health` answers 503 during `-http.shutdownDelay`, then
 * the process exits 0; data that could not be sent is left in the on-disk queue and sent
 * after a restart; a second signal exits at once.
 */
import assert from "node:assert/strict";
import { PERSISTENT_QUEUE_DIRNAME, queueDirName } from "../../lib/remotewrite/queue_dir.ts";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";
import { snappyCompress } from "../../lib/remotewrite/snappy.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import {
  AGENT_TESTDATA,
  agentMetric,
  assertNoStackTrace,
  type LiveAgent,
  received,
  startLiveAgent,
  startTestReceiver,
} from "./_agent_run.ts";
import { freePort, tempDir, waitFor } from "./_peers.ts";

/** Waits up to `ms` for the agent to exit and returns its code. */
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

/** Waits until `/health` answers 503 (the shutdown delay has begun) and returns its body. */
function waitForUnhealthy(agent: LiveAgent): Promise<string> {
  return waitFor(
    "/health to answer 503",
    async () => {
      const r = await fetch(`${agent.base}/health`);
      const text = await r.text();
      return r.status === 503 ? text : undefined;
    },
    5_000,
    50,
  );
}

Deno.test({
  name: "SIGTERM and SIGINT make /health answer 503 during -http.shutdownDelay, then exit 0",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const f = async (signal: Deno.Signal) => {
      await using dir = await tempDir();
      await using agent = await startLiveAgent([
        `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
        "-http.shutdownDelay=2s",
      ]);
      const ok = await fetch(`${agent.base}/health`);
      assert.equal(ok.status, 200, await ok.text());
      agent.proc.child.kill(signal);
      await waitForUnhealthy(agent);
      const code = await exitCode(agent, 15_000);
      const out = agent.proc.output();
      assert.equal(code, 0, `${signal}\n${out}`);
      assert.match(out, /received a stop signal; stopping gracefully/);
      assert.match(out, /\bstopped\b/);
      assertNoStackTrace(out);
    };
    await Promise.all([f("SIGTERM"), f("SIGINT")]);
  },
});

Deno.test({
  name: "data for a down -remoteWrite.url is on disk after SIGTERM and arrives after a restart",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await initXXHash64();
    await using dir = await tempDir();
    const port = freePort(); // nothing listens here until the receiver starts below
    const url = `http://127.0.0.1:${port}/api/v1/write`;
    const args = [
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.url=${url}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-remoteWrite.flushInterval=100ms",
    ];
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 30_000;
    const points: [number, number][] = [[t0, 1], [t0 + 1000, 2], [t0 + 2000, 3.5]];
    const series = Array.from({ length: 20 }, (_, i) => ({
      labels: [{ name: "__name__", value: "e2e_queued" }, { name: "i", value: String(i) }],
      samples: points.map(([timestamp, value]) => ({ timestamp, value })),
    }));

    {
      await using agent = await startLiveAgent(args);
      const r = await fetch(`${agent.base}/api/v1/write`, {
        method: "POST",
        body: new Uint8Array(snappyCompress(encodeWriteRequest(series))),
      });
      assert.equal(r.status, 204, await r.text());
      // Let the batch be flushed and the first send fail.
      await waitFor("a failed send", async () => {
        const n = await agentMetric(
          agent.base,
          'vmagent_remotewrite_errors_total{url="1:secret-url"}',
        );
        return n > 0 || undefined;
      }, 10_000).catch((e) => {
        throw new Error(`${e}\n${agent.proc.output()}`);
      });
      assert.match(
        agent.proc.output(),
        /couldn't send a block with size \d+ bytes to "1:secret-url"/,
      );
      agent.proc.child.kill("SIGTERM");
      assert.equal(await exitCode(agent, 20_000), 0, agent.proc.output());
      assertNoStackTrace(agent.proc.output());
    }

    const qdir = `${dir.path}/rw/${PERSISTENT_QUEUE_DIRNAME}/${queueDirName(0, url)}`;
    const chunks: { name: string; size: number }[] = [];
    for await (const e of Deno.readDir(qdir)) {
      if (/^[0-9A-F]{16}$/.test(e.name)) {
        chunks.push({ name: e.name, size: (await Deno.stat(`${qdir}/${e.name}`)).size });
      }
    }
    assert.ok(
      chunks.some((c) => c.size > 8),
      `no chunk with data in ${qdir}: ${JSON.stringify(chunks)}`,
    );
    const meta = JSON.parse(await Deno.readTextFile(`${qdir}/metainfo.json`));
    assert.ok(meta.WriterOffset > meta.ReaderOffset, JSON.stringify(meta));

    // The receiver comes up on the URL's port; a restarted agent sends the backlog.
    await using recv = startTestReceiver(port);
    await using agent = await startLiveAgent(args);
    const got = await waitFor(
      "the queued series at the receiver",
      () => {
        const rows = received(recv, "e2e_queued");
        return rows.length >= series.length ? rows : undefined;
      },
      20_000,
      100,
    );
    const byI = new Map(got.map((r) => [r.labels.i, r]));
    assert.equal(byI.size, series.length);
    for (let i = 0; i < series.length; i++) {
      assert.deepEqual(byI.get(String(i)), {
        labels: { __name__: "e2e_queued", i: String(i) },
        samples: points,
      });
    }
    assertNoStackTrace(agent.proc.output());
  },
});

Deno.test({
  name:
    "SIGTERM with a receiver that never answers exits in bounded time and keeps the block on disk",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await initXXHash64();
    await using dir = await tempDir();
    // Accepts connections and reads requests but never answers them.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const conns: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const c of listener) {
        conns.push(c);
        c.readable.pipeTo(new WritableStream()).catch(() => {});
      }
    })().catch(() => {});
    const url = `http://127.0.0.1:${listener.addr.port}/api/v1/write`;
    try {
      await using agent = await startLiveAgent([
        `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
        `-remoteWrite.url=${url}`,
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
        "-remoteWrite.flushInterval=100ms",
      ]);
      const body = new Uint8Array(snappyCompress(encodeWriteRequest([{
        labels: [{ name: "__name__", value: "e2e_hung" }],
        samples: [{ value: 1, timestamp: Date.now() }],
      }])));
      const r = await fetch(`${agent.base}/api/v1/write`, { method: "POST", body });
      assert.equal(r.status, 204, await r.text());
      await waitFor("the block to be in flight", () => conns.length > 0 || undefined, 10_000);
      agent.proc.child.kill("SIGTERM");
      // vmagent gives an in-flight request 5s, then puts its block back into the queue.
      assert.equal(await exitCode(agent, 20_000), 0, agent.proc.output());
      assertNoStackTrace(agent.proc.output());
    } finally {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed by the agent's exit
        }
      }
      await accepting;
    }
    const qdir = `${dir.path}/rw/${PERSISTENT_QUEUE_DIRNAME}/${queueDirName(0, url)}`;
    const meta = JSON.parse(await Deno.readTextFile(`${qdir}/metainfo.json`));
    assert.ok(meta.WriterOffset > meta.ReaderOffset, JSON.stringify(meta));
  },
});

Deno.test({
  name: "a second stop signal exits at once instead of waiting for the shutdown delay",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using agent = await startLiveAgent([
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-http.shutdownDelay=60s",
    ]);
    agent.proc.child.kill("SIGTERM");
    await waitForUnhealthy(agent);
    // Past the window in which a repeat is taken for deno task's forwarded copy.
    await new Promise((r) => setTimeout(r, 1_000));
    agent.proc.child.kill("SIGTERM");
    // Far less than the 60s delay the first signal started.
    const code = await exitCode(agent, 10_000);
    assert.notEqual(code, 0);
    assert.match(agent.proc.output(), /second stop signal/);
    assertNoStackTrace(agent.proc.output());
  },
});

Deno.test({
  name: "SIGTERM prints the pending batch to stdout when no -remoteWrite.url is set",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using agent = await startLiveAgent([
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      // Far longer than the test: only the stop can flush the batch.
      "-remoteWrite.flushInterval=1h",
    ]);
    const t = Date.now();
    const r = await fetch(`${agent.base}/api/v1/write`, {
      method: "POST",
      body: new Uint8Array(snappyCompress(encodeWriteRequest([{
        labels: [{ name: "__name__", value: "e2e_flush_on_stop" }, { name: "a", value: "b" }],
        samples: [{ value: 2.5, timestamp: t }],
      }]))),
    });
    assert.equal(r.status, 204, await r.text());
    assert.doesNotMatch(agent.proc.output(), /e2e_flush_on_stop/);
    agent.proc.child.kill("SIGTERM");
    assert.equal(await exitCode(agent, 15_000), 0, agent.proc.output());
    assert.match(agent.proc.output(), new RegExp(`^e2e_flush_on_stop\\{a="b"\\} 2\\.5 ${t}$`, "m"));
  },
});

Deno.test({
  name: "a stop signal repeated at once, as deno task forwards Ctrl-C, still stops gracefully",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using agent = await startLiveAgent([
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-http.shutdownDelay=1s",
    ]);
    // What a terminal's Ctrl-C under `deno task start` delivers: one SIGINT from the
    // terminal and one forwarded by deno task, back to back.
    agent.proc.child.kill("SIGINT");
    agent.proc.child.kill("SIGINT");
    const code = await exitCode(agent, 15_000);
    assert.equal(code, 0, agent.proc.output());
    assert.doesNotMatch(agent.proc.output(), /second stop signal/);
    assert.match(agent.proc.output(), /stopped/);
    // The start-up log lists the flags that were set, as vmagent's does.
    assert.match(agent.proc.output(), /\tflag "http\.shutdownDelay"="1s"\n/);
    assertNoStackTrace(agent.proc.output());
  },
});

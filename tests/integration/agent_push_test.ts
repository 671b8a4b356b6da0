/**
 * End to end: data pushed to the agent's `/api/v1/write` (snappy protobuf) and
 * `/api/v1/import/prometheus` (text) arrives at the `-remoteWrite.url` receiver with its
 * labels, values and timestamps; unreadable bodies get 400 with the reason; with
 * `-remoteWrite.disableOnDiskQueue` a full queue answers 429, or drops the data with
 * `-remoteWrite.dropSamplesOnOverload`.
 */
import assert from "node:assert/strict";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";
import { snappyCompress } from "../../lib/remotewrite/snappy.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import {
  AGENT_TESTDATA,
  agentMetric,
  received,
  startLiveAgent,
  startTestReceiver,
} from "./_agent_run.ts";
import { freePort, tempDir, waitFor } from "./_peers.ts";

const ts = (name: string, labels: Record<string, string>, points: [number, number][]) => ({
  labels: [
    { name: "__name__", value: name },
    ...Object.entries(labels).map(([n, v]) => ({ name: n, value: v })),
  ],
  samples: points.map(([timestamp, value]) => ({ timestamp, value })),
} satisfies TimeSeries);

/** Snappy-compressed protobuf of `series`, as a fetch body. */
const writeBody = (series: TimeSeries[]) =>
  new Uint8Array(snappyCompress(encodeWriteRequest(series)));

const sorted = <T extends { labels: Record<string, string> }>(rows: T[]) =>
  rows.sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));

Deno.test({
  name: "pushed remote write and Prometheus text data reach -remoteWrite.url unchanged",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using recv = startTestReceiver();
    await using agent = await startLiveAgent([
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.url=${recv.url}`,
      "-remoteWrite.flushInterval=100ms",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;

    // Prometheus remote write, with an extra label from the query string.
    const values = [1.5, 0, -2.25e-300, 123456789.125, Infinity, -Infinity];
    const body = writeBody([
      ts("e2e_push_values", { case: "floats" }, values.map((v, i) => [t0 + i * 1000, v])),
      ts("e2e_push_labels", { path: '/a"b\\c', unicode: "ünï 😀" }, [[t0, 42]]),
    ]);
    const r1 = await fetch(`${agent.base}/api/v1/write?extra_label=src=e2e`, {
      method: "POST",
      body,
      headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" },
    });
    assert.equal(r1.status, 204, await r1.text());

    // Prometheus text with millisecond timestamps, one line without (gets the current time)
    // and one broken line (logged and skipped, as vmagent does).
    const before = Date.now();
    const r2 = await fetch(`${agent.base}/api/v1/import/prometheus`, {
      method: "POST",
      body: [
        `e2e_import_metric{path="/a",code="200"} 12.5 ${t0}`,
        `e2e_import_metric{path="/b",code="500"} 3 ${t0 + 5000}`,
        "e2e_import_broken{ 1",
        "e2e_import_now 7",
        "",
      ].join("\n"),
    });
    assert.equal(r2.status, 204, await r2.text());
    const after = Date.now();

    await waitFor(
      "all pushed series at the receiver",
      () => {
        const n = ["e2e_push_values", "e2e_push_labels", "e2e_import_metric", "e2e_import_now"]
          .reduce((a, name) => a + received(recv, name).length, 0);
        return n >= 5 || undefined;
      },
      15_000,
      100,
    );

    assert.deepEqual(received(recv, "e2e_push_values"), [{
      labels: { __name__: "e2e_push_values", case: "floats", src: "e2e" },
      samples: values.map((v, i) => [t0 + i * 1000, v]),
    }]);
    assert.deepEqual(received(recv, "e2e_push_labels"), [{
      labels: { __name__: "e2e_push_labels", path: '/a"b\\c', unicode: "ünï 😀", src: "e2e" },
      samples: [[t0, 42]],
    }]);
    assert.deepEqual(sorted(received(recv, "e2e_import_metric")), [
      { labels: { __name__: "e2e_import_metric", code: "200", path: "/a" }, samples: [[t0, 12.5]] },
      {
        labels: { __name__: "e2e_import_metric", code: "500", path: "/b" },
        samples: [[t0 + 5000, 3]],
      },
    ]);
    const now = received(recv, "e2e_import_now");
    assert.equal(now.length, 1);
    assert.deepEqual(now[0].labels, { __name__: "e2e_import_now" });
    assert.equal(now[0].samples[0][1], 7);
    assert.ok(now[0].samples[0][0] >= before && now[0].samples[0][0] <= after);
    assert.deepEqual(received(recv, "e2e_import_broken"), []);
    assert.match(agent.proc.output(), /e2e_import_broken/);

    // vmagent's remote write headers.
    const h = recv.lastHeaders!;
    assert.equal(h.get("Content-Encoding"), "snappy");
    assert.equal(h.get("Content-Type"), "application/x-protobuf");
    assert.equal(h.get("X-Prometheus-Remote-Write-Version"), "0.1.0");
    assert.match(h.get("User-Agent") ?? "", /^vmagent/);

    await waitFor("the ingest counters", async () => {
      const rw = await agentMetric(
        agent.base,
        'vmagent_rows_inserted_total{type="promremotewrite"}',
      );
      const text = await agentMetric(agent.base, 'vmagent_rows_inserted_total{type="prometheus"}');
      return rw === 7 && text === 3 || undefined;
    }, 5_000);
  },
});

Deno.test({
  name: "unreadable pushed bodies get 400 with the reason and nothing is forwarded",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using recv = startTestReceiver();
    await using agent = await startLiveAgent([
      `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
      `-remoteWrite.url=${recv.url}`,
      "-remoteWrite.flushInterval=100ms",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    const f = async (
      path: string,
      body: Uint8Array<ArrayBuffer>,
      headers: Record<string, string>,
      want: RegExp,
    ) => {
      const r = await fetch(`${agent.base}${path}`, { method: "POST", body, headers });
      const text = await r.text();
      assert.equal(r.status, 400, `${path}: ${text}`);
      assert.match(text, want, path);
    };
    const enc = new TextEncoder();
    // Not snappy at all.
    await f(
      "/api/v1/write",
      enc.encode("this is not snappy"),
      { "Content-Encoding": "snappy" },
      /cannot decompress snappy-encoded request/,
    );
    // Valid snappy around bytes that are not a WriteRequest.
    await f(
      "/api/v1/write",
      new Uint8Array(snappyCompress(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]))),
      { "Content-Encoding": "snappy" },
      /cannot unmarshal prompb\.WriteRequest/,
    );
    // A gzip header over garbage.
    await f(
      "/api/v1/import/prometheus",
      new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]),
      { "Content-Encoding": "gzip" },
      /gzip/i,
    );
    // A valid push afterwards still works, and only it reaches the receiver.
    const good = writeBody([ts("e2e_after_errors", {}, [[Date.now(), 1]])]);
    const r = await fetch(`${agent.base}/api/v1/write`, { method: "POST", body: good });
    assert.equal(r.status, 204, await r.text());
    await waitFor(
      "the good series",
      () => received(recv, "e2e_after_errors").length > 0 || undefined,
    );
    assert.equal(recv.series.length, 1);
  },
});

/** Sums every series of the family `name` in a `/metrics` text. */
function familySum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

Deno.test({
  name:
    "a full stateless queue answers pushes with 429, or drops them with -remoteWrite.dropSamplesOnOverload",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const f = async (dropOnOverload: boolean) => {
      await using dir = await tempDir();
      // Nothing listens there: the one sender retries its block, the queue fills.
      const url = `http://127.0.0.1:${freePort()}/api/v1/write`;
      await using agent = await startLiveAgent([
        `-promscrape.config=${AGENT_TESTDATA}/no_targets.yml`,
        `-remoteWrite.url=${url}`,
        "-remoteWrite.disableOnDiskQueue",
        "-remoteWrite.queues=1",
        "-remoteWrite.maxRowsPerBlock=10",
        "-remoteWrite.flushInterval=100ms",
        // The smallest in-memory queue: 2 blocks.
        "-memory.allowedBytes=1",
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
        ...(dropOnOverload ? ["-remoteWrite.dropSamplesOnOverload"] : []),
      ]);
      const statuses: number[] = [];
      let refusal = "";
      for (let i = 0; i < 50 && refusal === ""; i++) {
        const body = writeBody(
          Array.from(
            { length: 20 },
            (_, j) => ts("e2e_overload", { i: `${i}`, j: `${j}` }, [[Date.now(), 1]]),
          ),
        );
        const r = await fetch(`${agent.base}/api/v1/write`, { method: "POST", body });
        statuses.push(r.status);
        const text = await r.text();
        if (r.status === 429) refusal = text;
        await new Promise((res) => setTimeout(res, 50));
      }
      const metrics = await waitFor("the overload counters", async () => {
        await new Promise((res) => setTimeout(res, 1_100)); // /metrics is cached for a second
        const text = await (await fetch(`${agent.base}/metrics`)).text();
        return familySum(text, "vmagent_remotewrite_push_failures_total") > 0 ? text : undefined;
      }, 10_000);
      const dropped = familySum(metrics, "vmagent_remotewrite_samples_dropped_total");
      if (dropOnOverload) {
        assert.deepEqual(new Set(statuses), new Set([204]), "every push is accepted");
        assert.ok(dropped > 0, "the samples the full queue could not take are counted");
      } else {
        assert.equal(statuses.at(-1), 429, `statuses: ${statuses}`);
        assert.ok(statuses.slice(0, -1).every((s) => s === 204), `statuses: ${statuses}`);
        assert.match(refusal, /remote storage systems cannot keep up with the data ingestion rate/);
        // A refused push is for the client to retry: nothing is counted as dropped.
        assert.equal(dropped, 0);
      }
    };
    await Promise.all([f(false), f(true)]);
  },
});

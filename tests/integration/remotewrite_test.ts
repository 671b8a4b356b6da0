/**
 * Remote write against real storages: VictoriaMetrics single node and
 * Prometheus 2.42, reading back the exact samples, labels and staleness markers.
 */
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { STALE_NAN, type TimeSeries } from "../../lib/util/series.ts";
import { captureLogs } from "../queue/_helpers.ts";
import { metricValue } from "../remotewrite/_fakes.ts";
import { freePort, havePeers, peerPath, start, tempDir, waitFor } from "./_peers.ts";
import { promQuery, startPrometheus, startVictoriaMetrics, vmExport } from "./_vm.ts";

/**
 * Builds a series. "stale" stands for the staleness marker: a NaN kept in a
 * literal array of numbers would lose its payload bits (V8 stores such arrays as
 * doubles and canonicalises NaN), so the marker is put straight into the object.
 */
const series = (
  name: string,
  labels: Record<string, string>,
  points: [number, number | "stale"][],
): TimeSeries => ({
  labels: [
    { name: "__name__", value: name },
    ...Object.entries(labels).map(([n, v]) => ({ name: n, value: v })),
  ],
  samples: points.map(([timestamp, value]) => ({
    value: value === "stale" ? STALE_NAN : value,
    timestamp,
  })),
});

Deno.test({
  name:
    "RemoteWrite delivers exact values, timestamps, labels and staleness markers to VictoriaMetrics",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const vm = await startVictoriaMetrics(`${dir.path}/vm`);
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [{ url: vm.writeURL }],
      tmpDataPath: `${dir.path}/rw`,
      labels: ["agent=deno"],
      flushInterval: 200,
      registry: reg,
    });
    try {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      // One series per value: VictoriaMetrics stores a block of a series with one decimal
      // exponent, so mixing 1e-10 and 1e300 in a series would lose precision there.
      const values = [0, 1, -1, 0.1, 1e-10, -2.5e300, 123456789.123, Infinity, -Infinity];
      const input = [
        ...values.map((v, i) =>
          series("rwtest_values", { kind: `v${i}` }, [[t0 + i * 15_000, v], [
            t0 + i * 15_000 + 1,
            v,
          ]])
        ),
        series("rwtest_values", { kind: "stale" }, [[t0, 5], [t0 + 15_000, 6], [
          t0 + 30_000,
          "stale",
        ]]),
        series("rwtest_labels", { path: '/a"b\\c', unicode: "ünïcödé 😀", empty_next: "x" }, [[
          t0,
          42,
        ]]),
      ];
      for (let i = 0; i < 200; i++) {
        input.push(series("rwtest_many", { i: String(i) }, [[t0 + i, i]]));
      }
      assert.ok(rw.push(input));
      rw.flush();
      const got = await waitFor(
        "all series exported",
        async () => {
          const rows = await vmExport(vm, '{__name__=~"rwtest_.*"}');
          return rows.length === 211 ? rows : undefined;
        },
        30_000,
        300,
      );
      const byKey = new Map(got.map((r) => [`${r.name}/${JSON.stringify(r.labels)}`, r.points]));
      values.forEach((v, i) => {
        const t = t0 + i * 15_000;
        assert.deepEqual(
          byKey.get(`rwtest_values/${JSON.stringify({ agent: "deno", kind: `v${i}` })}`),
          [[t, v], [t + 1, v]],
        );
      });
      // A staleness marker comes back as null from /api/v1/export.
      assert.deepEqual(
        byKey.get(`rwtest_values/${JSON.stringify({ agent: "deno", kind: "stale" })}`),
        [[t0, 5], [t0 + 15_000, 6], [t0 + 30_000, null]],
      );
      const labeled = got.find((r) => r.name === "rwtest_labels")!;
      assert.deepEqual(labeled.labels, {
        agent: "deno",
        empty_next: "x",
        path: '/a"b\\c',
        unicode: "ünïcödé 😀",
      });
      for (let i = 0; i < 200; i++) {
        assert.deepEqual(
          byKey.get(`rwtest_many/${JSON.stringify({ agent: "deno", i: String(i) })}`),
          [[t0 + i, i]],
        );
      }
      assert.ok(
        metricValue(
          reg,
          'vmagent_remotewrite_requests_total{url="1:secret-url",status_code="2XX"}',
        ) >= 1,
      );
      assert.equal(
        metricValue(reg, 'vmagent_remotewrite_packets_dropped_total{url="1:secret-url"}'),
        0,
      );
    } finally {
      await rw.close();
      await vm.stop();
    }
  },
});

Deno.test({
  name:
    "RemoteWrite delivers samples and staleness markers to Prometheus, and drops what it rejects (400)",
  ignore: !havePeers("prometheus"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const prom = await startPrometheus(`${dir.path}/prom`);
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [{ url: prom.writeURL, queues: 1 }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
      registry: reg,
    });
    const U = 'url="1:secret-url"';
    try {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
      rw.push([
        series("rwtest_prom", { job: "a" }, [[t0, 1.5], [t0 + 15_000, -2], [t0 + 30_000, 1e-9]]),
        series("rwtest_prom", { job: "b" }, [[t0, 7], [t0 + 15_000, "stale"]]),
      ]);
      rw.flush();
      await waitFor(
        "first block sent",
        () =>
          metricValue(reg, `vmagent_remotewrite_blocks_sent_total{${U}}`) >= 1 ? true : undefined,
        20_000,
        100,
      );
      const range = await promQuery(prom, "rwtest_prom[2m]", t0 + 60_000);
      const byJob = Object.fromEntries(range.map((r) => [r.metric.job, r.values]));
      assert.deepEqual(byJob.a, [[t0 / 1000, "1.5"], [(t0 + 15_000) / 1000, "-2"], [
        (t0 + 30_000) / 1000,
        "1e-09",
      ]]);
      assert.deepEqual(
        byJob.b,
        [[t0 / 1000, "7"]],
        "a staleness marker is not returned as a sample",
      );
      // It ends series b at once, while series a stays visible for the 5-minute lookback.
      const instant = await promQuery(prom, "rwtest_prom", t0 + 20_000);
      assert.deepEqual(instant.map((r) => r.metric.job), ["a"]);
      const before = await promQuery(prom, "rwtest_prom", t0 + 10_000);
      assert.deepEqual(before.map((r) => r.metric.job).sort(), ["a", "b"]);
      // An out-of-order sample: Prometheus answers 400 and the block is dropped, not retried.
      rw.push([series("rwtest_prom", { job: "a" }, [[t0 - 100_000, 0]])]);
      rw.flush();
      await waitFor(
        "rejected block dropped",
        () =>
          metricValue(reg, `vmagent_remotewrite_packets_dropped_total{${U}}`) === 1
            ? true
            : undefined,
        20_000,
        100,
      );
      assert.equal(
        metricValue(reg, `vmagent_remotewrite_requests_total{${U},status_code="400"}`),
        1,
      );
      // Later data still flows.
      rw.push([series("rwtest_prom", { job: "a" }, [[t0 + 45_000, 3]])]);
      rw.flush();
      await waitFor(
        "later sample stored",
        async () => {
          const r = await promQuery(prom, "rwtest_prom{job='a'}", t0 + 50_000);
          return r.length === 1 && r[0].value?.[1] === "3" ? true : undefined;
        },
        20_000,
        100,
      );
    } finally {
      await rw.close();
      await prom.stop();
    }
  },
});

Deno.test({
  name: "vmagent 1.79.5 sends a queue left by our remote write (same folder, same format)",
  ignore: !havePeers("victoria-metrics", "vmagent"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const vmPort = freePort();
    const url = `http://127.0.0.1:${vmPort}/api/v1/write`;
    // Storage down: everything stays in our queue, which close() saves.
    const rw = await RemoteWrite.open({
      urls: [{ url }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
    });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const input = Array.from(
      { length: 50 },
      (_, i) =>
        series("rwtest_handover", { i: String(i) }, [[t0 + i, i], [t0 + i + 1000, i + 0.5]]),
    );
    rw.push(input);
    await new Promise((r) => setTimeout(r, 300));
    await rw.close();
    const vm = await startVictoriaMetrics(`${dir.path}/vm`, { port: vmPort });
    const agentPort = freePort();
    const agent = start(peerPath("vmagent")!, [
      `-httpListenAddr=127.0.0.1:${agentPort}`,
      `-remoteWrite.url=${url}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    try {
      const got = await waitFor(
        "vmagent forwarded our queue",
        async () => {
          const rows = await vmExport(vm, '{__name__="rwtest_handover"}');
          return rows.length === 50 ? rows : undefined;
        },
        30_000,
        300,
      );
      for (const row of got) {
        const i = Number(row.labels.i);
        assert.deepEqual(row.points, [[t0 + i, i], [t0 + i + 1000, i + 0.5]]);
      }
    } finally {
      await agent.stop("SIGTERM", 10_000);
      await vm.stop();
    }
  },
});

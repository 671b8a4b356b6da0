/**
 * The self-metrics of remote write and its queues, by vmagent's names and labels
 * (reference, section 5: `vmagent_remotewrite_*`, `vm_persistentqueue_*`).
 */
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { captureLogs, tempDir } from "../queue/_helpers.ts";
import { FakeClient, ManualClock, metricValue } from "./_fakes.ts";

const URL1 = "http://127.0.0.1:1/api/v1/write";

const s = (i: number): TimeSeries => ({
  labels: [{ name: "__name__", value: "m" }, { name: "i", value: String(i) }],
  samples: [{ value: i, timestamp: 1000 + i }],
});

Deno.test("RemoteWrite exposes vmagent's vmagent_remotewrite_* and vm_persistentqueue_* metrics with their labels", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  const clock = new ManualClock();
  const reg = new MetricsRegistry();
  let up = false;
  const rw = await RemoteWrite.open({
    urls: [{ url: URL1, queues: 1, rateLimit: 1_000_000, retryMaxInterval: 2000 }],
    tmpDataPath: dir.path,
    clock,
    random: () => 0,
    registry: reg,
    cpus: 1,
    chunkFileSize: 64 * 1024,
    maxInmemoryBlocks: 1,
    maxRowsPerBlock: 1,
    createClient: () =>
      new FakeClient(
        clock,
        [],
        () => Promise.resolve(new Response(null, { status: up ? 204 : 503 })),
      ),
  });
  // Down first, so that blocks go through the file queue, then up.
  for (let i = 0; i < 5; i++) rw.push([s(i)]);
  rw.flush();
  await clock.advance(3000);
  up = true;
  await clock.advance(5000);

  const path = rw.urls[0].queueDir;
  const pu = `path="${path}",url="1:secret-url"`;
  const u = 'url="1:secret-url"';
  const pn = `path="${path}",name="1:secret-url"`;
  const text = reg.writePrometheus();
  const ids = [
    `vmagent_remotewrite_pending_data_bytes{${pu}}`,
    `vmagent_remotewrite_pending_inmemory_blocks{${pu}}`,
    `vmagent_remotewrite_queue_blocked{${pu}}`,
    `vmagent_remotewrite_rows_pushed_after_relabel_total{${pu}}`,
    `vmagent_remotewrite_relabel_metrics_dropped_total{${pu}}`,
    `vmagent_remotewrite_samples_dropped_total{${pu}}`,
    `vmagent_remotewrite_push_failures_total{${pu}}`,
    `vmagent_remotewrite_requests_total{${u},status_code="2XX"}`,
    `vmagent_remotewrite_requests_total{${u},status_code="503"}`,
    `vmagent_remotewrite_errors_total{${u}}`,
    `vmagent_remotewrite_retries_count_total{${u}}`,
    `vmagent_remotewrite_packets_dropped_total{${u}}`,
    `vmagent_remotewrite_bytes_sent_total{${u}}`,
    `vmagent_remotewrite_blocks_sent_total{${u}}`,
    `vmagent_remotewrite_duration_seconds_count{${u}}`,
    `vmagent_remotewrite_send_duration_seconds_total{${u}}`,
    `vmagent_remotewrite_queues{${u}}`,
    `vmagent_remotewrite_rate_limit{${u}}`,
    `vmagent_remotewrite_rate_limit_reached_total{${u}}`,
    "vmagent_remotewrite_block_size_bytes_count",
    "vmagent_remotewrite_block_size_rows_count",
    "vmagent_remotewrite_global_rows_pushed_before_relabel_total",
    "vmagent_remotewrite_global_relabel_metrics_dropped_total",
    `vm_persistentqueue_bytes_pending{${pn}}`,
    `vm_persistentqueue_free_disk_space_bytes{${pn}}`,
    `vm_persistentqueue_blocks_written_total{${pn}}`,
    `vm_persistentqueue_bytes_written_total{${pn}}`,
    `vm_persistentqueue_blocks_read_total{${pn}}`,
    `vm_persistentqueue_bytes_read_total{${pn}}`,
    `vm_persistentqueue_blocks_dropped_total{${pn}}`,
    `vm_persistentqueue_bytes_dropped_total{${pn}}`,
    "vm_persistentqueue_read_duration_seconds_total",
    "vm_persistentqueue_write_duration_seconds_total",
  ];
  const missing = ids.filter((id) => Number.isNaN(metricValue(reg, id)));
  assert.deepEqual(missing, [], text);
  const v = (id: string) => metricValue(reg, id);
  assert.equal(v(`vmagent_remotewrite_blocks_sent_total{${u}}`), 5);
  assert.equal(v(`vmagent_remotewrite_rows_pushed_after_relabel_total{${pu}}`), 5);
  assert.equal(v("vmagent_remotewrite_block_size_rows_count"), 5);
  assert.ok(v(`vmagent_remotewrite_requests_total{${u},status_code="503"}`) >= 1);
  assert.ok(v(`vmagent_remotewrite_retries_count_total{${u}}`) >= 1);
  assert.ok(v(`vm_persistentqueue_blocks_written_total{${pn}}`) >= 3, "blocks went to the file");
  assert.equal(
    v(`vm_persistentqueue_bytes_written_total{${pn}}`),
    v(`vm_persistentqueue_bytes_read_total{${pn}}`),
    "what was written to the file was read back",
  );
  assert.equal(v(`vmagent_remotewrite_pending_data_bytes{${pu}}`), 0);
  assert.equal(v(`vmagent_remotewrite_rate_limit{${u}}`), 1_000_000);
  const p = rw.close();
  await clock.advance(6000);
  await p;
  const after = reg.writePrometheus();
  for (const gauge of ["pending_data_bytes", "pending_inmemory_blocks", "queue_blocked"]) {
    assert.ok(!after.includes(`vmagent_remotewrite_${gauge}{`), `${gauge} goes on close`);
  }
  assert.ok(!after.includes("vm_persistentqueue_bytes_pending{"), "bytes_pending goes on close");
});

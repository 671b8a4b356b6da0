import assert from "node:assert/strict";
import { FileQueue } from "../../lib/queue/file_queue.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { queueDirName } from "../../lib/remotewrite/queue_dir.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { snappyDecompress, snappyValid } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { isStaleNaN, type TimeSeries } from "../../lib/util/series.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { FakeClient, ManualClock } from "../remotewrite/_fakes.ts";
import { captureLogs, tempDir } from "./_helpers.ts";

const FIXTURE = new URL("../testdata/queue/vmagent-1.79.5/", import.meta.url).pathname;
const URL_ = "http://127.0.0.1:1/api/v1/write?extra=1#frag";
const DIR = "1_FD109BB61015B79C";

/** The series the fixture was fed with (see its README), stale marker as the string "stale". */
function fedSeries(): { labels: string; samples: [number, number | "stale"][] }[] {
  return Array.from({ length: 20 }, (_, i) => ({
    labels: `__name__=fixture_metric,i=${i},unicode=ü😀`,
    samples: [
      [1700000000000 + i * 1000, i * 1.5],
      [1700000000000 + i * 1000 + 500, i === 3 ? "stale" : -i || 0],
    ],
  }));
}

function simplify(series: TimeSeries[]) {
  return series.map((ts) => ({
    labels: ts.labels.map((l) => `${l.name}=${l.value}`).join(","),
    samples: ts.samples.map((
      s,
    ): [number, number | "stale"] => [s.timestamp, isStaleNaN(s.value) ? "stale" : s.value]),
  }));
}

function copyFixture(to: string): void {
  Deno.mkdirSync(`${to}/persistent-queue/${DIR}`, { recursive: true });
  for (const name of ["0000000000000000", "metainfo.json"]) {
    Deno.copyFileSync(
      `${FIXTURE}persistent-queue/${DIR}/${name}`,
      `${to}/persistent-queue/${DIR}/${name}`,
    );
  }
}

Deno.test("queueDirName() gives the folder vmagent 1.79.5 made for the same URL", async () => {
  await initXXHash64();
  assert.equal(queueDirName(0, URL_), DIR);
});

Deno.test("FileQueue reads a queue written by vmagent 1.79.5", () => {
  using dir = tempDir();
  using _logs = captureLogs();
  copyFixture(dir.path);
  const q = FileQueue.open(`${dir.path}/persistent-queue/${DIR}`, {
    name: "1:secret-url",
    validateBlock: snappyValid,
    registry: new MetricsRegistry(),
  });
  assert.equal(q.pendingBytes, 602);
  const b = q.read()!;
  assert.deepEqual(simplify(decodeWriteRequest(snappyDecompress(b.data))), fedSeries());
  q.ack(b.offset);
  assert.equal(q.read(), null);
  q.close();
});

Deno.test("RemoteWrite picks up and sends a queue left by vmagent 1.79.5", async () => {
  using dir = tempDir();
  using _logs = captureLogs();
  copyFixture(dir.path);
  const clock = new ManualClock();
  const bodies: Uint8Array[] = [];
  const rw = await RemoteWrite.open({
    urls: [{ url: URL_ }],
    tmpDataPath: dir.path,
    clock,
    registry: new MetricsRegistry(),
    createClient: () =>
      new FakeClient(clock, [], (req) => {
        bodies.push(req.body);
        return Promise.resolve(new Response(null, { status: 204 }));
      }),
  });
  await clock.advance(10);
  assert.equal(bodies.length, 1);
  assert.deepEqual(simplify(decodeWriteRequest(snappyDecompress(bodies[0]))), fedSeries());
  const p = rw.close();
  await clock.advance(6000);
  await p;
});

import assert from "node:assert/strict";
import { formatSeriesText, StdoutSink } from "../../lib/remotewrite/stdout_sink.ts";
import { STALE_NAN, type TimeSeries } from "../../lib/util/series.ts";
import { ManualClock } from "./_fakes.ts";

const up: TimeSeries = {
  labels: [{ name: "__name__", value: "up" }, { name: "job", value: 'a"b\\c\nd' }],
  samples: [{ value: 1, timestamp: 1000 }, { value: STALE_NAN, timestamp: 2000 }],
};

Deno.test("formatSeriesText() prints Prometheus text lines with timestamps", () => {
  const f = (series: TimeSeries[], want: string) => assert.equal(formatSeriesText(series), want);
  f([up], 'up{job="a\\"b\\\\c\\nd"} 1 1000\nup{job="a\\"b\\\\c\\nd"} NaN 2000\n');
  f(
    [{ labels: [{ name: "__name__", value: "x" }], samples: [{ value: 1.5e-7, timestamp: 3 }] }],
    "x 1.5e-07 3\n",
  );
  f(
    [{ labels: [{ name: "a", value: "b" }], samples: [{ value: -Infinity, timestamp: 4 }] }],
    '{a="b"} -Inf 4\n',
  );
  f([], "");
});

Deno.test("StdoutSink prints each flush interval and on close", async () => {
  const clock = new ManualClock();
  const out: string[] = [];
  const sink = new StdoutSink({ clock, write: (t) => out.push(t), flushInterval: 1000 });
  assert.ok(sink.push([up]));
  assert.deepEqual(out, []);
  await clock.advance(1000);
  assert.equal(out.length, 1);
  assert.match(out[0], /^up\{job=.*\} 1 1000\n/);
  sink.push([{
    labels: [{ name: "__name__", value: "z" }],
    samples: [{ value: 2, timestamp: 5 }],
  }]);
  await sink.close();
  assert.deepEqual(out.slice(1), ["z 2 5\n"]);
  assert.equal(sink.push([up]), false, "closed");
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("StdoutSink flushes early once maxRowsPerBlock samples are waiting", async () => {
  const clock = new ManualClock();
  const out: string[] = [];
  const sink = new StdoutSink({ clock, write: (t) => out.push(t), maxRowsPerBlock: 2 });
  sink.push([up]);
  assert.equal(out.length, 1);
  await sink.close();
});

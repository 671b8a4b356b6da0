import assert from "node:assert/strict";
import { applyRelabeling, parseRelabelConfigs } from "../../lib/relabel/mod.ts";
import {
  countSamples,
  parseExtraLabels,
  relabelSeries,
  withExtraLabels,
} from "../../lib/remotewrite/series_labels.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";

const ts = (labels: Record<string, string>, n = 1): TimeSeries => ({
  labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
  samples: Array.from({ length: n }, (_, i) => ({ value: i, timestamp: i })),
});
const names = (s: TimeSeries[]) =>
  s.map((x) => x.labels.map((l) => `${l.name}=${l.value}`).join(","));

Deno.test("parseExtraLabels() reads name=value items and rejects items without '='", () => {
  assert.deepEqual(parseExtraLabels(["dc=eu1", "", "q=a=b"]), [
    { name: "dc", value: "eu1" },
    { name: "q", value: "a=b" },
  ]);
  assert.throws(() => parseExtraLabels(["nope"]), /missing '=' in -remoteWrite.label.*"nope"/);
});

Deno.test("withExtraLabels() replaces same-name labels in place, appends others, and copies", () => {
  const input = [ts({ __name__: "up", dc: "old", job: "x" })];
  const out = withExtraLabels(input, parseExtraLabels(["dc=eu1", "env=prod"]));
  assert.deepEqual(names(out), ["__name__=up,dc=eu1,job=x,env=prod"]);
  assert.deepEqual(names(input), ["__name__=up,dc=old,job=x"], "input untouched");
  assert.equal(out[0].samples, input[0].samples, "samples shared, not copied");
});

Deno.test("relabelSeries() applies rules, drops emptied series, removes __ labels except __name__", async () => {
  await initXXHash64();
  const rules = parseRelabelConfigs([
    { action: "drop", source_labels: ["__name__"], regex: "go_.*" },
    { target_label: "__tmp", replacement: "x" },
    { target_label: "env", replacement: "prod" },
    { action: "labeldrop", regex: "job" },
  ]);
  const input = [
    ts({ __name__: "go_gc", job: "a" }),
    ts({ __name__: "up", job: "a" }, 3),
    ts({ __name__: "", job: "b" }),
  ];
  const out = relabelSeries(input, rules, applyRelabeling);
  assert.deepEqual(names(out), ["__name__=up,env=prod", "env=prod"]);
  assert.equal(countSamples(input), 5);
  assert.equal(countSamples(out), 4);
  const dropAll = parseRelabelConfigs([{ action: "labeldrop", regex: ".*" }]);
  assert.deepEqual(relabelSeries(input, dropAll, applyRelabeling), [], "no labels left: dropped");
  assert.deepEqual(names(input)[1], "__name__=up,job=a", "input untouched");
});

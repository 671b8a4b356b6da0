import assert from "node:assert/strict";
import { mergeLabels, sortDedupeKeepLast } from "../../lib/targets/merge_labels.ts";
import type { Label } from "../../lib/util/series.ts";
import { jobOf } from "./_config.ts";

const text = (labels: Label[]) => labels.map((l) => `${l.name}=${l.value}`);

Deno.test("sortDedupeKeepLast() sorts stably by name and keeps the last of each name", () => {
  const f = (input: [string, string][], want: string[]) =>
    assert.deepEqual(
      text(sortDedupeKeepLast(input.map(([name, value]) => ({ name, value })))),
      want,
    );
  f([], []);
  f([["b", "1"], ["a", "2"], ["b", "3"], ["A", "4"]], ["A=4", "a=2", "b=3"]);
  f([["x", "1"], ["x", "2"], ["x", "3"]], ["x=3"]);
});

Deno.test("mergeLabels() starts from the job's defaults, params and Go-rendered durations", () => {
  const f = (job: Record<string, unknown>, groupLabels: [string, string][], want: string[]) =>
    assert.deepEqual(text(mergeLabels(jobOf(job), "t:1", groupLabels)), want);
  f({}, [], [
    "__address__=t:1",
    "__metrics_path__=/metrics",
    "__scheme__=http",
    "__scrape_interval__=1m0s",
    "__scrape_timeout__=10s",
    "job=node",
  ]);
  f({ scrape_interval: "90s", scrape_timeout: "2m", params: { b: ["1", "2"], a: ["x"], e: [] } }, [[
    "z",
    "1",
  ]], [
    "__address__=t:1",
    "__metrics_path__=/metrics",
    "__param_a=x",
    "__param_b=1",
    "__scheme__=http",
    "__scrape_interval__=1m30s",
    "__scrape_timeout__=1m30s",
    "job=node",
    "z=1",
  ]);
  f(
    { scrape_interval: "1h", scrape_timeout: "500ms" },
    [["__address__", "other:2"], ["job", "j"]],
    [
      "__address__=other:2",
      "__metrics_path__=/metrics",
      "__scheme__=http",
      "__scrape_interval__=1h0m0s",
      "__scrape_timeout__=500ms",
      "job=j",
    ],
  );
});

import assert from "node:assert/strict";
import { DroppedTargets } from "../../lib/targets/dropped_targets.ts";
import type { DroppedTarget, DropReason } from "../../lib/targets/types.ts";

const target = (job: string, address: string, reason: DropReason): DroppedTarget => ({
  job,
  discoveredLabels: [{ name: "__address__", value: address }, { name: "job", value: job }],
  reason,
});

Deno.test("DroppedTargets.add() keeps one entry per job and original labels, the latest reason winning", () => {
  const f = (max: number, added: DroppedTarget[], want: string[], wantTotal: number) => {
    const dropped = new DroppedTargets(max);
    for (const d of added) dropped.add(d);
    assert.deepEqual(
      dropped.list.map((d) => `${d.job} ${d.discoveredLabels[0].value} ${d.reason}`),
      want,
    );
    assert.equal(dropped.total, wantTotal);
  };
  f(10, [], [], 0);
  f(10, [target("a", "h:1", "duplicate"), target("a", "h:1", "duplicate")], [
    "a h:1 duplicate",
  ], 1);
  // Equal labels in other arrays are the same target; the entry keeps its place.
  f(
    10,
    [
      target("a", "h:1", "relabeling"),
      target("a", "h:2", "relabeling"),
      target("a", "h:1", "duplicate"),
    ],
    ["a h:1 duplicate", "a h:2 relabeling"],
    2,
  );
  // Another job is another target, whatever the labels.
  f(10, [target("a", "h:1", "relabeling"), target("b", "h:1", "relabeling")], [
    "a h:1 relabeling",
    "b h:1 relabeling",
  ], 2);
  // Past the cap targets are counted once each, and not listed.
  f(
    2,
    [
      target("a", "h:1", "relabeling"),
      target("a", "h:2", "relabeling"),
      target("a", "h:3", "relabeling"),
      target("a", "h:3", "duplicate"),
      target("a", "h:1", "sharding"),
    ],
    ["a h:1 sharding", "a h:2 relabeling"],
    3,
  );
});

import assert from "node:assert/strict";
import { balanceOf, compareAssignments, memberLoads } from "../../lib/cluster/view.ts";
import type { ClusterTarget, ScrapeTarget } from "../../lib/targets/types.ts";

/** Cluster targets with given hashes (only the hash matters for owners). */
const targets = (hashes: bigint[]): ClusterTarget[] =>
  hashes.map((h, i) => ({
    target: {
      job: "j",
      scrapeUrl: `http://t${i}/metrics`,
      labels: [],
      key: `k${i}`,
    } as unknown as ScrapeTarget,
    shardHash: h.toString(16).padStart(16, "0"),
    members: [],
  }));

Deno.test("memberLoads() counts targets per member, replicas included", () => {
  const ts = targets([0n, 1n, 2n, 3n, 4n, 0xffffffffffffffffn]); // last: %3 = 0
  const f = (n: number, rf: number, want: number[]) =>
    assert.deepEqual(memberLoads(ts, n, rf).map((m) => m.targets), want);
  f(3, 1, [3, 2, 1]);
  f(3, 2, [4, 5, 3]);
  f(3, 5, [6, 6, 6]); // more replicas than members: each member once
  f(1, 1, [6]);
  f(2, 1, [3, 3]); // 0xff..ff % 2 = 1
});

Deno.test("balanceOf() gives min, max, mean and population stddev", () => {
  const f = (counts: number[], want: { min: number; max: number; mean: number; stddev: number }) =>
    assert.deepEqual(balanceOf(counts.map((targets, memberNum) => ({ memberNum, targets }))), want);
  f([], { min: 0, max: 0, mean: 0, stddev: 0 });
  f([2, 4, 4, 4, 5, 5, 7, 9], { min: 2, max: 9, mean: 5, stddev: 2 });
  f([3, 3], { min: 3, max: 3, mean: 3, stddev: 0 });
});

Deno.test("compareAssignments() lists targets whose owners change and counts new scrapes", () => {
  const ts = targets([0n, 1n, 2n, 3n, 4n, 5n]);
  const w = compareAssignments(ts, { membersCount: 2, replicationFactor: 1 }, {
    membersCount: 3,
    replicationFactor: 1,
  });
  // owners %2: 0 1 0 1 0 1; %3: 0 1 2 0 1 2 -> hashes 2, 3, 4, 5 move
  assert.equal(w.movedTargets, 4);
  assert.equal(w.newAssignments, 4);
  assert.deepEqual(w.moves.map((m) => [m.target.key, m.from, m.to]), [
    ["k2", [0], [2]],
    ["k3", [1], [0]],
    ["k4", [0], [1]],
    ["k5", [1], [2]],
  ]);
  assert.deepEqual(w.members.map((m) => m.targets), [2, 2, 2]);
  assert.equal(w.balance.stddev, 0);

  const rf = compareAssignments(ts, { membersCount: 3, replicationFactor: 1 }, {
    membersCount: 3,
    replicationFactor: 2,
  }, 2);
  assert.equal(rf.movedTargets, 6);
  assert.equal(rf.newAssignments, 6);
  assert.equal(rf.moves.length, 2, "the list is limited");
  assert.deepEqual(rf.moves[0].to, [0, 1]);

  const same = compareAssignments(ts, { membersCount: 3, replicationFactor: 1 }, {
    membersCount: 3,
    replicationFactor: 1,
  });
  assert.equal(same.movedTargets, 0);
});

import assert from "node:assert/strict";
import { registerClusterMetrics } from "../../lib/cluster/metrics.ts";
import { validateClusterOptions } from "../../lib/cluster/options.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";

Deno.test("registerClusterMetrics() exposes member number, members count and replication factor", () => {
  const r = new MetricsRegistry();
  registerClusterMetrics(
    validateClusterOptions({ membersCount: 3, memberNum: "vmagent-2", replicationFactor: 0 }),
    r,
  );
  assert.equal(
    r.writePrometheus(),
    "vmagent_cluster_member_num 2\nvmagent_cluster_members_count 3\nvmagent_cluster_replication_factor 1\n",
  );
});

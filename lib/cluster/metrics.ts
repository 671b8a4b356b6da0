/**
 * Cluster gauges (ours; vmagent only exposes the flags through `flag{}`, see its issue 4201):
 * `vmagent_cluster_member_num`, `vmagent_cluster_members_count` and
 * `vmagent_cluster_replication_factor`, so that a missing or misnumbered member can be
 * alerted on, e.g. `count(vmagent_cluster_member_num) < max(vmagent_cluster_members_count)`.
 *
 * @module
 */
import { metrics as processMetrics, type MetricsRegistry } from "../metrics/registry.ts";
import type { ClusterOptions } from "./options.ts";

/**
 * Registers the cluster gauges for `options` in `registry` (the process registry by default).
 *
 * @example
 * ```ts
 * registerClusterMetrics(validateClusterOptions({ membersCount: 3, memberNum: "vmagent-1" }));
 * // vmagent_cluster_member_num 1, vmagent_cluster_members_count 3, vmagent_cluster_replication_factor 1
 * ```
 */
export function registerClusterMetrics(
  options: Readonly<ClusterOptions>,
  registry: MetricsRegistry = processMetrics,
): void {
  registry.gauge("vmagent_cluster_member_num").set(options.memberNum);
  registry.gauge("vmagent_cluster_members_count").set(options.membersCount);
  registry.gauge("vmagent_cluster_replication_factor").set(Math.max(1, options.replicationFactor));
}

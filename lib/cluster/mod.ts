/**
 * Cluster membership and sharding: options, shard keys, owner members, the
 * all-members view and the cluster gauges.
 *
 * @module
 */
export * from "./options.ts";
export * from "./shard.ts";
export * from "./view.ts";
export * from "./metrics.ts";

/**
 * Cluster sharding: which members scrape a target. Pure functions of the target's
 * labels (after relabeling) and the cluster options, byte-exact with current vmagent
 * (`appendScrapeWorkKey` and `getClusterMemberNumsForScrapeWork` in lib/promscrape/config.go)
 * and equal to v1.79.5 on plain configs (reference section 1).
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { xxhash64 } from "../util/xxhash64.ts";

/**
 * Builds the text that is hashed to pick a target's members: `name=value,` for each label,
 * in the order given (no quoting, no escaping, trailing comma). With `shardByLabels`
 * (`-promscrape.cluster.shardByLabels`, iterated in sorted order) only those labels that
 * the target has are used (the first label of each name); when it has none of them, all
 * labels are used.
 *
 * @example
 * ```ts
 * shardKey([{ name: "job", value: "node" }, { name: "env", value: "prod" }], []);
 * // "job=node,env=prod,"
 * ```
 */
export function shardKey(labels: readonly Label[], shardByLabels: readonly string[]): string {
  let key = "";
  if (shardByLabels.length > 0) {
    const names = isSorted(shardByLabels) ? shardByLabels : [...shardByLabels].sort();
    for (const name of names) {
      for (const l of labels) {
        if (l.name === name) {
          key += `${l.name}=${l.value},`;
          break;
        }
      }
    }
    if (key !== "") return key;
  }
  for (const l of labels) key += `${l.name}=${l.value},`;
  return key;
}

function isSorted(a: readonly string[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) return false;
  return true;
}

/**
 * Returns the members that own a target whose shard key hashes to `hash` (xxHash64):
 * `hash mod membersCount` (unsigned 64-bit) and the next `replicationFactor - 1` members,
 * wrapping to 0. `replicationFactor` < 1 acts as 1; with `membersCount` <= 1 the answer is [0].
 *
 * @example
 * ```ts
 * ownerMembersForHash(0x796e6742f7ab9ccdn, 3, 2); // [0, 1]
 * ```
 */
export function ownerMembersForHash(
  hash: bigint,
  membersCount: number,
  replicationFactor: number,
): number[] {
  if (membersCount <= 1) return [0];
  let idx = Number(hash % BigInt(membersCount));
  const n = replicationFactor < 1 ? 1 : replicationFactor;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    out[i] = idx;
    idx++;
    if (idx >= membersCount) idx = 0;
  }
  return out;
}

/**
 * Returns the members that scrape a target with shard key `key` (see {@linkcode shardKey}):
 * xxHash64 (seed 0) of its UTF-8 bytes, then {@linkcode ownerMembersForHash}.
 * Requires `await initXXHash64()` once beforehand.
 *
 * @example
 * ```ts
 * await initXXHash64();
 * ownerMembers("__address__=10.0.0.1:9100,__metrics_path__=/metrics,__scheme__=http," +
 *   "__scrape_interval__=1m0s,__scrape_timeout__=10s,job=node,", 2, 1); // [1]
 * ```
 */
export function ownerMembers(
  key: string,
  membersCount: number,
  replicationFactor: number,
): number[] {
  if (membersCount <= 1) return [0];
  return ownerMembersForHash(xxhash64(key), membersCount, replicationFactor);
}

/**
 * The whole cluster as one member sees it. Every member discovers every target and
 * computes the same owners, so any member can tell how targets spread over all members,
 * how balanced that is, and which targets would move under other cluster settings.
 * An extension of ours: vmagent has no such view.
 *
 * @module
 */
import type { ClusterTarget, ScrapeTarget } from "../targets/types.ts";
import { ownerMembersForHash } from "./shard.ts";

/** Target counts of one member. */
export interface MemberLoad {
  memberNum: number;
  /** Targets this member scrapes. */
  targets: number;
}

/** How evenly targets spread over members. */
export interface Balance {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation of the per-member target counts. */
  stddev: number;
}

/** A target whose owners differ between two settings. */
export interface Move {
  target: ScrapeTarget;
  from: number[];
  to: number[];
}

/** The result of {@linkcode compareAssignments}. */
export interface WhatIf {
  membersCount: number;
  replicationFactor: number;
  members: MemberLoad[];
  balance: Balance;
  /** Targets whose set of owners changes. */
  movedTargets: number;
  /** (target, member) pairs that a member would have to start scraping. */
  newAssignments: number;
  /** The moved targets, at most `limit`. */
  moves: Move[];
}

/**
 * Counts the targets of each member `0..membersCount-1` (a target with replicas counts
 * for each owner; owners listed twice, when replicationFactor exceeds membersCount, count once).
 *
 * @example
 * ```ts
 * memberLoads(snapshot.cluster, 3, 1).map((m) => m.targets); // e.g. [98, 103, 99]
 * ```
 */
export function memberLoads(
  targets: readonly ClusterTarget[],
  membersCount: number,
  replicationFactor: number,
): MemberLoad[] {
  const n = Math.max(1, membersCount);
  const counts = new Array<number>(n).fill(0);
  for (const t of targets) {
    for (const m of new Set(ownersOf(t, n, replicationFactor))) counts[m]++;
  }
  return counts.map((targets, memberNum) => ({ memberNum, targets }));
}

/**
 * Summarises member loads: min, max, mean and population standard deviation of their target counts.
 *
 * @example
 * ```ts
 * balanceOf([{ memberNum: 0, targets: 2 }, { memberNum: 1, targets: 4 }]);
 * // { min: 2, max: 4, mean: 3, stddev: 1 }
 * ```
 */
export function balanceOf(loads: readonly MemberLoad[]): Balance {
  if (loads.length === 0) return { min: 0, max: 0, mean: 0, stddev: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const l of loads) {
    min = Math.min(min, l.targets);
    max = Math.max(max, l.targets);
    sum += l.targets;
  }
  const mean = sum / loads.length;
  let sq = 0;
  for (const l of loads) sq += (l.targets - mean) ** 2;
  return { min, max, mean, stddev: Math.sqrt(sq / loads.length) };
}

/**
 * Lists the members that would scrape a cluster target under the given settings, from its shard hash.
 *
 * @example
 * ```ts
 * // shardHash "000000000000000b" is 11, and 11 % 3 = 2: the owner and its next replica
 * ownersOf({ target, shardHash: "000000000000000b", members: [] }, 3, 2); // [2, 0]
 * ```
 */
export function ownersOf(
  t: ClusterTarget,
  membersCount: number,
  replicationFactor: number,
): number[] {
  return ownerMembersForHash(BigInt("0x" + t.shardHash), membersCount, replicationFactor);
}

/**
 * Compares the owners of every target under the current and the next settings: the loads
 * under the next ones, and which targets would move (listing at most `limit`).
 *
 * @example
 * ```ts
 * const w = compareAssignments(snapshot.cluster, { membersCount: 3, replicationFactor: 1 },
 *   { membersCount: 4, replicationFactor: 1 });
 * w.movedTargets; // about 3/4 of the targets with plain modulo hashing
 * ```
 */
export function compareAssignments(
  targets: readonly ClusterTarget[],
  current: { membersCount: number; replicationFactor: number },
  next: { membersCount: number; replicationFactor: number },
  limit = 1000,
): WhatIf {
  const moves: Move[] = [];
  let movedTargets = 0;
  let newAssignments = 0;
  for (const t of targets) {
    const from = [...new Set(ownersOf(t, current.membersCount, current.replicationFactor))].sort(
      num,
    );
    const to = [...new Set(ownersOf(t, next.membersCount, next.replicationFactor))].sort(num);
    if (from.length === to.length && from.every((m, i) => m === to[i])) continue;
    movedTargets++;
    for (const m of to) if (!from.includes(m)) newAssignments++;
    if (moves.length < limit) moves.push({ target: t.target, from, to });
  }
  const members = memberLoads(targets, next.membersCount, next.replicationFactor);
  return {
    membersCount: next.membersCount,
    replicationFactor: next.replicationFactor,
    members,
    balance: balanceOf(members),
    movedTargets,
    newAssignments,
    moves,
  };
}

function num(a: number, b: number): number {
  return a - b;
}

/**
 * Cluster membership options (`-promscrape.cluster.*`) and their validation, as
 * current vmagent checks them at start-up (`mustInitClusterMemberID`).
 *
 * @module
 */

/** Validated `-promscrape.cluster.*` settings. */
export interface ClusterOptions {
  /** `-promscrape.cluster.membersCount`; sharding is active when > 1. @default 1 */
  membersCount: number;
  /** The parsed `-promscrape.cluster.memberNum`. @default 0 */
  memberNum: number;
  /** `-promscrape.cluster.replicationFactor`; values < 1 act as 1. @default 1 */
  replicationFactor: number;
  /** `-promscrape.cluster.shardByLabels`, sorted by name (duplicates kept). @default [] */
  shardByLabels: string[];
  /** `-promscrape.cluster.memberURLTemplate`: `%d` is replaced by a member number. @default "" */
  memberURLTemplate: string;
  /**
   * `-promscrape.cluster.memberLabel`: when set, every target gets this label with the raw
   * `-promscrape.cluster.memberNum` text (after the shard key is computed). @default ""
   */
  memberLabel: string;
  /** The raw `-promscrape.cluster.memberNum` text, e.g. `vmagent-2`. @default "0" */
  memberNumText: string;
}

/** The flag values as given, before validation. */
export interface ClusterFlags {
  /** `-promscrape.cluster.membersCount`. @default 1 */
  membersCount?: number;
  /** The raw `-promscrape.cluster.memberNum` text (e.g. `vmagent-2`). @default "0" */
  memberNum?: string;
  /** `-promscrape.cluster.replicationFactor`. @default 1 */
  replicationFactor?: number;
  /** `-promscrape.cluster.shardByLabels`. @default [] */
  shardByLabels?: string[];
  /** `-promscrape.cluster.memberURLTemplate`. @default "" */
  memberURLTemplate?: string;
  /** `-promscrape.cluster.memberLabel`. @default "" */
  memberLabel?: string;
}

const MAX_INT64 = (1n << 63n) - 1n;

/** Parses a decimal integer as Go's `strconv.Atoi` does; throws its error text. */
function atoi(s: string): number {
  const syntax = () => new RangeError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  let i = 0;
  if (s.startsWith("+") || s.startsWith("-")) i = 1;
  if (i === s.length) throw syntax();
  for (let j = i; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) throw syntax();
  }
  const n = BigInt(s);
  if (n > MAX_INT64 || n < -MAX_INT64 - 1n) {
    throw new RangeError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    // Representable in Go, but far outside any members count: keep it distinguishable.
    return n > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  return Number(n);
}

/**
 * Parses `-promscrape.cluster.memberNum`: the text after the last `-` (so a StatefulSet
 * pod name such as `vmagent-2` works), read with Go `strconv.Atoi` rules (`+1` is accepted,
 * spaces are not), then checked to be in `0..membersCount-1` as current vmagent does.
 * Throws a `RangeError` naming the flag and the value.
 *
 * @example
 * ```ts
 * parseMemberNum("vmagent-2", 3); // 2
 * parseMemberNum("vm-shard-1-0", 2); // 0
 * ```
 */
export function parseMemberNum(text: string, membersCount: number): number {
  const n = memberNumber(text);
  checkMemberRange(text, n, membersCount);
  return n;
}

/** The number after the last `-` of `text`, by Go `strconv.Atoi` rules; throws a RangeError. */
function memberNumber(text: string): number {
  const dash = text.lastIndexOf("-");
  const s = dash >= 0 ? text.slice(dash + 1) : text;
  try {
    return atoi(s);
  } catch (e) {
    throw new RangeError(
      `cannot parse -promscrape.cluster.memberNum=${JSON.stringify(text)}: ${(e as Error).message}`,
    );
  }
}

function checkMemberRange(text: string, n: number, membersCount: number): void {
  if (n < 0 || n >= membersCount) {
    throw new RangeError(
      `-promscrape.cluster.memberNum=${JSON.stringify(text)} (member ${n}) must be in the range ` +
        `[0..${membersCount - 1}] according to -promscrape.cluster.membersCount=${membersCount}`,
    );
  }
}

/**
 * Validates the cluster flags as current vmagent does at start-up, in its order (the
 * `memberNum` text is parsed first, then `membersCount` must be >= 1, then `memberNum` must be
 * in `0..membersCount-1`; see {@linkcode parseMemberNum}) and returns the resolved options with
 * `shardByLabels` sorted. Throws a `RangeError` naming the flag.
 *
 * @example
 * ```ts
 * const c = validateClusterOptions({ membersCount: 3, memberNum: "vmagent-1" });
 * c.memberNum; // 1
 * ```
 */
export function validateClusterOptions(flags: ClusterFlags): ClusterOptions {
  const memberNumText = flags.memberNum ?? "0";
  const memberNum = memberNumber(memberNumText);
  const membersCount = flags.membersCount ?? 1;
  if (!Number.isInteger(membersCount) || membersCount < 1) {
    throw new RangeError(
      `-promscrape.cluster.membersCount can't be lower than 1: got ${membersCount}`,
    );
  }
  const replicationFactor = flags.replicationFactor ?? 1;
  if (!Number.isInteger(replicationFactor)) {
    throw new RangeError(
      `-promscrape.cluster.replicationFactor must be an integer: got ${replicationFactor}`,
    );
  }
  checkMemberRange(memberNumText, memberNum, membersCount);
  return {
    membersCount,
    memberNum,
    replicationFactor,
    shardByLabels: [...(flags.shardByLabels ?? [])].sort(byteOrder),
    memberURLTemplate: flags.memberURLTemplate ?? "",
    memberLabel: flags.memberLabel ?? "",
    memberNumText,
  };
}

/**
 * The cluster options of a lone scraper: one member, no sharding, no member label.
 *
 * @example
 * ```ts
 * buildScrapeTargets(job, groups, { cluster: SINGLE_MEMBER }); // no target is dropped by sharding
 * SINGLE_MEMBER.membersCount; // 1
 * ```
 */
export const SINGLE_MEMBER: Readonly<ClusterOptions> = Object.freeze({
  membersCount: 1,
  memberNum: 0,
  replicationFactor: 1,
  shardByLabels: [],
  memberURLTemplate: "",
  memberLabel: "",
  memberNumText: "0",
});

/** Go's string order: compares UTF-16 code units, which equals UTF-8 byte order outside surrogates. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Discovered groups + job -> scrape targets, exactly as current vmagent's
 * `scrapeWorkConfig.getScrapeWork` (lib/promscrape/config.go): merge the initial
 * labels, relabel, drop empty and meta labels, shard, build the URL, read the
 * `__*__` options back, add `instance`, keep the final labels sorted.
 *
 * @module
 */
import type { ScrapeConfig } from "../config/types.ts";
import type { DiscoveredGroup } from "../discovery/types.ts";
import type { ClusterOptions } from "../cluster/options.ts";
import { SINGLE_MEMBER } from "../cluster/options.ts";
import { ownerMembersForHash, shardKey } from "../cluster/shard.ts";
import { applyRelabeling } from "../relabel/mod.ts";
import type { Label } from "../util/series.ts";
import { getLabelValue, sortLabels } from "../util/labels.ts";
import { parseBytes } from "../util/bytes.ts";
import { parseDuration } from "../util/duration.ts";
import { parseGoAtoi, parseGoBool } from "../util/go_strconv.ts";
import { getLogger, type Logger } from "../util/log.ts";
import { xxhash64 } from "../util/xxhash64.ts";
import type { ClusterTarget, DroppedTarget, ScrapeTarget } from "./types.ts";
import { mergeLabels } from "./merge_labels.ts";
import { checkScrapeURL, getScrapeURL } from "./scrape_url.ts";
import { jobKeyPart, targetId, targetKey } from "./target_key.ts";

/** Options of {@linkcode buildScrapeTargets}. */
export interface BuildOptions {
  /** Cluster options; the default is a single member (no sharding). @default SINGLE_MEMBER */
  cluster?: Readonly<ClusterOptions>;
  /** The config section the groups come from. @default "static_configs" */
  discoveryType?: string;
  /** At most this many dropped targets are returned (all are counted). @default Infinity */
  maxDroppedTargets?: number;
  /** Where per-target errors go. @default getLogger("promscrape") */
  log?: Logger;
  /**
   * `-promscrape.dropOriginalLabels`: do not keep the labels before relabeling, to save
   * memory. Active targets get empty `discoveredLabels` and dropped targets are neither
   * listed nor counted, as vmagent HEAD then registers no dropped target.
   * @default false
   */
  dropOriginalLabels?: boolean;
}

/** What {@linkcode buildScrapeTargets} returns. */
export interface BuildResult {
  /** Targets this member scrapes, in discovery order. */
  active: ScrapeTarget[];
  /** Targets not scraped here, in discovery order (at most `maxDroppedTargets`). */
  dropped: DroppedTarget[];
  /** How many targets were dropped, including those left out of `dropped`. */
  droppedTotal: number;
  /** Every target some member scrapes (this one's included), with its owners: for `/cluster`. */
  cluster: ClusterTarget[];
}

/**
 * Turns the discovered groups of one job into scrape targets for this member.
 * Targets dropped by relabeling, by sharding (with their owner members) or for lack of
 * an address are listed in `dropped`; a target whose URL or `__*__` option labels are
 * invalid is logged and skipped, as vmagent does. So is a target whose scrape interval is
 * zero or negative (vmagent would panic on it; Prometheus rejects it), so every active
 * target has `scrapeInterval > 0`. Requires `await initXXHash64()`.
 *
 * @example
 * ```ts
 * const { active } = buildScrapeTargets(job, [{ targets: ["10.0.0.1:9100"], labels: [] }]);
 * active[0].scrapeUrl; // "http://10.0.0.1:9100/metrics"
 * ```
 */
export function buildScrapeTargets(
  job: ScrapeConfig,
  groups: readonly DiscoveredGroup[],
  options: BuildOptions = {},
): BuildResult {
  const cluster = options.cluster ?? SINGLE_MEMBER;
  const type = options.discoveryType ?? "static_configs";
  const maxDropped = options.maxDroppedTargets ?? Infinity;
  const log = options.log ?? getLogger("promscrape");
  const keepOriginal = options.dropOriginalLabels !== true;
  const ctx: Ctx = { job, type, cluster, jobPart: jobKeyPart(job), keepOriginal };
  const result: BuildResult = { active: [], dropped: [], droppedTotal: 0, cluster: [] };
  const drop = (d: DroppedTarget) => {
    // vmagent HEAD registers a dropped target only together with its original labels.
    if (!keepOriginal) return;
    result.droppedTotal++;
    if (result.dropped.length < maxDropped) result.dropped.push(d);
  };
  const skipsEmpty = type === "static_configs" || type === "file_sd_configs";
  for (const group of groups) {
    for (const address of group.targets) {
      if (address === "" && skipsEmpty) {
        log.error(`skipping empty \`${type}\` target for job_name=${job.jobName}`);
        continue;
      }
      const discoveredLabels = mergeLabels(job, address, group.labels);
      const outcome = buildOne(ctx, discoveredLabels);
      switch (outcome.kind) {
        case "active":
          result.active.push(outcome.target);
          result.cluster.push(outcome.cluster);
          break;
        case "sharded":
          drop({
            job: job.jobName,
            discoveredLabels,
            reason: "sharding",
            clusterMembers: outcome.members,
            labels: outcome.cluster?.target.labels,
            discoveryType: type,
          });
          if (outcome.cluster !== undefined) result.cluster.push(outcome.cluster);
          break;
        case "dropped":
          drop({ job: job.jobName, discoveredLabels, reason: outcome.reason, discoveryType: type });
          break;
        case "error":
          log.error(
            `skipping \`${type}\` target ${JSON.stringify(address)} for job_name=${job.jobName} ` +
              `because of error: ${outcome.error}`,
          );
          break;
      }
    }
  }
  return result;
}

interface Ctx {
  job: ScrapeConfig;
  type: string;
  cluster: Readonly<ClusterOptions>;
  jobPart: string;
  /** False under `-promscrape.dropOriginalLabels`. */
  keepOriginal: boolean;
}

type Outcome =
  | { kind: "active"; target: ScrapeTarget; cluster: ClusterTarget }
  | { kind: "sharded"; members: number[]; cluster?: ClusterTarget }
  | { kind: "dropped"; reason: "relabeling" | "missing scrape URL" }
  | { kind: "error"; error: string };

/** One target through vmagent's getScrapeWork steps, in its order of checks. */
function buildOne(ctx: Ctx, discoveredLabels: Label[]): Outcome {
  const { cluster } = ctx;
  let labels = applyRelabeling(ctx.job.relabelConfigs, discoveredLabels.slice());
  labels = labels.filter((l) => l.name !== "" && l.value !== "" && !l.name.startsWith("__meta_"));
  if (labels.length === 0) return { kind: "dropped", reason: "relabeling" };
  // The shard key is taken from the labels after relabeling, before the URL checks (vmagent HEAD).
  const hash = xxhash64(shardKey(labels, cluster.shardByLabels));
  const members = ownerMembersForHash(hash, cluster.membersCount, cluster.replicationFactor);
  const owned = cluster.membersCount <= 1 || members.includes(cluster.memberNum);
  const finished = finish(ctx, labels);
  if (typeof finished !== "string" && ctx.keepOriginal) {
    finished.discoveredLabels = discoveredLabels;
  }
  const clusterTarget = typeof finished === "string"
    ? undefined
    : { target: finished, shardHash: hash.toString(16).padStart(16, "0"), members };
  if (!owned) return { kind: "sharded", members, cluster: clusterTarget };
  if (finished === MISSING_URL) return { kind: "dropped", reason: "missing scrape URL" };
  if (typeof finished === "string") return { kind: "error", error: finished };
  return { kind: "active", target: finished, cluster: clusterTarget! };
}

const MISSING_URL = "\0missing";

/** The steps after sharding: URL, option labels, final labels. Returns an error text on failure. */
function finish(ctx: Ctx, labels: Label[]): ScrapeTarget | string {
  const { job, cluster } = ctx;
  const { url, address } = getScrapeURL(labels, job.params);
  if (url === "") return MISSING_URL;
  const urlError = checkScrapeURL(url);
  if (urlError !== "") {
    return `invalid target url=${JSON.stringify(url)} for job=${
      JSON.stringify(job.jobName)
    }: ${urlError}`;
  }
  let scrapeInterval = job.scrapeInterval;
  let scrapeTimeout = job.scrapeTimeout;
  let maxScrapeSize = job.maxScrapeSize;
  let seriesLimit = job.seriesLimit;
  let sampleLimit = job.sampleLimit;
  let labelLimit = job.labelLimit;
  let streamParse = job.streamParse;
  try {
    let s = getLabelValue(labels, "__scrape_interval__");
    if (s !== "") {
      scrapeInterval = readOption("__scrape_interval__", s, parseDuration);
      // vmagent HEAD takes any parsed value and then panics on a zero or negative one
      // (modulo by zero, non-positive ticker); Prometheus rejects the target instead.
      if (!(scrapeInterval > 0)) {
        throw new Error(
          `invalid __scrape_interval__=${JSON.stringify(s)}: scrape interval must be positive`,
        );
      }
    }
    s = getLabelValue(labels, "__scrape_timeout__");
    if (s !== "") scrapeTimeout = readOption("__scrape_timeout__", s, parseDuration);
    s = getLabelValue(labels, "__max_scrape_size__");
    if (s !== "") {
      const n = readOption("__max_scrape_size__", s, parseBytes);
      if (n > 0) maxScrapeSize = n;
    }
    s = getLabelValue(labels, "__series_limit__");
    if (s !== "") seriesLimit = readOption("__series_limit__", s, parseGoAtoi);
    s = getLabelValue(labels, "__sample_limit__");
    if (s !== "") sampleLimit = readOption("__sample_limit__", s, parseGoAtoi);
    s = getLabelValue(labels, "__label_limit__");
    if (s !== "") labelLimit = readOption("__label_limit__", s, parseGoAtoi);
    s = getLabelValue(labels, "__stream_parse__");
    if (s !== "") streamParse = readOption("__stream_parse__", s, parseGoBool);
  } catch (e) {
    return (e as Error).message;
  }
  // The label may have been dropped by relabeling: then the job's value stands, and a job not
  // made by the config parser may carry a non-positive one, which would stall the scrape loop.
  if (!(scrapeInterval > 0)) {
    return `invalid scrape_interval=${scrapeInterval}ms for job=${
      JSON.stringify(job.jobName)
    }: scrape interval must be positive`;
  }
  const final = labels.filter((l) => !l.name.startsWith("__"));
  if (getLabelValue(final, "instance") === "") final.push({ name: "instance", value: address });
  if (
    cluster.memberLabel !== "" && cluster.memberNumText !== "" &&
    getLabelValue(final, cluster.memberLabel) === ""
  ) {
    // vmagent appends it unconditionally; a second label of the same name is invalid downstream.
    final.push({ name: cluster.memberLabel, value: cluster.memberNumText });
  }
  sortLabels(final);
  const key = targetKey(ctx.jobPart, {
    discoveryType: ctx.type,
    scrapeUrl: url,
    scrapeInterval,
    scrapeTimeout,
    labels: final,
    maxScrapeSize,
    sampleLimit,
    seriesLimit,
    labelLimit,
    streamParse,
  });
  return {
    key,
    id: targetId(key),
    job: job.jobName,
    scrapeUrl: url,
    labels: final,
    discoveredLabels: [],
    scrapeInterval,
    scrapeTimeout,
    seriesLimit,
    sampleLimit,
    streamParse,
    config: job,
    labelLimit,
    maxScrapeSize,
    discoveryType: ctx.type,
  };
}

function readOption<T>(name: string, value: string, parse: (s: string) => T): T {
  try {
    return parse(value);
  } catch (e) {
    throw new Error(`cannot parse ${name}=${JSON.stringify(value)}: ${(e as Error).message}`);
  }
}

/**
 * `-dryRun` / `-promscrape.config.dryRun`: a one-screen summary of what the agent
 * would do with the given flags and config, without starting anything.
 *
 * @module
 */
import type { ClusterOptions } from "../lib/cluster/options.ts";
import type { Config } from "../lib/config/types.ts";
import { formatGoDuration } from "../lib/util/duration.ts";
import { buildScrapeTargets } from "../lib/targets/build.ts";
import type { DiscoveredGroup } from "../lib/discovery/types.ts";

/** Jobs listed one by one; the rest are counted on one line, so the summary fits a screen. */
const MAX_JOBS_SHOWN = 12;
/** Scrape URLs listed per job (the header line of the job counts them all). */
const MAX_TARGETS_SHOWN = 2;

/**
 * Returns the summary text: per job its interval, discovery, and the static targets this member
 * would scrape. At most {@linkcode MAX_JOBS_SHOWN} jobs with {@linkcode MAX_TARGETS_SHOWN} scrape
 * URLs each are listed, so that the text fits one screen (about 40 lines); counts and totals
 * cover every job and target.
 *
 * @example
 * ```ts
 * dryRunSummary(config, { cluster, remoteWriteURLs: 0 });
 * // config /etc/vmagent/prometheus.yml is valid: 2 scrape configs
 * // cluster: member 0 of 1, replication factor 1
 * // remote write: none (samples would be printed to stdout)
 * // job "apps": every 15s, timeout 10s; static_configs: 1 groups, 3 targets; 2 to scrape, 1 dropped (...)
 * //   scrape http://app-1:8080/metrics
 * //   scrape http://app-2:8080/metrics
 * // ...
 * // this member would scrape 4 static targets (discovered ones come at run time)
 * ```
 */
export function dryRunSummary(
  config: Config,
  opts: { cluster: ClusterOptions; remoteWriteURLs: number },
): string {
  const c = opts.cluster;
  const lines = [
    `config ${config.source} is valid: ${config.scrapeConfigs.length} scrape configs`,
    `cluster: member ${c.memberNum} of ${c.membersCount}, replication factor ${c.replicationFactor}`,
    opts.remoteWriteURLs === 0
      ? "remote write: none (samples would be printed to stdout)"
      : `remote write: ${opts.remoteWriteURLs} URL(s)`,
  ];
  let total = 0;
  let shownJobs = 0;
  let hiddenJobs = 0;
  let hiddenTargets = 0;
  for (const job of config.scrapeConfigs) {
    const groups: DiscoveredGroup[] = job.staticConfigs.map((g) => ({
      targets: g.targets,
      labels: g.labels,
    }));
    const built = buildScrapeTargets(job, groups, { cluster: c });
    total += built.active.length;
    if (shownJobs >= MAX_JOBS_SHOWN) {
      hiddenJobs++;
      hiddenTargets += built.active.length;
      continue;
    }
    shownJobs++;
    const sd: string[] = [];
    if (job.staticConfigs.length > 0) {
      const n = job.staticConfigs.reduce((a, g) => a + g.targets.length, 0);
      let s = `static_configs: ${job.staticConfigs.length} groups, ${n} targets; ` +
        `${built.active.length} to scrape`;
      if (built.droppedTotal > 0) {
        s += `, ${built.droppedTotal} dropped (relabeling, sharding or no address)`;
      }
      sd.push(s);
    }
    if (job.fileSdConfigs.length > 0) {
      sd.push(`file_sd_configs: ${job.fileSdConfigs.flatMap((f) => f.files).join(", ")}`);
    }
    for (const k of job.kubernetesSdConfigs) sd.push(`kubernetes_sd_configs: role ${k.role}`);
    lines.push(
      `job ${JSON.stringify(job.jobName)}: every ${formatGoDuration(job.scrapeInterval)}, timeout ${
        formatGoDuration(job.scrapeTimeout)
      }; ${sd.join("; ") || "no discovery"}`,
    );
    for (const t of built.active.slice(0, MAX_TARGETS_SHOWN)) lines.push(`  scrape ${t.scrapeUrl}`);
  }
  if (hiddenJobs > 0) {
    lines.push(`... and ${hiddenJobs} more jobs with ${hiddenTargets} static targets to scrape`);
  }
  lines.push(`this member would scrape ${total} static targets (discovered ones come at run time)`);
  return lines.join("\n") + "\n";
}

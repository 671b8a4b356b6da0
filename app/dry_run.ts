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

/** Returns the summary text: per job its interval, discovery, and the static targets this member would scrape. */
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
  for (const job of config.scrapeConfigs) {
    const groups: DiscoveredGroup[] = job.staticConfigs.map((g) => ({
      targets: g.targets,
      labels: g.labels,
    }));
    const built = buildScrapeTargets(job, groups, { cluster: c });
    total += built.active.length;
    const sd: string[] = [];
    if (job.staticConfigs.length > 0) {
      const n = job.staticConfigs.reduce((a, g) => a + g.targets.length, 0);
      sd.push(`static_configs: ${job.staticConfigs.length} groups, ${n} targets`);
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
    const shown = built.active.slice(0, 5);
    for (const t of shown) lines.push(`  scrape ${t.scrapeUrl}`);
    if (built.active.length > shown.length) {
      lines.push(`  ... and ${built.active.length - shown.length} more static targets`);
    }
    if (built.droppedTotal > 0) {
      lines.push(
        `  ${built.droppedTotal} static targets dropped (relabeling, sharding or no address)`,
      );
    }
  }
  lines.push(`this member would scrape ${total} static targets (discovered ones come at run time)`);
  return lines.join("\n") + "\n";
}

/**
 * Turns the parsed flags into the option objects of each stage. This is the only
 * place that knows both the flag names and the stages' option shapes.
 *
 * @module
 */
import type { AgentFlags } from "../lib/flags/mod.ts";
import type { ScrapePoolOptions } from "../lib/scrape/scrape_pool.ts";
import type { ClusterFlags } from "../lib/cluster/options.ts";
import type { LoggerOptions, LogLevel } from "../lib/util/log.ts";

/** `-loggerLevel` and friends. */
export function loggerOptions(flags: AgentFlags): LoggerOptions {
  return {
    level: flags.get("loggerLevel") as LogLevel,
    format: flags.get("loggerFormat") as "default" | "json",
    output: flags.get("loggerOutput") as "stderr" | "stdout",
    timezone: flags.get("loggerTimezone"),
    errorsPerSecondLimit: flags.get("loggerErrorsPerSecondLimit"),
    warnsPerSecondLimit: flags.get("loggerWarnsPerSecondLimit"),
  };
}

/** The `-promscrape.cluster.*` flags. */
export function clusterFlags(flags: AgentFlags): ClusterFlags {
  return {
    membersCount: flags.get("promscrape.cluster.membersCount"),
    memberNum: flags.get("promscrape.cluster.memberNum"),
    replicationFactor: flags.get("promscrape.cluster.replicationFactor"),
    shardByLabels: [...flags.get("promscrape.cluster.shardByLabels")],
    memberURLTemplate: flags.get("promscrape.cluster.memberURLTemplate"),
    memberLabel: flags.get("promscrape.cluster.memberLabel"),
  };
}

/** The scraper's flags (everything but the sink and the cluster member). */
export function scrapeOptions(
  flags: AgentFlags,
): Omit<ScrapePoolOptions, "sink" | "memberNum" | "memberLabel" | "externalLabels"> {
  return {
    clusterName: flags.get("promscrape.cluster.name"),
    noStaleMarkers: flags.get("promscrape.noStaleMarkers"),
    maxScrapeSize: flags.get("promscrape.maxScrapeSize"),
    seriesLimitPerTarget: flags.get("promscrape.seriesLimitPerTarget"),
    disableCompression: flags.get("promscrape.disableCompression"),
    disableKeepAlive: flags.get("promscrape.disableKeepAlive"),
    streamParse: flags.get("promscrape.streamParse"),
    minResponseSizeForStreamParse: flags.get("promscrape.minResponseSizeForStreamParse"),
    suppressScrapeErrors: flags.get("promscrape.suppressScrapeErrors"),
    suppressScrapeErrorsDelay: flags.get("promscrape.suppressScrapeErrorsDelay"),
  };
}

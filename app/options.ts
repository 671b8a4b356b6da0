/**
 * Turns the parsed flags into the option objects of each stage. This is the only
 * place that knows both the flag names and the stages' option shapes.
 *
 * @module
 */
import type { AgentFlags } from "../lib/flags/mod.ts";
import type { RemoteWriteOptions, RemoteWriteURLOptions } from "../lib/remotewrite/options.ts";
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

/** Per-URL remote write settings: item i of each per-URL array flag, or the single item. */
export function remoteWriteURLOptions(flags: AgentFlags): RemoteWriteURLOptions[] {
  return flags.get("remoteWrite.url").map((url, i) => ({
    url,
    queues: flags.getArg("remoteWrite.queues", i),
    maxDiskUsage: flags.getArg("remoteWrite.maxDiskUsagePerURL", i),
    disableOnDiskQueue: flags.getArg("remoteWrite.disableOnDiskQueue", i),
    rateLimit: flags.getArg("remoteWrite.rateLimit", i),
    sendTimeout: flags.getArg("remoteWrite.sendTimeout", i),
    retryMinInterval: flags.getArg("remoteWrite.retryMinInterval", i),
    retryMaxInterval: flags.getArg("remoteWrite.retryMaxInterval", i),
    headers: flags.getArg("remoteWrite.headers", i),
    basicAuthUsername: flags.getArg("remoteWrite.basicAuth.username", i) || undefined,
    basicAuthPassword: flags.getArg("remoteWrite.basicAuth.password", i) || undefined,
    basicAuthPasswordFile: flags.getArg("remoteWrite.basicAuth.passwordFile", i) || undefined,
    bearerToken: flags.getArg("remoteWrite.bearerToken", i) || undefined,
    bearerTokenFile: flags.getArg("remoteWrite.bearerTokenFile", i) || undefined,
    tlsCAFile: flags.getArg("remoteWrite.tlsCAFile", i) || undefined,
    tlsCertFile: flags.getArg("remoteWrite.tlsCertFile", i) || undefined,
    tlsKeyFile: flags.getArg("remoteWrite.tlsKeyFile", i) || undefined,
    tlsServerName: flags.getArg("remoteWrite.tlsServerName", i) || undefined,
    tlsInsecureSkipVerify: flags.getArg("remoteWrite.tlsInsecureSkipVerify", i),
    proxyURL: flags.getArg("remoteWrite.proxyURL", i) || undefined,
    significantFigures: flags.getArg("remoteWrite.significantFigures", i),
    roundDigits: flags.getArg("remoteWrite.roundDigits", i),
  }));
}

/** The remote write flags, without the relabel rules (loaded from files by the caller). */
export function remoteWriteOptions(
  flags: AgentFlags,
): Omit<RemoteWriteOptions, "relabelRules" | "urls"> {
  return {
    tmpDataPath: flags.get("remoteWrite.tmpDataPath"),
    labels: [...flags.get("remoteWrite.label")],
    flushInterval: flags.get("remoteWrite.flushInterval"),
    maxBlockSize: flags.get("remoteWrite.maxBlockSize"),
    maxRowsPerBlock: flags.get("remoteWrite.maxRowsPerBlock"),
    showURL: flags.get("remoteWrite.showURL"),
    dropSamplesOnOverload: flags.get("remoteWrite.dropSamplesOnOverload"),
    keepDanglingQueues: flags.get("remoteWrite.keepDanglingQueues"),
  };
}

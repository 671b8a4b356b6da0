/**
 * Turns the parsed flags into the option objects of each stage. This is the only
 * place that knows both the flag names and the stages' option shapes.
 *
 * @module
 */
import type { AgentFlags } from "../lib/flags/mod.ts";
import type { KubernetesSDConfig } from "../lib/config/types.ts";
import type { ScrapePoolOptions } from "../lib/scrape/scrape_pool.ts";
import type { WorkerPoolOptions } from "../lib/scrape/worker_messages.ts";
import type { ClusterFlags, ClusterOptions } from "../lib/cluster/options.ts";
import type { Config } from "../lib/config/types.ts";
import type { Sink } from "../lib/util/series.ts";
import type { RouterOptions } from "../lib/server/router_options.ts";
import type { ServeOptions } from "../lib/server/serve.ts";
import type { LoggerOptions, LogLevel } from "../lib/util/log.ts";

/** `-loggerLevel` and friends. */
export function loggerOptions(flags: AgentFlags): LoggerOptions {
  return {
    level: flags.get("loggerLevel") as LogLevel,
    format: flags.get("loggerFormat") as "default" | "json",
    output: flags.get("loggerOutput") as "stderr" | "stdout",
    timezone: flags.get("loggerTimezone"),
    disableTimestamps: flags.get("loggerDisableTimestamps"),
    jsonFields: flags.get("loggerJSONFields"),
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

/**
 * The options of a scrape pool: the scraper's flags, the cluster member, the sink, and the
 * `global.external_labels` of `config`.
 */
export function scrapePoolOptions(
  flags: AgentFlags,
  cluster: ClusterOptions,
  opts: { sink: Sink; config: Config },
): ScrapePoolOptions {
  return {
    ...scrapeOptions(flags),
    sink: opts.sink,
    memberNum: cluster.memberNum,
    memberLabel: cluster.memberLabel === ""
      ? undefined
      : { name: cluster.memberLabel, value: cluster.memberNumText },
    externalLabels: opts.config.global.externalLabels,
  };
}

/** The options of a pool in scrape Workers: {@linkcode scrapePoolOptions} but the sink. */
export function workerPoolOptions(
  flags: AgentFlags,
  cluster: ClusterOptions,
  config: Config,
): WorkerPoolOptions {
  const { sink: _sink, ...rest } = scrapePoolOptions(flags, cluster, {
    sink: { push: () => true },
    config,
  });
  return rest;
}

/** The listener flags of `serve()`: addresses, TLS, IPv6, shutdown and compression. */
export function serveOptions(
  flags: AgentFlags,
): Pick<
  ServeOptions,
  | "listenAddrs"
  | "tls"
  | "tlsCertFile"
  | "tlsKeyFile"
  | "enableTCP6"
  | "shutdownDelayMs"
  | "maxGracefulShutdownMs"
  | "disableResponseCompression"
> {
  return {
    // Unfiltered: -tls, -tlsCertFile and -tlsKeyFile match addresses by position, and
    // serve() skips the empty ones itself, as vmagent does.
    listenAddrs: [...flags.get("httpListenAddr")],
    tls: [...flags.get("tls")],
    tlsCertFile: [...flags.get("tlsCertFile")],
    tlsKeyFile: [...flags.get("tlsKeyFile")],
    enableTCP6: flags.get("enableTCP6"),
    shutdownDelayMs: flags.get("http.shutdownDelay"),
    maxGracefulShutdownMs: flags.get("http.maxGracefulShutdownDuration"),
    disableResponseCompression: flags.get("http.disableResponseCompression"),
  };
}

/**
 * The router flags: `-http.pathPrefix`, `-http.header.*` and `-http.disableCORS`.
 * `hostname` is sent as `X-Server-Hostname` unless `-http.header.disableServerHostname`.
 */
export function routerFlagOptions(
  flags: AgentFlags,
  hostname: string,
): Pick<RouterOptions, "pathPrefix" | "headers" | "disableCORS"> {
  return {
    pathPrefix: flags.get("http.pathPrefix"),
    headers: {
      hsts: flags.get("http.header.hsts"),
      frameOptions: flags.get("http.header.frameOptions"),
      csp: flags.get("http.header.csp"),
      serverHostname: flags.get("http.header.disableServerHostname") ? "" : hostname,
    },
    disableCORS: flags.get("http.disableCORS"),
  };
}

/**
 * Applies `-promscrape.kubernetes.attachNodeMetadataAll` and
 * `-promscrape.kubernetes.attachNamespaceMetadataAll` to one `kubernetes_sd_configs` entry.
 * As in vmagent HEAD, the flags are the values of an entry without an `attach_metadata`
 * section; an entry with the section keeps both of its values (an omitted one is false),
 * so `attach_metadata: {node: false}` opts out. Returns `sd` itself when nothing changes.
 *
 * @example
 * ```ts
 * const sd = withAttachMetadataFlags(config.scrapeConfigs[0].kubernetesSdConfigs[0], flags);
 * ```
 */
export function withAttachMetadataFlags(
  sd: KubernetesSDConfig,
  flags: AgentFlags,
): KubernetesSDConfig {
  if (sd.attachMetadataSet === true) return sd;
  const node = flags.get("promscrape.kubernetes.attachNodeMetadataAll");
  const namespace = flags.get("promscrape.kubernetes.attachNamespaceMetadataAll");
  if (node === sd.attachMetadata.node && namespace === sd.attachMetadata.namespace) return sd;
  return { ...sd, attachMetadata: { node, namespace } };
}

/**
 * vmagent HEAD `-promscrape.*` flags (names, types and defaults as in lib/promscrape at HEAD;
 * descriptions in our words).
 *
 * @module
 */

import {
  boolFlag,
  bytesFlag,
  durationFlag,
  intFlag,
  stringArrayFlag,
  stringFlag,
} from "./flag_spec.ts";

const CLUSTER_DOCS = "See https://docs.victoriametrics.com/victoriametrics/vmagent/" +
  "#scraping-big-number-of-targets";

/**
 * Scraping, service discovery and cluster sharding flags.
 *
 * @example
 * ```ts
 * PROMSCRAPE_FLAGS["promscrape.maxScrapeSize"].default; // 16777216
 * PROMSCRAPE_FLAGS["promscrape.cluster.membersCount"].default; // 1
 * ```
 */
export const PROMSCRAPE_FLAGS = {
  "promscrape.config": stringFlag(
    "",
    "Optional path or http(s) URL of a Prometheus-style config file whose scrape_configs " +
      "section lists the targets to scrape",
  ),
  "promscrape.config.strictParse": boolFlag(
    true,
    "Whether unsupported fields in -promscrape.config are errors. Set it to false to ignore them",
  ),
  "promscrape.config.dryRun": boolFlag(
    false,
    "Check -promscrape.config for errors and unsupported fields, then exit: non-zero with the " +
      "errors on stderr when it is invalid. See also -promscrape.config.strictParse",
  ),
  "promscrape.configCheckInterval": durationFlag(
    "0s",
    "How often to check -promscrape.config for changes. 0 disables the check",
  ),
  "promscrape.fileSDCheckInterval": durationFlag(
    "1m",
    "How often to check the files of file_sd_configs for changes",
  ),
  "promscrape.kubernetesSDCheckInterval": durationFlag(
    "30s",
    "How often to check the Kubernetes API server for changes when kubernetes_sd_configs " +
      "are used",
  ),
  "promscrape.kubernetes.apiServerTimeout": durationFlag(
    "30m",
    "How often to reload the whole state from the Kubernetes API server; watch requests " +
      "last up to 90% of it",
  ),
  "promscrape.kubernetes.attachNodeMetadataAll": boolFlag(
    false,
    "Whether every kubernetes_sd_configs entry of -promscrape.config attaches node " +
      "metadata, as attach_metadata.node=true does. " +
      "See https://docs.victoriametrics.com/victoriametrics/sd_configs/#kubernetes_sd_configs",
  ),
  "promscrape.kubernetes.attachNamespaceMetadataAll": boolFlag(
    false,
    "Whether every kubernetes_sd_configs entry of -promscrape.config attaches namespace " +
      "metadata, as attach_metadata.namespace=true does. " +
      "See https://docs.victoriametrics.com/victoriametrics/sd_configs/#kubernetes_sd_configs",
  ),
  "promscrape.maxScrapeSize": bytesFlag(
    16 * 1024 * 1024,
    "Largest uncompressed scrape response to accept; bigger responses are rejected. " +
      "scrape_configs may override it with max_scrape_size",
  ),
  "promscrape.disableCompression": boolFlag(
    false,
    "Whether to stop asking targets for gzip (Accept-Encoding: gzip). Saves CPU on targets at " +
      "the cost of bandwidth. Per job: disable_compression in scrape_configs",
  ),
  "promscrape.disableKeepAlive": boolFlag(
    false,
    "Whether to open a new connection for every scrape, for targets without keep-alive " +
      "support. This adds load on the agent and the targets. Per job: disable_keepalive",
  ),
  // vmagent-deno's own flag: Go spreads vmagent's scraping over every core without one.
  "promscrape.workers": intFlag(
    0,
    "Number of Worker threads that fetch, parse, relabel and encode scraped data, so that " +
      "scraping uses more than one CPU core; 0 scrapes in the main thread, which also sends to " +
      "-remoteWrite.url. On 2 cores 0 used the least CPU and memory up to 400k samples/s; set " +
      "it up to the number of cores when scrapes of one member queue up (scrape durations near " +
      "the interval). Each Worker costs about 20MB of memory. This flag is vmagent-deno's own",
  ),
  "promscrape.streamParse": boolFlag(
    false,
    "Whether to parse every scrape response as a stream, which lowers memory use for targets " +
      "with millions of series. Per job: stream_parse",
  ),
  "promscrape.minResponseSizeForStreamParse": bytesFlag(
    1e6,
    "Responses at least this big are parsed as a stream automatically, to save memory",
  ),
  "promscrape.noStaleMarkers": boolFlag(
    false,
    "Whether to stop sending Prometheus staleness markers when a target or series disappears. " +
      "Saves memory; also stops filling scrape_series_added",
  ),
  "promscrape.seriesLimitPerTarget": intFlag(
    0,
    "Optional limit on the number of unique series one target may expose. 0 means no limit",
  ),
  "promscrape.maxDroppedTargets": intFlag(
    10000,
    "How many dropped targets to keep for /api/v1/targets and /service-discovery. Raising it " +
      "helps debugging relabeling that drops many targets, at the cost of memory",
  ),
  "promscrape.suppressDuplicateScrapeTargetErrors": boolFlag(
    false,
    "Whether to stop logging 'duplicate scrape target' errors",
  ),
  "promscrape.suppressScrapeErrors": boolFlag(
    false,
    "Whether to stop logging scrape errors. The last error of each target stays visible on " +
      "/targets. See also -promscrape.suppressScrapeErrorsDelay",
  ),
  "promscrape.suppressScrapeErrorsDelay": durationFlag(
    "0s",
    "Log a repeated scrape error of a target at most once per this delay, to cut log volume. " +
      "See also -promscrape.suppressScrapeErrors",
  ),
  "promscrape.cluster.membersCount": intFlag(
    1,
    "Number of agents sharing the scrape targets. Each one needs a distinct " +
      "-promscrape.cluster.memberNum from 0 to membersCount-1 and scrapes about 1/N of the " +
      `targets. 1 means no sharing. ${CLUSTER_DOCS}`,
  ),
  "promscrape.cluster.memberNum": stringFlag(
    "0",
    "This agent's number in the cluster, unique from 0 to -promscrape.cluster.membersCount-1. " +
      "A StatefulSet pod name such as vmagent-2 works: the number after the last '-' is used. " +
      `See also -promscrape.cluster.memberLabel. ${CLUSTER_DOCS}`,
  ),
  "promscrape.cluster.replicationFactor": intFlag(
    1,
    "How many cluster members scrape each target. Above 1 the remote storage must deduplicate. " +
      CLUSTER_DOCS,
  ),
  "promscrape.cluster.name": stringFlag(
    "",
    "Optional cluster name. Clusters scraping the same targets need distinct names so that " +
      `their samples can be deduplicated. ${CLUSTER_DOCS}`,
  ),
  "promscrape.cluster.memberLabel": stringFlag(
    "",
    "If set, a label of this name with the -promscrape.cluster.memberNum value is added to " +
      `every scraped series. ${CLUSTER_DOCS}`,
  ),
  "promscrape.cluster.memberURLTemplate": stringFlag(
    "",
    "Optional URL template of other members' pages; each %d is replaced by a member number to " +
      "link targets owned by other members on /service-discovery, e.g. " +
      `-promscrape.cluster.memberURLTemplate='http://vmagent-%d:8429/targets'. ${CLUSTER_DOCS}`,
  ),
  "promscrape.cluster.shardByLabels": stringArrayFlag(
    "Optional target labels used to shard targets between members when " +
      "-promscrape.cluster.membersCount is above 1. When a target has none of them, all its " +
      `labels are used. ${CLUSTER_DOCS}`,
  ),
  "promscrape.dropOriginalLabels": boolFlag(
    false,
    "Whether to forget targets' labels before relabeling (shown on /targets and " +
      "/api/v1/targets). Saves memory with many targets but makes relabeling harder to debug",
  ),
} as const;

/**
 * One `scrape_configs[]` entry: fields of vmagent HEAD's `promscrape.ScrapeConfig`,
 * defaults and checks as in its `getScrapeWorkConfig`.
 *
 * @module
 */
import type { RelabelRule } from "../relabel/types.ts";
import { parseBytes } from "../util/bytes.ts";
import { formatGoDuration, parseDuration } from "../util/duration.ts";
import type { FileSDConfig, ScrapeConfig, TargetGroup } from "./types.ts";
import { HTTP_CLIENT_FIELDS, PROXY_CLIENT_FIELDS, readHTTPClientConfig } from "./_http_client.ts";
import { readKubernetesSDConfigs } from "./_kubernetes_sd.ts";
import { resolvePath } from "./_path.ts";
import { readRelabelConfigs } from "./_relabel.ts";
import { type MapReader, readMap } from "./_map_reader.ts";
import { describe, type ListItem, scalarText, sortedEntries } from "./_yaml_file.ts";
import { isMap, isScalar, isSeq } from "yaml";

/**
 * SD mechanisms vmagent has and vmagent-deno does not (yet): a non-empty one is a
 * config error rather than an unknown field.
 *
 * @example
 * ```ts
 * UNSUPPORTED_SD_CONFIGS.includes("consul_sd_configs"); // true
 * // a job with consul_sd_configs fails: "consul_sd_configs is not supported by vmagent-deno yet"
 * ```
 */
export const UNSUPPORTED_SD_CONFIGS = [
  "azure_sd_configs",
  "consul_sd_configs",
  "consulagent_sd_configs",
  "digitalocean_sd_configs",
  "dns_sd_configs",
  "docker_sd_configs",
  "dockerswarm_sd_configs",
  "ec2_sd_configs",
  "eureka_sd_configs",
  "gce_sd_configs",
  "hetzner_sd_configs",
  "http_sd_configs",
  "kuma_sd_configs",
  "linode_sd_configs",
  "marathon_sd_configs",
  "nomad_sd_configs",
  "openstack_sd_configs",
  "ovhcloud_sd_configs",
  "puppetdb_sd_configs",
  // vmagent's YAML name for Vultr is `vultr_configs`; Prometheus calls it `vultr_sd_configs`.
  "vultr_configs",
  "vultr_sd_configs",
  "yandexcloud_sd_configs",
] as const;

const SCRAPE_FIELDS = [
  "job_name",
  "scrape_interval",
  "scrape_timeout",
  "max_scrape_size",
  "metrics_path",
  "honor_labels",
  "honor_timestamps",
  "scheme",
  "params",
  ...HTTP_CLIENT_FIELDS,
  "proxy_url",
  "relabel_configs",
  "metric_relabel_configs",
  "sample_limit",
  "label_limit",
  "enable_compression",
  "static_configs",
  "file_sd_configs",
  "kubernetes_sd_configs",
  "disable_compression",
  "disable_keepalive",
  "stream_parse",
  "scrape_align_interval",
  "scrape_offset",
  "series_limit",
  "no_stale_markers",
  ...PROXY_CLIENT_FIELDS,
  ...UNSUPPORTED_SD_CONFIGS,
] as const;

/** What a job inherits from `global`. */
export interface JobDefaults {
  /** Already defaulted to 1m. */
  scrapeInterval: number;
  /** Already defaulted to 10s. */
  scrapeTimeout: number;
  sampleLimit: number;
  labelLimit: number;
  /** `global.relabel_configs`, run before the job's own. */
  relabelConfigs: RelabelRule[];
  /** `global.metric_relabel_configs`, run before the job's own. */
  metricRelabelConfigs: RelabelRule[];
}

/**
 * Reads duration field `key` (vmagent syntax) in milliseconds, undefined when absent;
 * records it for /config as Go prints it. A bad value is a ConfigError at the field.
 *
 * @example
 * ```ts
 * // r reads "scrape_interval: 90s"
 * readDuration(r, "scrape_interval"); // 90000; r.output() is { scrape_interval: "1m30s" }
 * ```
 */
export function readDuration(r: MapReader, key: string): number | undefined {
  const s = r.string(key);
  if (s === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDuration(s);
  } catch (e) {
    throw r.fail(key, (e as Error).message);
  }
  r.put(key, formatGoDuration(ms));
  return ms;
}

function readParams(r: MapReader): [string, string[]][] {
  const n = r.node("params");
  if (n === null) return [];
  if (!isMap(n)) throw r.fail("params", `must be a map of string lists; got ${describe(n)}`);
  const out: [string, string[]][] = [];
  const entries = sortedEntries(r.y.entries(n, [...r.path, "params"]));
  for (const e of entries) {
    const path = [...r.path, "params", e.key];
    const v = e.value;
    if (v !== null && !isSeq(v)) {
      throw r.y.error(v, path, `must be a list of strings; got ${describe(v)}`);
    }
    const values = (v?.items ?? []).map((item, i) => {
      const s = r.y.resolve(item);
      if (s !== null && !isScalar(s)) {
        throw r.y.error(s, [...path, i], `must be a string; got ${describe(s)}`);
      }
      return s === null ? "" : scalarText(s);
    });
    out.push([e.key, values]);
  }
  r.put("params", Object.fromEntries(out));
  return out;
}

function readStaticConfigs(r: MapReader): TargetGroup[] {
  const out: TargetGroup[] = [];
  const marshalled: unknown[] = [];
  for (const item of r.list("static_configs")) {
    const s = readMap(r.y, item, { known: ["targets", "labels"] });
    out.push({ targets: s.stringList("targets") ?? [], labels: s.stringMap("labels") ?? [] });
    marshalled.push(s.output());
  }
  if (r.has("static_configs")) r.put("static_configs", marshalled);
  return out;
}

function readFileSDConfigs(r: MapReader, baseDir: string): FileSDConfig[] {
  const out: FileSDConfig[] = [];
  const marshalled: unknown[] = [];
  for (const item of r.list("file_sd_configs")) {
    const f = readMap(r.y, item, { known: ["files"] });
    out.push({ files: (f.stringList("files") ?? []).map((p) => resolvePath(baseDir, p)) });
    marshalled.push(f.output());
  }
  if (r.has("file_sd_configs")) r.put("file_sd_configs", marshalled);
  return out;
}

function rejectUnsupported(r: MapReader): void {
  for (const key of UNSUPPORTED_SD_CONFIGS) {
    const n = r.node(key);
    if (n !== null && !(isSeq(n) && n.items.length === 0)) {
      throw r.fail(key, `${key} is not supported by vmagent-deno yet`);
    }
  }
}

/** What {@linkcode readScrapeConfig} returns. */
export interface ReadScrapeConfig {
  sc: ScrapeConfig;
  /** The re-marshalled form for /config (secrets as SecretValue). */
  out: Record<string, unknown>;
  /** A ConfigError at this job's `job_name` (for duplicate names). */
  failJobName: (reason: string) => Error;
}

/**
 * Reads and checks one `scrape_configs[]` entry, applying `global` defaults (a timeout
 * above the interval is cut to it); returns the resolved config and its /config form.
 *
 * @example
 * ```ts
 * const { sc, out } = readScrapeConfig(item, { y, baseDir: "/etc/vmagent", defaults });
 * // for "job_name: k8s\nscrape_interval: 1m30s" with the default 10s timeout:
 * // sc.jobName "k8s", sc.scrapeInterval 90000, sc.scrapeTimeout 10000, sc.metricsPath "/metrics"
 * ```
 */
export function readScrapeConfig(
  item: ListItem,
  r0: { y: MapReader["y"]; baseDir: string; defaults: JobDefaults },
): ReadScrapeConfig {
  const { y, baseDir, defaults } = r0;
  const r = readMap(y, item, { known: SCRAPE_FIELDS });
  rejectUnsupported(r);
  const jobName = r.string("job_name") ?? "";
  if (jobName === "") {
    throw r.has("job_name")
      ? r.fail("job_name", "`job_name` cannot be empty")
      : r.failHere("missing `job_name` field");
  }

  const interval = readDuration(r, "scrape_interval") ?? 0;
  const timeout = readDuration(r, "scrape_timeout") ?? 0;
  const scrapeInterval = interval > 0 ? interval : defaults.scrapeInterval;
  let scrapeTimeout = timeout > 0 ? timeout : defaults.scrapeTimeout;
  // Like Prometheus and vmagent: a timeout longer than the interval is cut to the interval.
  if (scrapeTimeout > scrapeInterval) scrapeTimeout = scrapeInterval;

  let maxScrapeSize = 0;
  const mss = r.string("max_scrape_size");
  if (mss !== undefined && mss !== "") {
    try {
      maxScrapeSize = Math.max(parseBytes(mss), 0);
    } catch {
      const quoted = JSON.stringify(mss);
      throw r.fail(
        "max_scrape_size",
        `cannot parse \`max_scrape_size\` value ${quoted}: cannot parse size ${quoted}`,
      );
    }
  }
  const metricsPath = r.string("metrics_path") || "/metrics";
  const honorLabels = r.bool("honor_labels") ?? false;
  const honorTimestamps = r.bool("honor_timestamps") ?? false;
  const schemeWritten = r.string("scheme") ?? "";
  const scheme = schemeWritten.toLowerCase() || "http";
  if (scheme !== "http" && scheme !== "https") {
    throw r.fail(
      "scheme",
      `unexpected \`scheme\`: ${JSON.stringify(scheme)}; supported values: http or https`,
    );
  }
  const params = readParams(r);
  const http = readHTTPClientConfig(r, baseDir, { proxyAuth: true });
  const relabelConfigs = readRelabelConfigs(r, "relabel_configs");
  const metricRelabelConfigs = readRelabelConfigs(r, "metric_relabel_configs");
  const sampleLimit = r.int("sample_limit") ?? 0;
  const labelLimit = r.int("label_limit") ?? 0;
  const enableCompression = r.bool("enable_compression");
  const staticConfigs = readStaticConfigs(r);
  const fileSdConfigs = readFileSDConfigs(r, baseDir);
  const kubernetesSdConfigs = readKubernetesSDConfigs(r, baseDir);
  const disableCompression = r.bool("disable_compression") ?? false;
  const disableKeepalive = r.bool("disable_keepalive") ?? false;
  const streamParse = r.bool("stream_parse") ?? false;
  const scrapeAlignInterval = readDuration(r, "scrape_align_interval") ?? 0;
  const scrapeOffset = readDuration(r, "scrape_offset") ?? 0;
  const seriesLimit = r.int("series_limit") ?? 0;
  const noStaleMarkers = r.bool("no_stale_markers") ?? false;

  const sc: ScrapeConfig = {
    jobName,
    scrapeInterval,
    scrapeTimeout,
    metricsPath,
    scheme,
    params,
    honorLabels,
    honorTimestamps,
    http,
    relabelConfigs: defaults.relabelConfigs.length > 0
      ? [...defaults.relabelConfigs, ...relabelConfigs]
      : relabelConfigs,
    metricRelabelConfigs: defaults.metricRelabelConfigs.length > 0
      ? [...defaults.metricRelabelConfigs, ...metricRelabelConfigs]
      : metricRelabelConfigs,
    sampleLimit: sampleLimit > 0 ? sampleLimit : Math.max(defaults.sampleLimit, 0),
    seriesLimit,
    labelLimit: labelLimit > 0 ? labelLimit : Math.max(defaults.labelLimit, 0),
    maxScrapeSize,
    scrapeAlignInterval,
    scrapeOffset,
    streamParse,
    // `enable_compression` (Prometheus' name) wins over `disable_compression` when set, as in vmagent.
    disableCompression: enableCompression !== undefined ? !enableCompression : disableCompression,
    disableKeepalive,
    noStaleMarkers,
    staticConfigs,
    fileSdConfigs,
    kubernetesSdConfigs,
  };
  return { sc, out: r.output(), failJobName: (reason) => r.fail("job_name", reason) };
}

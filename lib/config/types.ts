/**
 * The resolved (validated, defaulted) scrape configuration: the contract between
 * `lib/config` (which produces it from YAML) and the stages that read it.
 * Durations are milliseconds; field names are camelCase forms of the YAML keys.
 *
 * @module
 */
import type { RelabelRule } from "../relabel/types.ts";

/** `basic_auth`. Exactly one of password and passwordFile may be set. */
export interface BasicAuth {
  username: string;
  /** `username_file`: read at each request when set. */
  usernameFile?: string;
  password?: string;
  passwordFile?: string;
}

/** `authorization`: header `Authorization: <type> <credentials>`. */
export interface Authorization {
  /** @default "Bearer" */
  type: string;
  credentials?: string;
  credentialsFile?: string;
}

/** `oauth2` client-credentials settings. */
export interface OAuth2Config {
  clientId: string;
  clientSecret?: string;
  clientSecretFile?: string;
  scopes: string[];
  tokenUrl: string;
  endpointParams: Record<string, string>;
  tlsConfig?: TLSConfig;
  proxyUrl?: string;
  /** `headers` sent to `token_url`, `[name, value]` as in {@linkcode HTTPClientConfig.headers}. */
  headers?: [string, string][];
}

/**
 * `tls_config`. File fields are paths (resolved against the config file's folder by the
 * loader); `ca`, `cert`, `key` are inline PEM (vmagent extension). `minVersion` is one of
 * `TLS10`..`TLS13` (upper-cased by the loader).
 */
export interface TLSConfig {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: string;
}

/**
 * HTTP client settings shared by scraping, SD mechanisms and remote write.
 * `*File` paths are resolved against the config file's folder by the loader.
 * At most one of basicAuth, bearerToken(File), authorization and oauth2 is set
 * (the parser rejects combinations, as vmagent does).
 */
export interface HTTPClientConfig {
  basicAuth?: BasicAuth;
  bearerToken?: string;
  bearerTokenFile?: string;
  authorization?: Authorization;
  oauth2?: OAuth2Config;
  tlsConfig?: TLSConfig;
  proxyUrl?: string;
  /**
   * `headers`: `Name: value` strings split at the first `:`, the name canonicalised
   * (`x-foo` -> `X-Foo`) and both parts trimmed, as vmagent does.
   */
  headers: [string, string][];
  /** @default true */
  followRedirects: boolean;
  /** The `proxy_*` options of a scrape config (auth and TLS towards `proxyUrl`); unset when none is given. */
  proxyClientConfig?: ProxyClientConfig;
}

/**
 * `proxy_authorization`, `proxy_basic_auth`, `proxy_bearer_token(_file)`, `proxy_oauth2`,
 * `proxy_tls_config`, `proxy_headers` of a scrape config: how to talk to the proxy.
 */
export interface ProxyClientConfig {
  basicAuth?: BasicAuth;
  bearerToken?: string;
  bearerTokenFile?: string;
  authorization?: Authorization;
  oauth2?: OAuth2Config;
  tlsConfig?: TLSConfig;
  headers: [string, string][];
}

/** A group of targets with common labels: `static_configs[]` entries and SD results. */
export interface TargetGroup {
  targets: string[];
  /** Group labels in the order they were written. */
  labels: [string, string][];
}

/** `file_sd_configs[]`. */
export interface FileSDConfig {
  /** Patterns as written, relative ones resolved against the config file's folder. */
  files: string[];
}

/** `kubernetes_sd_configs[].selectors[]`. */
export interface KubernetesSelector {
  role: KubernetesRole;
  label?: string;
  field?: string;
}

/** Roles kubernetes_sd_configs supports. */
export type KubernetesRole = "pod" | "endpoints" | "endpointslice" | "service" | "node" | "ingress";

/** `kubernetes_sd_configs[]`. */
export interface KubernetesSDConfig {
  role: KubernetesRole;
  /** Empty: in-cluster configuration (or kubeconfigFile). */
  apiServer?: string;
  kubeconfigFile?: string;
  namespaces: { ownNamespace: boolean; names: string[] };
  selectors: KubernetesSelector[];
  attachMetadata: { node: boolean; namespace: boolean };
  http: HTTPClientConfig;
}

/** `global`. */
export interface GlobalConfig {
  /** @default 60000 */
  scrapeInterval: number;
  /** @default 10000 */
  scrapeTimeout: number;
  /** In the order written. Current vmagent adds them to scraped series after metric relabeling. */
  externalLabels: [string, string][];
}

/** One `scrape_configs[]` entry after defaults are applied. */
export interface ScrapeConfig {
  jobName: string;
  /** Effective interval: job value, else global, else 1m. */
  scrapeInterval: number;
  /** Effective timeout: job value, else global, else 10s; clamped to the interval. */
  scrapeTimeout: number;
  /** @default "/metrics" */
  metricsPath: string;
  /** `http` or `https`. @default "http" */
  scheme: string;
  /** `params`, in the order written. */
  params: [string, string[]][];
  honorLabels: boolean;
  /** Current vmagent default: false. */
  honorTimestamps: boolean;
  http: HTTPClientConfig;
  relabelConfigs: RelabelRule[];
  metricRelabelConfigs: RelabelRule[];
  /** 0 = no limit. */
  sampleLimit: number;
  seriesLimit: number;
  labelLimit: number;
  /** Bytes; 0 = use `-promscrape.maxScrapeSize`. */
  maxScrapeSize: number;
  /** Milliseconds; 0 = unset. */
  scrapeAlignInterval: number;
  /** Milliseconds; 0 = unset. */
  scrapeOffset: number;
  streamParse: boolean;
  disableCompression: boolean;
  disableKeepalive: boolean;
  /** `no_stale_markers` (current vmagent, per job). */
  noStaleMarkers: boolean;
  staticConfigs: TargetGroup[];
  fileSdConfigs: FileSDConfig[];
  kubernetesSdConfigs: KubernetesSDConfig[];
  /**
   * The job as written (known fields, secrets included) plus `global`, as JSON: equal
   * fingerprints mean an unchanged job on reload (vmagent compares the same way).
   * Never log or show it. Set by `parseConfig`.
   */
  fingerprint?: string;
}

/** A whole `-promscrape.config` after loading. */
export interface Config {
  global: GlobalConfig;
  scrapeConfigs: ScrapeConfig[];
  /** Where it was read from (path or URL). */
  source: string;
  /** The folder relative paths were resolved against (a URL's folder for configs read over HTTP). */
  baseDir?: string;
  /** The raw text after `%{ENV}` expansion, for change detection. */
  text: string;
  /**
   * The config marshalled back to YAML with secrets masked, for `/config`: known fields
   * only, `scrape_config_files` replaced by the jobs they hold, durations as Go prints them.
   */
  maskedYaml: string;
}

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
  /** `username`; empty when `usernameFile` is set. */
  username: string;
  /** `username_file`: read at each request when set. */
  usernameFile?: string;
  /** `password`, inline. A secret: never logged or shown. */
  password?: string;
  /** `password_file`: re-read at most once a second. */
  passwordFile?: string;
}

/** `authorization`: header `Authorization: <type> <credentials>`. */
export interface Authorization {
  /** `type`: the scheme word of the header. @default "Bearer" */
  type: string;
  /** `credentials`, inline. A secret: never logged or shown. */
  credentials?: string;
  /** `credentials_file`: re-read at most once a second. */
  credentialsFile?: string;
}

/** `oauth2` client-credentials settings. */
export interface OAuth2Config {
  /** `client_id`. */
  clientId: string;
  /** `client_secret`, inline. A secret: never logged or shown. */
  clientSecret?: string;
  /** `client_secret_file`: read when a token is requested. */
  clientSecretFile?: string;
  /** `scopes` asked for in the token request. @default [] */
  scopes: string[];
  /** `token_url`: where tokens are requested (never empty). */
  tokenUrl: string;
  /** `endpoint_params`: extra form fields of the token request. @default {} */
  endpointParams: Record<string, string>;
  /** `tls_config` towards `token_url`. */
  tlsConfig?: TLSConfig;
  /** `proxy_url` towards `token_url`. */
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
  /** `ca`: inline PEM of the CA certificates. */
  ca?: string;
  /** `ca_file`: path of the CA certificates. */
  caFile?: string;
  /** `cert`: inline PEM of the client certificate. */
  cert?: string;
  /** `cert_file`: path of the client certificate. */
  certFile?: string;
  /** `key`: inline PEM of the client key. A secret: never logged or shown. */
  key?: string;
  /** `key_file`: path of the client key. */
  keyFile?: string;
  /** `server_name`: the name the server certificate is checked against. */
  serverName?: string;
  /** `insecure_skip_verify`: accept any server certificate. @default false */
  insecureSkipVerify: boolean;
  /** `min_version`: `TLS10`..`TLS13`. */
  minVersion?: string;
}

/**
 * HTTP client settings shared by scraping, SD mechanisms and remote write.
 * `*File` paths are resolved against the config file's folder by the loader.
 * At most one of basicAuth, bearerToken(File), authorization and oauth2 is set
 * (the parser rejects combinations, as vmagent does).
 */
export interface HTTPClientConfig {
  /** `basic_auth`. */
  basicAuth?: BasicAuth;
  /** `bearer_token`, inline. A secret: never logged or shown. */
  bearerToken?: string;
  /** `bearer_token_file`: re-read at most once a second. */
  bearerTokenFile?: string;
  /** `authorization`. */
  authorization?: Authorization;
  /** `oauth2`. */
  oauth2?: OAuth2Config;
  /** `tls_config`. */
  tlsConfig?: TLSConfig;
  /** `proxy_url`: the HTTP(S) proxy requests go through. */
  proxyUrl?: string;
  /**
   * `headers`: `Name: value` strings split at the first `:`, the name canonicalised
   * (`x-foo` -> `X-Foo`) and both parts trimmed, as vmagent does.
   */
  headers: [string, string][];
  /** `follow_redirects`: follow 3xx answers. @default true */
  followRedirects: boolean;
  /** The `proxy_*` options of a scrape config (auth and TLS towards `proxyUrl`); unset when none is given. */
  proxyClientConfig?: ProxyClientConfig;
}

/**
 * `proxy_authorization`, `proxy_basic_auth`, `proxy_bearer_token(_file)`, `proxy_oauth2`,
 * `proxy_tls_config`, `proxy_headers` of a scrape config: how to talk to the proxy.
 */
export interface ProxyClientConfig {
  /** `proxy_basic_auth`. */
  basicAuth?: BasicAuth;
  /** `proxy_bearer_token`, inline. A secret: never logged or shown. */
  bearerToken?: string;
  /** `proxy_bearer_token_file`. */
  bearerTokenFile?: string;
  /** `proxy_authorization`. */
  authorization?: Authorization;
  /** `proxy_oauth2`. */
  oauth2?: OAuth2Config;
  /** `proxy_tls_config`: TLS towards the proxy. */
  tlsConfig?: TLSConfig;
  /** `proxy_headers`, `[name, value]` as in {@linkcode HTTPClientConfig.headers}. */
  headers: [string, string][];
}

/** A group of targets with common labels: `static_configs[]` entries and SD results. */
export interface TargetGroup {
  /** The target addresses (`host:port`), in the order written. */
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
  /** The role whose requests this selector filters. */
  role: KubernetesRole;
  /** `label`: a Kubernetes label selector (`labelSelector=`). */
  label?: string;
  /** `field`: a Kubernetes field selector (`fieldSelector=`). */
  field?: string;
}

/** Roles kubernetes_sd_configs supports. */
export type KubernetesRole = "pod" | "endpoints" | "endpointslice" | "service" | "node" | "ingress";

/** `kubernetes_sd_configs[]`. */
export interface KubernetesSDConfig {
  /** `role`: which objects become targets. */
  role: KubernetesRole;
  /** Empty: in-cluster configuration (or kubeconfigFile). */
  apiServer?: string;
  /** `kubeconfig_file`: server and credentials from a kubeconfig (exclusive with `apiServer`). */
  kubeconfigFile?: string;
  /** `namespaces`: `own_namespace` and `names`; neither set means every namespace. */
  namespaces: { ownNamespace: boolean; names: string[] };
  /** `selectors`, in the order written. @default [] */
  selectors: KubernetesSelector[];
  /**
   * `attach_metadata`: add node and namespace meta labels.
   * @default { node: false, namespace: false }
   */
  attachMetadata: { node: boolean; namespace: boolean };
  /**
   * Whether the entry has an `attach_metadata` section (a null value is none). Only entries
   * without one take `-promscrape.kubernetes.attach*MetadataAll`, as in vmagent HEAD.
   * @default false
   */
  attachMetadataSet?: boolean;
  /** HTTP client settings towards the API server. */
  http: HTTPClientConfig;
}

/** `global`. */
export interface GlobalConfig {
  /** `scrape_interval`, ms. @default 60000 */
  scrapeInterval: number;
  /** `scrape_timeout`, ms. @default 10000 */
  scrapeTimeout: number;
  /** In the order written. Current vmagent adds them to scraped series after metric relabeling. */
  externalLabels: [string, string][];
}

/** One `scrape_configs[]` entry after defaults are applied. */
export interface ScrapeConfig {
  /** `job_name`: unique among the scrape configs. */
  jobName: string;
  /** Effective interval: job value, else global, else 1m. */
  scrapeInterval: number;
  /** Effective timeout: job value, else global, else 10s; clamped to the interval. */
  scrapeTimeout: number;
  /** `metrics_path`. @default "/metrics" */
  metricsPath: string;
  /** `http` or `https`. @default "http" */
  scheme: string;
  /** `params`, in the order written. */
  params: [string, string[]][];
  /** `honor_labels`: scraped labels win over target labels on conflict. @default false */
  honorLabels: boolean;
  /** Current vmagent default: false. */
  honorTimestamps: boolean;
  /** HTTP client settings towards the targets. */
  http: HTTPClientConfig;
  /** `relabel_configs`, compiled, applied to discovered targets. */
  relabelConfigs: RelabelRule[];
  /** `metric_relabel_configs`, compiled, applied to scraped series. */
  metricRelabelConfigs: RelabelRule[];
  /** 0 = no limit. */
  sampleLimit: number;
  /** `series_limit`: unique series per target; 0 = use `-promscrape.seriesLimitPerTarget`. */
  seriesLimit: number;
  /** `label_limit` (job value, else global): labels per series; 0 = no limit. */
  labelLimit: number;
  /** Bytes; 0 = use `-promscrape.maxScrapeSize`. */
  maxScrapeSize: number;
  /** Milliseconds; 0 = unset. */
  scrapeAlignInterval: number;
  /** Milliseconds; 0 = unset. */
  scrapeOffset: number;
  /** `stream_parse`: parse responses in blocks as they arrive. @default false */
  streamParse: boolean;
  /** `disable_compression` (or the inverse of `enable_compression`, which wins). @default false */
  disableCompression: boolean;
  /** `disable_keepalive`: a new connection per scrape. @default false */
  disableKeepalive: boolean;
  /** `no_stale_markers` (current vmagent, per job). */
  noStaleMarkers: boolean;
  /** `static_configs`. */
  staticConfigs: TargetGroup[];
  /** `file_sd_configs`. */
  fileSdConfigs: FileSDConfig[];
  /** `kubernetes_sd_configs`. */
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
  /** `global`, defaulted. */
  global: GlobalConfig;
  /** `scrape_configs` followed by the jobs of `scrape_config_files`. */
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

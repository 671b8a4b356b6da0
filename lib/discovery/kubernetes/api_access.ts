/**
 * Where and how to reach the Kubernetes API for one `kubernetes_sd_configs` entry:
 * `api_server` with the entry's HTTP settings, or `kubeconfig_file`, or, with neither, the
 * in-cluster service account (`KUBERNETES_SERVICE_HOST`/`_PORT`, token and CA under
 * `/var/run/secrets/kubernetes.io/serviceaccount`). Also resolves `namespaces`.
 *
 * @module
 */
import type { HTTPClientConfig, KubernetesSDConfig } from "../../config/types.ts";
import { readFileOrHTTP } from "../../config/load_config.ts";
import { parseKubeConfig } from "./kubeconfig.ts";
import { isIPv6Host } from "./meta_labels.ts";

/**
 * The folder Kubernetes mounts the pod's service account into: its `token`, `ca.crt` and `namespace` files.
 *
 * @example
 * ```ts
 * const token = await Deno.readTextFile(`${SERVICE_ACCOUNT_DIR}/token`);
 * ```
 */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A resolved API connection. */
export interface ApiAccess {
  /** `scheme://host:port` with no trailing slash. */
  server: string;
  /** Auth, TLS, headers and proxy to use for every request. */
  http: HTTPClientConfig;
  /** Namespaces to watch; empty = all. */
  namespaces: string[];
}

/** I/O for {@linkcode resolveApiAccess}. */
export interface ApiAccessOptions {
  /**
   * Reads a text file; `kubeconfig_file` may also be an http(s) URL, as in vmagent.
   * @default readFileOrHTTP
   */
  readFile?: (path: string) => Promise<string>;
  /** Reads an environment variable. @default Deno.env.get */
  env?: (name: string) => string | undefined;
}

function baseHttp(cfg: KubernetesSDConfig): HTTPClientConfig {
  // Only oauth2 and headers of the entry survive when the credentials come from elsewhere.
  return {
    oauth2: cfg.http.oauth2,
    headers: cfg.http.headers,
    followRedirects: cfg.http.followRedirects,
    proxyUrl: cfg.http.proxyUrl,
  };
}

/**
 * Resolves the API server, credentials and namespaces of an SD entry. Throws an `Error`
 * naming the problem (no `KUBERNETES_SERVICE_HOST`, unreadable kubeconfig or namespace file).
 *
 * @example
 * ```ts
 * const cfg = {
 *   role: "pod", apiServer: "k8s.local:8080", namespaces: { ownNamespace: false, names: [] },
 *   selectors: [], attachMetadata: { node: false, namespace: false },
 *   http: { headers: [], followRedirects: true },
 * } as const;
 * (await resolveApiAccess({ ...cfg, namespaces: { ...cfg.namespaces } })).server;
 * // "http://k8s.local:8080"
 * ```
 */
export async function resolveApiAccess(
  cfg: KubernetesSDConfig,
  opts: ApiAccessOptions = {},
): Promise<ApiAccess> {
  const readFile = opts.readFile ?? ((p: string) => readFileOrHTTP(p));
  const env = opts.env ?? ((n: string) => Deno.env.get(n));
  let server = cfg.apiServer ?? "";
  let http = cfg.http;
  if (cfg.kubeconfigFile) {
    if (server !== "") {
      throw new Error(
        `\`api_server: "${server}"\` and \`kubeconfig_file: "${cfg.kubeconfigFile}"\` options cannot be set simultaneously`,
      );
    }
    let kc;
    try {
      kc = parseKubeConfig(await readFile(cfg.kubeconfigFile));
    } catch (e) {
      throw new Error(
        `cannot build kube config from \`kubeconfig_file: "${cfg.kubeconfigFile}"\`: ${
          (e as Error).message
        }`,
      );
    }
    server = kc.server;
    http = { ...baseHttp(cfg), basicAuth: kc.basicAuth, tlsConfig: kc.tlsConfig };
    if (kc.token !== "") http.bearerToken = kc.token;
    if (kc.tokenFile !== "") http.bearerTokenFile = kc.tokenFile;
    http.proxyUrl = kc.proxyUrl !== "" ? kc.proxyUrl : undefined;
  }
  if (server === "") {
    const host = env("KUBERNETES_SERVICE_HOST") ?? "";
    const port = env("KUBERNETES_SERVICE_PORT") ?? "";
    if (host === "") {
      throw new Error(
        "cannot find KUBERNETES_SERVICE_HOST env var; it must be defined when running in k8s; " +
          "probably, `kubernetes_sd_config->api_server` is missing in the config?",
      );
    }
    if (port === "") {
      throw new Error(
        `cannot find KUBERNETES_SERVICE_PORT env var; it must be defined when running in k8s; KUBERNETES_SERVICE_HOST="${host}"`,
      );
    }
    // net.JoinHostPort: IPv6 hosts in brackets.
    server = `https://${isIPv6Host(host) ? `[${host}]` : host}:${port}`;
    http = {
      ...baseHttp(cfg),
      bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
      tlsConfig: { caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecureSkipVerify: false },
    };
  }
  if (!server.includes("://")) {
    server = (cfg.http.tlsConfig !== undefined ? "https://" : "http://") + server;
  }
  while (server.endsWith("/")) server = server.slice(0, -1);

  let namespaces = cfg.namespaces.names;
  if (namespaces.length === 0 && cfg.namespaces.ownNamespace) {
    const file = `${SERVICE_ACCOUNT_DIR}/namespace`;
    try {
      namespaces = [(await readFile(file)).trim()];
    } catch (e) {
      throw new Error(
        `cannot determine namespace for the current pod according to \`own_namespace: true\` option in kubernetes_sd_config: ${
          (e as Error).message
        }`,
      );
    }
  }
  return { server, http, namespaces: [...namespaces] };
}

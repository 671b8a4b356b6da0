/**
 * `kubernetes_sd_configs[]` entries (vmagent's `kubernetes.SDConfig`).
 *
 * @module
 */
import type { KubernetesRole, KubernetesSDConfig, KubernetesSelector } from "./types.ts";
import { HTTP_CLIENT_FIELDS, readHTTPClientConfig } from "./_http_client.ts";
import { type MapReader, readMap } from "./_map_reader.ts";

const FIELDS = [
  "api_server",
  "role",
  "kubeconfig_file",
  ...HTTP_CLIENT_FIELDS,
  "proxy_url",
  "namespaces",
  "selectors",
  "attach_metadata",
] as const;

const ROLES: readonly string[] = [
  "node",
  "pod",
  "service",
  "endpoints",
  "endpointslice",
  "ingress",
];

/** The role as vmagent uses it: `endpointslices` (VictoriaMetrics operator) means `endpointslice`. */
function readRole(r: MapReader, key: string): KubernetesRole {
  const written = r.string(key) ?? "";
  const role = written === "endpointslices" ? "endpointslice" : written;
  if (!ROLES.includes(role)) {
    throw r.fail(
      key,
      `unexpected \`role\`: ${
        JSON.stringify(written)
      }; must be one of \`node\`, \`pod\`, \`service\`, ` +
        "`endpoints`, `endpointslice` or `ingress`",
    );
  }
  return role as KubernetesRole;
}

/**
 * Reads and checks the `kubernetes_sd_configs` list of scrape config `r`: role,
 * `api_server` (scheme added, trailing slashes cut) or `kubeconfig_file`, HTTP client
 * options, namespaces, selectors and `attach_metadata`.
 *
 * @example
 * ```ts
 * // r reads this job:
 * //   kubernetes_sd_configs:
 * //   - role: endpointslices
 * //     api_server: k8s.local:6443/
 * //     tls_config: {insecure_skip_verify: true}
 * readKubernetesSDConfigs(r, "/etc/vmagent");
 * // [{ role: "endpointslice", apiServer: "https://k8s.local:6443",
 * //    namespaces: { ownNamespace: false, names: [] }, selectors: [], http: { ... }, ... }]
 * ```
 */
export function readKubernetesSDConfigs(r: MapReader, baseDir: string): KubernetesSDConfig[] {
  const out: KubernetesSDConfig[] = [];
  const marshalled: unknown[] = [];
  for (const item of r.list("kubernetes_sd_configs")) {
    const k = readMap(r.y, item, { known: FIELDS });
    const role = readRole(k, "role");
    let apiServer = k.string("api_server") || undefined;
    const kubeconfigFile = k.string("kubeconfig_file") || undefined;
    if (apiServer !== undefined && kubeconfigFile !== undefined) {
      throw k.fail(
        "kubeconfig_file",
        `\`api_server: ${JSON.stringify(apiServer)}\` and \`kubeconfig_file: ${
          JSON.stringify(kubeconfigFile)
        }\` options cannot be set simultaneously`,
      );
    }
    const http = readHTTPClientConfig(k, baseDir, { proxyAuth: false });
    if (apiServer !== undefined) {
      // As vmagent: no scheme means http, or https when tls_config is set; no trailing slashes.
      if (!apiServer.includes("://")) {
        apiServer = (http.tlsConfig ? "https://" : "http://") + apiServer;
      }
      apiServer = apiServer.replace(/\/+$/, "");
    }
    const ns = k.map("namespaces", ["own_namespace", "names"]);
    const namespaces = {
      ownNamespace: ns?.bool("own_namespace") ?? false,
      names: ns?.stringList("names") ?? [],
    };
    if (ns !== undefined) k.put("namespaces", ns.output());
    const selectors: KubernetesSelector[] = [];
    const selOut: unknown[] = [];
    for (const s of k.list("selectors")) {
      const sr = readMap(k.y, s, { known: ["role", "label", "field"] });
      const sel: KubernetesSelector = { role: readRole(sr, "role") };
      const label = sr.string("label");
      const field = sr.string("field");
      if (label) sel.label = label;
      if (field) sel.field = field;
      selectors.push(sel);
      selOut.push(sr.output());
    }
    if (k.has("selectors")) k.put("selectors", selOut);
    const am = k.map("attach_metadata", ["node", "namespace"]);
    const attachMetadata = {
      node: am?.bool("node") ?? false,
      namespace: am?.bool("namespace") ?? false,
    };
    if (am !== undefined) k.put("attach_metadata", am.output());
    const sdc: KubernetesSDConfig = { role, namespaces, selectors, attachMetadata, http };
    // `attach_metadata: {}` counts as written (vmagent's non-nil pointer); null does not.
    if (am !== undefined) sdc.attachMetadataSet = true;
    if (apiServer !== undefined) sdc.apiServer = apiServer;
    if (kubeconfigFile !== undefined) sdc.kubeconfigFile = kubeconfigFile;
    out.push(sdc);
    marshalled.push(k.output());
  }
  if (r.has("kubernetes_sd_configs")) r.put("kubernetes_sd_configs", marshalled);
  return out;
}

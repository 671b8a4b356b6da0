// readKubernetesSDConfigs() (lib/config/_kubernetes_sd.ts), through parseConfig().
import assert from "node:assert/strict";
import { parseConfig } from "../../../lib/config/parse_config.ts";
import type { KubernetesSDConfig } from "../../../lib/config/types.ts";
import { ConfigError } from "../../../lib/util/field_error.ts";

/** Parses one job whose `kubernetes_sd_configs` list is `entries` (YAML flow items). */
function parseEntries(...entries: string[]): KubernetesSDConfig[] {
  const text = "scrape_configs:\n- job_name: k\n  kubernetes_sd_configs:\n" +
    entries.map((e) => `  - ${e}\n`).join("");
  return parseConfig(text, { file: "/etc/vmagent/p.yml", strictParse: true }).scrapeConfigs[0]
    .kubernetesSdConfigs;
}

const DEFAULTS: KubernetesSDConfig = {
  role: "pod",
  namespaces: { ownNamespace: false, names: [] },
  selectors: [],
  attachMetadata: { node: false, namespace: false },
  http: { headers: [], followRedirects: true },
};

Deno.test("parseConfig() reads kubernetes_sd_configs entries as vmagent does", () => {
  const f = (entry: string, want: Partial<KubernetesSDConfig>) => {
    assert.deepEqual(parseEntries(entry), [{ ...DEFAULTS, ...want }], entry);
  };
  // Nothing but a role: in-cluster access, every namespace, no selectors.
  f("{role: node}", { role: "node" });
  for (const role of ["pod", "service", "endpoints", "endpointslice", "ingress"] as const) {
    f(`{role: ${role}}`, { role });
  }
  // The VictoriaMetrics operator's `endpointslices` is `endpointslice`.
  f("{role: endpointslices}", { role: "endpointslice" });
  // api_server without a scheme: http, or https when tls_config is set; trailing slashes go.
  f("{role: pod, api_server: 'k8s:8080//'}", { apiServer: "http://k8s:8080" });
  f("{role: pod, api_server: 'k8s:6443', tls_config: {insecure_skip_verify: true}}", {
    apiServer: "https://k8s:6443",
    http: { ...DEFAULTS.http, tlsConfig: { insecureSkipVerify: true } },
  });
  f("{role: pod, api_server: 'https://k8s:6443/'}", { apiServer: "https://k8s:6443" });
  f("{role: pod, kubeconfig_file: /etc/kube/config}", { kubeconfigFile: "/etc/kube/config" });
  // Auth and proxy options go to the HTTP client of the API server.
  f("{role: pod, api_server: 'http://a', bearer_token: t0k, proxy_url: 'http://p:3128'}", {
    apiServer: "http://a",
    http: { ...DEFAULTS.http, bearerToken: "t0k", proxyUrl: "http://p:3128" },
  });
  f("{role: pod, namespaces: {names: [a, b]}}", {
    namespaces: { ownNamespace: false, names: ["a", "b"] },
  });
  f("{role: pod, namespaces: {own_namespace: true}}", {
    namespaces: { ownNamespace: true, names: [] },
  });
  // Selectors keep their order; empty label or field parts are left out.
  f(
    "{role: endpoints, selectors: [{role: pod, label: 'app=web', field: 'spec.nodeName=n1'}, " +
      "{role: endpoints, label: '', field: 'metadata.name!=x'}, {role: node, label: 'a in (b)'}]}",
    {
      role: "endpoints",
      selectors: [
        { role: "pod", label: "app=web", field: "spec.nodeName=n1" },
        { role: "endpoints", field: "metadata.name!=x" },
        { role: "node", label: "a in (b)" },
      ],
    },
  );
});

Deno.test("parseConfig() rejects bad kubernetes_sd_configs entries, naming the field", () => {
  const f = (entry: string, want: RegExp) => {
    assert.throws(
      () => parseEntries(entry),
      (e) => e instanceof ConfigError && want.test(e.message),
      entry,
    );
  };
  const at = "scrape_configs\\[0\\]\\.kubernetes_sd_configs\\[0\\]";
  f("{role: podz}", new RegExp(`${at}\\.role: unexpected \`role\`: "podz"; must be one of`));
  f("{api_server: 'http://a'}", new RegExp(`${at}\\.role: unexpected \`role\`: ""`));
  f(
    "{role: pod, api_server: 'http://a', kubeconfig_file: /k}",
    new RegExp(
      `${at}\\.kubeconfig_file: \`api_server: "http://a"\` and \`kubeconfig_file: "/k"\` ` +
        "options cannot be set simultaneously",
    ),
  );
  // Selectors: the role must be one of the six, and only role, label and field are known.
  f(
    "{role: pod, selectors: [{role: pods, label: a}]}",
    new RegExp(`${at}\\.selectors\\[0\\]\\.role: unexpected \`role\`: "pods"`),
  );
  f(
    "{role: pod, selectors: [{role: pod, labels: a}]}",
    new RegExp(`${at}\\.selectors\\[0\\]\\.labels: unknown field "labels"`),
  );
  f(
    "{role: pod, namespaces: {name: [a]}}",
    new RegExp(`${at}\\.namespaces\\.name: unknown field "name"`),
  );
  f("{role: pod, namespace: {names: [a]}}", new RegExp(`${at}\\.namespace: unknown field`));
  f(
    "{role: pod, attach_metadata: {nodes: true}}",
    new RegExp(`${at}\\.attach_metadata\\.nodes: unknown field`),
  );
  f(
    "{role: pod, bearer_token: x, basic_auth: {username: u}}",
    new RegExp(`${at}\\.bearer_token: cannot simultaneously use`),
  );
});

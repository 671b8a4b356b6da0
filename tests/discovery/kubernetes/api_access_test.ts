import assert from "node:assert/strict";
import type { KubernetesSDConfig } from "../../../lib/config/types.ts";
import {
  type ApiAccess,
  resolveApiAccess,
  SERVICE_ACCOUNT_DIR,
} from "../../../lib/discovery/kubernetes/api_access.ts";
import { fixtureText } from "./_util.ts";

function sdConfig(over: Partial<KubernetesSDConfig> = {}): KubernetesSDConfig {
  return {
    role: "pod",
    namespaces: { ownNamespace: false, names: [] },
    selectors: [],
    attachMetadata: { node: false, namespace: false },
    http: { headers: [["X-Scope", "a"]], followRedirects: true },
    ...over,
  };
}

const files: Record<string, string> = {
  "/etc/kube.yaml": fixtureText("kubeconfig/token.yaml"),
  "/etc/kube-tls.yaml": fixtureText("kubeconfig/tls.yaml"),
  [`${SERVICE_ACCOUNT_DIR}/namespace`]: "monitoring",
};
const readFile = (p: string) =>
  p in files ? Promise.resolve(files[p]) : Promise.reject(new Error(`no such file ${p}`));

Deno.test("resolveApiAccess() finds the server and credentials", async () => {
  const f = async (cfg: KubernetesSDConfig, env: Record<string, string>, want: ApiAccess) => {
    assert.deepEqual(await resolveApiAccess(cfg, { readFile, env: (n) => env[n] }), want);
  };
  // api_server without a scheme: http, or https with tls_config; trailing slashes dropped.
  await f(sdConfig({ apiServer: "k8s:8080//" }), {}, {
    server: "http://k8s:8080",
    http: sdConfig().http,
    namespaces: [],
  });
  const tlsHttp = { ...sdConfig().http, tlsConfig: { insecureSkipVerify: true } };
  await f(sdConfig({ apiServer: "k8s:6443", http: tlsHttp }), {}, {
    server: "https://k8s:6443",
    http: tlsHttp,
    namespaces: [],
  });
  // In-cluster: service account token and CA; IPv6 service host bracketed.
  const inCluster = {
    headers: [["X-Scope", "a"]] as [string, string][],
    followRedirects: true,
    oauth2: undefined,
    proxyUrl: undefined,
    bearerTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
    tlsConfig: { caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`, insecureSkipVerify: false },
  };
  await f(sdConfig(), { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443" }, {
    server: "https://10.96.0.1:443",
    http: inCluster,
    namespaces: [],
  });
  await f(sdConfig(), { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" }, {
    server: "https://[fd00::1]:443",
    http: inCluster,
    namespaces: [],
  });
  // kubeconfig_file: its server and token; the entry's headers are kept.
  await f(sdConfig({ kubeconfigFile: "/etc/kube.yaml" }), {}, {
    server: "http://some-server:8080",
    http: {
      headers: [["X-Scope", "a"]],
      followRedirects: true,
      oauth2: undefined,
      proxyUrl: undefined,
      basicAuth: undefined,
      tlsConfig: undefined,
      bearerToken: "abc",
    },
    namespaces: [],
  });
});

Deno.test("resolveApiAccess() resolves namespaces, own_namespace from the service account", async () => {
  const f = async (namespaces: KubernetesSDConfig["namespaces"], want: string[]) => {
    const access = await resolveApiAccess(sdConfig({ apiServer: "http://a", namespaces }), {
      readFile,
    });
    assert.deepEqual(access.namespaces, want);
  };
  await f({ ownNamespace: false, names: [] }, []);
  await f({ ownNamespace: false, names: ["a", "b"] }, ["a", "b"]);
  await f({ ownNamespace: true, names: [] }, ["monitoring"]);
  // Explicit names win over own_namespace.
  await f({ ownNamespace: true, names: ["x"] }, ["x"]);
});

Deno.test("resolveApiAccess() explains what is missing", async () => {
  const f = async (cfg: KubernetesSDConfig, env: Record<string, string>, want: RegExp) => {
    await assert.rejects(resolveApiAccess(cfg, { readFile, env: (n) => env[n] }), want);
  };
  await f(sdConfig(), {}, /cannot find KUBERNETES_SERVICE_HOST env var/);
  await f(
    sdConfig(),
    { KUBERNETES_SERVICE_HOST: "h" },
    /cannot find KUBERNETES_SERVICE_PORT env var/,
  );
  await f(
    sdConfig({ apiServer: "http://a", kubeconfigFile: "/etc/kube.yaml" }),
    {},
    /cannot be set simultaneously/,
  );
  await f(sdConfig({ kubeconfigFile: "/nope.yaml" }), {}, /cannot build kube config.*no such file/);
  const own = { ownNamespace: true, names: [] };
  await assert.rejects(
    resolveApiAccess(sdConfig({ apiServer: "http://a", namespaces: own }), {
      readFile: () => Promise.reject(new Error("ENOENT")),
    }),
    /cannot determine namespace .*own_namespace: true.*ENOENT/,
  );
});

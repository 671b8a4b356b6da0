import assert from "node:assert/strict";
import { type KubeConfig, parseKubeConfig } from "../../../lib/discovery/kubernetes/kubeconfig.ts";
import { fixtureText } from "./_util.ts";

Deno.test("parseKubeConfig() resolves the current context as vmagent does", () => {
  const f = (file: string, want: KubeConfig) => {
    assert.deepEqual(parseKubeConfig(fixtureText(`kubeconfig/${file}`)), want);
  };
  f("token.yaml", { server: "http://some-server:8080", token: "abc", tokenFile: "", proxyUrl: "" });
  f("tls.yaml", {
    server: "https://localhost:6443",
    token: "",
    tokenFile: "",
    proxyUrl: "",
    tlsConfig: {
      ca: "authority",
      cert: "certificate",
      key: "key",
      serverName: "kubernetes.default",
      insecureSkipVerify: false,
    },
  });
  f("basic.yaml", {
    server: "http://some-server:8080",
    token: "",
    tokenFile: "",
    proxyUrl: "http://proxy:3128",
    basicAuth: { username: "user1", password: "secret" },
  });
});

Deno.test("parseKubeConfig() rejects missing parts and unsupported credentials", () => {
  const f = (text: string, want: RegExp) => assert.throws(() => parseKubeConfig(text), want);
  f(
    fixtureText("kubeconfig/exec.yaml"),
    /invalid auth config "user1": field "exec" is not supported/,
  );
  f(fixtureText("kubeconfig/no_server.yaml"), /missing kubernetes server address for config "k8s"/);
  f("current-context: x\n", /missing context "x"/);
  f(
    "contexts: [{name: c, context: {cluster: nope}}]\ncurrent-context: c\n",
    /missing cluster config "nope" at context "c"/,
  );
  f(
    "clusters: [{name: k, cluster: {server: 'http://a'}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n",
    /missing auth config "u"/,
  );
  f(
    "clusters: [{name: k, cluster: {server: 'http://a'}}]\nusers: [{name: u, user: {password: p}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n",
    /username cannot be empty, if password defined/,
  );
  f(
    "clusters: [{name: k, cluster: {server: 'https://a', certificate-authority-data: '%%%'}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\ncurrent-context: c\n",
    /cannot base64-decode certificate-authority-data/,
  );
});

Deno.test("parseKubeConfig() uses certificates only for https servers of contexts with a user", () => {
  // The "other" context names no user: no TLS settings at all, as in vmagent.
  const text = fixtureText("kubeconfig/tls.yaml").replace(
    "current-context: user1@k8s",
    "current-context: other",
  );
  assert.deepEqual(parseKubeConfig(text), {
    server: "https://other:6443",
    token: "",
    tokenFile: "",
    proxyUrl: "",
  });
});

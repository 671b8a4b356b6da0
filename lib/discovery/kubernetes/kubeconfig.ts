/**
 * `kubeconfig_file`: the cluster server and credentials of the current context of a kubectl
 * config file, read as vmagent reads it (client certificates and the CA are used only for
 * `https://` servers of contexts that name a user; `exec` and impersonation are refused).
 *
 * @module
 */
import { parse as parseYaml } from "yaml";
import type { BasicAuth, TLSConfig } from "../../config/types.ts";

/** What a kubeconfig contributes to the API connection. */
export interface KubeConfig {
  server: string;
  tlsConfig?: TLSConfig;
  basicAuth?: BasicAuth;
  /** `token`, "" when unset. */
  token: string;
  /** `tokenFile`, "" when unset. */
  tokenFile: string;
  /** The cluster's `proxy-url`, "" when unset. */
  proxyUrl: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string): string {
  const v = o[key];
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new TypeError(`${key}: want a string`);
}

function byName(list: unknown, inner: string, what: string): Map<string, Json | undefined> {
  const m = new Map<string, Json | undefined>();
  if (list === undefined || list === null) return m;
  if (!Array.isArray(list)) throw new TypeError(`${what}: want a list`);
  for (const item of list) {
    if (!isObject(item)) throw new TypeError(`${what}: want a list of objects`);
    const v = item[inner];
    m.set(str(item, "name"), isObject(v) ? v : undefined);
  }
  return m;
}

function decodeBase64(s: string, what: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  } catch {
    throw new Error(`cannot base64-decode ${what}`);
  }
}

const UNSUPPORTED_USER_FIELDS = [
  "exec",
  "act-as-uid",
  "act-as",
  "act-as-groups",
  "act-as-user-extra",
];

function checkUser(u: Json): void {
  for (const f of UNSUPPORTED_USER_FIELDS) {
    const v = u[f];
    const set = Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "";
    if (set) throw new Error(`field "${f}" is not supported yet`);
  }
  if (str(u, "password") !== "" && str(u, "username") === "") {
    throw new Error("username cannot be empty, if password defined");
  }
}

/**
 * Parses kubeconfig text and resolves its current context. Throws an `Error` saying what is
 * missing or unsupported.
 *
 * @example
 * ```ts
 * const kc = parseKubeConfig(`
 * clusters: [{name: k, cluster: {server: "http://k8s:8080"}}]
 * users: [{name: u, user: {token: abc}}]
 * contexts: [{name: c, context: {cluster: k, user: u}}]
 * current-context: c
 * `);
 * kc.server; // "http://k8s:8080"
 * kc.token; // "abc"
 * ```
 */
export function parseKubeConfig(text: string): KubeConfig {
  const doc = parseYaml(text) ?? {};
  if (!isObject(doc)) throw new TypeError("kubeconfig: want a mapping");
  const users = byName(doc.users, "user", "users");
  const clusters = byName(doc.clusters, "cluster", "clusters");
  const contexts = byName(doc.contexts, "context", "contexts");
  const contextName = str(doc, "current-context");
  const context = contexts.get(contextName);
  if (context === undefined) throw new Error(`missing context "${contextName}"`);
  const clusterName = str(context, "cluster");
  const cluster = clusters.get(clusterName);
  if (cluster === undefined) {
    throw new Error(`missing cluster config "${clusterName}" at context "${contextName}"`);
  }
  const server = str(cluster, "server");
  if (server === "") {
    throw new Error(
      `missing kubernetes server address for config "${clusterName}" at context "${contextName}"`,
    );
  }
  const userName = str(context, "user");
  const user = users.get(userName);
  if (userName !== "" && user === undefined) throw new Error(`missing auth config "${userName}"`);
  const kc: KubeConfig = {
    server,
    token: "",
    tokenFile: "",
    proxyUrl: str(cluster, "proxy-url"),
  };
  if (user === undefined) return kc;
  try {
    checkUser(user);
  } catch (e) {
    throw new Error(`invalid auth config "${userName}": ${(e as Error).message}`);
  }
  if (server.startsWith("https://")) {
    const tls: TLSConfig = { insecureSkipVerify: cluster["insecure-skip-tls-verify"] === true };
    const set = (k: keyof TLSConfig, v: string) => {
      if (v !== "") (tls as unknown as Record<string, string>)[k] = v;
    };
    set("caFile", str(cluster, "certificate-authority"));
    set("serverName", str(cluster, "tls-server-name"));
    const caData = str(cluster, "certificate-authority-data");
    if (caData !== "") tls.ca = decodeBase64(caData, "certificate-authority-data");
    set("certFile", str(user, "client-certificate"));
    set("keyFile", str(user, "client-key"));
    const certData = str(user, "client-certificate-data");
    if (certData !== "") tls.cert = decodeBase64(certData, "client-certificate-data");
    const keyData = str(user, "client-key-data");
    if (keyData !== "") tls.key = decodeBase64(keyData, "client-key-data");
    kc.tlsConfig = tls;
  }
  const username = str(user, "username");
  const password = str(user, "password");
  if (username !== "" || password !== "") kc.basicAuth = { username, password };
  kc.token = str(user, "token");
  kc.tokenFile = str(user, "tokenFile");
  return kc;
}

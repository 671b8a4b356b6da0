/**
 * The embedded scrape config used when `-promscrape.config` is not given, so that
 * `deno task start` shows data flowing on a fresh machine: the agent scrapes its
 * own `/metrics` every 5 seconds, over HTTPS with `-tls` and with the
 * `-httpAuth.*` credentials when they are set (the password shows as `<secret>`
 * on `/config`, as every password in a scrape config does).
 *
 * @module
 */
import { normalizePathPrefix } from "../lib/server/router.ts";
import { parseListenAddr } from "../lib/server/serve.ts";

/** Where the embedded config says it came from, in logs and on `/config`. */
export const DEFAULT_CONFIG_SOURCE = "(embedded default: scrape own /metrics)";

/** Options of {@linkcode defaultConfigText}. */
export interface DefaultConfigOptions {
  /** `-http.pathPrefix`: the agent serves its metrics at `<prefix>/metrics`. @default "" */
  pathPrefix?: string;
  /**
   * `-tls` of the listen address: scrape with `https`, without checking the certificate
   * (the agent talks to itself on its own address, which the certificate may not name).
   * @default false
   */
  tls?: boolean;
  /**
   * `-httpAuth.username` and `-httpAuth.password`; no `basic_auth` when the username is "".
   * @default undefined
   */
  basicAuth?: { username: string; password: string };
}

/**
 * Returns the embedded config text for an agent listening on `listenAddr`.
 *
 * @example
 * ```ts
 * defaultConfigText(":8429");
 * // 'scrape_configs:\n- job_name: vmagent\n  scrape_interval: 5s\n  static_configs:\n' +
 * // '  - targets: ["127.0.0.1:8429"]\n'
 * ```
 */
export function defaultConfigText(listenAddr: string, opts: DefaultConfigOptions = {}): string {
  let port = 8429;
  let host = "127.0.0.1";
  try {
    const a = parseListenAddr(listenAddr);
    port = a.port;
    if (a.hostname !== "0.0.0.0" && a.hostname !== "::") host = a.hostname;
  } catch {
    // keep the defaults; the server reports the bad address itself
  }
  const prefix = normalizePathPrefix(opts.pathPrefix);
  const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return [
    "scrape_configs:",
    "- job_name: vmagent",
    "  scrape_interval: 5s",
    ...(prefix === "" ? [] : [`  metrics_path: ${JSON.stringify(prefix + "metrics")}`]),
    ...(opts.tls ? ["  scheme: https", "  tls_config:", "    insecure_skip_verify: true"] : []),
    ...(opts.basicAuth && opts.basicAuth.username !== ""
      ? [
        "  basic_auth:",
        `    username: ${JSON.stringify(opts.basicAuth.username)}`,
        `    password: ${JSON.stringify(opts.basicAuth.password)}`,
      ]
      : []),
    "  static_configs:",
    `  - targets: [${JSON.stringify(target)}]`,
    "",
  ].join("\n");
}

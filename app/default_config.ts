/**
 * The embedded scrape config used when `-promscrape.config` is not given, so that
 * `deno task start` shows data flowing on a fresh machine: the agent scrapes its
 * own `/metrics` every 5 seconds.
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
}

/** Returns the embedded config text for an agent listening on `listenAddr`. */
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
    "  static_configs:",
    `  - targets: [${JSON.stringify(target)}]`,
    "",
  ].join("\n");
}

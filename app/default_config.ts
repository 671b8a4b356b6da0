/**
 * The embedded scrape config used when `-promscrape.config` is not given, so that
 * `deno task start` shows data flowing on a fresh machine: the agent scrapes its
 * own `/metrics` every 5 seconds.
 *
 * @module
 */
import { parseListenAddr } from "../lib/server/serve.ts";

/** Where the embedded config says it came from, in logs and on `/config`. */
export const DEFAULT_CONFIG_SOURCE = "(embedded default: scrape own /metrics)";

/** Returns the embedded config text for an agent listening on `listenAddr`. */
export function defaultConfigText(listenAddr: string): string {
  let port = 8429;
  let host = "127.0.0.1";
  try {
    const a = parseListenAddr(listenAddr);
    port = a.port;
    if (a.hostname !== "0.0.0.0" && a.hostname !== "::") host = a.hostname;
  } catch {
    // keep the defaults; the server reports the bad address itself
  }
  const target = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return [
    "scrape_configs:",
    "- job_name: vmagent",
    "  scrape_interval: 5s",
    "  static_configs:",
    `  - targets: [${JSON.stringify(target)}]`,
    "",
  ].join("\n");
}

/**
 * The scrape URL of a target from its labels after relabeling, as current vmagent
 * builds it (`promrelabel.GetScrapeURL`): `__scheme__`, `__address__`,
 * `__metrics_path__` and `__param_*`, with vmagent's extension of accepting
 * `http(s)://host/path` in `__address__`.
 *
 * @module
 */
import type { Label } from "../util/series.ts";
import { getLabelValue } from "../util/labels.ts";
import { goQueryEscape } from "../util/go_query_escape.ts";

/** A scrape URL and the address used for the default `instance` label. */
export interface ScrapeURL {
  /** "" when the target has no `__address__` (it is then dropped). */
  url: string;
  /** `host:port`: the address with the scheme's default port added when it has none. */
  address: string;
}

/**
 * Builds the scrape URL. The default port is not put in the URL (vmagent HEAD, issue 6792)
 * but is added to the returned `address`, from which `instance` is derived. Each `__param_<name>`
 * label gives the first value of `<name>`; further values come from the job's `params`.
 *
 * @example
 * ```ts
 * getScrapeURL([{ name: "__address__", value: "https://h/x" }], []);
 * // { url: "https://h/x", address: "h:443" }
 * ```
 */
export function getScrapeURL(
  labels: readonly Label[],
  jobParams: readonly (readonly [string, readonly string[]])[],
): ScrapeURL {
  let scheme = getLabelValue(labels, "__scheme__") || "http";
  let metricsPath = getLabelValue(labels, "__metrics_path__") || "/metrics";
  let address = getLabelValue(labels, "__address__");
  if (address === "") return { url: "", address: "" };
  if (address.startsWith("http://")) {
    scheme = "http";
    address = address.slice(7);
  } else if (address.startsWith("https://")) {
    scheme = "https";
    address = address.slice(8);
  }
  const slash = address.indexOf("/");
  if (slash >= 0) {
    metricsPath = address.slice(slash);
    address = address.slice(0, slash);
  }
  const withPort = address.includes(":")
    ? address
    : address + (scheme === "https" ? ":443" : ":80");
  if (!metricsPath.startsWith("/")) metricsPath = "/" + metricsPath;
  const query = encodeParams(labels, jobParams);
  let url = `${scheme}://${address}${metricsPath}`;
  if (query !== "") url += (metricsPath.includes("?") ? "&" : "?") + query;
  return { url, address: withPort };
}

/** `url.Values.Encode()` of the params taken from `__param_*` labels: sorted by name. */
function encodeParams(
  labels: readonly Label[],
  jobParams: readonly (readonly [string, readonly string[]])[],
): string {
  let params: Map<string, string[]> | undefined;
  for (const l of labels) {
    if (!l.name.startsWith("__param_")) continue;
    const name = l.name.slice(8);
    const values = [l.value];
    let extra: readonly string[] | undefined;
    for (const [k, v] of jobParams) if (k === name) extra = v; // later entries win, as a Go map
    if (extra !== undefined && extra.length > 1) values.push(...extra.slice(1));
    (params ??= new Map()).set(name, values);
  }
  if (params === undefined) return "";
  const names = [...params.keys()].sort();
  const parts: string[] = [];
  for (const name of names) {
    const k = goQueryEscape(name);
    for (const v of params.get(name)!) parts.push(`${k}=${goQueryEscape(v)}`);
  }
  return parts.join("&");
}

/**
 * Returns why Go's `url.Parse` would reject a scrape URL built by {@linkcode getScrapeURL},
 * or "" when it would accept it: control characters anywhere, a host with characters that
 * Go refuses in host names, or a port that is not all digits.
 *
 * @example
 * ```ts
 * checkScrapeURL("http://10.0.0.1:9100/metrics"); // ""
 * checkScrapeURL("http://h:9x/metrics"); // 'invalid port ":9x" after host'
 * checkScrapeURL("http://a b/metrics"); // 'invalid character " " in host name'
 * ```
 */
export function checkScrapeURL(url: string): string {
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return "net/url: invalid control character in URL";
  }
  const start = url.indexOf("://") + 3;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  let authority = url.slice(start, end);
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let port = "";
  if (authority.startsWith("[")) {
    const close = authority.indexOf("]");
    if (close < 0) return "missing ']' in host";
    port = authority.slice(close + 1);
    host = authority.slice(1, close);
    if (port !== "" && !port.startsWith(":")) {
      return `invalid port ${JSON.stringify(port)} after host`;
    }
  } else {
    const colon = authority.lastIndexOf(":");
    if (colon >= 0) {
      port = authority.slice(colon);
      host = authority.slice(0, colon);
    }
  }
  if (port !== "" && !/^:\d*$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c >= 0x80 || isAlnum(c) || HOST_OK.includes(host[i])) continue;
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(host.slice(i + 1, i + 3))) continue;
    return `invalid character ${JSON.stringify(host[i])} in host name`;
  }
  return "";
}

/**
 * Besides letters and digits, what Go accepts unescaped in a host (`shouldEscape(c, encodeHost)`
 * is false): the unreserved `-_.~` and these sub-delimiters.
 */
const HOST_OK = "-_.~!$&'()*+,;=:[]<>\"";

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

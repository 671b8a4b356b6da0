/**
 * Minimal POSIX path helpers for config loading (JSR's `@std/path` is not available).
 * A "base" may also be an http(s) URL of a folder, for configs loaded over HTTP.
 *
 * @module
 */

/**
 * Whether `p` is an http(s) URL with a host, as vmagent's `fscore.isHTTPURL` checks.
 *
 * @example
 * ```ts
 * isHTTPURL("https://cfg.example.com/prometheus.yml"); // true
 * isHTTPURL("http:///prometheus.yml"); // false (no host)
 * isHTTPURL("/etc/vmagent/prometheus.yml"); // false
 * ```
 */
export function isHTTPURL(p: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(p)) return false; // Go: the host must not be empty
  try {
    return new URL(p).host !== "";
  } catch {
    return false;
  }
}

/**
 * Collapses `.`, `..` and repeated slashes like Go's `filepath.Clean`.
 *
 * @example
 * ```ts
 * cleanPath("/etc//vmagent/./conf.d/../x.yml"); // "/etc/vmagent/x.yml"
 * cleanPath("a/../../b"); // "../b"
 * cleanPath(""); // "."
 * ```
 */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
      continue;
    }
    out.push(part);
  }
  const s = out.join("/");
  if (abs) return "/" + s;
  return s === "" ? "." : s;
}

/**
 * Returns the folder of a file path (or of an http(s) URL), like Go's `filepath.Dir`.
 *
 * @example
 * ```ts
 * dirName("/etc/vmagent/prometheus.yml"); // "/etc/vmagent"
 * dirName("prometheus.yml"); // "."
 * dirName("https://cfg.example.com/vm/prometheus.yml"); // "https://cfg.example.com/vm"
 * ```
 */
export function dirName(p: string): string {
  if (isHTTPURL(p)) return new URL(".", p).href.replace(/\/$/, "");
  const i = p.lastIndexOf("/");
  if (i < 0) return ".";
  return cleanPath(p.slice(0, i + 1));
}

/**
 * Resolves `p` against `baseDir` as vmagent's `fscore.GetFilepath` does: absolute paths
 * and http(s) URLs are kept; relative paths are joined to the folder.
 *
 * @example
 * ```ts
 * resolvePath("/etc/vmagent", "certs/ca.pem"); // "/etc/vmagent/certs/ca.pem"
 * resolvePath("/etc/vmagent", "/abs/ca.pem"); // "/abs/ca.pem"
 * resolvePath("https://cfg.example.com/vm", "jobs/a.yml"); // "https://cfg.example.com/vm/jobs/a.yml"
 * ```
 */
export function resolvePath(baseDir: string, p: string): string {
  if (p.startsWith("/") || isHTTPURL(p)) return p;
  if (isHTTPURL(baseDir)) return new URL(p, baseDir.replace(/\/?$/, "/")).href;
  return cleanPath(baseDir + "/" + p);
}

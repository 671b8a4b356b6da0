/**
 * Minimal POSIX path helpers for config loading (JSR's `@std/path` is not available).
 * A "base" may also be an http(s) URL of a folder, for configs loaded over HTTP.
 *
 * @module
 */

/** Whether `p` is an http(s) URL with a host, as vmagent's `fscore.isHTTPURL` checks. */
export function isHTTPURL(p: string): boolean {
  if (!/^https?:\/\/[^/?#]/i.test(p)) return false; // Go: the host must not be empty
  try {
    return new URL(p).host !== "";
  } catch {
    return false;
  }
}

/** Collapses `.`, `..` and repeated slashes like Go's `filepath.Clean`. */
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

/** The folder of a file path (or of a URL), like Go's `filepath.Dir`. */
export function dirName(p: string): string {
  if (isHTTPURL(p)) return new URL(".", p).href.replace(/\/$/, "");
  const i = p.lastIndexOf("/");
  if (i < 0) return ".";
  return cleanPath(p.slice(0, i + 1));
}

/**
 * Resolves `p` against `baseDir` as vmagent's `fscore.GetFilepath` does: absolute paths
 * and http(s) URLs are kept; relative paths are joined to the folder.
 */
export function resolvePath(baseDir: string, p: string): string {
  if (p.startsWith("/") || isHTTPURL(p)) return p;
  if (isHTTPURL(baseDir)) return new URL(p, baseDir.replace(/\/?$/, "/")).href;
  return cleanPath(baseDir + "/" + p);
}

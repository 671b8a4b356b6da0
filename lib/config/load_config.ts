/**
 * Reads `-promscrape.config` (a file path or an http(s) URL), expands `%{ENV}`
 * placeholders, reads the files named by `scrape_config_files` (globs allowed), and
 * parses everything with {@linkcode parseConfig}.
 *
 * @module
 */
import { expandEnvTemplate } from "../util/envtemplate.ts";
import { ConfigError } from "../util/field_error.ts";
import { getLogger } from "../util/log.ts";
import type { Config } from "./types.ts";
import { type GlobOptions, globPaths } from "./glob.ts";
import { type IncludedFile, listScrapeConfigFiles, parseConfig } from "./parse_config.ts";
import { cleanPath, dirName, isHTTPURL, resolvePath } from "./_path.ts";

/** I/O of config loading; every field has a real default. */
export interface ReadOptions {
  /** Environment lookup for `%{NAME}` placeholders. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** For http(s) URLs. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** For file paths. @default Deno.readTextFile */
  readTextFile?: (path: string) => Promise<string>;
}

/** Options of {@linkcode loadConfig}. */
export interface LoadConfigOptions extends ReadOptions {
  /** `-promscrape.config.strictParse`. */
  strictParse: boolean;
  /** Folder listing for `scrape_config_files` globs. @default Deno */
  glob?: GlobOptions;
  /** Working folder for a relative config path. @default Deno.cwd() */
  cwd?: string;
  /** Called for problems vmagent only logs (unreadable included files). @default logs an error */
  onWarning?: (message: string) => void;
}

/**
 * Reads a file path or an http(s) URL as text and expands `%{ENV}` placeholders.
 * Throws an Error with the cause (no file name: callers add it); a URL must answer 200.
 *
 * @example
 * ```ts
 * // /etc/vmagent/prometheus.yml holds "password: %{PASS}\n"
 * await readConfigText("/etc/vmagent/prometheus.yml", { env: (n) => n === "PASS" ? "hunter2" : undefined });
 * // "password: hunter2\n"
 * ```
 */
export async function readConfigText(pathOrUrl: string, opts: ReadOptions = {}): Promise<string> {
  const text = await readFileOrHTTP(pathOrUrl, opts);
  const env = opts.env ?? ((name: string) => Deno.env.get(name));
  return expandEnvTemplate(text, env);
}

/**
 * Reads a file path or an http(s) URL as text, as vmagent's `ReadFileOrHTTP`: a URL must
 * answer 200. No placeholders are expanded. Throws an Error with the cause.
 *
 * @example
 * ```ts
 * await readFileOrHTTP("https://cfg.example.com/kubeconfig"); // the body
 * ```
 */
export async function readFileOrHTTP(
  pathOrUrl: string,
  opts: Pick<ReadOptions, "fetch" | "readTextFile"> = {},
): Promise<string> {
  if (!isHTTPURL(pathOrUrl)) return await (opts.readTextFile ?? Deno.readTextFile)(pathOrUrl);
  const resp = await (opts.fetch ?? fetch)(pathOrUrl);
  if (resp.status !== 200) {
    await resp.body?.cancel();
    throw new Error(
      `unexpected status code returned from ${JSON.stringify(pathOrUrl)}: ${resp.status}`,
    );
  }
  return await resp.text();
}

/** Reads the files named by `scrape_config_files`, skipping unreadable ones as vmagent does. */
async function readIncludes(
  patterns: string[],
  baseDir: string,
  opts: LoadConfigOptions,
  warn: (m: string) => void,
): Promise<IncludedFile[]> {
  const out: IncludedFile[] = [];
  for (const pattern of patterns) {
    const full = resolvePath(baseDir, pattern);
    let paths = [full];
    if (full.includes("*") && !isHTTPURL(full)) {
      try {
        paths = await globPaths(full, opts.glob);
      } catch (e) {
        warn(
          `skipping pattern ${JSON.stringify(full)} at \`scrape_config_files\` because of error: ${
            (e as Error).message
          }`,
        );
        continue;
      }
    }
    for (const file of paths) {
      try {
        out.push({ file, text: await readConfigText(file, opts) });
      } catch (e) {
        warn(
          `skipping ${JSON.stringify(file)} at \`scrape_config_files\` because of error: ${
            (e as Error).message
          }`,
        );
      }
    }
  }
  return out;
}

/**
 * Loads `-promscrape.config` from a file path or an http(s) URL.
 *
 * @throws {ConfigError} when the config cannot be read or is invalid.
 *
 * @example
 * ```ts
 * const cfg = await loadConfig("/etc/vmagent/prometheus.yml", { strictParse: true });
 * ```
 */
export async function loadConfig(pathOrUrl: string, opts: LoadConfigOptions): Promise<Config> {
  let text: string;
  try {
    text = await readConfigText(pathOrUrl, opts);
  } catch (e) {
    throw new ConfigError(
      pathOrUrl,
      0,
      0,
      "",
      `cannot read Prometheus config: ${(e as Error).message}`,
    );
  }
  const abs = isHTTPURL(pathOrUrl) || pathOrUrl.startsWith("/")
    ? pathOrUrl
    : cleanPath(`${opts.cwd ?? Deno.cwd()}/${pathOrUrl}`);
  const baseDir = dirName(abs);
  const warn = opts.onWarning ?? ((m: string) => getLogger("config").error(m));
  const patterns = listScrapeConfigFiles(text, { file: pathOrUrl });
  const includes = await readIncludes(patterns, baseDir, opts, warn);
  return parseConfig(text, {
    file: pathOrUrl,
    strictParse: opts.strictParse,
    baseDir,
    includes,
    onWarning: warn,
  });
}

/**
 * The `-promscrape.config` loader: YAML text -> validated, defaulted {@linkcode Config}.
 *
 * @module
 */
export * from "./types.ts";
export {
  DEFAULT_SCRAPE_INTERVAL,
  DEFAULT_SCRAPE_TIMEOUT,
  type IncludedFile,
  listScrapeConfigFiles,
  parseConfig,
  type ParseConfigOptions,
} from "./parse_config.ts";
export {
  loadConfig,
  type LoadConfigOptions,
  readConfigText,
  readFileOrHTTP,
  type ReadOptions,
} from "./load_config.ts";
export { loadRelabelConfigFile, parseRelabelConfigText } from "./relabel_config_file.ts";
export { type GlobOptions, globPaths, matchGlob } from "./glob.ts";

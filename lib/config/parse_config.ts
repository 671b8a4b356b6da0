/**
 * `-promscrape.config` text -> resolved {@linkcode Config}: the pure, synchronous core
 * of config loading. {@linkcode loadConfig} does the I/O around it.
 *
 * @module
 */
import { stringify } from "yaml";
import { ConfigError } from "../util/field_error.ts";
import { getLogger } from "../util/log.ts";
import type { Config, GlobalConfig, ScrapeConfig } from "./types.ts";
import { dirName } from "./_path.ts";
import { readRelabelConfigs } from "./_relabel.ts";
import {
  type JobDefaults,
  readDuration,
  type ReadScrapeConfig,
  readScrapeConfig,
} from "./_scrape_config.ts";
import { type MapReader, readMap } from "./_map_reader.ts";
import { SecretValue, YamlFile } from "./_yaml_file.ts";

/**
 * Scrape interval in ms used when neither the job nor `global` sets one (vmagent's
 * `defaultScrapeInterval`, 1m).
 *
 * @example
 * ```ts
 * const scrapeInterval = interval > 0 ? interval : DEFAULT_SCRAPE_INTERVAL; // 60000
 * ```
 */
export const DEFAULT_SCRAPE_INTERVAL = 60_000;
/**
 * Scrape timeout in ms used when neither the job nor `global` sets one (vmagent's
 * `defaultScrapeTimeout`, 10s).
 *
 * @example
 * ```ts
 * const scrapeTimeout = timeout > 0 ? timeout : DEFAULT_SCRAPE_TIMEOUT; // 10000
 * ```
 */
export const DEFAULT_SCRAPE_TIMEOUT = 10_000;

const ROOT_FIELDS = ["global", "scrape_configs", "scrape_config_files"] as const;
const GLOBAL_FIELDS = [
  "scrape_interval",
  "scrape_timeout",
  "external_labels",
  "label_limit",
  "sample_limit",
  "relabel_configs",
  "metric_relabel_configs",
] as const;

/** A file named by `scrape_config_files`, already read and `%{ENV}`-expanded. */
export interface IncludedFile {
  /** Its path or URL, used in error messages. */
  file: string;
  text: string;
}

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** The path or URL the text came from, for errors and `Config.source`. */
  file: string;
  /** `-promscrape.config.strictParse`: unknown fields are errors. */
  strictParse: boolean;
  /** Folder that relative file paths are resolved against. @default the folder of `file` */
  baseDir?: string;
  /**
   * The files named by `scrape_config_files`, in order (see {@linkcode listScrapeConfigFiles});
   * required when the text has a non-empty `scrape_config_files`.
   */
  includes?: IncludedFile[];
  /**
   * Called for problems vmagent only logs (an unparsable included file with strictParse off).
   * @default logs an error
   */
  onWarning?: (message: string) => void;
}

function readGlobal(
  root: MapReader,
): { global: GlobalConfig; defaults: JobDefaults; out: unknown } {
  const g = root.map("global", GLOBAL_FIELDS) ??
    readMap(root.y, { node: null, path: ["global"], at: null }, { known: [] });
  const interval = readDuration(g, "scrape_interval") ?? 0;
  const timeout = readDuration(g, "scrape_timeout") ?? 0;
  const externalLabels = g.stringMap("external_labels") ?? [];
  const labelLimit = g.int("label_limit") ?? 0;
  const sampleLimit = g.int("sample_limit") ?? 0;
  const relabelConfigs = readRelabelConfigs(g, "relabel_configs");
  const metricRelabelConfigs = readRelabelConfigs(g, "metric_relabel_configs");
  const scrapeInterval = interval > 0 ? interval : DEFAULT_SCRAPE_INTERVAL;
  const scrapeTimeout = timeout > 0 ? timeout : DEFAULT_SCRAPE_TIMEOUT;
  const out = g.output();
  return {
    global: { scrapeInterval, scrapeTimeout, externalLabels },
    defaults: {
      scrapeInterval,
      scrapeTimeout,
      sampleLimit,
      labelLimit,
      relabelConfigs,
      metricRelabelConfigs,
    },
    out: Object.keys(out).length > 0 ? out : undefined,
  };
}

/** Parses an included file: a YAML list of scrape configs. */
function readIncluded(
  inc: IncludedFile,
  strict: boolean,
  baseDir: string,
  defaults: JobDefaults,
): ReadScrapeConfig[] {
  const y = YamlFile.parse(inc.text, { file: inc.file, strict });
  return y.listItems(y.root, []).map((item) => readScrapeConfig(item, { y, baseDir, defaults }));
}

/** Replaces SecretValue leaves: by `<secret>` (masked) or by their value (plain). */
function reveal(v: unknown, masked: boolean): unknown {
  if (v instanceof SecretValue) return masked ? v.masked : v.value;
  if (Array.isArray(v)) return v.map((x) => reveal(x, masked));
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = reveal(x, masked);
    return out;
  }
  return v;
}

/**
 * The paths listed in `scrape_config_files` of a config text, as written (not resolved,
 * not globbed); [] when there are none or the text does not parse (then
 * {@linkcode parseConfig} reports the error).
 *
 * @example
 * ```ts
 * listScrapeConfigFiles("scrape_config_files:\n- conf.d/*.yml\n- /etc/extra.yml\n", { file: "prometheus.yml" });
 * // ["conf.d/*.yml", "/etc/extra.yml"]
 * listScrapeConfigFiles("{", { file: "prometheus.yml" }); // []
 * ```
 */
export function listScrapeConfigFiles(text: string, opts: { file: string }): string[] {
  try {
    const y = YamlFile.parse(text, { file: opts.file, strict: false });
    return readMap(y, { node: y.root, path: [], at: y.root }, { known: [] }).stringList(
      "scrape_config_files",
    ) ?? [];
  } catch {
    return [];
  }
}

/**
 * Parses and validates a `-promscrape.config` text (already `%{ENV}`-expanded) as vmagent
 * HEAD does: defaults, `scrape_timeout` clamped to `scrape_interval`, `global` relabel
 * rules and limits folded into every job, unique job names.
 *
 * @throws {ConfigError} naming file, line, column and field path of the first problem.
 *
 * @example
 * ```ts
 * const cfg = parseConfig("scrape_configs:\n- job_name: node\n  static_configs: [{targets: [a:9100]}]\n", {
 *   file: "/etc/vmagent/prometheus.yml",
 *   strictParse: true,
 * });
 * cfg.scrapeConfigs[0].scrapeInterval; // 60000
 * ```
 */
export function parseConfig(text: string, opts: ParseConfigOptions): Config {
  const strict = opts.strictParse;
  const baseDir = opts.baseDir ?? dirName(opts.file);
  const y = YamlFile.parse(text, { file: opts.file, strict });
  const root = readMap(y, { node: y.root, path: [], at: y.root }, { known: ROOT_FIELDS });
  const { global, defaults, out: globalOut } = readGlobal(root);

  const jobs: ReadScrapeConfig[] = root.list("scrape_configs").map((item) =>
    readScrapeConfig(item, { y, baseDir, defaults })
  );
  const files = root.stringList("scrape_config_files") ?? [];
  if (files.length > 0 && opts.includes === undefined) {
    throw root.fail(
      "scrape_config_files",
      "`scrape_config_files` are read by loadConfig(); parseConfig() got no `includes`",
    );
  }
  const warn = opts.onWarning ?? ((m: string) => getLogger("config").error(m));
  for (const inc of opts.includes ?? []) {
    try {
      jobs.push(...readIncluded(inc, strict, baseDir, defaults));
    } catch (e) {
      // vmagent skips an unparsable included file when strict parsing is off.
      if (strict || !(e instanceof ConfigError)) throw e;
      warn(
        `skipping ${
          JSON.stringify(inc.file)
        } at \`scrape_config_files\` because of failure to parse it: ${e.message}`,
      );
    }
  }

  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.sc.jobName)) {
      throw job.failJobName(
        `duplicate \`job_name\` in \`scrape_configs\`: ${JSON.stringify(job.sc.jobName)}`,
      );
    }
    seen.add(job.sc.jobName);
  }

  const globalPlain = JSON.stringify(reveal(globalOut ?? {}, false));
  const scrapeConfigs: ScrapeConfig[] = jobs.map((job) => ({
    ...job.sc,
    fingerprint: globalPlain + "\n" + JSON.stringify(reveal(job.out, false)),
  }));
  const marshalled: Record<string, unknown> = {};
  if (globalOut !== undefined) marshalled.global = globalOut;
  if (jobs.length > 0) marshalled.scrape_configs = jobs.map((j) => j.out);
  const maskedYaml = stringify(reveal(marshalled, true), { lineWidth: 0, version: "1.1" });

  let fullText = text;
  for (const inc of opts.includes ?? []) {
    fullText += `\n# scrape_config_files: ${inc.file}\n${inc.text}`;
  }
  return { global, scrapeConfigs, source: opts.file, baseDir, text: fullText, maskedYaml };
}

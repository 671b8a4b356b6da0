/** Test helpers: configs from YAML text through the real config parser, and a capturing logger. */
import { stringify } from "yaml";
import { parseConfig } from "../../lib/config/parse_config.ts";
import type { Config, ScrapeConfig } from "../../lib/config/types.ts";
import type { Logger } from "../../lib/util/log.ts";

/** Parses a config given as a plain object (written as YAML first). */
export function configOf(doc: unknown, file = "/etc/vmagent/scrape.yml"): Config {
  return parseConfig(stringify(doc), { file, strictParse: true });
}

/** The first job of a config given as `scrape_configs[0]`. */
export function jobOf(job: Record<string, unknown>): ScrapeConfig {
  return configOf({ scrape_configs: [{ job_name: "node", ...job }] }).scrapeConfigs[0];
}

/** A logger that keeps what it is given. */
export function memLog(): Logger & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return {
    errors,
    infos,
    info: (m) => infos.push(m),
    warn: (m) => errors.push(m),
    error: (m) => errors.push(m),
  };
}

/**
 * The agent's scraper: one {@linkcode ScrapePool} fed with the discovery's active targets,
 * replaced when a config reload changes `global.external_labels`.
 *
 * vmagent makes the external labels part of every scrape work's identity, so such a reload
 * restarts every target: the old scrapers stop with staleness markers for the series they
 * sent and new ones start with the new labels. A pool takes its external labels once, so
 * the runner empties the old pool (stale markers), stops it and builds a new one; the next
 * {@linkcode ScrapeRunner.sync} starts the targets there.
 *
 * @module
 */
import type { Config } from "../lib/config/types.ts";
import type { TargetScraper } from "../lib/scrape/target_scraper.ts";
import type { ScrapeStatus, ScrapeTarget } from "../lib/targets/types.ts";
import { getLogger, type Logger } from "../lib/util/log.ts";

/** Options of {@linkcode ScrapeRunner}. */
export interface ScrapeRunnerOptions {
  /** Builds a pool that adds the `global.external_labels` of `config` to scraped series. */
  newPool: (config: Config) => TargetScraper;
  /** @default getLogger("promscrape") */
  log?: Logger;
}

/**
 * Runs the scrape pool of the current config.
 *
 * @example
 * ```ts
 * const runner = new ScrapeRunner(config, { newPool: (c) => new ScrapePool({ sink, externalLabels: c.global.externalLabels }) });
 * runner.sync(activeTargets);
 * runner.setConfig(reloaded); // before the discovery sees the new config
 * await runner.stop();
 * ```
 */
export class ScrapeRunner {
  readonly #newPool: (config: Config) => TargetScraper;
  readonly #log: Logger;
  #pool: TargetScraper;
  #labels: string;
  /** Syncs and replacements, in order: a sync never reaches a pool being replaced. */
  #ops: Promise<void> = Promise.resolve();
  #stopped = false;

  /** Builds the pool of `config`; nothing runs until {@linkcode sync}. */
  constructor(config: Config, opts: ScrapeRunnerOptions) {
    this.#newPool = opts.newPool;
    this.#log = opts.log ?? getLogger("promscrape");
    this.#pool = opts.newPool(config);
    this.#labels = labelsKey(config);
  }

  /** Makes `active` the running targets (after any pending replacement). */
  sync(active: readonly ScrapeTarget[]): void {
    if (this.#stopped) return;
    this.#ops = this.#ops
      .then(() => this.#pool.sync(active))
      .catch((e) => this.#log.error(`cannot update scrape targets: ${e}`));
  }

  /**
   * Takes a reloaded config; when its `global.external_labels` differ, every running target
   * stops (with staleness markers) and the next {@linkcode sync} starts them with the new
   * labels. Call it before the discovery applies the config.
   */
  setConfig(config: Config): void {
    const labels = labelsKey(config);
    if (this.#stopped || labels === this.#labels) return;
    this.#labels = labels;
    this.#log.info("global.external_labels changed: restarting every scrape target");
    this.#ops = this.#ops.then(async () => {
      const old = this.#pool;
      await old.sync([]);
      await old.stop();
      this.#pool = this.#newPool(config);
    }).catch((e) => this.#log.error(`cannot apply the new global.external_labels: ${e}`));
  }

  /** The scrape status of the target with `key`, if it runs. */
  statusOf(key: string): ScrapeStatus | undefined {
    return this.#pool.statusOf(key);
  }

  /** The running targets. */
  targets(): ScrapeTarget[] {
    return this.#pool.targets();
  }

  /** Scrapes the target with `id` once (`/target_response`). */
  scrapeOnce(id: string): Promise<string> {
    return this.#pool.scrapeOnce(id);
  }

  /**
   * Stops every target without staleness markers, after the work asked for before; later
   * calls of {@linkcode sync} and {@linkcode setConfig} do nothing.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#ops;
    await this.#pool.stop();
  }
}

function labelsKey(config: Config): string {
  return JSON.stringify(config.global.externalLabels);
}

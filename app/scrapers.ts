/**
 * Where the agent's scraping runs, from `-promscrape.workers`: in the main thread (0), in
 * N Workers from the start (N > 0), or in the main thread until it is busy and then in one
 * Worker per available core (negative, the default; never with one core).
 *
 * @module
 */
import type { ClusterOptions } from "../lib/cluster/options.ts";
import type { Config } from "../lib/config/types.ts";
import type { AgentFlags } from "../lib/flags/mod.ts";
import type { HeapStats } from "../lib/metrics/process.ts";
import { ScrapeThreads } from "../lib/scrape/adaptive_scraper.ts";
import { ScrapePool } from "../lib/scrape/scrape_pool.ts";
import { ScrapeWorkers } from "../lib/scrape/scrape_workers.ts";
import type { TargetScraper } from "../lib/scrape/target_scraper.ts";
import type { Sink } from "../lib/util/series.ts";
import { loggerOptions, scrapePoolOptions, workerPoolOptions } from "./options.ts";
import { VERSION } from "./version.ts";

/** The agent's scrape pools and the threads they run in. */
export interface Scrapers {
  /** A pool for `config` (its `global.external_labels` go on every series). */
  newPool(config: Config): TargetScraper;
  /** The Workers' JavaScript heaps, when Workers run. */
  workerHeaps(): HeapStats | undefined;
  /** Terminates the Workers (after the pools stopped). */
  close(): void;
}

/** Builds the {@linkcode Scrapers} the flags ask for; `cpus` is the available core count. */
export function newScrapers(
  flags: AgentFlags,
  opts: { cluster: ClusterOptions; sink: Sink; cpus: number },
): Scrapers {
  const { cluster, sink } = opts;
  const inThread = (config: Config) =>
    new ScrapePool(scrapePoolOptions(flags, cluster, { sink, config }));
  const startWorkers = (count: number) =>
    new ScrapeWorkers({ count, sink, logger: loggerOptions(flags), appVersion: VERSION });
  const n = flags.get("promscrape.workers");
  if (n > 0) {
    const workers = startWorkers(n);
    return {
      newPool: (config) => workers.newPool(workerPoolOptions(flags, cluster, config)),
      workerHeaps: () => workers.heapStats(),
      close: () => workers.close(),
    };
  }
  if (n === 0 || opts.cpus < 2) {
    return { newPool: inThread, workerHeaps: () => undefined, close: () => {} };
  }
  const threads = new ScrapeThreads({ startWorkers: () => startWorkers(opts.cpus) });
  threads.start();
  return {
    newPool: (config) =>
      threads.newPool(
        scrapePoolOptions(flags, cluster, { sink, config }),
        workerPoolOptions(flags, cluster, config),
      ),
    workerHeaps: () => threads.workers?.heapStats(),
    close: () => threads.close(),
  };
}

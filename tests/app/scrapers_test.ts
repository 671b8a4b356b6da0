import assert from "node:assert/strict";
import { newScrapers } from "../../app/scrapers.ts";
import { validateClusterOptions } from "../../lib/cluster/mod.ts";
import { parseAgentFlags } from "../../lib/flags/mod.ts";
import { AdaptiveScrapePool } from "../../lib/scrape/adaptive_scraper.ts";
import { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import { WorkerScrapePool } from "../../lib/scrape/scrape_workers.ts";
import { configOf } from "../targets/_config.ts";

const cluster = validateClusterOptions({
  membersCount: 1,
  memberNum: "0",
  replicationFactor: 1,
  shardByLabels: [],
  memberURLTemplate: "",
  memberLabel: "",
});
const config = configOf({ scrape_configs: [] });

Deno.test("newScrapers() runs pools where -promscrape.workers and the core count say", async () => {
  const f = async (argv: string[], cpus: number, want: new (...a: never[]) => unknown) => {
    const flags = parseAgentFlags(argv, { env: () => undefined, cpus });
    const s = newScrapers(flags, { cluster, sink: { push: () => true }, cpus });
    const pool = s.newPool(config);
    try {
      assert.ok(pool instanceof want, `${argv} on ${cpus} cores: ${pool.constructor.name}`);
      if (pool instanceof AdaptiveScrapePool) assert.equal(pool.inWorkers, false);
      assert.equal(s.workerHeaps() === undefined, !(pool instanceof WorkerScrapePool));
    } finally {
      await pool.stop();
      s.close();
    }
  };
  await f([], 2, AdaptiveScrapePool); // the default: the main thread until it is busy
  await f([], 1, ScrapePool); // one core: never Workers
  await f(["-promscrape.workers=-1"], 1, ScrapePool);
  await f(["-promscrape.workers=0"], 8, ScrapePool);
  await f(["-promscrape.workers=2"], 1, WorkerScrapePool); // asked for: even on one core
});

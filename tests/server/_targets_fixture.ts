/** A discovery manager over a small static config, with scrape statuses, for the status page tests. */
import { DiscoveryManager } from "../../lib/discovery/manager.ts";
import { type ClusterFlags, validateClusterOptions } from "../../lib/cluster/options.ts";
import type { ScrapeStatus } from "../../lib/targets/types.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { configOf, memLog } from "../targets/_config.ts";

await initXXHash64();

/** 2024-05-06T07:08:09.120Z */
export const NOW = Date.UTC(2024, 4, 6, 7, 8, 9, 120);

/**
 * Jobs: `node` (h1 up, h2 down, h3 never scraped), `web` (one dropped by relabeling, one active), `empty`.
 * `dropOriginalLabels` is `-promscrape.dropOriginalLabels` for the manager.
 */
export function fixture(cluster: ClusterFlags = {}, opts: { dropOriginalLabels?: boolean } = {}) {
  const manager = new DiscoveryManager({
    log: memLog(),
    setTimer: () => () => {},
    cluster: validateClusterOptions(cluster),
    dropOriginalLabels: opts.dropOriginalLabels,
  });
  manager.update(configOf({
    scrape_configs: [
      {
        job_name: "node",
        static_configs: [{ targets: ["h2:1", "h1:1", "h3:1"], labels: { env: "<prod>" } }],
      },
      {
        job_name: "web",
        static_configs: [{ targets: ["w1:80", "user:s3cret@w2:80"] }],
        relabel_configs: [
          { source_labels: ["__address__"], regex: "w1.*", action: "drop" },
          { target_label: "instance", replacement: "w2" },
        ],
      },
      { job_name: "empty" },
    ],
  }));
  const statuses = new Map<string, ScrapeStatus>();
  for (const t of manager.current().active) {
    const host = t.scrapeUrl.replace(/^http:\/\/(?:.*@)?([^:]+).*$/, "$1");
    if (host === "h1") {
      statuses.set(t.key, {
        health: "up",
        lastError: "",
        lastScrape: NOW - 1500,
        lastScrapeDuration: 12,
        lastSamplesScraped: 34,
        scrapesTotal: 5,
        scrapesFailed: 1,
        seriesCount: 30,
        lastResponseSize: 2049,
      });
    } else if (host === "h2") {
      statuses.set(t.key, {
        health: "down",
        lastError: 'cannot read "h2": connection refused',
        lastScrape: NOW - 100,
        lastScrapeDuration: 2000,
        lastSamplesScraped: 0,
        scrapesTotal: 5,
        scrapesFailed: 5,
        seriesCount: 0,
        lastResponseSize: 0,
      });
    }
  }
  return { manager, statusOf: (key: string) => statuses.get(key), now: () => NOW };
}

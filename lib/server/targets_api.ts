/**
 * `/api/v1/targets`: the Prometheus targets API as vmagent serves it.
 *
 * @module
 */
import type { TargetsView } from "../targets/registry.ts";
import type { ScrapeStatus } from "../targets/types.ts";
import { labelsToObject } from "../util/labels.ts";
import {
  addressOf,
  byString,
  displayLabels,
  maskUrl,
  rfc3339Nano,
  statusOrUnknown,
} from "./_status_html.ts";

/** What the target status handlers read. */
export interface TargetStatusOptions {
  /** The current targets. */
  view: TargetsView;
  /**
   * Scrape health per target key, from the scraper; missing means not scraped yet.
   * @default every target `unknown` (never scraped)
   */
  statusOf?: (key: string) => ScrapeStatus | undefined;
  /** The clock (ms), for the time since each scrape. @default Date.now */
  now?: () => number;
}

/**
 * Returns the `/api/v1/targets` handler: `{"status":"success","data":{"activeTargets":[...],
 * "droppedTargets":[...]}}`. `state=active|dropped|any` (default any) picks the lists;
 * `scrapePool=<job>` filters the active ones. Active targets carry discoveredLabels, labels,
 * scrapePool, scrapeUrl, lastError, lastScrape (RFC3339Nano), lastScrapeDuration (seconds),
 * lastSamplesScraped and health (`up` or `down`; a target not scraped yet is `down`, as in
 * vmagent); dropped ones only discoveredLabels. Both are ordered by
 * discovered `__address__`, as vmagent orders them. Under `-promscrape.dropOriginalLabels`
 * (see `DiscoveryManagerOptions`) targets carry no discovered labels, so active targets show
 * `"discoveredLabels":{}` and `droppedTargets` is empty, as in vmagent HEAD.
 *
 * @example
 * ```ts
 * const handler = targetsApiHandler({ view: manager, statusOf: (key) => scraper.status(key) });
 * const res = handler(new Request("http://localhost/api/v1/targets?state=active"));
 * ```
 */
export function targetsApiHandler(options: TargetStatusOptions): (req: Request) => Response {
  return (req) => {
    const url = new URL(req.url);
    const state = url.searchParams.get("state") || "any";
    const scrapePool = url.searchParams.get("scrapePool") ?? "";
    const snap = options.view.current();
    const activeTargets: unknown[] = [];
    if (state === "active" || state === "any") {
      const active = snap.active.filter((t) => scrapePool === "" || t.job === scrapePool);
      active.sort(byString((t) => addressOf(t.discoveredLabels)));
      for (const t of active) {
        const st = statusOrUnknown(options.statusOf, t.key);
        activeTargets.push({
          discoveredLabels: labelsToObject(displayLabels(t.discoveredLabels)),
          labels: labelsToObject(displayLabels(t.labels)),
          scrapePool: t.job,
          scrapeUrl: maskUrl(t.scrapeUrl),
          lastError: st.lastError,
          lastScrape: rfc3339Nano(st.lastScrape),
          lastScrapeDuration: st.lastScrapeDuration / 1000,
          lastSamplesScraped: st.lastSamplesScraped,
          // vmagent has no "unknown": a target not scraped yet is not up, so "down".
          health: st.health === "up" ? "up" : "down",
        });
      }
    }
    const droppedTargets: unknown[] = [];
    if (state === "dropped" || state === "any") {
      const dropped = [...snap.dropped].sort(byString((d) => addressOf(d.discoveredLabels)));
      for (const d of dropped) {
        droppedTargets.push({
          discoveredLabels: labelsToObject(displayLabels(d.discoveredLabels)),
        });
      }
    }
    const body = JSON.stringify({ status: "success", data: { activeTargets, droppedTargets } });
    return new Response(body, { headers: { "Content-Type": "application/json" } });
  };
}

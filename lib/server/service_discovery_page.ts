/**
 * `/service-discovery`: every discovered target of every job with its labels before and
 * after relabeling, and why dropped ones are not scraped here; sharded-out targets name
 * the members that scrape them, linked through `-promscrape.cluster.memberURLTemplate`.
 *
 * @module
 */
import type { DroppedTarget } from "../targets/types.ts";
import {
  addressOf,
  byString,
  escapeHtml,
  htmlPage,
  labelsHtml,
  readFilter,
} from "./_status_html.ts";
import {
  filterFormHtml,
  groupTargetsByJob,
  healthBadge,
  type TargetPageOptions,
} from "./targets_page.ts";

/**
 * vmagent's notice (HTML) on `/service-discovery` when `-promscrape.dropOriginalLabels` is set.
 *
 * @example
 * ```ts
 * const body = `<div class="warn">${NO_ORIGINAL_LABELS_DISCOVERY}</div>`;
 * ```
 */
export const NO_ORIGINAL_LABELS_DISCOVERY =
  "Discovered targets are unavailable, set <b>-promscrape.dropOriginalLabels=false</b> " +
  "command-line flag to enable it";

/**
 * Lists cluster members as `shard-1, shard-2` (HTML), each linked when a member URL
 * template (`%d` = member number) is set.
 *
 * @example
 * ```ts
 * shardLinks([0, 2], ""); // "shard-0, shard-2"
 * shardLinks([1], "http://vmagent-%d:8429/targets");
 * // '<a href="http://vmagent-1:8429/targets" target="_blank">shard-1</a>'
 * ```
 */
export function shardLinks(members: readonly number[], memberURLTemplate: string): string {
  return members.map((m) => {
    if (memberURLTemplate === "") return `shard-${m}`;
    const href = memberURLTemplate.replaceAll("%d", String(m));
    return `<a href="${escapeHtml(href)}" target="_blank">shard-${m}</a>`;
  }).join(", ");
}

/**
 * Says where a sharded-out target is scraped, `exists at shard-1, shard-2`, as vmagent's
 * `/service-discovery` does.
 *
 * @example
 * ```ts
 * shardLinksHtml([0, 1], ""); // "exists at shard-0, shard-1"
 * ```
 */
export function shardLinksHtml(members: readonly number[], memberURLTemplate: string): string {
  return `exists at ${shardLinks(members, memberURLTemplate)}`;
}

/**
 * Returns the `/service-discovery` handler (HTML). Accepts the `/targets` filters; they
 * narrow the active targets, as in vmagent. Under `dropOriginalLabels` the page holds only
 * the filters and vmagent's notice that discovered targets are unavailable.
 *
 * @example
 * ```ts
 * const handler = serviceDiscoveryPageHandler({ view: manager, statusOf });
 * ```
 */
export function serviceDiscoveryPageHandler(
  options: TargetPageOptions,
): (req: Request) => Response {
  return (req) => {
    const filter = readFilter(new URL(req.url));
    const snap = options.view.current();
    const grouped = groupTargetsByJob(snap, filter, options);
    const template = snap.clusterOptions.memberURLTemplate;
    const hasOriginalLabels = options.dropOriginalLabels !== true;
    let body = filterFormHtml(filter, { hasOriginalLabels });
    if (grouped.error !== "") body += `<div class="error">${escapeHtml(grouped.error)}</div>`;
    if (!hasOriginalLabels) {
      // vmagent HEAD lists nothing then: it keeps no discovered labels and no dropped targets.
      body += `<div class="warn" role="alert">${NO_ORIGINAL_LABELS_DISCOVERY}</div>\n`;
      return htmlPage("Discovered Targets", body);
    }
    if (snap.droppedTotal > snap.maxDroppedTargets) {
      body +=
        `<div class="warn">The list of dropped targets below is incomplete: ${snap.droppedTotal} ` +
        `targets are dropped, more than <b>-promscrape.maxDroppedTargets=${snap.maxDroppedTargets}</b>. ` +
        `Raise the flag to at least ${snap.droppedTotal} to see them all (this uses more memory).</div>`;
    }
    const droppedByJob = new Map<string, DroppedTarget[]>();
    for (const d of [...snap.dropped].sort(byString((d) => addressOf(d.discoveredLabels)))) {
      const list = droppedByJob.get(d.job) ?? [];
      list.push(d);
      droppedByJob.set(d.job, list);
    }
    const activeByJob = new Map(grouped.jobs.map((j) => [j.job, j]));
    const jobNames = [
      ...new Set([...snap.jobNames, ...activeByJob.keys(), ...droppedByJob.keys()]),
    ].sort();
    for (const job of jobNames) {
      const active = activeByJob.get(job)?.targets ?? [];
      const dropped = droppedByJob.get(job) ?? [];
      const errors = snap.errors.get(job) ?? [];
      if (active.length + dropped.length + errors.length === 0) continue;
      body += `<h2>${escapeHtml(job)} (${active.length}/${
        active.length + dropped.length
      } active)</h2>\n`;
      for (const e of errors) body += `<div class="error">${escapeHtml(e)}</div>\n`;
      body += `<table><thead><tr><th style="width:12%">Status</th><th style="width:55%">` +
        `Discovered Labels</th><th>Target Labels</th></tr></thead><tbody>\n`;
      for (const { target, status } of active) {
        body +=
          `<tr${status.health === "down" ? ' class="down"' : ""}><td>${
            healthBadge(status.health)
          }</td>` +
          `<td class="labels">${labelsHtml(target.discoveredLabels)}</td>` +
          `<td class="labels">${labelsHtml(target.labels)}</td></tr>\n`;
      }
      for (const d of dropped) {
        let status = `<span class="badge drop">DROPPED (${escapeHtml(d.reason)})</span>`;
        if (d.clusterMembers !== undefined && d.clusterMembers.length > 0) {
          status +=
            `<br><span title="the members (-promscrape.cluster.memberNum) that scrape it">` +
            `${shardLinksHtml(d.clusterMembers, template)}</span>`;
        }
        body += `<tr class="dropped"><td>${status}</td>` +
          `<td class="labels">${labelsHtml(d.discoveredLabels)}</td>` +
          `<td class="labels">${d.labels === undefined ? "" : labelsHtml(d.labels)}</td></tr>\n`;
      }
      body += `</tbody></table>\n`;
    }
    return htmlPage("Discovered Targets", body);
  };
}

/**
 * `/targets`: this member's active targets grouped by job, as plain text (vmagent's
 * line format) or, when `Accept` contains `text/html`, as an HTML page.
 *
 * @module
 */
import type { TargetsSnapshot } from "../targets/registry.ts";
import type { ScrapeStatus, ScrapeTarget } from "../targets/types.ts";
import { formatLabels } from "../targets/target_key.ts";
import type { Label } from "../util/series.ts";
import { compileGoRegex } from "../relabel/go_regex.ts";
import { parseSeriesSelector } from "../relabel/selector.ts";
import {
  byString,
  displayLabels,
  escapeHtml,
  htmlPage,
  labelsHtml,
  maskUrl,
  readFilter,
  sinceText,
  sizeText,
  statusOrUnknown,
  type TargetFilter,
} from "./_status_html.ts";
import type { TargetStatusOptions } from "./targets_api.ts";

/** Options of the `/targets` and `/service-discovery` pages. */
export interface TargetPageOptions extends TargetStatusOptions {
  /**
   * Compiles a `label_search` series selector (`{job="node",instance=~".+:9100"}`) to a
   * predicate over final labels; throws on a bad selector.
   * @default lib/relabel's series selector (the `if:` syntax)
   */
  compileSelector?: (selector: string) => (labels: readonly Label[]) => boolean;
  /**
   * `-promscrape.dropOriginalLabels`: targets carry no original labels, so the pages say so
   * instead of showing them, as vmagent HEAD does.
   * @default false
   */
  dropOriginalLabels?: boolean;
}

/**
 * vmagent's notice (HTML) on `/targets` when `-promscrape.dropOriginalLabels` is set.
 *
 * @example
 * ```ts
 * const body = `<div class="warn" role="alert">${NO_ORIGINAL_LABELS_TARGETS}</div>`;
 * ```
 */
export const NO_ORIGINAL_LABELS_TARGETS =
  "Some debugging information is not available, set <b>-promscrape.dropOriginalLabels=false</b> " +
  "command-line flag to enable it";

/** One job's targets after the filters. */
export interface JobTargets {
  job: string;
  up: number;
  total: number;
  targets: { target: ScrapeTarget; status: ScrapeStatus }[];
}

/** Targets grouped by job as vmagent's `/targets` shows them, plus the jobs with none. */
export interface TargetsByJob {
  jobs: JobTargets[];
  emptyJobs: string[];
  /** A filter that could not be compiled; nothing else is shown then. */
  error: string;
}

/**
 * Groups the active targets by job (sorted by job, then scrape URL), counting `up` before
 * the filters, then applies `show_only_unhealthy`, `endpoint_search` (regex over the scrape
 * URL) and `label_search` (series selector over the final labels). Jobs with no active targets
 * are listed in `emptyJobs` unless a filter is set.
 *
 * @example
 * ```ts
 * const filter = readFilter(new URL("http://localhost/targets?show_only_unhealthy=true"));
 * const grouped = groupTargetsByJob(manager.current(), filter, { view: manager });
 * // grouped.jobs: [{ job: "node", up: 2, total: 3, targets: [the one target not up] }]
 * // grouped.emptyJobs: [] (a filter is set); grouped.error: ""
 * ```
 */
export function groupTargetsByJob(
  snap: TargetsSnapshot,
  filter: TargetFilter,
  options: TargetPageOptions,
): TargetsByJob {
  const byJob = new Map<string, JobTargets>();
  for (const target of snap.active) {
    let j = byJob.get(target.job);
    if (j === undefined) {
      byJob.set(target.job, j = { job: target.job, up: 0, total: 0, targets: [] });
    }
    const status = statusOrUnknown(options.statusOf, target.key);
    j.total++;
    if (status.health === "up") j.up++;
    j.targets.push({ target, status });
  }
  let jobs = [...byJob.values()].sort(byString((j) => j.job));
  for (const j of jobs) j.targets.sort(byString((t) => t.target.scrapeUrl));
  const allJobs = new Set(jobs.map((j) => j.job));
  const emptyJobs = [...new Set(snap.jobNames)].filter((n) => !allJobs.has(n)).sort();
  if (filter.showOnlyUnhealthy) {
    for (const j of jobs) j.targets = j.targets.filter((t) => t.status.health !== "up");
    jobs = jobs.filter((j) => j.targets.length > 0);
  }
  let error = "";
  try {
    if (filter.endpointSearch !== "") {
      const re = compileSearch(filter.endpointSearch);
      jobs = keepTargets(jobs, (t) => re.test(t.scrapeUrl));
    }
    if (filter.labelSearch !== "") {
      const match = compileLabelSearch(filter.labelSearch, options);
      jobs = keepTargets(jobs, (t) => match(t.labels));
    }
  } catch (e) {
    error = (e as Error).message;
    jobs = [];
  }
  const filtered = filter.showOnlyUnhealthy || filter.endpointSearch !== "" ||
    filter.labelSearch !== "";
  return { jobs, emptyJobs: filtered ? [] : emptyJobs, error };
}

function compileSearch(text: string): RegExp {
  try {
    return compileGoRegex(text, { anchored: false });
  } catch (e) {
    throw new Error(`cannot parse ${text}: ${(e as Error).message}`);
  }
}

function compileLabelSearch(
  text: string,
  options: TargetPageOptions,
): (labels: readonly Label[]) => boolean {
  try {
    if (options.compileSelector !== undefined) return options.compileSelector(text);
    const selector = parseSeriesSelector(text);
    return (labels) => selector.matches(labels);
  } catch (e) {
    throw new Error(`cannot parse ${text}: ${(e as Error).message}`);
  }
}

function keepTargets(jobs: JobTargets[], keep: (t: ScrapeTarget) => boolean): JobTargets[] {
  const out: JobTargets[] = [];
  for (const j of jobs) {
    const targets = j.targets.filter((t) => keep(t.target));
    if (targets.length > 0) out.push({ ...j, targets });
  }
  return out;
}

/**
 * Returns the `/targets` handler. Plain text lines, as current vmagent writes them:
 * `job=<job> (<up>/<total> up)` and per target `\tstate=up|down, endpoint=<url>, labels={...},
 * [originalLabels={...}, ]scrapes_total=N, scrapes_failed=N, last_scrape=1.234s ago,
 * scrape_duration=Nms, scrape_response_size=NB, samples_scraped=N, error=<text>`; then
 * `job=<job> (0/0 up)` for jobs without active targets.
 *
 * The HTML page also shows, under each job, why its discovery failed (the text format is
 * vmagent's and has no place for it).
 *
 * Under `dropOriginalLabels` the text shows `originalLabels=, ` (empty, as vmagent prints
 * missing original labels) and the HTML page warns that debugging information is missing,
 * showing `(N/A)` instead of the target response link and no original labels.
 *
 * @example
 * ```ts
 * const handler = targetsPageHandler({ view: manager, statusOf });
 * await handler(new Request("http://localhost/targets")).text();
 * ```
 */
export function targetsPageHandler(options: TargetPageOptions): (req: Request) => Response {
  return (req) => {
    const url = new URL(req.url);
    const filter = readFilter(url);
    const snap = options.view.current();
    const grouped = groupTargetsByJob(snap, filter, options);
    const now = (options.now ?? Date.now)();
    const hasOriginalLabels = options.dropOriginalLabels !== true;
    if ((req.headers.get("Accept") ?? "").includes("text/html")) {
      return htmlPage(
        "Active Targets",
        targetsHtml(grouped, filter, now, hasOriginalLabels, snap.errors),
      );
    }
    return new Response(targetsText(grouped, filter, now, { hasOriginalLabels }), {
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  };
}

/** Options of {@linkcode targetsText} and {@linkcode filterFormHtml}. */
export interface OriginalLabelsOptions {
  /** False under `-promscrape.dropOriginalLabels`. @default true */
  hasOriginalLabels?: boolean;
}

/**
 * Renders the plain-text body of `/targets` (vmagent's line format), or the filter error alone.
 *
 * @example
 * ```ts
 * const grouped = groupTargetsByJob(manager.current(), filter, { view: manager, statusOf });
 * targetsText(grouped, filter, Date.now());
 * // "job=node (1/1 up)\n\tstate=up, endpoint=http://10.0.0.1:9100/metrics, labels={...}, ...\n"
 * ```
 */
export function targetsText(
  grouped: TargetsByJob,
  filter: TargetFilter,
  now: number,
  options: OriginalLabelsOptions = {},
): string {
  if (grouped.error !== "") return grouped.error;
  const hasOriginal = options.hasOriginalLabels !== false;
  let out = "";
  for (const j of grouped.jobs) {
    out += `job=${j.job} (${j.up}/${j.total} up)\n`;
    for (const { target: t, status: s } of j.targets) {
      out += `\tstate=${s.health === "up" ? "up" : "down"}, endpoint=${maskUrl(t.scrapeUrl)}, ` +
        `labels=${formatLabels(displayLabels(t.labels))}, ` +
        (filter.showOriginalLabels
          // vmagent prints missing original labels as an empty string.
          ? `originalLabels=${hasOriginal ? formatLabels(displayLabels(t.discoveredLabels)) : ""}, `
          : "") +
        `scrapes_total=${s.scrapesTotal}, scrapes_failed=${s.scrapesFailed}, ` +
        `last_scrape=${sinceText(s.lastScrape, now)}, scrape_duration=${
          Math.trunc(s.lastScrapeDuration)
        }ms, ` +
        `scrape_response_size=${
          sizeText(s.lastResponseSize)
        }, samples_scraped=${s.lastSamplesScraped}, ` +
        `error=${s.lastError}\n`;
    }
  }
  for (const job of grouped.emptyJobs) out += `job=${job} (0/0 up)\n`;
  return out;
}

/**
 * The filter form shared by `/targets` and `/service-discovery`; the original labels
 * toggle is left out when there are none.
 *
 * @example
 * ```ts
 * const form = filterFormHtml(readFilter(url), { hasOriginalLabels: false });
 * // '<p><a href="?show_only_unhealthy=false&amp;...">All</a> | ...</p>\n<form method="get">...'
 * ```
 */
export function filterFormHtml(filter: TargetFilter, options: OriginalLabelsOptions = {}): string {
  const hasOriginal = options.hasOriginalLabels !== false;
  const q = (over: Record<string, string>) =>
    escapeHtml(
      "?" + new URLSearchParams({
        show_only_unhealthy: String(filter.showOnlyUnhealthy),
        show_original_labels: String(filter.showOriginalLabels),
        endpoint_search: filter.endpointSearch,
        label_search: filter.labelSearch,
        ...over,
      }).toString(),
    );
  const toggle = hasOriginal
    ? ` | <a href="${q({ show_original_labels: String(!filter.showOriginalLabels) })}">` +
      `${filter.showOriginalLabels ? "Hide" : "Show"} original labels</a>`
    : "";
  return `<p><a href="${q({ show_only_unhealthy: "false" })}">All</a> | ` +
    `<a href="${q({ show_only_unhealthy: "true" })}">Unhealthy</a>${toggle}</p>
<form method="get">
<label>Endpoint filter (regexp): <input type="text" name="endpoint_search" value="${
      escapeHtml(filter.endpointSearch)
    }" placeholder="127.0.0.1"></label><br>
<label>Labels filter (series selector): <input type="text" name="label_search" value="${
      escapeHtml(filter.labelSearch)
    }" placeholder="{instance=~'.+:9100'}"></label><br>
<input type="hidden" name="show_only_unhealthy" value="${filter.showOnlyUnhealthy}">
<input type="hidden" name="show_original_labels" value="${filter.showOriginalLabels}">
<button type="submit">Filter</button> <a href="?">Clear filters</a>
</form>
`;
}

/**
 * Renders a scrape health as a coloured HTML badge.
 *
 * @example
 * ```ts
 * healthBadge("up"); // '<span class="badge up">UP</span>'
 * healthBadge("unknown"); // '<span class="badge unknown">UNKNOWN</span>'
 * ```
 */
export function healthBadge(health: ScrapeStatus["health"]): string {
  if (health === "up") return `<span class="badge up">UP</span>`;
  if (health === "down") return `<span class="badge downb">DOWN</span>`;
  return `<span class="badge unknown">UNKNOWN</span>`;
}

function targetsHtml(
  grouped: TargetsByJob,
  filter: TargetFilter,
  now: number,
  hasOriginal: boolean,
  errors: ReadonlyMap<string, readonly string[]>,
): string {
  let body = filterFormHtml(filter, { hasOriginalLabels: hasOriginal });
  if (grouped.error !== "") body += `<div class="error">${escapeHtml(grouped.error)}</div>`;
  if (!hasOriginal) body += `<div class="warn" role="alert">${NO_ORIGINAL_LABELS_TARGETS}</div>\n`;
  const jobs = [
    ...grouped.jobs,
    ...grouped.emptyJobs.map((job) => ({ job, up: 0, total: 0, targets: [] })),
  ];
  for (const j of jobs) {
    body += `<h2>${escapeHtml(j.job)} (${j.up}/${j.total} up)</h2>\n`;
    // Why discovery failed (e.g. a broken file_sd file whose last good targets are kept).
    for (const e of errors.get(j.job) ?? []) body += `<div class="error">${escapeHtml(e)}</div>\n`;
    body +=
      `<table><thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Scrapes</th><th>Errors</th>` +
      `<th>Last Scrape</th><th>Duration</th><th>Last Scrape Size</th><th>Samples</th><th>Last error</th>` +
      `</tr></thead><tbody>\n`;
    for (const { target: t, status: s } of j.targets) {
      const shown = maskUrl(t.scrapeUrl);
      body += `<tr${s.health === "down" ? ' class="down"' : ""}>` +
        `<td><a href="${escapeHtml(shown)}" target="_blank">${escapeHtml(shown)}</a> ` +
        (hasOriginal
          ? `(<a href="target_response?id=${escapeHtml(t.id)}" target="_blank">response</a>)`
          : "(N/A)") +
        `</td><td>${healthBadge(s.health)}</td>` +
        `<td class="labels">${labelsHtml(t.labels)}` +
        (filter.showOriginalLabels && hasOriginal
          ? `<br><small>original: ${labelsHtml(t.discoveredLabels)}</small>`
          : "") +
        `</td><td>${s.scrapesTotal}</td><td>${s.scrapesFailed}</td>` +
        `<td>${escapeHtml(sinceText(s.lastScrape, now))}</td>` +
        `<td>${Math.trunc(s.lastScrapeDuration)}ms</td><td>${
          escapeHtml(sizeText(s.lastResponseSize))
        }</td>` +
        `<td>${s.lastSamplesScraped}</td><td>${escapeHtml(s.lastError)}</td></tr>\n`;
    }
    body += `</tbody></table>\n`;
  }
  return body;
}

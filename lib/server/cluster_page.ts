/**
 * The cluster view (an extension of ours): `/api/v1/cluster` (JSON) and `/cluster` (HTML).
 * Every member discovers every target, so each can show all members' targets and counts,
 * how balanced they are, and — with `?membersCount=M&replicationFactor=R` — which targets
 * would move to other members under other settings.
 *
 * @module
 */
import {
  balanceOf,
  compareAssignments,
  memberLoads,
  ownersOf,
  type WhatIf,
} from "../cluster/view.ts";
import type { Balance } from "../cluster/view.ts";
import type { TargetsSnapshot } from "../targets/registry.ts";
import type { ClusterTarget } from "../targets/types.ts";
import { labelsToObject } from "../util/labels.ts";
import {
  byString,
  displayLabels,
  escapeHtml,
  htmlPage,
  labelsHtml,
  maskUrl,
  queryBool,
} from "./_status_html.ts";
import { shardLinks } from "./service_discovery_page.ts";
import type { TargetStatusOptions } from "./targets_api.ts";

/** One member in the cluster report. */
export interface MemberReport {
  memberNum: number;
  targets: number;
  /** True for the member serving the request. */
  self: boolean;
  /** Series scraped in the last scrapes of this member's targets; null for other members (unknown here). */
  seriesCount: number | null;
  /** From `-promscrape.cluster.memberURLTemplate`, "" when unset. */
  url: string;
}

/** The data behind both cluster endpoints. */
export interface ClusterReport {
  memberNum: number;
  membersCount: number;
  replicationFactor: number;
  shardByLabels: string[];
  /** Distinct targets in the cluster (each counted once, whatever its replicas). */
  targetsTotal: number;
  members: MemberReport[];
  balance: Balance;
  whatIf: WhatIf | null;
}

/**
 * Series of a cluster target in its last scrape, when this member scrapes it; null for
 * targets of other members and before the first scrape.
 */
function targetSeries(
  t: ClusterTarget,
  memberNum: number,
  options: TargetStatusOptions,
): number | null {
  if (!t.members.includes(memberNum)) return null;
  return options.statusOf?.(t.target.key)?.seriesCount ?? null;
}

/** Thrown for bad query arguments; answered with 400. */
class BadRequest extends Error {}

function intArg(url: URL, name: string, min: number, max: number): number | undefined {
  const s = url.searchParams.get(name);
  if (s === null || s === "") return undefined;
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) {
    throw new BadRequest(`${name}=${JSON.stringify(s)} must be an integer in [${min}..${max}]`);
  }
  return Number(s);
}

/**
 * Builds the report for a snapshot and the query arguments `membersCount`, `replicationFactor`,
 * `limit` (at most 1000 moves listed unless given); throws a 400 error on a bad argument.
 *
 * @example
 * ```ts
 * const url = new URL("http://localhost/cluster?membersCount=4");
 * const report = clusterReport(manager.current(), url, { view: manager, statusOf });
 * // report.members: one row per member; report.whatIf: the targets that would move with 4 members
 * ```
 */
export function clusterReport(
  snap: TargetsSnapshot,
  url: URL,
  options: TargetStatusOptions,
): ClusterReport {
  const c = snap.clusterOptions;
  const rf = Math.max(1, c.replicationFactor);
  const loads = memberLoads(snap.cluster, c.membersCount, rf);
  let ownSeries = 0;
  for (const t of snap.active) ownSeries += options.statusOf?.(t.key)?.seriesCount ?? 0;
  const members = loads.map((l): MemberReport => ({
    memberNum: l.memberNum,
    targets: l.targets,
    self: l.memberNum === c.memberNum,
    seriesCount: l.memberNum === c.memberNum ? ownSeries : null,
    url: c.memberURLTemplate === ""
      ? ""
      : c.memberURLTemplate.replaceAll("%d", String(l.memberNum)),
  }));
  const nextCount = intArg(url, "membersCount", 1, 10000);
  const nextRf = intArg(url, "replicationFactor", 1, 10000);
  const limit = intArg(url, "limit", 0, 1_000_000) ?? 1000;
  const whatIf = nextCount === undefined && nextRf === undefined ? null : compareAssignments(
    snap.cluster,
    { membersCount: c.membersCount, replicationFactor: rf },
    { membersCount: nextCount ?? c.membersCount, replicationFactor: nextRf ?? rf },
    limit,
  );
  return {
    memberNum: c.memberNum,
    membersCount: c.membersCount,
    replicationFactor: rf,
    shardByLabels: [...c.shardByLabels],
    targetsTotal: snap.cluster.length,
    members,
    balance: balanceOf(loads),
    whatIf,
  };
}

/**
 * Returns the `/api/v1/cluster` handler: `{"status":"success","data":<ClusterReport>}`, with
 * the moves of a what-if as `{job, scrapeUrl, labels, from, to}`; `targets=true` adds every
 * target with its owners and, for this member's targets, the series of its last scrape
 * (`seriesCount`, null for other members' targets and before the first scrape).
 *
 * @example
 * ```ts
 * const handler = clusterApiHandler({ view: manager, statusOf });
 * await handler(new Request("http://localhost/api/v1/cluster?membersCount=4")).json();
 * ```
 */
export function clusterApiHandler(options: TargetStatusOptions): (req: Request) => Response {
  return (req) => {
    const url = new URL(req.url);
    const snap = options.view.current();
    let report: ClusterReport;
    try {
      report = clusterReport(snap, url, options);
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      return json({ status: "error", errorType: "bad_data", error: e.message }, 400);
    }
    const data: Record<string, unknown> = {
      ...report,
      whatIf: report.whatIf === null ? null : {
        ...report.whatIf,
        moves: report.whatIf.moves.map((m) => ({
          job: m.target.job,
          scrapeUrl: maskUrl(m.target.scrapeUrl),
          labels: labelsToObject(displayLabels(m.target.labels)),
          from: m.from,
          to: m.to,
        })),
      },
    };
    if (queryBool(url, "targets")) {
      data.targets = snap.cluster.map((t) => ({
        job: t.target.job,
        scrapeUrl: maskUrl(t.target.scrapeUrl),
        labels: labelsToObject(displayLabels(t.target.labels)),
        members: t.members,
        seriesCount: targetSeries(t, report.memberNum, options),
      }));
    }
    return json({ status: "success", data });
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

/**
 * Returns the `/cluster` handler (HTML): members with their target counts, the balance,
 * a what-if form, and with `?member=N` the targets member N scrapes (with the series of
 * each one's last scrape when N is this member).
 *
 * @example
 * ```ts
 * const handler = clusterPageHandler({ view: manager, statusOf });
 * handler(new Request("http://localhost/cluster?member=1")); // text/html, with shard-1's targets
 * handler(new Request("http://localhost/cluster?membersCount=0")).status; // 400
 * ```
 */
export function clusterPageHandler(options: TargetStatusOptions): (req: Request) => Response {
  return (req) => {
    const url = new URL(req.url);
    const snap = options.view.current();
    let report: ClusterReport;
    let member: number | undefined;
    try {
      report = clusterReport(snap, url, options);
      member = intArg(url, "member", 0, Math.max(0, snap.clusterOptions.membersCount - 1));
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      const res = htmlPage("Cluster", `<div class="error">${escapeHtml(e.message)}</div>`);
      return new Response(res.body, { status: 400, headers: res.headers });
    }
    const pct = (n: number) =>
      report.targetsTotal === 0 ? "0.0" : (100 * n / report.targetsTotal).toFixed(1);
    let body = `<p>This is member <b>${report.memberNum}</b> of <b>${report.membersCount}</b> ` +
      `(replication factor ${report.replicationFactor}${
        report.shardByLabels.length > 0
          ? `, shard by labels ${escapeHtml(report.shardByLabels.join(", "))}`
          : ""
      }). Every member discovers all ${report.targetsTotal} targets; each scrapes its share.</p>
<table><thead><tr><th>Member</th><th>Targets</th><th>Share</th><th>Series (last scrapes)</th><th></th></tr></thead><tbody>\n`;
    for (const m of report.members) {
      const name = m.url === ""
        ? `shard-${m.memberNum}`
        : `<a href="${escapeHtml(m.url)}" target="_blank">shard-${m.memberNum}</a>`;
      body += `<tr><td>${name}${m.self ? " (this member)" : ""}</td><td>${m.targets}</td>` +
        `<td>${pct(m.targets)}%</td><td>${m.seriesCount ?? "unknown here"}</td>` +
        `<td><a href="?member=${m.memberNum}">list targets</a></td></tr>\n`;
    }
    const b = report.balance;
    body += `</tbody></table>
<p>Balance: min ${b.min}, max ${b.max}, mean ${b.mean.toFixed(2)}, stddev ${
      b.stddev.toFixed(2)
    }.</p>
<h2>What if</h2>
<form method="get"><label>membersCount <input type="number" min="1" name="membersCount" value="${
      report.whatIf?.membersCount ?? report.membersCount
    }"></label> <label>replicationFactor <input type="number" min="1" name="replicationFactor" value="${
      report.whatIf?.replicationFactor ?? report.replicationFactor
    }"></label> <button type="submit">Compare</button></form>\n`;
    if (report.whatIf !== null) body += whatIfHtml(report.whatIf, report.targetsTotal);
    if (member !== undefined) {
      const c = snap.clusterOptions;
      const mine = snap.cluster
        .filter((t) => ownersOf(t, c.membersCount, c.replicationFactor).includes(member!))
        .sort(byString((t) => t.target.job + "\0" + t.target.scrapeUrl));
      body += `<h2>Targets of shard-${member} (${mine.length})</h2>
<table><thead><tr><th>Job</th><th>Endpoint</th><th>Labels</th><th>Members</th><th>Series (last scrape)</th></tr></thead><tbody>\n`;
      for (const t of mine) {
        const series = targetSeries(t, c.memberNum, options);
        body +=
          `<tr><td>${escapeHtml(t.target.job)}</td><td>${
            escapeHtml(maskUrl(t.target.scrapeUrl))
          }</td>` +
          `<td class="labels">${labelsHtml(t.target.labels)}</td>` +
          `<td>${shardLinks(t.members, c.memberURLTemplate)}</td>` +
          `<td>${
            series ?? (t.members.includes(c.memberNum) ? "not scraped yet" : "unknown here")
          }</td></tr>\n`;
      }
      body += `</tbody></table>\n`;
    }
    return htmlPage("Cluster", body);
  };
}

function whatIfHtml(w: WhatIf, total: number): string {
  let s = `<p>With membersCount=${w.membersCount} and replicationFactor=${w.replicationFactor}: ` +
    `<b>${w.movedTargets}</b> of ${total} targets change members; members start ` +
    `${w.newAssignments} new scrapes. Balance: min ${w.balance.min}, max ${w.balance.max}, ` +
    `stddev ${w.balance.stddev.toFixed(2)}.</p>
<table><thead><tr><th>Member</th><th>Targets</th></tr></thead><tbody>\n`;
  for (const m of w.members) s += `<tr><td>shard-${m.memberNum}</td><td>${m.targets}</td></tr>\n`;
  s += `</tbody></table>
<table><thead><tr><th>Job</th><th>Endpoint</th><th>Labels</th><th>From</th><th>To</th></tr></thead><tbody>\n`;
  for (const m of w.moves) {
    s +=
      `<tr><td>${escapeHtml(m.target.job)}</td><td>${
        escapeHtml(maskUrl(m.target.scrapeUrl))
      }</td>` +
      `<td class="labels">${labelsHtml(m.target.labels)}</td><td>${m.from.join(", ")}</td>` +
      `<td>${m.to.join(", ")}</td></tr>\n`;
  }
  s += `</tbody></table>\n`;
  if (w.moves.length < w.movedTargets) {
    s +=
      `<p>Showing ${w.moves.length} of ${w.movedTargets} moves (raise <code>limit</code>).</p>\n`;
  }
  return s;
}

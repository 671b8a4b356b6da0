/**
 * Micro-benchmarks of relabeling (`applyRelabeling` from `lib/relabel/mod.ts`)
 * over one scrape's series: typical `metric_relabel_configs`, single rules, and
 * the cost of the label-array copy every call needs (the baseline).
 *
 * @module
 */
import { applyRelabeling, parseRelabelConfigs } from "../lib/relabel/mod.ts";
import type { RelabelRule } from "../lib/relabel/types.ts";
import type { Label } from "../lib/util/series.ts";
import { initXXHash64 } from "../lib/util/xxhash64.ts";
import { scrapeLabelSets, SERIES } from "./_fixtures.ts";

await initXXHash64();

const SETS = scrapeLabelSets();

/** A typical metric_relabel_configs block: most series pass, a few are dropped or rewritten. */
const TYPICAL = parseRelabelConfigs([
  { action: "drop", source_labels: ["__name__"], regex: "go_.*|process_.*|promhttp_.*" },
  { action: "labeldrop", regex: "pod_template_hash|controller_revision_hash" },
  {
    action: "replace",
    source_labels: ["region", "zone"],
    separator: "-",
    regex: "(.+)-(.+)",
    target_label: "az",
    replacement: "$1$2",
  },
  { if: '{status=~"5.."}', target_label: "error_class", replacement: "server" },
  { action: "hashmod", source_labels: ["instance"], modulus: 8, target_label: "__tmp_shard" },
  { action: "labelmap", regex: "__tmp_(.+)", replacement: "shard_$1" },
]);

function run(rules: RelabelRule[]): number {
  let kept = 0;
  for (let i = 0; i < SETS.length; i++) {
    // applyRelabeling owns (and may modify) its array: hand it a copy, as a caller must.
    const out = applyRelabeling(rules, SETS[i].slice() as Label[]);
    kept += out.length;
  }
  return kept;
}

function single(cfg: Record<string, unknown>): RelabelRule[] {
  return parseRelabelConfigs([cfg]);
}

const NONE: RelabelRule[] = [];
const DROP = single({ action: "drop", source_labels: ["__name__"], regex: "go_.*|process_.*" });
const KEEP_IF = single({ action: "keep", if: '{__name__=~"http_.+|rpc_.+|queue_.+|memory_.+"}' });
const REPLACE = single({
  source_labels: ["handler"],
  regex: "/api/v1/([^/]+)/.*",
  target_label: "resource",
});
const LABELDROP = single({ action: "labeldrop", regex: "pod|zone" });
const HASHMOD = single({
  action: "hashmod",
  source_labels: ["instance"],
  modulus: 8,
  target_label: "shard",
});

Deno.bench(
  `no rules: array copy only (${SERIES} series)`,
  { group: "relabel", baseline: true },
  () => {
    run(NONE);
  },
);
Deno.bench(`6 typical metric_relabel_configs (${SERIES} series)`, { group: "relabel" }, () => {
  run(TYPICAL);
});
Deno.bench(`drop on __name__ regex, no match (${SERIES} series)`, { group: "relabel" }, () => {
  run(DROP);
});
Deno.bench(`keep with if: selector (${SERIES} series)`, { group: "relabel" }, () => {
  run(KEEP_IF);
});
Deno.bench(`replace with capture group (${SERIES} series)`, { group: "relabel" }, () => {
  run(REPLACE);
});
Deno.bench(`labeldrop regex (${SERIES} series)`, { group: "relabel" }, () => {
  run(LABELDROP);
});
Deno.bench(`hashmod (xxhash64) (${SERIES} series)`, { group: "relabel" }, () => {
  run(HASHMOD);
});

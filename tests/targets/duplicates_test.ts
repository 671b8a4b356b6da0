import assert from "node:assert/strict";
import { buildScrapeTargets } from "../../lib/targets/build.ts";
import {
  duplicateMessage,
  duplicateToDropped,
  splitDuplicates,
  uniqueClusterTargets,
} from "../../lib/targets/duplicates.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { jobOf } from "./_config.ts";

await initXXHash64();

Deno.test("splitDuplicates() keeps the first target of each key and lists the others", () => {
  // Two ports of one pod relabeled to the same address: a typical duplicate.
  const job = jobOf({
    relabel_configs: [{
      source_labels: ["__address__"],
      regex: "([^:]+):.*",
      target_label: "__address__",
      replacement: "$1:9100",
    }],
  });
  const { active, cluster } = buildScrapeTargets(job, [
    { targets: ["pod:8080", "pod:9090", "other:1"], labels: [] },
  ]);
  const { unique, duplicates } = splitDuplicates(active);
  assert.deepEqual(unique.map((t) => t.scrapeUrl), [
    "http://pod:9100/metrics",
    "http://other:9100/metrics",
  ]);
  assert.equal(duplicates.length, 1);
  assert.equal(duplicates[0].first, active[0]);
  assert.equal(duplicates[0].target, active[1]);
  assert.equal(uniqueClusterTargets(cluster).length, 2);

  const dropped = duplicateToDropped(duplicates[0]);
  assert.equal(dropped.reason, "duplicate");
  assert.equal(dropped.job, "node");
  assert.equal(dropped.discoveredLabels.find((l) => l.name === "__address__")?.value, "pod:9090");
  assert.equal(
    duplicateMessage(duplicates[0]),
    'skipping duplicate scrape target with identical labels; endpoint=http://pod:9100/metrics, labels={instance="pod:9100",job="node"}; ' +
      "make sure service discovery and relabeling is set up properly; see also " +
      "https://docs.victoriametrics.com/victoriametrics/vmagent/#troubleshooting; original labels for target1: " +
      '{__address__="pod:8080",__metrics_path__="/metrics",__scheme__="http",__scrape_interval__="1m0s",__scrape_timeout__="10s",job="node"}; ' +
      'original labels for target2: {__address__="pod:9090",__metrics_path__="/metrics",__scheme__="http",__scrape_interval__="1m0s",__scrape_timeout__="10s",job="node"}',
  );
});

/**
 * Differential test of target discovery and relabeling: Debian's vmagent 1.79.5
 * and our agent load the same config (several jobs, static and file discovery,
 * relabel rules with the actions 1.79.5 has, some of which drop targets) and must
 * agree target for target on the final labels, the scrape URLs, and which
 * discovered targets are dropped.
 *
 * Where 1.79.5 and current vmagent differ the config avoids the difference
 * (no global external_labels, which 1.79.5 adds to target labels and current
 * vmagent adds after metric relabeling; no `/` in `__address__`, which 1.79.5
 * drops and current vmagent accepts as a URL), and the current behaviour is
 * asserted in the unit tests of lib/targets.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { havePeers, tempDir } from "./_peers.ts";
import {
  canonicalActive,
  canonicalLabels,
  type RunningAgent,
  settledTargets,
  startOurs,
  startVmagent,
  stopAll,
} from "./_agents.ts";

function config(fileSdPath: string): string {
  return stringify({
    global: { scrape_interval: "1h", scrape_timeout: "5s" },
    scrape_configs: [
      {
        job_name: "static-relabel",
        static_configs: [
          { targets: ["127.0.1.1:9100", "127.0.1.2:9100", "127.0.1.3"], labels: { env: "prod" } },
          { targets: ["127.0.1.4:9200", "127.0.1.5:9300"], labels: { env: "dev", team: "a" } },
        ],
        relabel_configs: [
          { source_labels: ["env"], regex: "dev", action: "drop" },
          { source_labels: ["__address__"], regex: "([^:]+):.*", target_label: "host" },
          { target_label: "region", replacement: "eu-1" },
          { source_labels: ["__address__"], target_label: "shard", modulus: 4, action: "hashmod" },
        ],
      },
      {
        job_name: "keep-only",
        scrape_interval: "30s",
        metrics_path: "/custom/metrics",
        params: { format: ["prometheus"], verbose: ["1", "2"] },
        static_configs: [
          {
            targets: ["127.0.2.1:8080", "127.0.2.2:8080", "127.0.2.3:8081"],
            labels: { app: "web" },
          },
          { targets: ["127.0.2.4:8080"], labels: { app: "db" } },
        ],
        relabel_configs: [
          { source_labels: ["app", "__address__"], regex: "web;.*:8080", action: "keep" },
          { regex: "app", action: "labeldrop" },
          { source_labels: ["__address__"], target_label: "__param_target" },
          { target_label: "__scheme__", replacement: "https" },
        ],
      },
      {
        job_name: "files",
        file_sd_configs: [{ files: [fileSdPath] }],
        relabel_configs: [
          { regex: "__meta_(filepath)", action: "labelmap", replacement: "sd_$1" },
          { source_labels: ["a", "b"], action: "keep_if_equal" },
          { source_labels: ["kind"], regex: "(.*)", target_label: "kind_upper", action: "replace" },
          { regex: "b", action: "labeldrop" },
        ],
      },
      {
        job_name: "address-rewrite",
        static_configs: [{ targets: ["svc-a", "svc-b"], labels: { port: "9999" } }],
        relabel_configs: [
          { source_labels: ["__address__", "port"], separator: ":", target_label: "__address__" },
          {
            source_labels: ["__address__"],
            regex: "svc-(.*):.*",
            target_label: "instance",
            replacement: "inst-$1",
          },
          { target_label: "__metrics_path__", replacement: "/m" },
          { source_labels: ["__address__"], regex: "svc-b.*", action: "drop" },
        ],
      },
    ],
  });
}

const FILE_SD = [
  { targets: ["127.0.3.1:7000", "127.0.3.2:7000"], labels: { a: "x", b: "x", kind: "fs" } },
  { targets: ["127.0.3.3:7000"], labels: { a: "x", b: "y", kind: "fs" } },
  { targets: ["127.0.3.4:7001"], labels: { a: "", b: "", kind: "empty" } },
];

Deno.test({
  name: "targets: our agent and vmagent 1.79.5 agree on active labels, URLs and dropped targets",
  ignore: !havePeers("vmagent"),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using dir = await tempDir();
    const sdPath = `${dir.path}/targets.json`;
    await Deno.writeTextFile(sdPath, JSON.stringify(FILE_SD));
    const configPath = `${dir.path}/scrape.yml`;
    await Deno.writeTextFile(configPath, config(sdPath));
    const agents: RunningAgent[] = [
      startVmagent({ configPath, tmpDir: dir.path }, "vm"),
      startOurs({ configPath, tmpDir: dir.path }, "ours"),
    ];
    try {
      const theirs = await settledTargets(agents[0], 5);
      const ours = await settledTargets(agents[1], 5);
      // vmagent 1.79.5 puts the default port into the scrape URL of an address without one;
      // current vmagent does not (issue #6792), and neither do we. Map 1.79.5's URLs to the
      // current form, and check that this case is really present and really differs.
      const hasPort = (a: string) => /:\d+$/.test(a);
      const defaultPort = /^(http:\/\/[^/]+):80\/|^(https:\/\/[^/]+):443\//;
      const current = theirs.activeTargets.map((t) =>
        !hasPort(t.discoveredLabels.__address__) && defaultPort.test(t.scrapeUrl)
          ? { ...t, scrapeUrl: t.scrapeUrl.replace(defaultPort, (_m, a, b) => `${a ?? b}/`) }
          : t
      );
      assert.ok(
        current.some((t, i) => t !== theirs.activeTargets[i]),
        "the port-less case is exercised",
      );
      assert.deepEqual(canonicalActive(ours.activeTargets), canonicalActive(current));
      // Dropped targets: compare who was dropped (job and address of the discovered labels).
      const droppedKey = (d: { discoveredLabels: Record<string, string> }) =>
        `${d.discoveredLabels.job} ${d.discoveredLabels.__address__}`;
      assert.deepEqual(
        ours.droppedTargets.map(droppedKey).sort(),
        theirs.droppedTargets.map(droppedKey).sort(),
      );
      assert.ok(theirs.droppedTargets.length >= 4, "the config drops targets by relabeling");
      // discoveredLabels of the active targets agree too (labels before relabeling).
      // 1.79.5 also shows `__vm_filepath` (the full path) for file_sd targets; current
      // vmagent has only `__meta_filepath`, so that one label is left out of 1.79.5's side.
      const disc = (d: { discoveredLabels: Record<string, string> }) =>
        canonicalLabels(d.discoveredLabels);
      const withoutVmFilepath = (d: { discoveredLabels: Record<string, string> }) => {
        const { __vm_filepath: _, ...rest } = d.discoveredLabels;
        return { discoveredLabels: rest };
      };
      assert.ok(ours.activeTargets.every((t) => !("__vm_filepath" in t.discoveredLabels)));
      assert.deepEqual(
        ours.activeTargets.map(disc).sort(),
        theirs.activeTargets.map(withoutVmFilepath).map(disc).sort(),
      );
    } finally {
      await stopAll(agents);
    }
  },
});

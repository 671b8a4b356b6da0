/**
 * Differential test of target discovery and relabeling: Debian's vmagent 1.79.5
 * and our agent load the same config (several jobs, static and file discovery with
 * JSON and YAML files, a glob and a `%{ENV}` placeholder, relabel rules with the
 * actions 1.79.5 has, `if` selectors and regex lists, rules that drop targets, and
 * duplicate targets) and must agree target for target on the final labels, the
 * scrape URLs, and which discovered targets are dropped.
 *
 * Where 1.79.5 and current vmagent differ (reference sections 3.1 and 6.4) the
 * config exercises the difference and the test asserts current vmagent's behaviour,
 * then maps 1.79.5's answer to it before comparing the rest:
 * - `global.external_labels`: 1.79.5 adds them to every target's labels (before
 *   relabeling); current vmagent adds them to series after metric relabeling only;
 * - `http://host:port/path` in `__address__`: 1.79.5 drops the target; current
 *   vmagent scrapes that URL;
 * - an address without a port: 1.79.5 puts the default port into the scrape URL;
 *   current vmagent does not (issue 6792), only into `instance`;
 * - file_sd targets: 1.79.5 also shows `__vm_filepath` (the full path); current
 *   vmagent has only `__meta_filepath`.
 * Actions and forms 1.79.5 lacks (`keepequal`, `keep_if_contains`, lists of `if`
 * selectors, ...) are covered by the f-tests of lib/relabel.
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

/** The environment variable the YAML file_sd file refers to as `%{...}`. */
const ENV_NAME = "TARGETS_DIFF_RACK";

function config(fileSdPath: string): string {
  return stringify({
    global: { scrape_interval: "1h", scrape_timeout: "5s", external_labels: { ext: "e1" } },
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
        file_sd_configs: [{ files: [fileSdPath] }, { files: ["sd/*.yml"] }],
        relabel_configs: [
          { regex: "__meta_(filepath)", action: "labelmap", replacement: "sd_$1" },
          { source_labels: ["a", "b"], action: "keep_if_equal" },
          { source_labels: ["kind"], regex: "(.*)", target_label: "kind_upper", action: "replace" },
          { regex: "b", action: "labeldrop" },
          {
            source_labels: ["kind"],
            regex: ["yam.", "jso."],
            target_label: "matched",
            replacement: "yes-$0",
          },
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
      {
        job_name: "more-actions",
        static_configs: [
          {
            targets: ["127.0.4.1:9000", "127.0.4.2:9000"],
            labels: { a: "foo-Bar-baz", b: "1", c: "1" },
          },
          { targets: ["127.0.4.3:9000", "127.0.4.4:9000"], labels: { a: "x", b: "1", c: "2" } },
        ],
        relabel_configs: [
          {
            action: "replace_all",
            source_labels: ["a"],
            regex: "-",
            replacement: "_",
            target_label: "a2",
          },
          { action: "labelmap_all", regex: "a2", replacement: "aa" },
          { action: "uppercase", source_labels: ["a"], target_label: "up" },
          { action: "lowercase", source_labels: ["a"], target_label: "low" },
          {
            action: "drop_if_equal",
            source_labels: ["b", "c"],
            if: '{__address__="127.0.4.1:9000"}',
          },
          { action: "drop", source_labels: ["__address__"], regex: ["127\\.0\\.4\\.4:.*", "none"] },
          {
            source_labels: ["__address__"],
            regex: "(?i)127\\.0\\.4\\.(\\d+):(?P<port>\\d+)",
            target_label: "pp",
            replacement: "${1}-$port",
          },
          { action: "labelkeep", regex: ["__.*", "job", "aa", "up", "low", "pp", "b", "ext"] },
        ],
      },
      {
        // Identical targets: the first is scraped, the others are dropped as duplicates.
        job_name: "duplicates",
        static_configs: [
          { targets: ["127.0.6.1:9000", "127.0.6.1:9000", "127.0.6.1:9000", "127.0.6.2:9000"] },
        ],
      },
      {
        // 1.79.5 drops a target whose address holds a path; current vmagent scrapes the URL.
        job_name: "url-address",
        static_configs: [{ targets: ["http://127.0.7.1:9000/custom/path", "127.0.7.2:9000"] }],
      },
    ],
  });
}

const FILE_SD = [
  { targets: ["127.0.3.1:7000", "127.0.3.2:7000"], labels: { a: "x", b: "x", kind: "fs" } },
  { targets: ["127.0.3.3:7000"], labels: { a: "x", b: "y", kind: "fs" } },
  { targets: ["127.0.3.4:7001"], labels: { a: "", b: "", kind: "empty" } },
  { targets: ["127.0.3.5:7002"], labels: { kind: "json" } },
];

/** The YAML file matched by the `sd/*.yml` glob. */
const FILE_SD_YAML = `- targets: ["127.0.5.1:7000", "127.0.5.2:7000"]
  labels: {kind: yaml, rack: "%{${ENV_NAME}}"}
`;

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapeUrl: string;
}

/** Removes label `name` from a label map. */
function without(labels: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _, ...rest } = labels;
  return rest;
}

Deno.test({
  name: "targets: our agent and vmagent 1.79.5 agree on active labels, URLs and dropped targets",
  ignore: !havePeers("vmagent"),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await using dir = await tempDir();
    const sdPath = `${dir.path}/targets.json`;
    await Deno.writeTextFile(sdPath, JSON.stringify(FILE_SD));
    await Deno.mkdir(`${dir.path}/sd`);
    await Deno.writeTextFile(`${dir.path}/sd/rack.yml`, FILE_SD_YAML);
    const configPath = `${dir.path}/scrape.yml`;
    await Deno.writeTextFile(configPath, config(sdPath));
    const run = { configPath, tmpDir: dir.path, env: { [ENV_NAME]: "r7" } };
    const agents: RunningAgent[] = [startVmagent(run, "vm"), startOurs(run, "ours")];
    try {
      const theirs = await settledTargets(agents[0], 17);
      const ours = await settledTargets(agents[1], 18);
      assert.equal(theirs.activeTargets.length, 17);
      assert.equal(ours.activeTargets.length, 18, "and the URL address");
      const address = (t: { discoveredLabels: Record<string, string> }) =>
        t.discoveredLabels.__address__;

      // external_labels: in 1.79.5's target labels, not in current vmagent's (nor ours).
      for (const t of [...theirs.activeTargets, ...theirs.droppedTargets]) {
        assert.equal(t.discoveredLabels.ext, "e1", address(t));
      }
      for (const t of theirs.activeTargets) assert.equal(t.labels.ext, "e1", address(t));
      for (const t of [...ours.activeTargets, ...ours.droppedTargets]) {
        assert.ok(!("ext" in t.discoveredLabels), address(t));
      }
      for (const t of ours.activeTargets) assert.ok(!("ext" in t.labels), address(t));

      // A URL in __address__: dropped by 1.79.5, scraped at that URL by current vmagent.
      const urlAddress = "http://127.0.7.1:9000/custom/path";
      assert.ok(theirs.droppedTargets.some((d) => address(d) === urlAddress));
      assert.ok(!theirs.activeTargets.some((t) => address(t) === urlAddress));
      const ourUrl = ours.activeTargets.find((t) => address(t) === urlAddress);
      assert.equal(ourUrl?.scrapeUrl, urlAddress);
      assert.deepEqual(ourUrl?.labels, { instance: "127.0.7.1:9000", job: "url-address" });
      assert.ok(!ours.droppedTargets.some((d) => address(d) === urlAddress));

      // 1.79.5's answer in current vmagent's terms: no external labels, no dropped URL
      // address, no default port in the URL of an address without one.
      const hasPort = (a: string) => /:\d+$/.test(a);
      const defaultPort = /^(http:\/\/[^/]+):80\/|^(https:\/\/[^/]+):443\//;
      let portless = 0;
      const current: Target[] = theirs.activeTargets.map((t) => {
        let scrapeUrl = t.scrapeUrl;
        if (!hasPort(address(t)) && defaultPort.test(scrapeUrl)) {
          scrapeUrl = scrapeUrl.replace(defaultPort, (_m, a, b) => `${a ?? b}/`);
          portless++;
        }
        return {
          discoveredLabels: without(t.discoveredLabels, "ext"),
          labels: without(t.labels, "ext"),
          scrapeUrl,
        };
      });
      assert.ok(portless > 0, "the port-less case is exercised");
      const oursActive = ours.activeTargets.filter((t) => address(t) !== urlAddress);
      assert.deepEqual(canonicalActive(oursActive as never), canonicalActive(current as never));

      // Dropped targets: the same ones (job and address), each set of original labels once.
      const droppedKey = (d: { discoveredLabels: Record<string, string> }) =>
        `${d.discoveredLabels.job} ${address(d)}`;
      assert.deepEqual(
        ours.droppedTargets.map(droppedKey).sort(),
        theirs.droppedTargets.filter((d) => address(d) !== urlAddress).map(droppedKey).sort(),
      );
      const droppedJobs = new Set(theirs.droppedTargets.map((d) => d.discoveredLabels.job));
      for (const job of ["static-relabel", "keep-only", "files", "more-actions", "duplicates"]) {
        assert.ok(droppedJobs.has(job), `job ${job} drops targets`);
      }
      assert.equal(
        ours.droppedTargets.filter((d) => address(d) === "127.0.6.1:9000").length,
        1,
        "two duplicates with the same original labels are listed once",
      );
      // The YAML file found by the glob, with its %{ENV} placeholder expanded.
      const rack = ours.activeTargets.filter((t) => t.labels.rack === "r7");
      assert.deepEqual(rack.map((t) => t.labels.sd_filepath), ["sd/rack.yml", "sd/rack.yml"]);

      // discoveredLabels of the active targets agree too (labels before relabeling).
      const disc = (d: { discoveredLabels: Record<string, string> }) =>
        canonicalLabels(d.discoveredLabels);
      assert.ok(ours.activeTargets.every((t) => !("__vm_filepath" in t.discoveredLabels)));
      assert.deepEqual(
        oursActive.map(disc).sort(),
        current.map((t) => ({ discoveredLabels: without(t.discoveredLabels, "__vm_filepath") }))
          .map(disc).sort(),
      );
    } finally {
      await stopAll(agents);
    }
  },
});

import { deepEqual, equal, notEqual, throws } from "node:assert/strict";
import { parseConfig } from "../../lib/config/parse_config.ts";
import type { ScrapeConfig } from "../../lib/config/types.ts";
import { applyRelabeling } from "../../lib/relabel/mod.ts";
import { packEncodedBatch, packTargets, unpackTargets } from "../../lib/scrape/worker_messages.ts";
import { buildScrapeTargets } from "../../lib/targets/build.ts";
import {
  encodedBatchToSeries,
  encodedLabelsLength,
  type EncodedSeriesBatch,
  encodeLabels,
  type Label,
  STALE_NAN,
} from "../../lib/util/series.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";

await initXXHash64();

const CONFIG = `
scrape_configs:
- job_name: node
  scrape_interval: 7s
  basic_auth: {username: u, password: p}
  static_configs: [{targets: ["a:9100", "b:9100"], labels: {env: prod}}]
  relabel_configs:
  - {target_label: dc, replacement: eu}
  metric_relabel_configs:
  - {action: drop, source_labels: [__name__], regex: "go_.*"}
  - {action: replace, source_labels: [__name__], regex: "(.+)_total", target_label: base, replacement: "$1"}
  - {if: '{__name__="up"}', action: labeldrop, regex: "env"}
- job_name: other
  static_configs: [{targets: ["c:9100"]}]
`;

function targetsOf(): {
  jobs: ScrapeConfig[];
  targets: ReturnType<typeof buildScrapeTargets>["active"];
} {
  const cfg = parseConfig(CONFIG, { file: "/etc/scrape.yml", strictParse: true });
  const targets = cfg.scrapeConfigs.flatMap((j) => buildScrapeTargets(j, j.staticConfigs).active);
  return { jobs: cfg.scrapeConfigs, targets };
}

Deno.test("packTargets() sends each job config once and survives structured cloning", () => {
  const { targets } = targetsOf();
  // Compiled rules are class instances: cloned as they are, they lose their methods.
  const raw = structuredClone(targets[0]).config.metricRelabelConfigs;
  throws(() => applyRelabeling(raw, [{ name: "__name__", value: "go_x" }]), TypeError);
  const packed = structuredClone(packTargets(targets));
  equal(packed.configs.length, 2);
  deepEqual(packed.add.map((t) => t.config), [0, 0, 1]);
  deepEqual(packed.add.map((t) => t.key), targets.map((t) => t.key));
  equal(packed.configs[0].metricRelabelConfigs.length, 3);
});

Deno.test("unpackTargets() rebuilds targets that scrape and relabel as the originals", () => {
  const { targets } = targetsOf();
  const packed = structuredClone(packTargets(targets));
  const cache = new Map<string, ScrapeConfig>();
  const got = unpackTargets(packed.add, packed.configs, cache);
  equal(got.length, 3);
  for (let i = 0; i < 3; i++) {
    const want = targets[i];
    const t = got[i];
    deepEqual(
      [t.key, t.id, t.job, t.scrapeUrl, t.labels, t.scrapeInterval, t.scrapeTimeout],
      [
        want.key,
        want.id,
        want.job,
        want.scrapeUrl,
        want.labels,
        want.scrapeInterval,
        want.scrapeTimeout,
      ],
    );
    deepEqual(t.config.http, want.config.http);
    deepEqual(t.discoveredLabels, []);
  }
  equal(got[0].config, got[1].config, "one config object per job");
  const series: Label[][] = [
    [{ name: "__name__", value: "go_goroutines" }],
    [{ name: "__name__", value: "http_requests_total" }, { name: "code", value: "200" }],
    [{ name: "__name__", value: "up" }, { name: "env", value: "prod" }],
  ];
  for (const labels of series) {
    deepEqual(
      applyRelabeling(got[0].config.metricRelabelConfigs, labels.map((l) => ({ ...l }))),
      applyRelabeling(targets[0].config.metricRelabelConfigs, labels.map((l) => ({ ...l }))),
    );
  }
  // A later message with the same job config reuses what the cache compiled.
  const again = unpackTargets(packed.add.slice(0, 1), packed.configs.slice(0, 1), cache);
  equal(again[0].config, got[0].config);
  const changed = structuredClone(packed.configs[0]);
  changed.scrapeInterval = 1000;
  notEqual(unpackTargets(packed.add.slice(0, 1), [changed], cache)[0].config, got[0].config);
});

function batchOf(sets: Label[][], opts: { tail?: Label[]; gap?: number } = {}): EncodedSeriesBatch {
  // Series labels sit in a bigger arena, in another order, as a target's arena holds them.
  const gap = opts.gap ?? 5;
  const size = sets.reduce((n, s) => n + encodedLabelsLength(s) + gap, gap);
  const arena = new Uint8Array(size).fill(0xee);
  const labelStart = new Int32Array(sets.length + 3);
  const labelLen = new Int32Array(sets.length + 3);
  const labelCount = new Int32Array(sets.length + 3);
  let pos = gap;
  for (let i = sets.length - 1; i >= 0; i--) {
    const end = encodeLabels(sets[i], arena, pos);
    labelStart[i] = pos;
    labelLen[i] = end - pos;
    labelCount[i] = sets[i].length + (opts.tail?.length ?? 0) * (i % 2);
    pos = end + gap;
  }
  const b: EncodedSeriesBatch = {
    length: sets.length,
    labelBuf: arena,
    labelStart,
    labelLen,
    labelCount,
    values: Float64Array.from(
      { length: sets.length + 3 },
      (_, i) => (i === 1 ? STALE_NAN : i + 0.5),
    ),
    timestamps: Float64Array.from({ length: sets.length + 3 }, (_, i) => 1000 * i),
  };
  if (opts.tail !== undefined) {
    const tail = new Uint8Array(encodedLabelsLength(opts.tail));
    encodeLabels(opts.tail, tail, 0);
    b.tail = tail;
    b.withTail = Uint8Array.from({ length: sets.length + 3 }, (_, i) => i % 2);
  }
  return b;
}

const SETS: Label[][] = [
  [{ name: "__name__", value: "a" }],
  [{ name: "__name__", value: "b" }, { name: "path", value: "/ä/€" }],
  [{ name: "__name__", value: "c" }, { name: "k", value: "" }],
];

Deno.test("packEncodedBatch() keeps exactly the series of the batch, in one transferable buffer", () => {
  const f = (b: EncodedSeriesBatch) => {
    const want = encodedBatchToSeries(b);
    const packed = packEncodedBatch(b);
    const buffers = new Set(
      [
        packed.labelBuf,
        packed.labelStart,
        packed.labelLen,
        packed.labelCount,
        packed.values,
        packed.timestamps,
        packed.tail,
        packed.withTail,
      ].filter((a) => a !== undefined).map((a) => a!.buffer),
    );
    equal(buffers.size, 1, "one ArrayBuffer");
    // Transferring moves it: the receiver sees the same series.
    const moved = structuredClone(packed, { transfer: [packed.values.buffer as ArrayBuffer] });
    equal(packed.values.length, 0, "the sender's copy is detached");
    deepEqual(encodedBatchToSeries(moved).map((s) => s.labels), want.map((s) => s.labels));
    deepEqual(
      encodedBatchToSeries(moved).map((s) => [Object.is(s.samples[0].value, NaN), s.samples]),
      want.map((s) => [Object.is(s.samples[0].value, NaN), s.samples]),
    );
    equal(moved.labelBuf.length, b.labelLen.subarray(0, b.length).reduce((a, x) => a + x, 0));
  };
  f(batchOf(SETS));
  f(batchOf(SETS, { tail: [{ name: "instance", value: "h:1" }, { name: "job", value: "j" }] }));
  f(batchOf([]));
  f(batchOf([[{ name: "x", value: "y".repeat(70000) }]], { gap: 0 }));
});

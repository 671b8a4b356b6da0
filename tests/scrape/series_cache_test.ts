import { deepEqual, equal, notEqual } from "node:assert/strict";
import { hashKey, SeriesCache } from "../../lib/scrape/series_cache.ts";
import { seriesKey, type SeriesLabelsConfig } from "../../lib/scrape/series_labels.ts";
import { decodeLabels, type Label } from "../../lib/util/series.ts";
import { testRelabel } from "./_helpers.ts";

const CFG: SeriesLabelsConfig = {
  targetLabels: [{ name: "job", value: "j" }],
  externalLabels: [],
  honorLabels: false,
  metricRelabelConfigs: [],
  labelLimit: 0,
  relabel: testRelabel,
};

const labelsOf = (raw: string): Label[] => {
  const m = /^(\w+)\{i="(\d+)"\}$/.exec(raw)!;
  return [{ name: "__name__", value: m[1] }, { name: "i", value: m[2] }, {
    name: "job",
    value: "j",
  }];
};

/** Two raw series whose final label sets have the same key hash. */
function collidingPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; i < 1_000_000; i++) {
    const raw = `m{i="${i}"}`;
    const h = hashKey(seriesKey(labelsOf(raw)));
    const other = seen.get(h);
    if (other !== undefined) return [other, raw];
    seen.set(h, raw);
  }
  throw new Error("no collision found");
}

Deno.test("SeriesCache keeps series apart whose key hashes collide, and shares spellings", () => {
  const [a, b] = collidingPair();
  const c = new SeriesCache(CFG);
  const ea = c.lookup(a, 1);
  const eb = c.lookup(b, 1);
  notEqual(ea.series, eb.series);
  deepEqual(c.labels(ea.series!), labelsOf(a));
  deepEqual(c.labels(eb.series!), labelsOf(b));
  // Another spelling of b finds b's series through the collision list.
  equal(c.lookup(b.replace("{", "{ "), 1).series, eb.series);
});

Deno.test("SeriesCache.sweep() forgets unseen series and keeps the labels of the others intact", () => {
  const c = new SeriesCache(CFG);
  const keep: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const raw = `m{i="${i}"}`;
    const e = c.lookup(raw, 1);
    if (i % 3 === 0) {
      keep.push(raw);
      e.series!.seenGen = 2;
      c.lookup(raw, 2);
    }
  }
  // Looked up in generation 2 but not pushed (its series not seen): the entry stays, the series goes.
  const orphan = c.lookup('m{i="2"}', 2);
  c.sweep(2, 0, 0);
  equal(c.size, keep.length + 1);
  const rebuilt = c.lookup('m{i="2"}', 3);
  notEqual(rebuilt, orphan);
  equal(rebuilt.row, orphan.row, "the row count survives the rebuild");
  deepEqual(c.labels(rebuilt.series!), labelsOf('m{i="2"}'));
  for (const raw of keep) deepEqual(c.labels(c.lookup(raw, 3).series!), labelsOf(raw));
  // A forgotten series is built again, with its labels.
  deepEqual(c.labels(c.lookup('m{i="1"}', 3).series!), labelsOf('m{i="1"}'));
});

Deno.test("SeriesCache stores the target and external labels once, as a tail shared by its series", () => {
  const cfg: SeriesLabelsConfig = {
    ...CFG,
    targetLabels: [{ name: "instance", value: "h:1" }, { name: "job", value: "j" }],
    externalLabels: [{ name: "dc", value: "eu" }],
  };
  const c = new SeriesCache(cfg);
  const tail = [...cfg.targetLabels, ...cfg.externalLabels];
  deepEqual(decodeLabels(c.tail, 0, c.tail.length), tail);
  const plain = c.lookup('m{a="1"}', 1).series!;
  equal(plain.tail, true);
  equal(plain.labelCount, 5);
  // Only the series' own labels are in the arena.
  deepEqual(decodeLabels(c.arena, plain.labelStart, plain.labelStart + plain.labelLen), [
    { name: "__name__", value: "m" },
    { name: "a", value: "1" },
  ]);
  deepEqual(c.labels(plain), [
    { name: "__name__", value: "m" },
    { name: "a", value: "1" },
    ...tail,
  ]);
  // A scraped `job` is renamed and the target's appended: the tail still matches.
  const renamed = c.lookup('m{job="x"}', 1).series!;
  equal(renamed.tail, true);
  deepEqual(c.labels(renamed), [
    { name: "__name__", value: "m" },
    { name: "exported_job", value: "x" },
    ...tail,
  ]);
  // With honor_labels the scraped `job` wins: the labels do not end with the tail.
  const honoring = new SeriesCache({ ...cfg, honorLabels: true });
  const honored = honoring.lookup('m{job="x"}', 1).series!;
  equal(honored.tail, false);
  deepEqual(honoring.labels(honored), [
    { name: "__name__", value: "m" },
    { name: "job", value: "x" },
    { name: "instance", value: "h:1" },
    { name: "dc", value: "eu" },
  ]);
  // Pinned (auto) series use the tail too.
  const up = c.pin([{ name: "__name__", value: "up" }, ...tail]);
  equal(up.tail, true);
  deepEqual(c.labels(up), [{ name: "__name__", value: "up" }, ...tail]);
});

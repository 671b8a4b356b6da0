import { deepEqual, equal, notEqual } from "node:assert/strict";
import { hashKey, SeriesCache } from "../../lib/scrape/series_cache.ts";
import { seriesKey, type SeriesLabelsConfig } from "../../lib/scrape/series_labels.ts";
import type { Label } from "../../lib/util/series.ts";
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

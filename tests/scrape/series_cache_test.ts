import { deepEqual, equal, notEqual } from "node:assert/strict";
import { hashKey } from "../../lib/scrape/final_store.ts";
import { SeriesCache } from "../../lib/scrape/series_cache.ts";
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
  const fa = c.finalOf(c.lookup(a, 1));
  const fb = c.finalOf(c.lookup(b, 1));
  notEqual(fa, fb);
  deepEqual(c.labels(fa), labelsOf(a));
  deepEqual(c.labels(fb), labelsOf(b));
  // Another spelling of b finds b's series through the collision list.
  equal(c.finalOf(c.lookup(b.replace("{", "{ "), 1)), fb);
});

Deno.test("SeriesCache.sweep() forgets unseen series and keeps the labels of the others intact", () => {
  const c = new SeriesCache(CFG);
  const keep: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const raw = `m{i="${i}"}`;
    const e = c.lookup(raw, 1);
    if (i % 3 === 0) {
      keep.push(raw);
      c.finals.seenGen[c.finalOf(e)] = 2;
      c.lookup(raw, 2);
    }
  }
  // Looked up in generation 2 but not pushed (its series not seen): the entry stays, the series goes.
  const orphan = c.lookup('m{i="2"}', 2);
  equal(c.addRow(orphan, 2, 0), true);
  c.sweep(2, 0, 0);
  equal(c.size, keep.length + 1);
  // Series created now may reuse the numbers of forgotten ones: their labels must not leak.
  for (let i = 0; i < 50; i++) c.lookup(`n{i="${i}"}`, 3);
  const rebuilt = c.lookup('m{i="2"}', 3);
  equal(rebuilt, orphan, "the entry is kept");
  equal(c.addRow(rebuilt, 3, 2), false, "the row count survives the rebuild");
  deepEqual(c.labels(c.finalOf(rebuilt)), labelsOf('m{i="2"}'));
  for (const raw of keep) deepEqual(c.labels(c.finalOf(c.lookup(raw, 3))), labelsOf(raw));
  // A forgotten series is built again, with its labels.
  deepEqual(c.labels(c.finalOf(c.lookup('m{i="1"}', 3))), labelsOf('m{i="1"}'));
  // The 3000 first series had numbers 0..2999: the new ones reuse freed numbers.
  const fresh = Array.from({ length: 50 }, (_, i) => c.finalOf(c.lookup(`n{i="${i}"}`, 3)));
  equal(new Set(fresh).size, 50);
  equal(fresh.every((f) => f < 3000), true, `${fresh}`);
  for (let i = 0; i < 50; i++) deepEqual(c.labels(fresh[i]), labelsOf(`n{i="${i}"}`));
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
  const plain = c.finalOf(c.lookup('m{a="1"}', 1));
  equal(c.hasTail(plain), true);
  equal(c.finals.labelCount[plain], 5);
  // Only the series' own labels are in the arena.
  const start = c.finals.labelStart[plain];
  deepEqual(decodeLabels(c.arena, start, start + c.finals.labelLen[plain]), [
    { name: "__name__", value: "m" },
    { name: "a", value: "1" },
  ]);
  deepEqual(c.labels(plain), [
    { name: "__name__", value: "m" },
    { name: "a", value: "1" },
    ...tail,
  ]);
  // A scraped `job` is renamed and the target's appended: the tail still matches.
  const renamed = c.finalOf(c.lookup('m{job="x"}', 1));
  equal(c.hasTail(renamed), true);
  deepEqual(c.labels(renamed), [
    { name: "__name__", value: "m" },
    { name: "exported_job", value: "x" },
    ...tail,
  ]);
  // With honor_labels the scraped `job` wins: the labels do not end with the tail.
  const honoring = new SeriesCache({ ...cfg, honorLabels: true });
  const honored = honoring.finalOf(honoring.lookup('m{job="x"}', 1));
  equal(honoring.hasTail(honored), false);
  deepEqual(honoring.labels(honored), [
    { name: "__name__", value: "m" },
    { name: "job", value: "x" },
    { name: "instance", value: "h:1" },
    { name: "dc", value: "eu" },
  ]);
  // Pinned (auto) series use the tail too.
  const up = c.pin([{ name: "__name__", value: "up" }, ...tail]);
  equal(c.hasTail(up), true);
  deepEqual(c.labels(up), [{ name: "__name__", value: "up" }, ...tail]);
});

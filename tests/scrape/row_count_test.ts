import { deepEqual, equal, notEqual } from "node:assert/strict";
import { RowCount, rowKey } from "../../lib/scrape/row_count.ts";
import { parseSeries } from "../../lib/scrape/parse_series.ts";
import { SeriesCache } from "../../lib/scrape/series_cache.ts";
import { testRelabel } from "./_helpers.ts";

Deno.test("rowKey() renders name and labels in written order with vmagent's escapes", () => {
  const f = (raw: string, want: string) => {
    const s = parseSeries(raw);
    if (typeof s === "string") throw new Error(`${raw}: ${s}`);
    equal(rowKey(s), want, raw);
  };
  f("m", "m");
  f("m{}", "m");
  f(' m { a = "1" , b="2", } ', 'm{a="1",b="2"}');
  f('m{b="2",a="1"}', 'm{b="2",a="1"}');
  f('m{a=""}', 'm{a=""}');
  f('m{="x",a="1"}', 'm{a="1"}');
  f('{"my.metric","a b"="1"}', 'my.metric{a b="1"}');
  // `\d` is kept as written, so it reads as `\\d`; `\\`, `\"` and `\n` round-trip.
  f(
    'm{p="C:\\dir",q="a\\\\b",r="say \\"hi\\"",s="x\\ny"}',
    'm{p="C:\\\\dir",q="a\\\\b",r="say \\"hi\\"",s="x\\ny"}',
  );
});

Deno.test("RowCount.add() counts rows beyond the last successful scrape's copies", () => {
  // Each step: [generation, last successful generation, rows of the key in it]; want: added per step.
  const f = (steps: [number, number, number][], want: number[]) => {
    const r = new RowCount();
    const got = steps.map(([gen, lastOk, rows]) => {
      let added = 0;
      for (let i = 0; i < rows; i++) if (r.add(gen, lastOk)) added++;
      return added;
    });
    deepEqual(got, want, JSON.stringify(steps));
  };
  f([[1, 0, 2], [2, 1, 2], [3, 2, 1], [4, 3, 3]], [2, 0, 0, 2]);
  // Absent from the last success (generation 2): new again.
  f([[1, 0, 1], [3, 2, 1]], [1, 1]);
  // Generation 2 failed half-way: generation 3 compares with generation 1.
  f([[1, 0, 1], [2, 1, 3], [3, 1, 2]], [1, 2, 1]);
  // Seen only in a failed scrape: still new.
  f([[2, 1, 1], [3, 1, 1]], [1, 1]);
});

Deno.test("SeriesCache.lookup() shares one row count between spellings of a row, across a sweep", () => {
  const cache = new SeriesCache({
    targetLabels: [],
    externalLabels: [],
    honorLabels: false,
    metricRelabelConfigs: [],
    labelLimit: 0,
    relabel: testRelabel,
  });
  const canonical = cache.lookup('m{a="1"}', 1);
  equal(cache.addRow(canonical, 1, 0), true, "new in the first scrape");
  for (let i = 0; i < 1100; i++) cache.lookup(`x${i}`, 1);
  const spaced = cache.lookup('m{ a="1" }', 2);
  equal(cache.addRow(spaced, 2, 1), false, "scrape 1 had the row, spelled the other way");
  equal(cache.addRow(spaced, 2, 1), true, "a second copy is added");
  notEqual(cache.error(cache.lookup("bad{", 2)), "");
  // Everything not seen in generation 2 is forgotten, the canonical spelling included.
  cache.sweep(2, 0, 0);
  equal(cache.size, 2);
  const again = cache.lookup('m{a="1"}', 3);
  equal(cache.addRow(again, 3, 2), false);
  equal(cache.addRow(cache.lookup('m{a="1",}', 3), 3, 2), false, "scrape 2 had it twice");
  equal(cache.addRow(again, 3, 2), true, "a third copy");
});

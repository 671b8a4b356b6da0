import { deepEqual, equal } from "node:assert/strict";
import {
  appendExtraLabels,
  autoSeriesLabels,
  buildSeriesLabels,
  LABEL_LIMIT_EXCEEDED,
  seriesKey,
} from "../../lib/scrape/series_labels.ts";
import { isAutoMetric } from "../../lib/scrape/auto_metrics.ts";
import { SeriesLimiter } from "../../lib/scrape/series_limiter.ts";
import { labelsToString } from "../../lib/util/labels.ts";
import type { Label } from "../../lib/util/series.ts";
import { testRelabel } from "./_helpers.ts";

/** Parses `{a="b",c="d"}` (test notation, no escapes) into labels. */
function ls(s: string): Label[] {
  const out: Label[] = [];
  for (const m of s.matchAll(/([\w]+)="([^"]*)"/g)) out.push({ name: m[1], value: m[2] });
  return out;
}

function str(labels: Label[]): string {
  return `{${labels.map((l) => `${l.name}="${l.value}"`).join(",")}}`;
}

Deno.test("appendExtraLabels() resolves clashes as vmagent does", () => {
  const f = (src: string, extra: string, honor: boolean, want: string) => {
    equal(
      str(appendExtraLabels(ls(src), ls(extra), honor)),
      want,
      `${src} + ${extra} honor=${honor}`,
    );
  };
  f("{}", "{}", true, "{}");
  f("{}", "{}", false, "{}");
  f('{__name__="foo"}', "{}", false, '{__name__="foo"}');
  f('{__name__="foo"}', '{__name__="bar"}', true, '{__name__="foo"}');
  f('{__name__="foo"}', '{__name__="bar"}', false, '{exported___name__="foo",__name__="bar"}');
  f('{a="b"}', '{c="d"}', true, '{a="b",c="d"}');
  f('{a="b"}', '{c="d"}', false, '{a="b",c="d"}');
  f('{a="b"}', '{a="d"}', true, '{a="b"}');
  f('{a="b"}', '{a="d"}', false, '{exported_a="b",a="d"}');
  f('{a="b",exported_a="x"}', '{a="d"}', true, '{a="b",exported_a="x"}');
  f('{a="b",exported_a="x"}', '{a="d"}', false, '{exported_a="b",exported_exported_a="x",a="d"}');
  f('{a="b"}', '{a="d",exported_a="x"}', true, '{a="b",exported_a="x"}');
  f('{a="b"}', '{a="d",exported_a="x"}', false, '{exported_exported_a="b",a="d",exported_a="x"}');
  f('{foo="a",exported_foo="b"}', '{exported_foo="c"}', true, '{foo="a",exported_foo="b"}');
  f(
    '{foo="a",exported_foo="b"}',
    '{exported_foo="c"}',
    false,
    '{foo="a",exported_exported_foo="b",exported_foo="c"}',
  );
  f(
    '{foo="a",exported_foo="b"}',
    '{exported_foo="c",foo="d"}',
    false,
    '{exported_foo="a",exported_exported_foo="b",exported_foo="c",foo="d"}',
  );
});

Deno.test("appendExtraLabels() never mutates the label objects it is given", () => {
  const scraped = ls('{job="x"}');
  const target = ls('{job="j"}');
  const frozen = [Object.freeze(scraped[0]), Object.freeze(target[0])];
  const out = appendExtraLabels([frozen[0]], [frozen[1]], false);
  deepEqual(out, ls('{exported_job="x",job="j"}'));
  equal(out[1], frozen[1], "target label objects are shared");
});

Deno.test("buildSeriesLabels() drops series relabeled to nothing and enforces label_limit", () => {
  const cfg = {
    targetLabels: ls('{instance="i",job="j"}'),
    externalLabels: ls('{dc="x"}'),
    honorLabels: false,
    metricRelabelConfigs: [],
    labelLimit: 0,
    relabel: testRelabel,
  };
  equal(
    labelsToString(buildSeriesLabels({ metric: "m", labels: ls('{a="1"}') }, cfg) as Label[]),
    'm{a="1",instance="i",job="j",dc="x"}',
  );
  equal(
    buildSeriesLabels({ metric: "m", labels: [] }, {
      ...cfg,
      metricRelabelConfigs: [{ dropAll: true } as never],
    }),
    null,
  );
  equal(
    buildSeriesLabels({ metric: "m", labels: ls('{a="1"}') }, { ...cfg, labelLimit: 4 }),
    LABEL_LIMIT_EXCEEDED,
  );
  equal(
    Array.isArray(
      buildSeriesLabels({ metric: "m", labels: ls('{a="1"}') }, { ...cfg, labelLimit: 5 }),
    ),
    true,
  );
  equal(labelsToString(autoSeriesLabels("up", cfg)!), 'up{instance="i",job="j",dc="x"}');
  equal(autoSeriesLabels("up", { ...cfg, labelLimit: 3 }), undefined);
});

Deno.test("seriesKey() ignores label order but not names or values", () => {
  equal(seriesKey(ls('{a="1",b="2"}')), seriesKey(ls('{b="2",a="1"}')));
  equal(seriesKey(ls('{a="1",b="2"}')) === seriesKey(ls('{a="12",b=""}')), false);
  equal(seriesKey(ls('{a="1"}')) === seriesKey(ls('{b="1"}')), false);
});

Deno.test("isAutoMetric() knows vmagent's auto series names", () => {
  const f = (name: string, want: boolean) => equal(isAutoMetric(name), want, name);
  for (
    const n of [
      "up",
      "scrape_duration_seconds",
      "scrape_response_size_bytes",
      "scrape_samples_limit",
      "scrape_samples_post_metric_relabeling",
      "scrape_samples_scraped",
      "scrape_series_added",
      "scrape_series_current",
      "scrape_series_limit_samples_dropped",
      "scrape_series_limit",
      "scrape_labels_limit",
      "scrape_timeout_seconds",
    ]
  ) f(n, true);
  f("foobar", false);
  f("exported_up", false);
  f("upx", false);
  f("scrape_other", false);
});

Deno.test("SeriesLimiter admits up to the limit per 24 h window", () => {
  let now = 0;
  const l = new SeriesLimiter(2, { now: () => now });
  deepEqual([l.add("a"), l.add("b"), l.add("c"), l.add("a")], [true, true, false, true]);
  equal(l.currentItems, 2);
  equal(l.maxItems, 2);
  const e = l.epoch;
  now = 24 * 3600 * 1000 - 1;
  equal(l.add("c"), false);
  now += 1;
  equal(l.add("c"), true);
  equal(l.epoch, e + 1);
  equal(l.currentItems, 1);
});

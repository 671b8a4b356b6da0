import { deepEqual, equal } from "node:assert/strict";
import { TargetProcessor, type TargetProcessorConfig } from "../../lib/scrape/target_processor.ts";
import { SERIES_LIMIT_WINDOW_MS } from "../../lib/scrape/series_limiter.ts";
import {
  encodedBatchToSeries,
  type EncodedSeriesBatch,
  type Label,
} from "../../lib/util/series.ts";
import { CollectingSink, fakeRule, testRelabel } from "./_helpers.ts";

const TARGET: Label[] = [{ name: "instance", value: "host:80" }, { name: "job", value: "j" }];
const T = 'instance="host:80",job="j"';

function setup(over: Partial<TargetProcessorConfig> = {}, now = () => 0) {
  const sink = new CollectingSink();
  const parseErrors: [string, number][] = [];
  const limits: string[] = [];
  let stale = 0;
  const cfg: TargetProcessorConfig = {
    scrapeUrl: "http://host:80/metrics",
    targetLabels: TARGET,
    externalLabels: [],
    honorLabels: false,
    honorTimestamps: false,
    metricRelabelConfigs: [],
    labelLimit: 0,
    relabel: testRelabel,
    sampleLimit: 0,
    seriesLimit: 0,
    scrapeTimeoutSeconds: 10,
    noStaleMarkers: false,
    ...over,
  };
  const p = new TargetProcessor(cfg, {
    sink,
    now,
    onParseError: (m, l) => parseErrors.push([m, l]),
    onStaleSamples: (n) => stale += n,
    onLimitExceeded: (w) => limits.push(w),
  });
  /** One non-streaming scrape at `ts` of `body`; `err` simulates a fetch error. */
  const scrape = (ts: number, body: string, err?: string) => {
    sink.clear();
    p.begin(ts, false, ts + 5);
    if (err === undefined) p.feed(body);
    return p.finish(err, 0.5, err === undefined ? body.length : 0);
  };
  return { sink, p, scrape, parseErrors, limits, stale: () => stale };
}

const auto = (ts: number, v: Record<string, number>) => [
  `scrape_duration_seconds{${T}} ${v.duration ?? 0.5} ${ts}`,
  `scrape_response_size_bytes{${T}} ${v.size} ${ts}`,
  `scrape_samples_post_metric_relabeling{${T}} ${v.post} ${ts}`,
  `scrape_samples_scraped{${T}} ${v.scraped} ${ts}`,
  `scrape_series_added{${T}} ${v.added} ${ts}`,
  `scrape_timeout_seconds{${T}} 10 ${ts}`,
  `up{${T}} ${v.up} ${ts}`,
];

Deno.test("TargetProcessor pushes scraped series with target labels and the auto series", () => {
  const { sink, scrape } = setup();
  const body = 'foo 1\nbar{a="b"} 2 1234\n';
  const r = scrape(1000, body);
  deepEqual(r, {
    up: true,
    error: "",
    samplesScraped: 2,
    samplesPostRelabeling: 2,
    seriesAdded: 2,
    seriesPushed: 2,
  });
  deepEqual(sink.lines(), [
    `foo{${T}} 1 1000`,
    `bar{a="b",${T}} 2 1000`,
    ...auto(1000, { size: body.length, post: 2, scraped: 2, added: 2, up: 1 }),
  ]);
  equal(sink.batches.length, 1, "one push per scrape in one-shot mode");
});

Deno.test("TargetProcessor uses scraped timestamps only with honor_timestamps, and never 0", () => {
  const f = (honorTimestamps: boolean, line: string, want: number) => {
    const { sink, scrape } = setup({ honorTimestamps });
    scrape(5000, line);
    equal(sink.lines()[0], `foo{${T}} 1 ${want}`, `${honorTimestamps} ${line}`);
  };
  f(false, "foo 1 1700000000000", 5000);
  f(true, "foo 1 1700000000000", 1700000000000);
  f(true, "foo 1 0", 5000);
  f(true, "foo 1", 5000);
  f(true, "foo 1 1700000000.25", 1700000000250);
});

Deno.test("TargetProcessor merges clashing labels as honor_labels says", () => {
  const f = (honorLabels: boolean, line: string, want: string) => {
    const { sink, scrape } = setup({ honorLabels });
    scrape(1, line);
    equal(sink.lines()[0], want, `${honorLabels} ${line}`);
  };
  f(false, 'foo{job="x"} 1', `foo{exported_job="x",${T}} 1 1`);
  f(true, 'foo{job="x"} 1', 'foo{job="x",instance="host:80"} 1 1');
  f(
    false,
    'foo{job="x",exported_job="y"} 1',
    `foo{exported_job="x",exported_exported_job="y",${T}} 1 1`,
  );
  f(false, 'foo{instance="i",job="x"} 1', `foo{exported_instance="i",exported_job="x",${T}} 1 1`);
});

Deno.test("TargetProcessor renames scraped series named like auto series unless they have labels or honor_labels", () => {
  const f = (honorLabels: boolean, line: string, want: string) => {
    const { sink, scrape } = setup({ honorLabels });
    scrape(1, line);
    equal(sink.lines()[0], want, `${honorLabels} ${line}`);
  };
  f(false, "up 5", `exported_up{${T}} 5 1`);
  f(false, "scrape_series_added 5", `exported_scrape_series_added{${T}} 5 1`);
  f(false, 'up{x="y"} 5', `up{x="y",${T}} 5 1`);
  f(true, "up 5", `up{${T}} 5 1`);
  f(false, "upx 5", `upx{${T}} 5 1`);
});

Deno.test("TargetProcessor applies metric relabeling, drops empty and __ labels, then adds external labels", () => {
  const { sink, scrape } = setup({
    metricRelabelConfigs: [
      fakeRule({ dropName: "dropme" }),
      fakeRule({ set: ["__tmp", "x"] }),
      fakeRule({ set: ["env", "prod"] }),
    ],
    externalLabels: [{ name: "dc", value: "eu" }, { name: "e", value: "1" }],
  });
  const r = scrape(1, 'keep{a="",e="scraped"} 1\ndropme 2\n');
  equal(r.samplesScraped, 2);
  equal(r.samplesPostRelabeling, 1);
  deepEqual(sink.lines()[0], `keep{exported_e="scraped",${T},env="prod",dc="eu",e="1"} 1 1`);
  // Auto series are not relabeled but get the external labels.
  equal(sink.linesOf("up")[0], `up{${T},dc="eu",e="1"} 1 1`);
});

Deno.test("TargetProcessor sends stale markers for vanished series, once per failure, and not twice", () => {
  const { sink, scrape, stale } = setup();
  scrape(1000, "a 1\nb 2\n");
  // b disappears: a stale marker at the real scrape time (ts + 5).
  let r = scrape(2000, "a 1\n");
  equal(r.seriesAdded, 0);
  deepEqual(sink.linesOf("b"), [`b{${T}} STALE 2005`]);
  // A failed scrape marks everything from the last success stale.
  r = scrape(3000, "", "cannot perform request: boom");
  equal(r.up, false);
  equal(r.error, "cannot perform request: boom");
  deepEqual(sink.linesOf("a"), [`a{${T}} STALE 3005`]);
  deepEqual(sink.linesOf("up"), [`up{${T}} 0 3000`]);
  deepEqual(sink.linesOf("scrape_samples_scraped"), [`scrape_samples_scraped{${T}} 0 3000`]);
  // A second failure sends nothing stale.
  scrape(4000, "", "again");
  deepEqual(sink.linesOf("a"), []);
  // Recovery: c is new compared with the last success; a is not re-marked.
  r = scrape(5000, "a 1\nc 3\n");
  equal(r.seriesAdded, 1);
  deepEqual(sink.lines().filter((l) => l.includes("STALE")), []);
  equal(stale(), 2);
});

Deno.test("TargetProcessor treats re-ordered or re-spaced labels as the same series for staleness", () => {
  const { sink, scrape } = setup();
  scrape(1, 'm{a="1",b="2"} 1\n');
  const r = scrape(2, 'm{ b="2", a="1" } 1\n');
  // vmagent compares rows by their labels in the order written: the re-ordered row is added.
  equal(r.seriesAdded, 1);
  deepEqual(sink.lines().filter((l) => l.includes("STALE")), []);
});

Deno.test("TargetProcessor keeps duplicate lines and counts them", () => {
  const { sink, scrape } = setup();
  const r = scrape(1, "foo 1\nfoo 2\n");
  equal(r.samplesScraped, 2);
  equal(r.samplesPostRelabeling, 2);
  equal(r.seriesAdded, 2);
  deepEqual(sink.linesOf("foo"), [`foo{${T}} 1 1`, `foo{${T}} 2 1`]);
});

Deno.test("TargetProcessor fails the whole scrape past sample_limit", () => {
  const { sink, scrape, limits } = setup({ sampleLimit: 2 });
  scrape(1000, "a 1\n");
  const r = scrape(2000, "a 1\nb 2\nc 3\n");
  equal(r.up, false);
  equal(
    r.error,
    'the response from "http://host:80/metrics" exceeds sample_limit=2; either reduce the sample count for the target or increase sample_limit',
  );
  deepEqual(limits, ["sample_limit"]);
  // Rows are dropped; the auto series go first, then the stale markers (vmagent's order).
  deepEqual(sink.lines(), [
    `scrape_duration_seconds{${T}} 0.5 2000`,
    `scrape_response_size_bytes{${T}} 0 2000`,
    `scrape_samples_limit{${T}} 2 2000`,
    `scrape_samples_post_metric_relabeling{${T}} 3 2000`,
    `scrape_samples_scraped{${T}} 3 2000`,
    `scrape_series_added{${T}} 0 2000`,
    `scrape_timeout_seconds{${T}} 10 2000`,
    `up{${T}} 0 2000`,
    `a{${T}} STALE 2005`,
  ]);
});

Deno.test("TargetProcessor drops series past series_limit one by one and reports the limiter", () => {
  let now = 0;
  const { sink, scrape } = setup({ seriesLimit: 2 }, () => now);
  let r = scrape(1, "a 1\nb 1\nc 1\n");
  equal(r.up, true);
  equal(r.seriesPushed, 2);
  deepEqual(sink.lines().filter((l) => /^[abc]\{/.test(l)), [`a{${T}} 1 1`, `b{${T}} 1 1`]);
  equal(sink.value("scrape_series_limit_samples_dropped"), 1);
  equal(sink.value("scrape_series_current"), 2);
  equal(sink.value("scrape_series_limit"), 2);
  // c is still out; a disappears: its stale marker is sent, c never gets one.
  r = scrape(2, "b 1\nc 1\n");
  deepEqual(sink.lines().filter((l) => /^[abc]\{/.test(l)), [`b{${T}} 1 2`, `a{${T}} STALE 7`]);
  equal(sink.value("scrape_series_limit_samples_dropped"), 1);
  // After 24 h the window starts empty.
  now = SERIES_LIMIT_WINDOW_MS;
  r = scrape(3, "b 1\nc 1\n");
  equal(r.seriesPushed, 2);
  equal(sink.value("scrape_series_limit_samples_dropped"), 0);
});

Deno.test("TargetProcessor fails the scrape past label_limit and exposes scrape_labels_limit", () => {
  const { sink, scrape, limits } = setup({ labelLimit: 4 });
  let r = scrape(1, 'ok{a="1"} 1\n');
  equal(r.up, true);
  equal(sink.value("scrape_labels_limit"), 4);
  r = scrape(2, 'ok{a="1"} 1\nbig{a="1",b="2"} 1\n');
  equal(r.up, false);
  equal(r.samplesPostRelabeling, 0);
  equal(r.samplesScraped, 2);
  equal(
    r.error,
    'the response from "http://host:80/metrics" contains samples with a number of labels exceeding label_limit=4; either reduce the labels count for the target or increase label_limit',
  );
  deepEqual(limits, ["label_limit"]);
  deepEqual(sink.linesOf("ok"), [`ok{a="1",${T}} STALE 7`]);
});

Deno.test("TargetProcessor sends no stale markers and no series_added with noStaleMarkers", () => {
  const { sink, p, scrape, stale } = setup({ noStaleMarkers: true });
  let r = scrape(1, "a 1\nb 1\n");
  equal(r.seriesAdded, 0);
  r = scrape(2, "a 1\n");
  equal(sink.linesOf("a").length, 1);
  r = scrape(3, "", "down");
  deepEqual(sink.lines().filter((l) => l.includes("STALE")), []);
  // Nor when the target goes away.
  scrape(4, "a 1\n");
  sink.clear();
  p.sendStaleMarkers(5);
  deepEqual(sink.lines(), []);
  equal(stale(), 0);
});

Deno.test("TargetProcessor.sendStaleMarkers() marks the last series and every auto series", () => {
  const { sink, p, scrape } = setup({ sampleLimit: 10 });
  scrape(1000, "a 1\n");
  sink.clear();
  p.sendStaleMarkers(9000);
  deepEqual(sink.lines(), [
    `a{${T}} STALE 9000`,
    `scrape_duration_seconds{${T}} STALE 9000`,
    `scrape_response_size_bytes{${T}} STALE 9000`,
    `scrape_samples_limit{${T}} STALE 9000`,
    `scrape_samples_post_metric_relabeling{${T}} STALE 9000`,
    `scrape_samples_scraped{${T}} STALE 9000`,
    `scrape_series_added{${T}} STALE 9000`,
    `scrape_timeout_seconds{${T}} STALE 9000`,
    `up{${T}} STALE 9000`,
  ]);
});

Deno.test("TargetProcessor.sendStaleMarkers() does nothing before the first scrape", () => {
  const { sink, p } = setup();
  p.sendStaleMarkers(1);
  deepEqual(sink.lines(), []);
});

Deno.test("TargetProcessor reports malformed lines with their numbers and keeps the scrape up", () => {
  const { scrape, parseErrors } = setup();
  const r = scrape(1, "a 1\nbad\nb{x} 2\nc 3\n");
  equal(r.up, true);
  equal(r.samplesScraped, 2);
  deepEqual(parseErrors, [
    ['cannot unmarshal Prometheus line "bad": missing value', 2],
    [
      'cannot unmarshal Prometheus line "b{x} 2": cannot unmarshal tags: missing value for tag "x}"',
      3,
    ],
  ]);
  // The rejected series text is cached with its error: reported again on the next scrape.
  scrape(2, "a 1\nbad\nb{x} 2\nc 3\n");
  equal(parseErrors.length, 4);
});

Deno.test("TargetProcessor pushes per block in streaming mode and stops at sample_limit", () => {
  const { sink, p } = setup({ sampleLimit: 3 });
  p.begin(1, true);
  equal(p.feed("a 1\nb 1\n"), undefined);
  equal(sink.batches.length, 1);
  const err = p.feed("c 1\nd 1\n");
  equal(err?.startsWith('the response from "http://host:80/metrics" exceeds sample_limit=3'), true);
  const r = p.finish(undefined, 0.1, 100);
  equal(r.up, false);
  equal(r.samplesScraped, 4);
  equal(r.samplesPostRelabeling, 4);
  // a and b were pushed before the limit was passed (as vmagent's stream mode does).
  deepEqual(sink.linesOf("a"), [`a{${T}} 1 1`]);
  deepEqual(sink.linesOf("c"), []);
});

Deno.test("TargetProcessor forgets cached series that stop appearing", () => {
  const { p, scrape } = setup();
  for (let i = 0; i < 5; i++) {
    let body = "";
    for (let j = 0; j < 2000; j++) body += `m{i="${i}",j="${j}"} 1\n`;
    scrape(i, body);
  }
  equal(p.cacheSize <= 2 * 2000 + 1024, true, `cache size ${p.cacheSize}`);
});

Deno.test("TargetProcessor counts scrape_series_added as vmagent does: raw rows new since the last successful response", () => {
  // A step is a response body, or `{ fail }` for a fetch error. The wanted numbers follow
  // vmagent HEAD (lib/promscrape/scrapework.go getSeriesAdded, parser.GetRowsDiff).
  type Step = string | { fail: string };
  const f = (
    name: string,
    over: Partial<TargetProcessorConfig>,
    steps: Step[],
    want: number[],
    streaming = false,
  ) => {
    const { sink, p } = setup(over);
    const got = steps.map((step, i) => {
      sink.clear();
      const ts = (i + 1) * 1000;
      p.begin(ts, streaming, ts);
      let err: string | undefined;
      if (typeof step !== "string") err = step.fail;
      else if (!streaming) p.feed(step);
      else {
        // One block per line, so a limit can fail the scrape half-way through.
        for (const line of step.split(/(?<=\n)/)) if (p.feed(line) !== undefined) break;
      }
      const r = p.finish(err, 0.1, typeof step === "string" ? step.length : 0);
      equal(sink.value("scrape_series_added"), r.seriesAdded, `${name}: pushed value`);
      return r.seriesAdded;
    });
    deepEqual(got, want, name);
  };
  const abcd = "a 1\nb 2\nc 3\nd 4\n";
  // Series the limiter rejects are not new on every scrape.
  f("series_limit, same body", { seriesLimit: 2 }, [abcd, abcd, abcd], [4, 0, 0]);
  f("series_limit, changing body", { seriesLimit: 2 }, [
    "a 1\nb 2\nc 3\n",
    abcd,
    "a 1\nd 4\n",
  ], [3, 1, 0]);
  // Duplicated rows count as often as they outnumber the previous response's copies.
  f("duplicates", {}, [
    "foo 1\nfoo 2\n",
    "foo 1\nfoo 2\n",
    "foo 1\n",
    "foo 1\nfoo 2\nfoo 3\n",
  ], [2, 0, 0, 2]);
  // Rows are counted before metric relabeling: dropped and merged rows count.
  f("dropped by relabeling", { metricRelabelConfigs: [fakeRule({ dropName: "dropme" })] }, [
    "keep 1\ndropme 2\n",
    'keep 1\ndropme 2\ndropme{x="1"} 3\n',
  ], [2, 1]);
  f("merged by relabeling", { metricRelabelConfigs: [fakeRule({ dropLabel: "x" })] }, [
    'm{x="1"} 1\nm{x="2"} 1\n',
    'm{x="1"} 1\nm{x="2"} 1\nm{x="3"} 1\n',
  ], [2, 1]);
  // Rows are compared by name and labels as written, re-spaced and re-escaped.
  f("spellings", {}, [
    'm{a="1",b="2"} 1\nn 1\ne{p="C:\\dir"} 1\n',
    'm{ a="1" , b="2", } 2\nn{} 2\ne{p="C:\\\\dir"} 2\n',
    'm {a="1",b="2"} 3\nm{a="1",b="2"} 4\nn 3\ne{p="C:\\dir"} 3\n',
    'm{b="2",a="1"} 5\n',
  ], [3, 0, 1, 1]);
  f("comments, blank and malformed lines", {}, [
    "# HELP a x\n\nbad\na 1\n",
    "# TYPE a gauge\na 1\nbad2\nb{x} 1\n",
  ], [1, 0]);
  // A failed scrape counts 0 and the next one is compared with the last success.
  f("fetch errors", {}, [
    "a 1\n",
    { fail: "boom" },
    "a 1\nb 1\n",
    { fail: "boom" },
    "a 1\nb 1\n",
  ], [1, 0, 1, 0, 0]);
  f("sample_limit", { sampleLimit: 1 }, ["a 1\n", "a 1\nb 1\n", "b 1\n", "b 1\n"], [1, 0, 1, 0]);
  f("label_limit", { labelLimit: 4 }, [
    "ok 1\n",
    'ok 1\nbig{a="1",b="2"} 1\n',
    "ok 1\nnew 1\n",
  ], [1, 0, 1]);
  // vmagent does not keep the previous response when neither staleness nor series_limit needs it.
  f("no_stale_markers", { noStaleMarkers: true }, ["a 1\n", "a 1\nb 1\n"], [0, 0]);
  f("no_stale_markers with series_limit", { noStaleMarkers: true, seriesLimit: 5 }, [
    "a 1\n",
    "a 1\nb 1\n",
  ], [1, 1]);
  // Stream parsing counts the same; rows of a scrape that fails half-way are forgotten.
  f(
    "streaming duplicates",
    {},
    [
      "foo 1\nfoo 2\n",
      "foo 1\nfoo 2\n",
      "foo 1\n",
      "foo 1\nfoo 2\nfoo 3\n",
    ],
    [2, 0, 0, 2],
    true,
  );
  f(
    "streaming sample_limit",
    { sampleLimit: 2 },
    [
      "a 1\n",
      "a 1\na 1\nb 1\nc 1\n",
      "a 1\n",
      "b 1\na 1\n",
    ],
    [1, 0, 0, 1],
    true,
  );
});

/** A sink that takes encoded batches and renders them as CollectingSink does. */
class EncodedCollectingSink extends CollectingSink {
  pushEncoded(batch: EncodedSeriesBatch): boolean {
    // The batch is only valid during the call: decode it now.
    return this.push(encodedBatchToSeries(batch));
  }
}

Deno.test("TargetProcessor gives an encoded sink the same series as a plain one, across cache sweeps", () => {
  const f = (over: Partial<TargetProcessorConfig>, streaming: boolean) => {
    const run = (sink: CollectingSink) => {
      const p = new TargetProcessor({
        scrapeUrl: "http://host:80/metrics",
        targetLabels: TARGET,
        externalLabels: [{ name: "dc", value: "eu" }],
        honorLabels: false,
        honorTimestamps: true,
        metricRelabelConfigs: [fakeRule({ dropName: "dropped" })],
        labelLimit: 0,
        relabel: testRelabel,
        sampleLimit: 0,
        seriesLimit: 0,
        scrapeTimeoutSeconds: 10,
        noStaleMarkers: false,
        ...over,
      }, { sink, now: () => 0 });
      for (let i = 0; i < 6; i++) {
        // Series come and go (sweeps and arena compaction), some stay, one is spelled two ways.
        let body = 'kept{a="1"} 1\nkept{ a="1" } 2 123\ndropped 1\nclash{job="x"} 3\n';
        for (let j = 0; j < 1500; j++) body += `m{i="${i % 3}",j="${j}",u="é"} ${j}\n`;
        p.begin(1000 * i, streaming);
        p.feed(body);
        p.finish(i === 4 ? "down" : undefined, 0.5, body.length);
      }
      p.sendStaleMarkers(9999);
      return sink.lines();
    };
    const plain = run(new CollectingSink());
    deepEqual(run(new EncodedCollectingSink()), plain);
    equal(plain.length > 3000, true, `${plain.length} samples`);
  };
  f({}, false);
  f({}, true);
  f({ seriesLimit: 1000 }, false);
  // The scraped job wins: that series does not end with the shared tail.
  f({ honorLabels: true }, true);
});

Deno.test("TargetProcessor scrapes of two targets interleaved call by call keep their series apart", () => {
  // Targets share one batch while a scrape runs synchronously; interleaved calls must not mix them.
  const a = setup();
  const b = setup({ targetLabels: [{ name: "instance", value: "other:80" }, TARGET[1]] });
  a.p.begin(1000, false);
  a.p.feed("x 1\ny 2\n");
  b.p.begin(1000, false);
  b.p.feed("z 3\n");
  a.p.feed("w 4\n");
  b.p.finish(undefined, 0.1, 4);
  a.p.finish(undefined, 0.1, 12);
  deepEqual(
    [
      ...a.sink.linesOf("x"),
      ...a.sink.linesOf("y"),
      ...a.sink.linesOf("w"),
      ...a.sink.linesOf("z"),
    ],
    [`x{${T}} 1 1000`, `y{${T}} 2 1000`, `w{${T}} 4 1000`],
  );
  deepEqual(b.sink.linesOf("z"), ['z{instance="other:80",job="j"} 3 1000']);
  deepEqual([...b.sink.linesOf("x"), ...b.sink.linesOf("w")], []);
  equal(a.sink.value("scrape_samples_scraped"), 3);
  equal(b.sink.value("scrape_samples_scraped"), 1);
});

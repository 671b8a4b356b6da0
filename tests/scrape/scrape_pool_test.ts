import { deepEqual, equal, match, rejects } from "node:assert/strict";
import { ScrapePool, type ScrapePoolOptions } from "../../lib/scrape/scrape_pool.ts";
import { firstScrapeDelay, scrapePhaseKey } from "../../lib/scrape/schedule.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { parseRelabelConfigs } from "../../lib/relabel/mod.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import type { FetchFn } from "../../lib/util/http_client.ts";
import type { Logger } from "../../lib/util/log.ts";
import type { Label } from "../../lib/util/series.ts";
import { CollectingSink, FakeClock, makeConfig, makeTarget, settle } from "./_helpers.ts";

await initXXHash64();

const URL_A = "http://a:9100/metrics";
const URL_B = "http://b:9100/metrics";
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % 60_000); // a minute boundary

function setup(
  bodies: Record<string, () => Response | Promise<Response>>,
  over: Partial<ScrapePoolOptions> = {},
) {
  const clock = new FakeClock();
  clock.now = T0;
  const sink = new CollectingSink();
  const registry = new MetricsRegistry();
  const logs: string[] = [];
  const logger: Logger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m) => logs.push(`error ${m}`),
  };
  const requests: string[] = [];
  const fetch: FetchFn = async (input) => {
    requests.push(String(input));
    const h = bodies[String(input)];
    if (h === undefined) return new Response("not found", { status: 404 });
    return await h();
  };
  const pool = new ScrapePool({
    sink,
    now: () => clock.now,
    timers: clock,
    fetch,
    metrics: registry,
    logger,
    ...over,
  });
  return { pool, clock, sink, registry, logs, requests };
}

Deno.test("ScrapePool starts a target at its phase and pushes its series every interval", async () => {
  const { pool, clock, sink, requests } = setup({ [URL_A]: () => new Response("foo 1\n") });
  const t = makeTarget(URL_A);
  try {
    await pool.sync([t]);
    const delay = firstScrapeDelay({
      now: T0,
      interval: 60_000,
      alignInterval: 0,
      offset: 0,
      phaseKey: scrapePhaseKey("", 0, URL_A, t.labels),
    });
    deepEqual(clock.pending(), [T0 + delay]);
    equal(pool.statusOf(t.key)?.health, "unknown");
    await clock.advance(delay);
    const first = Math.round(T0 + delay);
    equal(requests.length, 1);
    deepEqual(sink.linesOf("foo"), [`foo{instance="a:9100",job="job"} 1 ${clock.now}`]);
    const firstTs = clock.now;
    const st = pool.statusOf(t.key)!;
    equal(st.health, "up");
    equal(st.lastError, "");
    equal(st.scrapesTotal, 1);
    equal(st.lastSamplesScraped, 1);
    equal(st.seriesCount, 1);
    equal(st.lastResponseSize, 6);
    equal(Math.abs(st.lastScrape - first) <= 1, true);
    sink.clear();
    await clock.advance(60_000);
    equal(requests.length, 2);
    deepEqual(sink.linesOf("foo"), [`foo{instance="a:9100",job="job"} 1 ${firstTs + 60_000}`]);
    equal(sink.value("up"), 1);
    equal(sink.value("scrape_timeout_seconds"), 10);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool.sync() keeps unchanged targets, stops removed ones with stale markers, starts new ones", async () => {
  const { pool, clock, sink, registry, logs } = setup({
    [URL_A]: () => new Response("a_metric 1\n"),
    [URL_B]: () => new Response("b_metric 1\n"),
  });
  const a = makeTarget(URL_A);
  const b = makeTarget(URL_B);
  try {
    await pool.sync([a]);
    await clock.advance(60_000);
    const statusA = pool.statusOf(a.key);
    equal(statusA?.scrapesTotal, 1);
    sink.clear();
    await pool.sync([a, b]);
    equal(pool.statusOf(a.key), statusA, "the same loop keeps running");
    deepEqual(sink.lines(), [], "no stale markers for a kept target");
    await clock.advance(60_000);
    equal(pool.statusOf(a.key)?.scrapesTotal, 2);
    equal(pool.statusOf(b.key)?.scrapesTotal, 1);
    sink.clear();
    await pool.sync([b]);
    equal(pool.statusOf(a.key), undefined);
    const stale = sink.lines();
    equal(
      stale.includes(`a_metric{instance="a:9100",job="job"} STALE ${clock.now}`),
      true,
      stale.join("\n"),
    );
    equal(stale.includes(`up{instance="a:9100",job="job"} STALE ${clock.now}`), true);
    equal(stale.every((l) => l.includes("STALE") && l.includes('instance="a:9100"')), true);
    equal(registry.counter('vm_promscrape_scrapers_started_total{type="static_configs"}').get(), 2);
    equal(registry.counter('vm_promscrape_scrapers_stopped_total{type="static_configs"}').get(), 1);
    equal(registry.gauge('vm_promscrape_active_scrapers{type="static_configs"}').get(), 1);
    equal(registry.gauge('vm_promscrape_targets{type="static_configs",status="up"}').get(), 1);
    equal(registry.counter("vm_promscrape_stale_samples_created_total").get() > 0, true);
    equal(
      logs.includes("info static_configs: added targets: 0, removed targets: 1; total targets: 1"),
      true,
    );
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool.stop() stops every loop without stale markers", async () => {
  const { pool, clock, sink } = setup({ [URL_A]: () => new Response("foo 1\n") });
  await pool.sync([makeTarget(URL_A)]);
  await clock.advance(60_000);
  sink.clear();
  await pool.stop();
  deepEqual(sink.lines(), []);
  deepEqual(clock.pending(), []);
  await pool.stop();
});

Deno.test("ScrapePool reports a failing target as down with vmagent's error", async () => {
  const { pool, clock, sink, registry, logs } = setup({
    [URL_A]: () => new Response("boom", { status: 500 }),
  });
  const t = makeTarget(URL_A);
  try {
    await pool.sync([t]);
    await clock.advance(60_000);
    const st = pool.statusOf(t.key)!;
    equal(st.health, "down");
    equal(
      st.lastError,
      'unexpected status code returned when scraping "http://a:9100/metrics": 500; expecting 200; response body: "boom"',
    );
    equal(st.scrapesFailed, 1);
    equal(sink.value("up"), 0);
    equal(registry.counter("vm_promscrape_scrapes_failed_total").get(), 1);
    equal(registry.gauge('vm_promscrape_targets{type="static_configs",status="down"}').get(), 1);
    match(
      logs.find((l) => l.startsWith("warn"))!,
      /^warn cannot scrape target "http:\/\/a:9100\/metrics" \(\{instance="a:9100",job="job"\}\) 1 out of 1 times during -promscrape.suppressScrapeErrorsDelay=0s; the last error: unexpected status code/,
    );
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool adds the member label and external labels, and applies metric relabeling", async () => {
  const { pool, clock, sink } = setup({ [URL_A]: () => new Response('foo{x="1"} 1\ngo_gc 2\n') }, {
    memberLabel: { name: "vmagent_member", value: "vmagent-1" },
    externalLabels: [["dc", "eu"]],
  });
  const cfg = makeConfig({
    metricRelabelConfigs: parseRelabelConfigs([{
      action: "drop",
      source_labels: ["__name__"],
      regex: "go_.*",
    }]),
  });
  try {
    await pool.sync([makeTarget(URL_A, { config: cfg })]);
    await clock.advance(60_000);
    deepEqual(sink.lines().filter((l) => !l.startsWith("scrape_")), [
      `foo{x="1",instance="a:9100",job="job",vmagent_member="vmagent-1",dc="eu"} 1 ${
        sink.batches[0][0].samples[0].timestamp
      }`,
      `up{instance="a:9100",job="job",vmagent_member="vmagent-1",dc="eu"} 1 ${
        sink.batches[0][0].samples[0].timestamp
      }`,
    ]);
    equal(sink.value("scrape_samples_scraped"), 2);
    equal(sink.value("scrape_samples_post_metric_relabeling"), 1);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool never runs two scrapes of a target at once", async () => {
  let release: (() => void) | undefined;
  let inflight = 0;
  let maxInflight = 0;
  const { pool, clock, requests } = setup({
    [URL_A]: () => {
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      return new Promise<Response>((resolve) => {
        release = () => {
          inflight--;
          resolve(new Response("foo 1\n"));
        };
      });
    },
  }, {});
  const cfg = makeConfig({ scrapeInterval: 10_000, scrapeTimeout: 10_000 });
  try {
    await pool.sync([
      makeTarget(URL_A, { config: cfg, scrapeInterval: 10_000, scrapeTimeout: 60_000 }),
    ]);
    await clock.advance(10_000);
    equal(requests.length, 1);
    await clock.advance(35_000); // three ticks pass while the first scrape hangs
    equal(requests.length, 1);
    release!();
    await settle();
    equal(requests.length, 2, "one kept tick runs at once");
    release!();
    await settle();
    equal(requests.length, 2, "the other ticks were dropped");
    equal(maxInflight, 1);
  } finally {
    release?.();
    await pool.stop();
  }
});

Deno.test("ScrapePool.scrapeOnce() returns a target's raw response", async () => {
  const { pool } = setup({ [URL_A]: () => new Response("raw body\n") });
  const t = makeTarget(URL_A);
  try {
    await pool.sync([t]);
    equal(await pool.scrapeOnce(t.id), "raw body\n");
    await rejects(pool.scrapeOnce("nope"), /^Error: cannot find target for id=nope$/);
    deepEqual(pool.targets().map((x) => x.key), [t.key]);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool uses the discovery type of each target for its metrics", async () => {
  const { pool, registry } = setup({ [URL_A]: () => new Response("") });
  try {
    await pool.sync([makeTarget(URL_A, { discoveryType: "kubernetes_sd_configs" })]);
    equal(registry.gauge('vm_promscrape_active_scrapers{type="kubernetes_sd_configs"}').get(), 1);
    equal(
      registry.counter('vm_promscrape_scrapers_started_total{type="kubernetes_sd_configs"}').get(),
      1,
    );
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool parses big responses in blocks, and streams with streamParse", async () => {
  let body = "";
  for (let i = 0; i < 10_000; i++) body += `m{i="${i}"} ${i}\n`;
  const f = async (over: Partial<ScrapePoolOptions>) => {
    // Delivered in many chunks, as a network would.
    const bytes = new TextEncoder().encode(body);
    const chunked = () =>
      new Response(
        new ReadableStream({
          start(c) {
            for (let i = 0; i < bytes.length; i += 10_000) c.enqueue(bytes.subarray(i, i + 10_000));
            c.close();
          },
        }),
      );
    const { pool, clock, sink } = setup({ [URL_A]: chunked }, over);
    try {
      await pool.sync([makeTarget(URL_A)]);
      await clock.advance(60_000);
      equal(sink.value("up"), 1, JSON.stringify(over));
      equal(sink.value("scrape_samples_scraped"), 10_000);
      equal(sink.linesOf("m").length, 10_000);
      equal(sink.batches.length > 2, true, `${sink.batches.length} pushes`);
    } finally {
      await pool.stop();
    }
  };
  await f({ minResponseSizeForStreamParse: 1000 });
  await f({ streamParse: true, minResponseSizeForStreamParse: 0 });
});

Deno.test("ScrapePool logs an unexpected error in a scrape and keeps the loop running", async () => {
  const { pool, clock, logs, requests } = setup({ [URL_A]: () => new Response("foo 1\n") }, {
    relabel: () => {
      throw new TypeError("bug");
    },
  });
  const cfg = makeConfig({
    metricRelabelConfigs: parseRelabelConfigs([{
      action: "drop",
      source_labels: ["__name__"],
      regex: "x",
    }]),
  });
  try {
    await pool.sync([makeTarget(URL_A, { config: cfg })]);
    await clock.advance(120_000);
    equal(requests.length, 2);
    match(logs.find((l) => l.startsWith("error unexpected error"))!, /TypeError: bug/);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool reports each scrape's status to onStatus and can leave change logs out", async () => {
  const seen: [string, string, number][] = [];
  const { pool, clock, logs } = setup({ [URL_A]: () => new Response("foo 1\n") }, {
    onStatus: (key, s) => seen.push([key, s.health, s.scrapesTotal]),
    logChanges: false,
  });
  const t = makeTarget(URL_A);
  try {
    await pool.sync([t]);
    await clock.advance(60_000);
    await clock.advance(60_000);
    deepEqual(seen, [[t.key, "up", 1], [t.key, "up", 2]]);
    deepEqual(logs.filter((l) => l.includes("added targets")), []);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool never schedules a target whose interval is not positive", async () => {
  const { pool, clock, logs, requests } = setup({ [URL_A]: () => new Response("foo 1\n") });
  const t = { ...makeTarget(URL_A), scrapeInterval: 0 };
  try {
    await pool.sync([t]);
    deepEqual(clock.pending(), []);
    await clock.advance(60_000);
    equal(requests.length, 0);
    match(logs.find((l) => l.startsWith("error")) ?? "", /scrape interval 0ms/);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool places the first scrape by cluster name, member number and member label", async () => {
  const f = async (
    over: Partial<ScrapePoolOptions>,
    key: (labels: Label[]) => string,
    cfg = makeConfig(),
  ) => {
    const { pool, clock } = setup({ [URL_A]: () => new Response("foo 1\n") }, over);
    const t = makeTarget(URL_A, { config: cfg });
    try {
      await pool.sync([t]);
      const labels = over.memberLabel === undefined
        ? t.labels
        : [...t.labels, { name: over.memberLabel.name, value: over.memberLabel.value }];
      const delay = firstScrapeDelay({
        now: T0,
        interval: 60_000,
        alignInterval: cfg.scrapeAlignInterval,
        offset: cfg.scrapeOffset,
        phaseKey: key(labels),
      });
      deepEqual(clock.pending(), [T0 + delay], JSON.stringify(over));
      return delay;
    } finally {
      await pool.stop();
    }
  };
  const plain = await f({}, (l) => scrapePhaseKey("", 0, URL_A, l));
  const named = await f({ clusterName: "eu" }, (l) => scrapePhaseKey("eu", 0, URL_A, l));
  const member = await f(
    { memberNum: 1, memberLabel: { name: "vmagent_member", value: "vmagent-1" } },
    (l) => scrapePhaseKey("", 1, URL_A, l),
  );
  equal(new Set([plain, named, member]).size, 3, "each key gives its own phase");
  // Alignment ignores the phase: the next minute boundary, plus the offset.
  equal(await f({}, () => "", makeConfig({ scrapeAlignInterval: 60_000 })), 0);
  equal(await f({}, () => "", makeConfig({ scrapeOffset: 7_000 })), 7_000);
});

Deno.test("ScrapePool with noStaleMarkers sends no stale markers when a target goes away", async () => {
  const { pool, clock, sink } = setup({ [URL_A]: () => new Response("foo 1\n") }, {
    noStaleMarkers: true,
  });
  try {
    await pool.sync([makeTarget(URL_A)]);
    await clock.advance(60_000);
    equal(sink.value("up"), 1);
    sink.clear();
    await pool.sync([]);
    deepEqual(sink.lines(), []);
  } finally {
    await pool.stop();
  }
});

Deno.test("ScrapePool times each push into vm_promscrape_push_data_duration_seconds", async () => {
  const { pool, clock, registry } = setup({ [URL_A]: () => new Response("foo 1\n") });
  const pushes = () =>
    registry.histogram("vm_promscrape_push_data_duration_seconds").visit(() => {})
      .count;
  try {
    await pool.sync([makeTarget(URL_A)]);
    equal(pushes(), 0);
    await clock.advance(60_000);
    // One push of the scraped series and auto series per one-shot scrape.
    equal(pushes(), 1);
    await clock.advance(60_000);
    equal(pushes(), 2);
  } finally {
    await pool.stop();
  }
});

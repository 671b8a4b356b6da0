/**
 * Scrape Workers over real sockets: targets served on loopback, scraped in two Workers,
 * their series, statuses, metrics, `/target_response` and stale markers seen from the
 * main thread as a {@linkcode ScrapePool} would give them.
 *
 * @module
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { parseConfig } from "../../lib/config/parse_config.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { ScrapeWorkers, workerOf } from "../../lib/scrape/scrape_workers.ts";
import { buildScrapeTargets } from "../../lib/targets/build.ts";
import type { ScrapeTarget } from "../../lib/targets/types.ts";
import {
  encodedBatchToSeries,
  type EncodedSeriesBatch,
  type EncodedSink,
  type TimeSeries,
} from "../../lib/util/series.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { renderSample } from "../scrape/_helpers.ts";
import { freePort, waitFor } from "./_peers.ts";

await initXXHash64();

/** Keeps every series as text; counts encoded batches apart. */
class TextSink implements EncodedSink {
  lines: string[] = [];
  encodedBatches = 0;
  push(series: TimeSeries[]): boolean {
    for (const ts of series) {
      for (const s of ts.samples) this.lines.push(renderSample(ts.labels, s.value, s.timestamp));
    }
    return true;
  }
  pushEncoded(batch: EncodedSeriesBatch): boolean {
    this.encodedBatches++;
    return this.push(encodedBatchToSeries(batch));
  }
  has(re: RegExp): boolean {
    return this.lines.some((l) => re.test(l));
  }
}

function targetsOf(port: number, paths: string[]): ScrapeTarget[] {
  const jobs = paths.map((p) =>
    `- job_name: ${p}\n  scrape_interval: 1s\n  metrics_path: /${p}\n` +
    `  static_configs: [{targets: ["127.0.0.1:${port}"]}]\n` +
    `  metric_relabel_configs: [{action: drop, source_labels: [__name__], regex: "go_.*"}]\n`
  ).join("");
  const cfg = parseConfig(`scrape_configs:\n${jobs}`, { file: "/t.yml", strictParse: true });
  return cfg.scrapeConfigs.flatMap((j) => buildScrapeTargets(j, j.staticConfigs).active);
}

Deno.test("ScrapeWorkers scrape targets in Workers as a ScrapePool does in the main thread", async () => {
  const port = freePort();
  const bodies: Record<string, () => Response> = {
    "/a": () => new Response('foo{x="1"} 1\ngo_gc 2\n'),
    "/b": () => new Response("bar 3\n"),
    "/c": () => new Response("oops", { status: 500 }),
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen() {} },
    (req) => (bodies[new URL(req.url).pathname] ?? (() => new Response("", { status: 404 })))(),
  );
  const sink = new TextSink();
  const registry = new MetricsRegistry();
  const workers = new ScrapeWorkers({ count: 2, sink, metrics: registry, metricsInterval: 100 });
  const pool = workers.newPool({ externalLabels: [["site", "x"]] });
  const [a, b, c] = targetsOf(port, ["a", "b", "c"]);
  try {
    equal(workers.count, 2);
    await pool.sync([a, b, c]);
    deepEqual(pool.targets().map((t) => t.key), [a.key, b.key, c.key]);
    const status = (t: ScrapeTarget) =>
      waitFor(
        `${t.job} scraped`,
        () => {
          const s = pool.statusOf(t.key);
          return s !== undefined && s.scrapesTotal >= 1 ? s : undefined;
        },
        20_000,
        50,
      );
    const [sa, sb, sc] = [await status(a), await status(b), await status(c)];
    deepEqual([sa.health, sb.health, sc.health], ["up", "up", "down"]);
    match(sc.lastError, /unexpected status code returned when scraping .*: 500/);
    equal(sa.seriesCount, 1, "go_gc is dropped by metric relabeling in the Worker");
    // Series crossed as encoded batches, with the target and external labels.
    ok(sink.encodedBatches > 0);
    ok(sink.has(/^foo\{x="1",instance="127\.0\.0\.1:\d+",job="a",site="x"\} 1 \d+$/));
    ok(sink.has(/^bar\{instance="127\.0\.0\.1:\d+",job="b",site="x"\} 3 \d+$/));
    ok(sink.has(/^up\{instance="127\.0\.0\.1:\d+",job="c",site="x"\} 0 \d+$/));
    equal(sink.has(/^go_gc/), false);
    // The Workers' self-metrics appear in the main registry, summed.
    await waitFor(
      "worker metrics",
      () => {
        const text = registry.writePrometheus();
        return text.includes('vm_promscrape_active_scrapers{type="static_configs"} 3\n') &&
            /vm_promscrape_scrapes_total\{status_code="200"\} [2-9]/.test(text)
          ? text
          : undefined;
      },
      10_000,
      50,
    );
    // `/target_response` runs in the target's Worker.
    equal(await pool.scrapeOnce(a.id), 'foo{x="1"} 1\ngo_gc 2\n');
    await rejects(pool.scrapeOnce("nope"), /cannot find target for id=nope/);
    // A removed target stops in its Worker with stale markers.
    await pool.sync([a, c]);
    deepEqual(pool.targets().map((t) => t.key), [a.key, c.key]);
    equal(pool.statusOf(b.key), undefined);
    ok(sink.has(/^bar\{instance="127\.0\.0\.1:\d+",job="b",site="x"\} STALE \d+$/));
    await pool.stop();
    equal(pool.statusOf(a.key), undefined);
    // A reload that changes external labels replaces the pool; the Workers run the new one.
    const next = workers.newPool({ externalLabels: [["site", "y"]] });
    await next.sync([a]);
    await waitFor(
      "a scraped by the new pool",
      () => {
        const s = next.statusOf(a.key);
        return s !== undefined && s.scrapesTotal >= 1 ? s : undefined;
      },
      20_000,
      50,
    );
    ok(sink.has(/^foo\{x="1",instance="127\.0\.0\.1:\d+",job="a",site="y"\} 1 \d+$/));
    await next.stop();
    const stopped = registry.writePrometheus();
    workers.close();
    // Counters keep their last values after the Workers are gone; their gauges go.
    const after = registry.writePrometheus();
    const scrapes = (t: string) =>
      /vm_promscrape_scrapes_total\{status_code="200"\} (\d+)/.exec(t)?.[1];
    ok(Number(scrapes(after)) >= 2);
    equal(scrapes(after), scrapes(stopped));
    equal(after.includes("vm_promscrape_active_scrapers"), false);
  } finally {
    workers.close();
    await server.shutdown();
  }
});

Deno.test("workerOf() spreads targets that differ only in their address evenly, and stably", () => {
  const keys = targetsOf(9100, ["a"]).map((t) => t.key);
  const count = [0, 0];
  for (let p = 0; p < 1000; p++) {
    const key = keys[0].replaceAll("9100", String(20000 + p));
    const w = workerOf(key, 2);
    equal(workerOf(key, 2), w);
    count[w]++;
  }
  ok(count[0] > 400 && count[1] > 400, `uneven: ${count}`);
  equal(workerOf(keys[0], 1), 0);
});

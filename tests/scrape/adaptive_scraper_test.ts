import { deepEqual, equal, ok } from "node:assert/strict";
import { ScrapeThreads } from "../../lib/scrape/adaptive_scraper.ts";
import type { ScrapeWorkers } from "../../lib/scrape/scrape_workers.ts";
import type { TargetScraper } from "../../lib/scrape/target_scraper.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";
import { unknownScrapeStatus } from "../../lib/targets/types.ts";
import type { FetchFn } from "../../lib/util/http_client.ts";
import type { Logger } from "../../lib/util/log.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { CollectingSink, FakeClock, makeTarget } from "./_helpers.ts";

await initXXHash64();

const URL_A = "http://a:9100/metrics";

/** A stand-in for the Workers: records what its pools are asked to do. */
function fakeWorkers() {
  const calls: string[] = [];
  const pools: TargetScraper[] = [];
  const workers = {
    count: 2,
    close() {
      calls.push("close");
    },
    newPool(): TargetScraper {
      let running: ScrapeTarget[] = [];
      const pool: TargetScraper = {
        sync(targets) {
          calls.push(`sync ${targets.map((t) => t.key).join(",")}`);
          running = [...targets];
          return Promise.resolve();
        },
        stop() {
          calls.push("stop");
          running = [];
          return Promise.resolve();
        },
        statusOf: (key) =>
          running.some((t) => t.key === key)
            ? { ...unknownScrapeStatus(), lastError: "in a worker" } as ScrapeStatus
            : undefined,
        targets: () => running,
        scrapeOnce: (id) => Promise.resolve(`worker body of ${id}`),
      };
      pools.push(pool);
      return pool;
    },
  };
  return { workers: workers as unknown as ScrapeWorkers, calls, pools };
}

function setup(cpu: number[]) {
  const clock = new FakeClock();
  clock.now = 1_700_000_000_000;
  const sink = new CollectingSink();
  const logs: string[] = [];
  const log: Logger = {
    info: (m) => logs.push(m),
    warn: (m) => logs.push(m),
    error: (m) => logs.push(m),
  };
  const fetch: FetchFn = () => Promise.resolve(new Response("foo 1\n"));
  const fake = fakeWorkers();
  let started = 0;
  let sample = 0;
  let t = 0;
  const threads = new ScrapeThreads({
    startWorkers: () => {
      started++;
      return fake.workers;
    },
    threadCpuSeconds: () => cpu[sample++],
    now: () => (t += 10_000),
    log,
  });
  const poolOptions = { sink, now: () => clock.now, timers: clock, fetch, logger: log };
  return { threads, clock, sink, fake, logs, started: () => started, poolOptions };
}

Deno.test("ScrapeThreads moves pools to Workers after three busy samples in a row, once", async () => {
  // CPU seconds of the main thread at samples 10 s apart: busy = above 5 s per 10 s.
  const s = setup([0, 6, 7, 13, 19, 26, 40, 50]);
  const pool = s.threads.newPool(s.poolOptions, {});
  const a = makeTarget(URL_A);
  try {
    await pool.sync([a]);
    await s.clock.advance(60_000);
    equal(pool.statusOf(a.key)?.health, "up", "scraped in the main thread");
    equal(pool.inWorkers, false);
    s.threads.check(); // first sample: nothing to compare with
    s.threads.check(); // +6 s: busy (1)
    s.threads.check(); // +1 s: idle, the count starts again
    s.threads.check(); // +6 s: busy (1)
    s.threads.check(); // +6 s: busy (2)
    equal(s.started(), 0);
    s.sink.clear();
    s.threads.check(); // +7 s: busy (3): move
    equal(s.started(), 1);
    await pool.sync([a]); // runs after the move
    equal(pool.inWorkers, true);
    deepEqual(s.fake.calls, [`sync ${a.key}`, `sync ${a.key}`]);
    equal(pool.statusOf(a.key)?.lastError, "in a worker");
    equal(await pool.scrapeOnce(a.id), `worker body of ${a.id}`);
    // Stopped in the main thread without staleness markers: the target did not go away.
    deepEqual(s.sink.lines().filter((l) => l.includes("STALE")), []);
    await s.clock.advance(120_000);
    deepEqual(s.sink.lines(), [], "the main thread no longer scrapes it");
    ok(s.logs.some((l) => /moving scrape targets to 2 Worker threads/.test(l)), s.logs.join("\n"));
    s.threads.check();
    s.threads.check();
    equal(s.started(), 1, "Workers start once");
    // A pool made later (an external_labels reload) starts in the Workers.
    const later = s.threads.newPool(s.poolOptions, {});
    equal(later.inWorkers, true);
    await later.stop();
  } finally {
    await pool.stop();
    s.threads.close();
  }
  deepEqual(s.fake.calls.slice(-2), ["stop", "close"]);
});

Deno.test("ScrapeThreads keeps scraping in the main thread when its CPU time is unknown or low", async () => {
  const s = setup([undefined as unknown as number, 1, 2, 3, 4, 5]);
  const pool = s.threads.newPool(s.poolOptions, {});
  try {
    for (let i = 0; i < 6; i++) s.threads.check();
    equal(s.started(), 0);
    equal(pool.inWorkers, false);
  } finally {
    await pool.stop();
    s.threads.close();
  }
});

import assert from "node:assert/strict";
import { ScrapeRunner } from "../../app/scrape_runner.ts";
import type { Config } from "../../lib/config/types.ts";
import type { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";
import { configOf, memLog } from "../targets/_config.ts";

/** A pool that records what it is asked, in one event list shared by all pools. */
function fakePools(events: string[]) {
  let n = 0;
  const pools: { labels: string; running: string[] }[] = [];
  const newPool = (config: Config): ScrapePool => {
    const id = n++;
    const state = { labels: JSON.stringify(config.global.externalLabels), running: [] as string[] };
    pools.push(state);
    events.push(`new ${id} ${state.labels}`);
    const pool = {
      sync: async (targets: readonly ScrapeTarget[]) => {
        await Promise.resolve();
        state.running = targets.map((t) => t.key);
        events.push(`sync ${id} [${state.running}]`);
      },
      stop: async () => {
        await Promise.resolve();
        events.push(`stop ${id}`);
      },
      statusOf: (key: string) =>
        state.running.includes(key) ? { health: "up" } as ScrapeStatus : undefined,
      targets: () => state.running.map((key) => ({ key }) as ScrapeTarget),
      scrapeOnce: (tid: string) => Promise.resolve(`pool ${id} ${tid}`),
    };
    return pool as unknown as ScrapePool;
  };
  return { newPool, pools };
}

const targets = (...keys: string[]) => keys.map((key) => ({ key }) as ScrapeTarget);
const withLabels = (labels: Record<string, string>, job = "a") =>
  configOf({
    global: { external_labels: labels },
    scrape_configs: [{ job_name: job, static_configs: [{ targets: ["h:1"] }] }],
  });

Deno.test("ScrapeRunner.sync() hands the targets to one pool, in order", async () => {
  const events: string[] = [];
  const { newPool } = fakePools(events);
  const runner = new ScrapeRunner(withLabels({ dc: "eu1" }), { newPool, log: memLog() });
  runner.sync(targets("t1", "t2"));
  runner.sync(targets("t2"));
  await runner.stop();
  assert.deepEqual(events, [`new 0 [["dc","eu1"]]`, "sync 0 [t1,t2]", "sync 0 [t2]", "stop 0"]);
});

Deno.test("ScrapeRunner.setConfig() restarts every target in a new pool when external_labels change", async () => {
  const events: string[] = [];
  const { newPool } = fakePools(events);
  const log = memLog();
  const runner = new ScrapeRunner(withLabels({ dc: "eu1" }), { newPool, log });
  runner.sync(targets("t1", "t2"));
  // as on reload: the config first, then the targets the discovery rebuilds from it
  runner.setConfig(withLabels({ dc: "eu2" }));
  runner.sync(targets("t1", "t2"));
  await runner.stop();
  assert.deepEqual(events, [
    `new 0 [["dc","eu1"]]`,
    "sync 0 [t1,t2]",
    "sync 0 []", // the old scrapers stop with staleness markers
    "stop 0",
    `new 1 [["dc","eu2"]]`,
    "sync 1 [t1,t2]",
    "stop 1",
  ]);
  assert.deepEqual(log.infos, ["global.external_labels changed: restarting every scrape target"]);
});

Deno.test("ScrapeRunner.setConfig() keeps the pool when external_labels are unchanged", async () => {
  const f = async (next: Config) => {
    const events: string[] = [];
    const { newPool } = fakePools(events);
    const runner = new ScrapeRunner(withLabels({ dc: "eu1", env: "prod" }), { newPool });
    runner.sync(targets("t1"));
    runner.setConfig(next);
    runner.sync(targets("t1", "t3"));
    await runner.stop();
    assert.deepEqual(events, [
      `new 0 [["dc","eu1"],["env","prod"]]`,
      "sync 0 [t1]",
      "sync 0 [t1,t3]",
      "stop 0",
    ]);
  };
  await f(withLabels({ dc: "eu1", env: "prod" }));
  await f(withLabels({ dc: "eu1", env: "prod" }, "other-job"));
});

Deno.test("ScrapeRunner reads statuses, targets and target responses from the current pool", async () => {
  const events: string[] = [];
  const { newPool } = fakePools(events);
  const runner = new ScrapeRunner(withLabels({}), { newPool });
  runner.sync(targets("t1"));
  runner.setConfig(withLabels({ dc: "x" }));
  runner.sync(targets("t9"));
  await runner.stop();
  assert.equal(runner.statusOf("t1"), undefined);
  assert.equal(runner.statusOf("t9")?.health, "up");
  assert.deepEqual(runner.targets().map((t) => t.key), ["t9"]);
  assert.equal(await runner.scrapeOnce("id"), "pool 1 id");
});

Deno.test("ScrapeRunner.stop() ignores a config change asked for after it", async () => {
  const events: string[] = [];
  const { newPool } = fakePools(events);
  const runner = new ScrapeRunner(withLabels({ dc: "a" }), { newPool });
  const stopped = runner.stop();
  runner.setConfig(withLabels({ dc: "b" }));
  await stopped;
  assert.deepEqual(events, [`new 0 [["dc","a"]]`, "stop 0"]);
});

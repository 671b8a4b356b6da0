import assert from "node:assert/strict";
import { SINGLE_MEMBER } from "../../lib/cluster/options.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import {
  countTargetsByJob,
  ScrapePoolTargetsGauges,
  TargetRegistry,
  type TargetsSnapshot,
} from "../../lib/targets/registry.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";

/** A target of job `job` (its scrape config's job_name) with key `key`. */
const target = (job: string, key: string) =>
  ({ key, job, config: { jobName: job } }) as ScrapeTarget;

const snapshot = (jobNames: string[], active: ScrapeTarget[]): TargetsSnapshot => ({
  jobNames,
  active,
  dropped: [],
  droppedTotal: 0,
  maxDroppedTargets: 10000,
  cluster: [],
  clusterOptions: SINGLE_MEMBER,
  errors: new Map(),
});

const statuses = (health: Record<string, ScrapeStatus["health"]>) => (key: string) =>
  key in health ? { health: health[key] } as ScrapeStatus : undefined;

Deno.test("countTargetsByJob() counts up targets and down ones (failed, unknown, not started)", () => {
  const f = (
    snap: TargetsSnapshot,
    health: Record<string, ScrapeStatus["health"]>,
    want: Record<string, { up: number; down: number }>,
  ) => assert.deepEqual(Object.fromEntries(countTargetsByJob(snap, statuses(health))), want);
  f(snapshot([], []), {}, {});
  f(snapshot(["a", "b"], []), {}, { a: { up: 0, down: 0 }, b: { up: 0, down: 0 } });
  f(
    snapshot(["a", "b"], [target("a", "1"), target("a", "2"), target("a", "3"), target("b", "4")]),
    { "1": "up", "2": "down", "3": "unknown" },
    { a: { up: 1, down: 2 }, b: { up: 0, down: 1 } },
  );
  // counted by the scrape config's job_name, even when relabeling changed the job label
  const relabeled = { ...target("a", "1"), job: "renamed" } as ScrapeTarget;
  f(snapshot(["a"], [relabeled]), { "1": "up" }, { a: { up: 1, down: 0 } });
});

Deno.test("ScrapePoolTargetsGauges exposes vm_promscrape_scrape_pool_targets per configured job", async () => {
  const registry = new MetricsRegistry();
  const targets = new TargetRegistry(SINGLE_MEMBER);
  const health: Record<string, ScrapeStatus["health"]> = {};
  const gauges = new ScrapePoolTargetsGauges({
    view: targets,
    statusOf: statuses(health),
    registry,
  });
  // Counts are kept for the rest of the synchronous exposition; each read here is a new one.
  const lines = async () => {
    await Promise.resolve();
    return registry.writePrometheus().split("\n").filter((l) =>
      l.startsWith("vm_promscrape_scrape_pool")
    );
  };
  assert.deepEqual(await lines(), []);
  gauges.setJobs(["node", 'say "hi"']);
  targets.set(snapshot(["node", 'say "hi"'], [target("node", "1"), target("node", "2")]));
  assert.deepEqual(await lines(), [
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="down"} 2',
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="up"} 0',
    'vm_promscrape_scrape_pool_targets{scrape_job="say \\"hi\\"", status="down"} 0',
    'vm_promscrape_scrape_pool_targets{scrape_job="say \\"hi\\"", status="up"} 0',
  ]);
  health["1"] = "up";
  assert.deepEqual((await lines()).slice(0, 2), [
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="down"} 1',
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="up"} 1',
  ]);
  // a reload removes the jobs no longer configured and adds new ones
  gauges.setJobs(["node", "new"]);
  assert.deepEqual(await lines(), [
    'vm_promscrape_scrape_pool_targets{scrape_job="new", status="down"} 0',
    'vm_promscrape_scrape_pool_targets{scrape_job="new", status="up"} 0',
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="down"} 1',
    'vm_promscrape_scrape_pool_targets{scrape_job="node", status="up"} 1',
  ]);
  gauges.close();
  assert.deepEqual(await lines(), []);
});

Deno.test("ScrapePoolTargetsGauges counts once per exposition", async () => {
  const registry = new MetricsRegistry();
  let reads = 0;
  const view = {
    current: () => {
      reads++;
      return snapshot(["a", "b", "c"], [target("a", "1")]);
    },
  };
  const gauges = new ScrapePoolTargetsGauges({ view, statusOf: () => undefined, registry });
  gauges.setJobs(["a", "b", "c"]);
  registry.writePrometheus();
  assert.equal(reads, 1);
  await Promise.resolve();
  registry.writePrometheus();
  assert.equal(reads, 2);
});

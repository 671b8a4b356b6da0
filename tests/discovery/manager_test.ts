import assert from "node:assert/strict";
import { DiscoveryManager, type SetTimer } from "../../lib/discovery/manager.ts";
import type { DiscoveredGroup, Discoverer } from "../../lib/discovery/types.ts";
import type { FileSDFileSystem } from "../../lib/discovery/file_sd.ts";
import { validateClusterOptions } from "../../lib/cluster/options.ts";
import type { ScrapeTarget } from "../../lib/targets/types.ts";
import { initXXHash64 } from "../../lib/util/xxhash64.ts";
import { configOf, memLog } from "../targets/_config.ts";

await initXXHash64();

/** A discoverer driven by the test: `push` reports groups; counts runs and aborts. */
class FakeDiscoverer implements Discoverer {
  readonly type = "kubernetes_sd_configs";
  onUpdate?: (groups: DiscoveredGroup[]) => void;
  aborted = false;
  error = "";
  constructor(readonly sd: unknown, readonly fail?: string) {}
  run(onUpdate: (groups: DiscoveredGroup[]) => void, signal: AbortSignal): Promise<void> {
    if (this.fail !== undefined) return Promise.reject(new Error(this.fail));
    this.onUpdate = onUpdate;
    return new Promise((resolve) =>
      signal.addEventListener("abort", () => {
        this.aborted = true;
        resolve();
      }, { once: true })
    );
  }
  push(targets: string[], labels: [string, string][] = []): void {
    this.onUpdate!([{ targets, labels }]);
  }
  lastError(): string {
    return this.error;
  }
}

/** A manual timer: `fire()` runs the pending callbacks. */
class ManualTimer {
  #fns = new Map<number, () => void>();
  #next = 0;
  readonly set: SetTimer = (fn) => {
    const id = this.#next++;
    this.#fns.set(id, fn);
    return () => this.#fns.delete(id);
  };
  get pending(): number {
    return this.#fns.size;
  }
  fire(): void {
    const list = [...this.#fns.values()];
    this.#fns.clear();
    for (const fn of list) fn();
  }
}

/** A sleep that only ends when the manager stops. */
const untilAborted = (_ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));

function setup(opts: Partial<ConstructorParameters<typeof DiscoveryManager>[0]> = {}) {
  const fakes: FakeDiscoverer[] = [];
  const calls: ScrapeTarget[][] = [];
  const timer = new ManualTimer();
  const log = memLog();
  const manager = new DiscoveryManager({
    onTargets: (active) => calls.push(active),
    setTimer: timer.set,
    log,
    sleep: untilAborted,
    ...opts,
  });
  manager.registerDiscoverer("kubernetes_sd_configs", (sd) => {
    const role = (sd as { role: string }).role;
    const d = new FakeDiscoverer(sd, role === "ingress" ? "no API server" : undefined);
    fakes.push(d);
    return d;
  });
  return { manager, fakes, calls, timer, log };
}

const urls = (ts: ScrapeTarget[]) => ts.map((t) => t.scrapeUrl);

Deno.test("DiscoveryManager.update() builds static targets at once and hands them to onTargets", async () => {
  const { manager, calls } = setup();
  manager.update(configOf({
    scrape_configs: [
      { job_name: "a", static_configs: [{ targets: ["h1:1", "h2:1"] }] },
      { job_name: "empty" },
    ],
  }));
  assert.deepEqual(urls(calls.at(-1)!), ["http://h1:1/metrics", "http://h2:1/metrics"]);
  const snap = manager.current();
  assert.deepEqual(snap.jobNames, ["a", "empty"]);
  assert.equal(snap.active.length, 2);
  assert.equal(snap.cluster.length, 2);
  assert.equal(manager.pendingCount(), 0);
  await manager.stop();
});

Deno.test("DiscoveryManager drops duplicates per discovery type, logging each once per reload", async () => {
  const { manager, log, timer, fakes } = setup();
  const config = configOf({
    scrape_configs: [{
      job_name: "a",
      static_configs: [{ targets: ["h:1", "h:1", "h:2"] }],
      kubernetes_sd_configs: [{ role: "pod" }],
    }],
  });
  manager.update(config);
  let snap = manager.current();
  assert.deepEqual(urls(snap.active), ["http://h:1/metrics", "http://h:2/metrics"]);
  assert.deepEqual(snap.dropped.map((d) => d.reason), ["duplicate"]);
  assert.equal(log.errors.length, 1);
  assert.match(
    log.errors[0],
    /^skipping duplicate scrape target with identical labels; endpoint=http:\/\/h:1\/metrics, labels=\{instance="h:1",job="a"\}; make sure service discovery and relabeling is set up properly; see also https:\/\/docs.victoriametrics.com\/victoriametrics\/vmagent\/#troubleshooting; original labels for target1: \{__address__="h:1",/,
  );
  // The same target from another discovery type is not a duplicate: vmagent runs one scraper group per type.
  fakes[0].push(["h:1"]);
  timer.fire();
  snap = manager.current();
  assert.equal(snap.active.length, 3);
  assert.equal(new Set(snap.active.map((t) => t.key)).size, 3);
  assert.equal(log.errors.length, 1, "not logged again before a reload");
  manager.update(config);
  assert.equal(log.errors.length, 2, "logged again after a reload");
  await manager.stop();

  const quiet = setup({ suppressDuplicateScrapeTargetErrors: true });
  quiet.manager.update(config);
  assert.equal(quiet.manager.current().dropped.length, 1);
  assert.equal(quiet.log.errors.length, 0);
  await quiet.manager.stop();
});

Deno.test("DiscoveryManager keeps no original labels and lists no dropped target under dropOriginalLabels", async () => {
  const config = configOf({
    scrape_configs: [{
      job_name: "a",
      // Three h:1 targets that differ only before relabeling: two duplicates.
      static_configs: [
        { targets: ["h:1", "h:2", "x:1"], labels: { src: "a" } },
        { targets: ["h:1"], labels: { src: "b" } },
        { targets: ["h:1"], labels: { src: "c" } },
      ],
      relabel_configs: [
        { source_labels: ["__address__"], regex: "x:.*", action: "drop" },
        { regex: "src", action: "labeldrop" },
      ],
    }],
  });
  const f = async (dropOriginalLabels: boolean, want: {
    discovered: number[];
    dropped: string[];
    droppedTotal: number;
  }) => {
    const { manager, log, calls } = setup({ dropOriginalLabels });
    manager.update(config);
    const snap = manager.current();
    assert.deepEqual(urls(snap.active), ["http://h:1/metrics", "http://h:2/metrics"]);
    assert.deepEqual(calls.at(-1), snap.active);
    assert.deepEqual(snap.active.map((t) => t.discoveredLabels.length), want.discovered);
    assert.deepEqual(snap.dropped.map((d) => d.reason), want.dropped);
    assert.equal(snap.droppedTotal, want.droppedTotal);
    // Duplicates are still found and each one is logged once per reload.
    assert.equal(log.errors.length, 2, log.errors.join("\n"));
    for (const e of log.errors) assert.match(e, /^skipping duplicate scrape target/);
    manager.rebuild();
    assert.equal(log.errors.length, 2, "not logged again before a reload");
    await manager.stop();
  };
  await f(false, {
    discovered: [7, 7],
    dropped: ["relabeling", "duplicate", "duplicate"],
    droppedTotal: 3,
  });
  await f(true, { discovered: [0, 0], dropped: [], droppedTotal: 0 });
});

Deno.test("DiscoveryManager.update() keeps unchanged discoverers running and restarts changed ones", async () => {
  const { manager, fakes, calls, timer } = setup();
  const jobs = (secondRole: string, relabel: unknown[]) => ({
    scrape_configs: [
      { job_name: "a", kubernetes_sd_configs: [{ role: "pod" }], relabel_configs: relabel },
      { job_name: "b", kubernetes_sd_configs: [{ role: secondRole }] },
    ],
  });
  manager.update(configOf(jobs("node", [])));
  assert.equal(fakes.length, 2);
  assert.equal(manager.pendingCount(), 1, "one SD type waits for its first list");
  fakes[0].push(["pod:1"]);
  assert.equal(timer.pending, 1);
  fakes[1].push(["node:1"]);
  assert.equal(timer.pending, 1, "updates are debounced into one rebuild");
  timer.fire();
  assert.equal(manager.pendingCount(), 0);
  assert.deepEqual(urls(calls.at(-1)!), ["http://pod:1/metrics", "http://node:1/metrics"]);

  // Job a changes its relabeling only; job b changes its SD config.
  manager.update(configOf(jobs("service", [{ target_label: "x", replacement: "y" }])));
  assert.equal(fakes.length, 3, "only job b's discoverer is new");
  assert.equal(fakes[0].aborted, false);
  assert.equal(fakes[1].aborted, true);
  const a = calls.at(-1)!.find((t) => t.job === "a")!;
  assert.equal(
    a.labels.find((l) => l.name === "x")?.value,
    "y",
    "job a is rebuilt from its kept groups",
  );
  assert.equal(
    calls.at(-1)!.some((t) => t.job === "b"),
    false,
    "job b waits for its new discoverer",
  );
  assert.equal(manager.pendingCount(), 1);

  manager.update(configOf({ scrape_configs: [] }));
  assert.equal(fakes[0].aborted && fakes[2].aborted, true, "removed jobs stop their discoverers");
  assert.deepEqual(calls.at(-1), []);
  await manager.stop();
});

Deno.test("DiscoveryManager reports discovery errors per job and does not hold /ready back", async () => {
  const { manager, fakes, timer } = setup();
  manager.update(configOf({
    scrape_configs: [
      { job_name: "broken", kubernetes_sd_configs: [{ role: "ingress" }] },
      { job_name: "ok", kubernetes_sd_configs: [{ role: "pod" }] },
    ],
  }));
  await new Promise((r) => setTimeout(r, 0));
  timer.fire();
  assert.equal(manager.pendingCount(), 1, "the failed one counts as listed, the other still waits");
  fakes[1].error = "watch pods: connection refused";
  fakes[1].push([]);
  timer.fire();
  assert.equal(manager.pendingCount(), 0);
  const errors = manager.current().errors;
  assert.deepEqual(errors.get("broken"), ["kubernetes_sd_configs: no API server"]);
  assert.deepEqual(errors.get("ok"), ["kubernetes_sd_configs: watch pods: connection refused"]);
  await manager.stop();
});

Deno.test("DiscoveryManager shards with the cluster options and keeps every member's targets for /cluster", async () => {
  const targets = Array.from({ length: 30 }, (_, i) => `10.0.0.${i}:9100`);
  const config = configOf({
    scrape_configs: [{ job_name: "node", static_configs: [{ targets }] }],
  });
  const owned: string[][] = [];
  for (let m = 0; m < 3; m++) {
    const { manager } = setup({
      cluster: validateClusterOptions({ membersCount: 3, memberNum: String(m) }),
    });
    manager.update(config);
    const snap = manager.current();
    owned.push(urls(snap.active));
    assert.equal(snap.cluster.length, 30);
    assert.equal(snap.active.length + snap.dropped.length, 30);
    assert.ok(snap.dropped.every((d) => d.reason === "sharding" && !d.clusterMembers!.includes(m)));
    await manager.stop();
  }
  assert.equal(owned.flat().length, 30);
  assert.equal(new Set(owned.flat()).size, 30, "each target has exactly one owner");
});

Deno.test("DiscoveryManager caps the dropped list at maxDroppedTargets and counts the rest", async () => {
  const { manager } = setup({ maxDroppedTargets: 3 });
  manager.update(configOf({
    scrape_configs: ["a", "b"].map((job_name) => ({
      job_name,
      static_configs: [{ targets: ["h:1", "h:2"] }],
      relabel_configs: [{ action: "drop", source_labels: ["job"], regex: ".*" }],
    })),
  }));
  const snap = manager.current();
  assert.equal(snap.dropped.length, 3);
  assert.equal(snap.droppedTotal, 4);
  assert.equal(snap.maxDroppedTargets, 3);
  await manager.stop();
});

Deno.test("DiscoveryManager lists each set of original labels once among dropped targets, as vmagent", async () => {
  const { manager } = setup();
  manager.update(configOf({
    scrape_configs: [{
      job_name: "a",
      static_configs: [
        // Three identical h:1 targets: one active, two duplicates with the same original labels.
        { targets: ["h:1", "h:1", "h:1", "x:1", "x:1", "x:2"] },
        // Same address, other original labels: a separate entry.
        { targets: ["h:1", "x:1"], labels: { src: "b" } },
      ],
      relabel_configs: [
        { source_labels: ["__address__"], regex: "x:.*", action: "drop" },
        { regex: "src", action: "labeldrop" },
      ],
    }],
  }));
  const snap = manager.current();
  assert.deepEqual(urls(snap.active), ["http://h:1/metrics"]);
  const seen = snap.dropped.map((d) =>
    `${d.reason} ${d.discoveredLabels.find((l) => l.name === "__address__")!.value} ${
      d.discoveredLabels.find((l) => l.name === "src")?.value ?? "-"
    }`
  ).sort();
  assert.deepEqual(seen, [
    "duplicate h:1 -",
    "duplicate h:1 b",
    "relabeling x:1 -",
    "relabeling x:1 b",
    "relabeling x:2 -",
  ]);
  assert.equal(snap.droppedTotal, 5);
  await manager.stop();
});

Deno.test("DiscoveryManager runs file_sd_configs with __meta_filepath relative to the config folder", async () => {
  const fs: FileSDFileSystem = {
    readTextFile: (p) =>
      p === "/etc/vmagent/sd/t.json"
        ? Promise.resolve('[{"targets": ["f:1"], "labels": {"team": "x"}}]')
        : Promise.reject(new Error("no such file")),
    readDir: () => Promise.resolve(["t.json"]),
  };
  const calls: ScrapeTarget[][] = [];
  const timer = new ManualTimer();
  const manager = new DiscoveryManager({
    onTargets: (a) => calls.push(a),
    fs,
    setTimer: timer.set,
    sleep: untilAborted,
    log: memLog(),
  });
  manager.update(configOf({
    scrape_configs: [{ job_name: "files", file_sd_configs: [{ files: ["sd/*.json"] }] }],
  }, "/etc/vmagent/scrape.yml"));
  assert.equal(manager.pendingCount(), 1);
  for (let i = 0; i < 100 && timer.pending === 0; i++) await new Promise((r) => setTimeout(r, 0));
  timer.fire();
  assert.equal(manager.pendingCount(), 0);
  const [t] = calls.at(-1)!;
  assert.equal(t.discoveryType, "file_sd_configs");
  assert.deepEqual(
    t.discoveredLabels.filter((l) => !l.name.startsWith("__s") && !l.name.startsWith("__m")),
    [{ name: "__address__", value: "f:1" }, { name: "job", value: "files" }, {
      name: "team",
      value: "x",
    }],
  );
  assert.equal(t.discoveredLabels.find((l) => l.name === "__meta_filepath")?.value, "sd/t.json");
  await manager.stop();
});

import assert from "node:assert/strict";
import {
  serviceDiscoveryPageHandler,
  shardLinksHtml,
} from "../../lib/server/service_discovery_page.ts";
import { targetsApiHandler } from "../../lib/server/targets_api.ts";
import { targetsPageHandler } from "../../lib/server/targets_page.ts";
import { DiscoveryManager } from "../../lib/discovery/manager.ts";
import type { FileSDFileSystem } from "../../lib/discovery/file_sd.ts";
import { configOf, memLog } from "../targets/_config.ts";
import { fixture } from "./_targets_fixture.ts";

const page = async (f: ReturnType<typeof fixture>, query = "") => {
  const res = serviceDiscoveryPageHandler({ view: f.manager, statusOf: f.statusOf, now: f.now })(
    new Request(`http://localhost/service-discovery${query}`),
  );
  assert.equal(res.headers.get("Content-Type"), "text/html; charset=utf-8");
  return await res.text();
};

Deno.test("shardLinksHtml() names the owner members, linked through the member URL template", () => {
  const f = (members: number[], template: string, want: string) =>
    assert.equal(shardLinksHtml(members, template), want);
  f([1], "", "exists at shard-1");
  f([0, 2], "", "exists at shard-0, shard-2");
  f(
    [3],
    "http://vmagent-%d.vmagent:8429/targets?x=%d&y=<",
    'exists at <a href="http://vmagent-3.vmagent:8429/targets?x=3&amp;y=&lt;" target="_blank">shard-3</a>',
  );
});

Deno.test("serviceDiscoveryPageHandler() shows every discovered target with labels before and after relabeling", async () => {
  const html = await page(fixture());
  assert.ok(html.includes("<h2>node (3/3 active)</h2>"));
  assert.ok(html.includes("<h2>web (1/2 active)</h2>"));
  assert.ok(!html.includes("<h2>empty"), "jobs without any target are left out");
  assert.ok(html.includes("DROPPED (relabeling)"));
  assert.ok(html.includes("__address__=&quot;w1:80&quot;"));
  assert.ok(html.includes('<span class="badge up">UP</span>'));
  assert.ok(html.includes('<span class="badge downb">DOWN</span>'));
  assert.ok(html.includes('<span class="badge unknown">UNKNOWN</span>'));
  assert.ok(!html.includes("<prod>"), "label values are escaped");
});

Deno.test("serviceDiscoveryPageHandler() shows sharded-out targets with the members that scrape them", async () => {
  const f = fixture({
    membersCount: 3,
    memberNum: "vmagent-0",
    memberURLTemplate: "http://vmagent-%d:8429/targets",
  });
  const snap = f.manager.current();
  const sharded = snap.dropped.filter((d) => d.reason === "sharding");
  assert.ok(sharded.length > 0, "some of the 5 targets belong to other members");
  const html = await page(f);
  assert.ok(html.includes("DROPPED (sharding)"));
  for (const d of sharded) {
    const m = d.clusterMembers![0];
    assert.ok(
      html.includes(`<a href="http://vmagent-${m}:8429/targets" target="_blank">shard-${m}</a>`),
    );
  }
});

Deno.test("serviceDiscoveryPageHandler() warns when the dropped list is cut at -promscrape.maxDroppedTargets", async () => {
  const f = fixture();
  const snap = f.manager.current();
  const view = { current: () => ({ ...snap, droppedTotal: 20001, maxDroppedTargets: 10000 }) };
  const res = serviceDiscoveryPageHandler({ view, statusOf: f.statusOf })(
    new Request("http://localhost/service-discovery"),
  );
  const html = await res.text();
  assert.ok(html.includes("-promscrape.maxDroppedTargets=10000"));
  assert.ok(html.includes("at least 20001"));
});

Deno.test("serviceDiscoveryPageHandler() applies the target filters to active targets", async () => {
  const html = await page(fixture(), "?show_only_unhealthy=true&endpoint_search=h2");
  assert.ok(html.includes("<h2>node (1/1 active)</h2>"));
  assert.ok(html.includes("<h2>web (0/1 active)</h2>"), "dropped targets stay listed");
});

Deno.test("serviceDiscoveryPageHandler() never shows credentials from discovered addresses", async () => {
  for (const memberNum of ["0", "1"]) {
    const html = await page(fixture({ membersCount: 2, memberNum }));
    assert.ok(!html.includes("s3cret"));
    assert.ok(html.includes("user:xxxxx@w2:80"));
  }
});

Deno.test("serviceDiscoveryPageHandler() shows only vmagent's notice under -promscrape.dropOriginalLabels", async () => {
  const f = async (query: string, wantError: boolean) => {
    const d = fixture({}, { dropOriginalLabels: true });
    const html = await serviceDiscoveryPageHandler({
      view: d.manager,
      statusOf: d.statusOf,
      now: d.now,
      dropOriginalLabels: true,
    })(new Request(`http://localhost/service-discovery${query}`)).text();
    assert.ok(
      html.includes(
        "Discovered targets are unavailable, set <b>-promscrape.dropOriginalLabels=false</b> " +
          "command-line flag to enable it",
      ),
      query,
    );
    assert.ok(!html.includes("<h2>"), "no job is listed");
    assert.ok(!html.includes("DROPPED"));
    assert.ok(!html.includes("original labels"), "no original labels toggle");
    assert.ok(html.includes('name="endpoint_search"'), "the filter form stays");
    assert.equal(html.includes("cannot parse"), wantError, query);
  };
  await f("", false);
  await f("?show_only_unhealthy=true", false);
  await f("?endpoint_search=(", true);
  // Without the option the same page lists the jobs.
  const html = await page(fixture());
  assert.ok(!html.includes("Discovered targets are unavailable"));
  assert.ok(html.includes("Show original labels"));
});

Deno.test("serviceDiscoveryPageHandler() and HTML /targets say why a broken file_sd file is skipped while its targets stay", async () => {
  const files = new Map([["/etc/vmagent/sd/t.yml", "- targets: [f1:1, f2:1]\n"]]);
  const fs: FileSDFileSystem = {
    readTextFile: (p) => Promise.resolve(files.get(p) ?? ""),
    readDir: () => Promise.resolve([]),
  };
  // Each file_sd check waits for the test to end its sleep.
  const ticks: (() => void)[] = [];
  const log = memLog();
  let rebuild: (() => void) | undefined;
  const manager = new DiscoveryManager({
    fs,
    log,
    setTimer: (fn) => {
      rebuild = fn;
      return () => rebuild = undefined;
    },
    sleep: (_ms, signal) =>
      new Promise((resolve) => {
        ticks.push(resolve);
        signal.addEventListener("abort", () => resolve(), { once: true });
      }),
  });
  const turns = async (done: () => boolean) => {
    for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 0));
    assert.ok(done(), "discovery did not get there");
  };
  const config = () =>
    configOf({
      scrape_configs: [{ job_name: "files", file_sd_configs: [{ files: ["sd/t.yml"] }] }],
    }, "/etc/vmagent/scrape.yml");
  manager.update(config());
  await turns(() => rebuild !== undefined && ticks.length > 0);
  rebuild!();
  const instances = () => manager.current().active.map((t) => t.labels[0].value).sort();
  assert.deepEqual(instances(), ["f1:1", "f2:1"]);

  files.set("/etc/vmagent/sd/t.yml", "- targets: [f1:1]\n  lables: {a: b}\n");
  ticks.shift()!();
  await turns(() => (manager.current().errors.get("files") ?? []).length > 0);
  const want = "file_sd_configs: skipping file /etc/vmagent/sd/t.yml for job_name=files at " +
    "`file_sd_configs` because of error: line 2, column 3: entry #1: unknown field " +
    "&quot;lables&quot;; supported: targets, labels; keeping the 1 target groups read from it before";
  assert.deepEqual(instances(), ["f1:1", "f2:1"], "the last good targets stay");
  assert.equal(log.errors.length, 1);
  assert.ok(log.errors[0].includes("/etc/vmagent/sd/t.yml"), log.errors[0]);
  const options = { view: manager, now: () => 0 };
  const sd = await serviceDiscoveryPageHandler(options)(
    new Request("http://localhost/service-discovery"),
  ).text();
  assert.ok(sd.includes(`<div class="error">${want}</div>`), sd);
  assert.ok(sd.includes("<h2>files (2/2 active)</h2>"));
  const targets = await targetsPageHandler(options)(
    new Request("http://localhost/targets", { headers: { Accept: "text/html" } }),
  ).text();
  assert.ok(targets.includes(`<h2>files (0/2 up)</h2>\n<div class="error">${want}</div>`), targets);
  const api = await targetsApiHandler(options)(new Request("http://localhost/api/v1/targets"))
    .json();
  assert.equal(api.data.activeTargets.length, 2);
  // A config reload keeps the file's discoverer, so its last good targets too.
  manager.update(config());
  assert.deepEqual(instances(), ["f1:1", "f2:1"], "kept across a reload");

  // Fixed: the reason goes away.
  files.set("/etc/vmagent/sd/t.yml", "- targets: [f1:1]\n");
  ticks.shift()!();
  await turns(() => !manager.current().errors.has("files"));
  await turns(() => rebuild !== undefined);
  rebuild!();
  assert.deepEqual(instances(), ["f1:1"]);
  await manager.stop();
});

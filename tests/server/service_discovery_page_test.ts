import assert from "node:assert/strict";
import {
  serviceDiscoveryPageHandler,
  shardLinksHtml,
} from "../../lib/server/service_discovery_page.ts";
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

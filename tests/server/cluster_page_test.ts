import assert from "node:assert/strict";
import { clusterApiHandler, clusterPageHandler } from "../../lib/server/cluster_page.ts";
import { fixture } from "./_targets_fixture.ts";

const api = async (f: ReturnType<typeof fixture>, query = "") => {
  const res = clusterApiHandler({ view: f.manager, statusOf: f.statusOf })(
    new Request(`http://localhost/api/v1/cluster${query}`),
  );
  return { status: res.status, json: await res.json() };
};

Deno.test("clusterApiHandler() shows every member's target count, balance and this member's series", async () => {
  for (let m = 0; m < 2; m++) {
    const f = fixture({
      membersCount: 2,
      memberNum: `vmagent-${m}`,
      memberURLTemplate: "http://vm-%d/",
    });
    const { status, json } = await api(f);
    assert.equal(status, 200);
    const d = json.data;
    assert.equal(d.memberNum, m);
    assert.equal(d.membersCount, 2);
    assert.equal(d.replicationFactor, 1);
    assert.equal(d.targetsTotal, 4);
    assert.equal(d.members[0].targets + d.members[1].targets, 4);
    assert.equal(
      d.members[m].targets,
      f.manager.current().active.length,
      "this member's count is what it scrapes",
    );
    assert.equal(d.members[m].self, true);
    assert.equal(d.members[1 - m].seriesCount, null);
    assert.equal(d.members[1 - m].url, `http://vm-${1 - m}/`);
    const ownsH1 = f.manager.current().active.some((t) => t.scrapeUrl.includes("h1:1"));
    assert.equal(d.members[m].seriesCount, ownsH1 ? 30 : 0);
    assert.equal(d.balance.min + d.balance.max, 4);
    assert.equal(d.whatIf, null);
  }
});

Deno.test("clusterApiHandler() answers what-if questions about other cluster settings", async () => {
  const f = fixture({ membersCount: 2, memberNum: "0" });
  const { json } = await api(f, "?membersCount=3&replicationFactor=2&limit=1&targets=true");
  const w = json.data.whatIf;
  assert.equal(w.membersCount, 3);
  assert.equal(w.replicationFactor, 2);
  assert.equal(w.members.reduce((s: number, m: { targets: number }) => s + m.targets, 0), 8);
  assert.equal(w.movedTargets, 4, "every target gains a replica");
  assert.ok(w.newAssignments >= 4);
  assert.equal(w.moves.length, 1);
  assert.deepEqual(Object.keys(w.moves[0]), ["job", "scrapeUrl", "labels", "from", "to"]);
  assert.equal(json.data.targets.length, 4);
  assert.ok(json.data.targets.every((t: { scrapeUrl: string }) => !t.scrapeUrl.includes("s3cret")));

  const same = await api(f, "?membersCount=2");
  assert.equal(same.json.data.whatIf.movedTargets, 0);
  const f2 = async (query: string) => {
    const { status, json } = await api(f, query);
    assert.equal(status, 400, query);
    assert.equal(json.status, "error");
  };
  await f2("?membersCount=0");
  await f2("?membersCount=x");
  await f2("?replicationFactor=-1");
  await f2("?limit=1.5");
});

Deno.test("clusterPageHandler() renders members, a what-if and a member's targets as HTML", async () => {
  const f = fixture({ membersCount: 3, memberNum: "1" });
  const handler = clusterPageHandler({ view: f.manager, statusOf: f.statusOf });
  const html = await handler(new Request("http://localhost/cluster?membersCount=4&member=2"))
    .text();
  assert.ok(html.includes("This is member <b>1</b> of <b>3</b>"));
  assert.ok(html.includes("shard-1 (this member)"));
  assert.ok(html.includes("With membersCount=4 and replicationFactor=1"));
  assert.match(html, /<h2>Targets of shard-2 \(\d+\)<\/h2>/);
  assert.ok(!html.includes("<prod>"));
  const bad = handler(new Request("http://localhost/cluster?member=7"));
  assert.equal(bad.status, 400);
});

Deno.test("clusterApiHandler() gives the series of each target this member scrapes, null for others", async () => {
  for (let m = 0; m < 2; m++) {
    const f = fixture({ membersCount: 2, memberNum: String(m) });
    const { json } = await api(f, "?targets=true");
    const host = (url: string) => url.replace(/^http:\/\/(?:.*@)?/, "");
    const own = new Set(f.manager.current().active.map((t) => host(t.scrapeUrl)));
    const targets = json.data.targets as {
      scrapeUrl: string;
      members: number[];
      seriesCount: number | null;
    }[];
    assert.equal(targets.length, 4);
    for (const t of targets) {
      const mine = own.has(host(t.scrapeUrl));
      assert.equal(mine, t.members.includes(m), t.scrapeUrl);
      // The fixture's statuses: h1 sent 30 series, h2 is down (0), h3 was never scraped.
      const want = !mine
        ? null
        : t.scrapeUrl.includes("h1:1")
        ? 30
        : t.scrapeUrl.includes("h2:1")
        ? 0
        : null;
      assert.equal(t.seriesCount, want, `member ${m}: ${t.scrapeUrl}`);
    }
  }
});

Deno.test("clusterPageHandler() lists the series of this member's targets and none for others", async () => {
  const f = fixture({ membersCount: 1 });
  const handler = clusterPageHandler({ view: f.manager, statusOf: f.statusOf });
  const html = await handler(new Request("http://localhost/cluster?member=0")).text();
  const row = (host: string) => html.split("\n").find((l) => l.includes(`http://${host}/metrics`));
  assert.match(row("h1:1") ?? "", /<td>30<\/td><\/tr>$/);
  assert.match(row("h2:1") ?? "", /<td>0<\/td><\/tr>$/);
  assert.match(row("h3:1") ?? "", /<td>not scraped yet<\/td><\/tr>$/);

  const two = fixture({ membersCount: 2, memberNum: "0" });
  const other = two.manager.current().cluster.find((t) => !t.members.includes(0));
  assert.ok(other, "member 1 owns some of the 4 targets");
  const page = await clusterPageHandler({ view: two.manager, statusOf: two.statusOf })(
    new Request(`http://localhost/cluster?member=${other.members[0]}`),
  ).text();
  assert.match(page, /<td>unknown here<\/td><\/tr>/);
  assert.doesNotMatch(page, /<td>30<\/td><\/tr>/);
});

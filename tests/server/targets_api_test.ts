import assert from "node:assert/strict";
import { targetsApiHandler } from "../../lib/server/targets_api.ts";
import { fixture } from "./_targets_fixture.ts";

const { manager, statusOf, now } = fixture();
const handler = targetsApiHandler({ view: manager, statusOf, now });
const get = async (query: string) => {
  const res = handler(new Request(`http://localhost/api/v1/targets${query}`));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Content-Type"), "application/json");
  return { text: await res.clone().text(), json: await res.json() };
};

Deno.test("targetsApiHandler() writes Prometheus' targets JSON with vmagent's fields", async () => {
  const { text, json } = await get("");
  assert.equal(json.status, "success");
  const active = json.data.activeTargets;
  assert.deepEqual(active.map((t: { labels: { instance: string } }) => t.labels.instance), [
    "h1:1",
    "h2:1",
    "h3:1",
    "w2",
  ]);
  assert.ok(
    text.includes(
      '{"discoveredLabels":{"__address__":"h1:1","__metrics_path__":"/metrics","__scheme__":"http",' +
        '"__scrape_interval__":"1m0s","__scrape_timeout__":"10s","env":"<prod>","job":"node"},' +
        '"labels":{"env":"<prod>","instance":"h1:1","job":"node"},"scrapePool":"node",' +
        '"scrapeUrl":"http://h1:1/metrics","lastError":"","lastScrape":"2024-05-06T07:08:07.62Z",' +
        '"lastScrapeDuration":0.012,"lastSamplesScraped":34,"health":"up"}',
    ),
    text,
  );
  assert.deepEqual(
    [active[1].health, active[1].lastError, active[1].lastScrapeDuration],
    ["down", 'cannot read "h2": connection refused', 2],
  );
  assert.deepEqual([active[2].health, active[2].lastScrape], ["down", "1970-01-01T00:00:00Z"]);
  assert.equal(active[3].scrapeUrl, "http://user:xxxxx@w2:80/metrics", "credentials are masked");
  assert.ok(!text.includes("s3cret"), "credentials are never shown");
  assert.equal(json.data.activeTargets[3].discoveredLabels.__address__, "user:xxxxx@w2:80");
  assert.deepEqual(json.data.droppedTargets, [{
    discoveredLabels: {
      __address__: "w1:80",
      __metrics_path__: "/metrics",
      __scheme__: "http",
      __scrape_interval__: "1m0s",
      __scrape_timeout__: "10s",
      job: "web",
    },
  }]);
});

Deno.test("targetsApiHandler() honours state and scrapePool", async () => {
  const f = async (query: string, active: number, dropped: number) => {
    const { json } = await get(query);
    assert.equal(json.data.activeTargets.length, active, query);
    assert.equal(json.data.droppedTargets.length, dropped, query);
  };
  await f("?state=any", 4, 1);
  await f("?state=active", 4, 0);
  await f("?state=dropped", 0, 1);
  await f("?state=nonsense", 0, 0);
  await f("?scrapePool=node", 3, 1);
  await f("?scrapePool=web&state=active", 1, 0);
  await f("?scrapePool=missing", 0, 1);
});

Deno.test("targetsApiHandler() shows empty discoveredLabels and no dropped targets under -promscrape.dropOriginalLabels", async () => {
  const dropping = fixture({}, { dropOriginalLabels: true });
  const h = targetsApiHandler({ view: dropping.manager, statusOf: dropping.statusOf, now });
  const f = async (query: string, want: { instances: string[]; dropped: number }) => {
    const res = h(new Request(`http://localhost/api/v1/targets${query}`));
    const text = await res.text();
    const json = JSON.parse(text);
    const active = json.data.activeTargets as { discoveredLabels: object; labels: object }[];
    assert.deepEqual(
      active.map((t) => (t.labels as { instance: string }).instance).sort(),
      want.instances,
      query,
    );
    for (const t of active) assert.deepEqual(t.discoveredLabels, {}, query);
    assert.equal(json.data.droppedTargets.length, want.dropped, query);
    assert.ok(!text.includes("s3cret"));
  };
  await f("", { instances: ["h1:1", "h2:1", "h3:1", "w2"], dropped: 0 });
  await f("?state=dropped", { instances: [], dropped: 0 });
  await f("?scrapePool=node", { instances: ["h1:1", "h2:1", "h3:1"], dropped: 0 });
  const text = await h(new Request("http://localhost/api/v1/targets?scrapePool=web")).text();
  assert.ok(
    text.startsWith('{"status":"success","data":{"activeTargets":[{"discoveredLabels":{},'),
  );
  assert.ok(text.endsWith('"droppedTargets":[]}}'), text);
});

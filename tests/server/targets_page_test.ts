import assert from "node:assert/strict";
import { targetsPageHandler } from "../../lib/server/targets_page.ts";
import { fixture } from "./_targets_fixture.ts";

const { manager, statusOf, now } = fixture();
const handler = targetsPageHandler({ view: manager, statusOf, now });
const get = async (query: string, accept = "*/*") => {
  const res = handler(
    new Request(`http://localhost/targets${query}`, { headers: { Accept: accept } }),
  );
  return { type: res.headers.get("Content-Type"), text: await res.text() };
};

const H1 =
  '\tstate=up, endpoint=http://h1:1/metrics, labels={env="<prod>",instance="h1:1",job="node"}, ' +
  "scrapes_total=5, scrapes_failed=1, last_scrape=1.500s ago, scrape_duration=12ms, " +
  "scrape_response_size=3KiB, samples_scraped=34, error=\n";
const H2 =
  '\tstate=down, endpoint=http://h2:1/metrics, labels={env="<prod>",instance="h2:1",job="node"}, ' +
  "scrapes_total=5, scrapes_failed=5, last_scrape=0.100s ago, scrape_duration=2000ms, " +
  'scrape_response_size=never scraped, samples_scraped=0, error=cannot read "h2": connection refused\n';
const H3 =
  '\tstate=down, endpoint=http://h3:1/metrics, labels={env="<prod>",instance="h3:1",job="node"}, ' +
  "scrapes_total=0, scrapes_failed=0, last_scrape=never scraped, scrape_duration=0ms, " +
  "scrape_response_size=never scraped, samples_scraped=0, error=\n";
const W2 =
  '\tstate=down, endpoint=http://user:xxxxx@w2:80/metrics, labels={instance="w2",job="web"}, ' +
  "scrapes_total=0, scrapes_failed=0, last_scrape=never scraped, scrape_duration=0ms, " +
  "scrape_response_size=never scraped, samples_scraped=0, error=\n";

Deno.test("targetsPageHandler() writes vmagent's plain-text target list", async () => {
  const { type, text } = await get("");
  assert.equal(type, "text/plain; charset=utf-8");
  assert.equal(
    text,
    `job=node (1/3 up)\n${H1}${H2}${H3}job=web (0/1 up)\n${W2}job=empty (0/0 up)\n`,
  );
});

Deno.test("targetsPageHandler() applies the query filters", async () => {
  const f = async (query: string, want: string) =>
    assert.equal((await get(query)).text, want, query);
  await f("?show_only_unhealthy=true", `job=node (1/3 up)\n${H2}${H3}job=web (0/1 up)\n${W2}`);
  await f("?endpoint_search=h%5B12%5D", `job=node (1/3 up)\n${H1}${H2}`);
  await f("?endpoint_search=%20w2%20", `job=web (0/1 up)\n${W2}`);
  await f(
    "?label_search=" + encodeURIComponent('{instance=~"h(1|3):1"}'),
    `job=node (1/3 up)\n${H1}${H3}`,
  );
  await f("?label_search=" + encodeURIComponent('{job="none"}'), "");
  const orig = (await get("?show_original_labels=1&endpoint_search=h1")).text;
  assert.ok(
    orig.includes(
      'labels={env="<prod>",instance="h1:1",job="node"}, originalLabels={__address__="h1:1",' +
        '__metrics_path__="/metrics",__scheme__="http",__scrape_interval__="1m0s",__scrape_timeout__="10s",' +
        'env="<prod>",job="node"}, scrapes_total=5',
    ),
    orig,
  );
  assert.match((await get("?endpoint_search=(")).text, /^cannot parse \(: /);
  assert.match((await get("?label_search=%7Binstance%3D")).text, /^cannot parse \{instance=: /);
});

Deno.test("targetsPageHandler() answers HTML when Accept asks for it, escaping everything", async () => {
  const { type, text } = await get("?endpoint_search=%3Cx%3E", "text/html,application/xhtml+xml");
  assert.equal(type, "text/html; charset=utf-8");
  assert.ok(!text.includes("<x>"), "the search text is escaped");
  const all = (await get("", "text/html")).text;
  assert.ok(all.includes("node (1/3 up)"));
  assert.ok(all.includes("env=&quot;&lt;prod&gt;&quot;"));
  assert.ok(!all.includes("<prod>"));
  assert.ok(all.includes("target_response?id="));
  assert.ok(all.includes("empty (0/0 up)"));
  assert.ok(!all.includes("s3cret"), "credentials never shown");
});

Deno.test("targetsPageHandler() shows no original labels under -promscrape.dropOriginalLabels", async () => {
  const d = fixture({}, { dropOriginalLabels: true });
  const h = targetsPageHandler({
    view: d.manager,
    statusOf: d.statusOf,
    now: d.now,
    dropOriginalLabels: true,
  });
  const body = (query: string, accept = "*/*") =>
    h(new Request(`http://localhost/targets${query}`, { headers: { Accept: accept } })).text();
  const f = async (query: string, want: string) => assert.equal(await body(query), want, query);
  // Plain text: as without the flag, except that original labels print empty, as vmagent's do.
  const noOrig = (line: string) =>
    line.replace(", scrapes_total=", ", originalLabels=, scrapes_total=");
  await f("", `job=node (1/3 up)\n${H1}${H2}${H3}job=web (0/1 up)\n${W2}job=empty (0/0 up)\n`);
  await f("?show_original_labels=true&endpoint_search=h1", `job=node (1/3 up)\n${noOrig(H1)}`);
  await f(
    "?show_original_labels=1",
    `job=node (1/3 up)\n${noOrig(H1)}${noOrig(H2)}${noOrig(H3)}job=web (0/1 up)\n${noOrig(W2)}` +
      "job=empty (0/0 up)\n",
  );
  // HTML: vmagent's notice, no response links, no original labels.
  const html = await body("?show_original_labels=true", "text/html");
  assert.ok(
    html.includes(
      "Some debugging information is not available, set <b>-promscrape.dropOriginalLabels=false</b> " +
        "command-line flag to enable it",
    ),
  );
  assert.ok(html.includes("node (1/3 up)"));
  assert.equal(html.split("(N/A)").length - 1, 4, "one (N/A) per target");
  assert.ok(!html.includes("target_response?id="));
  assert.ok(!html.includes("original:"));
  assert.ok(!html.includes("original labels"), "no original labels toggle");
  // Without the option: links, original labels and the toggle.
  const kept = (await get("?show_original_labels=true", "text/html")).text;
  assert.ok(!kept.includes("Some debugging information is not available"));
  assert.ok(!kept.includes("(N/A)"));
  assert.ok(kept.includes("original: "));
  assert.ok(kept.includes("Hide original labels"));
});

Deno.test("maskUrl() hides passwords in URLs and addresses", async () => {
  const { maskUrl } = await import("../../lib/server/_status_html.ts");
  const f = (s: string, want: string) => assert.equal(maskUrl(s), want);
  f("http://h:1/metrics", "http://h:1/metrics");
  f("http://u:p@h:1/m?x=a@b", "http://u:xxxxx@h:1/m?x=a@b");
  f("https://u@h/", "https://u@h/");
  f("u:p@h:1", "u:xxxxx@h:1");
  f("h:1/a@b", "h:1/a@b");
});

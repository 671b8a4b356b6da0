import assert from "node:assert/strict";
import { checkScrapeURL, getScrapeURL } from "../../lib/targets/scrape_url.ts";
import type { Label } from "../../lib/util/series.ts";

const L = (o: Record<string, string>): Label[] =>
  Object.entries(o).map(([name, value]) => ({ name, value }));

Deno.test("getScrapeURL() builds URLs as vmagent HEAD does", () => {
  const f = (
    labels: Record<string, string>,
    params: [string, string[]][],
    url: string,
    address: string,
  ) => assert.deepEqual(getScrapeURL(L(labels), params), { url, address });
  f({}, [], "", "");
  f({ __address__: "h:1" }, [], "http://h:1/metrics", "h:1");
  f({ __address__: "h", __scheme__: "https", __metrics_path__: "/m" }, [], "https://h/m", "h:443");
  f(
    { __address__: "h", __metrics_path__: "m?a=1", __param_b: "2" },
    [],
    "http://h/m?a=1&b=2",
    "h:80",
  );
  f({ __address__: "https://h:1" }, [], "https://h:1/metrics", "h:1");
  f({ __address__: "http://h/x/y", __metrics_path__: "/ignored" }, [], "http://h/x/y", "h:80");
  f(
    { __address__: "h:1", __param_z: "1", __param_a: "x y" },
    [["a", ["q", "r", "s"]]],
    "http://h:1/metrics?a=x+y&a=r&a=s&z=1",
    "h:1",
  );
  f({ __address__: "user:pw@h:1" }, [], "http://user:pw@h:1/metrics", "user:pw@h:1");
});

Deno.test("checkScrapeURL() rejects what Go's url.Parse rejects in scrape URLs", () => {
  const f = (url: string, want: RegExp | "") =>
    want === "" ? assert.equal(checkScrapeURL(url), "") : assert.match(checkScrapeURL(url), want);
  f("http://h:1/metrics", "");
  f("http://[::1]:1/metrics", "");
  f("http://h_1.example-x:1/a b", "");
  f("http://a b:1/metrics", /invalid character " " in host name/);
  f("http://h:x/metrics", /invalid port ":x" after host/);
  f("http://h:1/\x01", /invalid control character/);
  f("http://[::1/metrics", /missing '\]'/);
});

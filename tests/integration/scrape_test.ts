/**
 * Scraping over real sockets: Debian's prometheus-node-exporter on loopback, and
 * a local misbehaving server (slow, huge, gzip bomb, wrong status, malformed
 * lines, dropped connection, refused connection, sample_limit) next to the fetch
 * options (basic auth, request headers, gzip, stream parsing, params, redirects,
 * keep-alive). TLS, client certificates and proxy_url: `scrape_tls_test.ts`.
 *
 * @module
 */
import { deepEqual, equal, match } from "node:assert/strict";
import { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import type { ScrapeStatus } from "../../lib/targets/types.ts";
import type { Logger } from "../../lib/util/log.ts";
import { CollectingSink } from "../scrape/_helpers.ts";
import { freePort, havePeers, peerPath, start, tryGetText, waitFor } from "./_peers.ts";
import {
  autoOf,
  GZIP_BODY,
  MALFORMED_BODY,
  MANY_BODY,
  misbehavingServer,
  quiet,
  scraped,
  target,
} from "./_scrape_targets.ts";

Deno.test({
  name: "ScrapePool scrapes the real prometheus-node-exporter",
  ignore: !havePeers("prometheus-node-exporter"),
  async fn() {
    const port = freePort();
    const proc = start(peerPath("prometheus-node-exporter")!, [
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const sink = new CollectingSink();
    const pool = new ScrapePool({ sink, metrics: new MetricsRegistry(), logger: quiet });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      await waitFor("node exporter", () => tryGetText(url), 20_000);
      const t = target(url, { interval: 2000, timeout: 2000 });
      await pool.sync([t]);
      const st = await scraped(pool, t);
      equal(st.health, "up", st.lastError);
      equal(st.lastError, "");
      equal(st.lastSamplesScraped > 100, true, `samples ${st.lastSamplesScraped}`);
      equal((st.lastResponseSize ?? 0) > 1000, true);
      equal(sink.value("up"), 1);
      equal(sink.value("scrape_samples_scraped"), st.lastSamplesScraped);
      equal(sink.value("scrape_samples_post_metric_relabeling"), st.lastSamplesScraped);
      // In the first scrape every row is new.
      const added = sink.lines().find((l) => l.startsWith("scrape_series_added{"));
      equal(added?.split(" ")[1], String(st.lastSamplesScraped));
      equal(sink.value("scrape_timeout_seconds"), 2);
      equal((sink.value("scrape_response_size_bytes") ?? 0) > 1000, true);
      const cpu = sink.lines().find((l) => l.startsWith("node_cpu_seconds_total{"));
      match(
        cpu ?? "",
        /^node_cpu_seconds_total\{cpu="\d+",mode="\w+",instance="127\.0\.0\.1:\d+",job="job"\} [\d.e+]+ \d+$/,
      );
      equal(
        await pool.scrapeOnce(t.id).then((b) =>
          b.includes("# TYPE node_cpu_seconds_total counter")
        ),
        true,
      );
    } finally {
      await pool.stop();
      await proc.stop();
    }
  },
});

Deno.test("ScrapePool reports each kind of misbehaving target precisely, and keeps scraping", async () => {
  const srv = await misbehavingServer();
  const sink = new CollectingSink();
  const registry = new MetricsRegistry();
  const errors: string[] = [];
  const logger: Logger = { info() {}, warn() {}, error: (m) => errors.push(m) };
  const pool = new ScrapePool({ sink, metrics: registry, logger, maxScrapeSize: 100_000 });
  const refusedPort = freePort();
  const b = srv.base;
  const t = {
    ok: target(`${b}/ok`, { label: "ok" }),
    slow: target(`${b}/slow`, { timeout: 300, label: "slow" }),
    slowbody: target(`${b}/slowbody`, { timeout: 300, label: "slowbody" }),
    huge: target(`${b}/huge`, { label: "huge" }),
    bomb: target(`${b}/bomb`, { label: "bomb" }),
    gzip: target(`${b}/gzip`, { label: "gzip" }),
    status: target(`${b}/status`, { label: "status" }),
    malformed: target(`${b}/malformed`, { label: "malformed" }),
    drop: target(`${b}/drop`, { label: "drop" }),
    refused: target(`http://127.0.0.1:${refusedPort}/metrics`, { label: "refused" }),
    // Bodies of 20,000 lines: a generous timeout, for a busy machine.
    stream: target(`${b}/many`, { timeout: 10_000, streamParse: true, label: "stream" }),
    limited: target(`${b}/many`, { timeout: 10_000, sampleLimit: 100, label: "limited" }),
    auth: target(`${b}/auth`, {
      http: { basicAuth: { username: "user", password: "pw" } },
      label: "auth",
    }),
    headers: target(`${b}/headers`, { timeout: 2500, label: "headers" }),
    params: target(`${b}/params?module=http_2xx&target=a%20b`, { label: "params" }),
    redirect: target(`${b}/redirect`, { label: "redirect" }),
    noredirect: target(`${b}/redirect`, {
      http: { followRedirects: false },
      label: "noredirect",
    }),
    // A header of their own gives each its own client, so no other target shares its connections.
    keepalive: target(`${b}/keepalive`, {
      http: { headers: [["x-case", "keepalive"]] },
      label: "keepalive",
    }),
    nokeepalive: target(`${b}/nokeepalive`, {
      http: { headers: [["x-case", "nokeepalive"]] },
      config: { disableKeepalive: true },
      label: "nokeepalive",
    }),
  };
  t.stream.maxScrapeSize = t.limited.maxScrapeSize = 10 * 1024 * 1024;
  try {
    await pool.sync(Object.values(t));
    const st: Record<string, ScrapeStatus> = {};
    for (const [name, tt] of Object.entries(t)) st[name] = await scraped(pool, tt);

    // Fetch failures: up=0, nothing scraped, and vmagent's reason as the last error.
    const down = (name: string, lastError: string | RegExp) => {
      equal(st[name].health, "down", name);
      if (typeof lastError === "string") equal(st[name].lastError, lastError, name);
      else match(st[name].lastError, lastError, name);
      const a = autoOf(sink, name);
      equal(a.up, 0, `${name}: up`);
      equal(a.scrape_samples_scraped, 0, `${name}: scrape_samples_scraped`);
      equal(a.scrape_samples_post_metric_relabeling, 0, name);
      equal(a.scrape_response_size_bytes, 0, name);
      equal(a.scrape_series_added, 0, name);
      equal(a.scrape_timeout_seconds, name.startsWith("slow") ? 0.3 : 1, name);
      equal(typeof a.scrape_duration_seconds, "number", name);
    };
    down(
      "slow",
      `cannot perform request to "${b}/slow": timeout: no response within scrape_timeout=300ms`,
    );
    down(
      "slowbody",
      `cannot read data from ${b}/slowbody: timeout: the response body was not read within scrape_timeout=300ms`,
    );
    equal(registry.counter("vm_promscrape_scrapes_timed_out_total").get() >= 2, true);
    down(
      "huge",
      /^the response from "http:\/\/127\.0\.0\.1:\d+\/huge" exceeds -promscrape\.maxScrapeSize or max_scrape_size in the scrape config \(100000 bytes\)/,
    );
    down(
      "bomb",
      /^the uncompressed response from "http:\/\/127\.0\.0\.1:\d+\/bomb" exceeds -promscrape\.maxScrapeSize/,
    );
    equal(registry.counter("vm_promscrape_max_scrape_size_exceeded_errors_total").get() >= 2, true);
    down(
      "status",
      `unexpected status code returned when scraping "${b}/status": 503; expecting 200; response body: "service unavailable\\n"`,
    );
    equal(registry.counter('vm_promscrape_scrapes_total{status_code="503"}').get() >= 1, true);
    down(
      "drop",
      new RegExp(`^cannot read data from ${b}/drop: (connection reset by peer|unexpected EOF)$`),
    );
    down(
      "refused",
      `cannot perform request to "http://127.0.0.1:${refusedPort}/metrics": connection refused`,
    );
    down(
      "noredirect",
      `unexpected status code returned when scraping "${b}/redirect": 302; expecting 200; response body: ""`,
    );

    // Answers that parse: up=1 with the counts of the body.
    const up = (name: string, scrapedN: number, size: number) => {
      equal(st[name].health, "up", `${name}: ${st[name].lastError}`);
      equal(st[name].lastError, "", name);
      equal(st[name].lastSamplesScraped, scrapedN, name);
      const a = autoOf(sink, name);
      equal(a.up, 1, `${name}: up`);
      equal(a.scrape_samples_scraped, scrapedN, name);
      equal(a.scrape_samples_post_metric_relabeling, scrapedN, name);
      equal(a.scrape_response_size_bytes, size, name);
    };
    up("ok", 1, 7);
    up("auth", 1, 7);
    equal(srv.seenAuth[0], "Basic " + btoa("user:pw"));
    up("redirect", 1, 7);
    // The uncompressed size, as vmagent HEAD counts it.
    up("gzip", 100, GZIP_BODY.length);
    equal(sink.linesOf("gz_series").length >= 100, true);
    // Malformed lines are skipped and logged with their line numbers; the scrape is up.
    up("malformed", 2, MALFORMED_BODY.length);
    equal(registry.counter('vm_rows_invalid_total{type="prometheus"}').get() >= 2, true);
    for (const [line, text] of [[2, "this is not a line"], [3, "b{x} 2"]] as const) {
      equal(
        errors.some((e) =>
          e.startsWith(`error when scraping "${b}/malformed" from job "job" with labels `) &&
          e.includes(`cannot unmarshal Prometheus line ${JSON.stringify(text)}`) &&
          e.includes(`(line ${line})`)
        ),
        true,
        `line ${line} logged: ${errors.join("\n")}`,
      );
    }
    up("stream", 20_000, MANY_BODY.length);

    // sample_limit: the rows were scraped, the scrape fails with the limit series.
    equal(st.limited.health, "down");
    match(st.limited.lastError, /exceeds sample_limit=100; either reduce the sample count/);
    const lim = autoOf(sink, "limited");
    deepEqual(
      [
        lim.up,
        lim.scrape_samples_scraped,
        lim.scrape_samples_post_metric_relabeling,
        lim.scrape_samples_limit,
      ],
      [0, 20_000, 20_000, 100],
    );
    equal(registry.counter("vm_promscrape_scrapes_skipped_by_sample_limit_total").get() >= 1, true);

    // vmagent's request headers, exactly (Deno's fetch adds `accept-language: *`).
    up("headers", 1, 7);
    deepEqual(srv.seenHeaders[0], [
      ["accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1"],
      ["accept-encoding", "gzip"],
      ["accept-language", "*"],
      ["user-agent", "vm_promscrape"],
      ["x-prometheus-scrape-timeout-seconds", "2.500"],
    ]);
    up("params", 1, 7);
    equal(srv.seenQueries[0], "?module=http_2xx&target=a%20b");

    // The agent keeps going: every target, failing or not, is scraped again, and a
    // failing one fails again (a healthy one may time out on a busy machine).
    for (const [name, tt] of Object.entries(t)) {
      const again = await scraped(pool, tt, { times: 3 });
      if (st[name].health === "down") equal(again.health, "down", `${name} after 3 scrapes`);
    }
    // Keep-alive reuses one connection; disable_keepalive opens one per scrape.
    equal(srv.ports.get("/keepalive")?.size, 1);
    equal((srv.ports.get("/nokeepalive")?.size ?? 0) >= 3, true);
  } finally {
    await pool.stop();
    await srv.close();
  }
});

/**
 * Scraping over real sockets: Debian's prometheus-node-exporter on loopback, and
 * a local misbehaving server (slow, huge, gzip bomb, wrong status, malformed
 * lines, dropped connection, TLS with a private CA and server name).
 *
 * @module
 */
import { deepEqual, equal, match } from "node:assert/strict";
import nodeHttps from "node:https";
import type { TLSSocket } from "node:tls";
import { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";
import type { HTTPClientConfig, ScrapeConfig } from "../../lib/config/types.ts";
import type { Logger } from "../../lib/util/log.ts";
import { isStaleNaN } from "../../lib/util/series.ts";
import { CollectingSink, makeConfig, makeTarget } from "../scrape/_helpers.ts";
import { freePort, havePeers, peerPath, start, tryGetText, waitFor } from "./_peers.ts";

const TLS_DIR = new URL("../testdata/scrape/tls/", import.meta.url).pathname;
const quiet: Logger = { info() {}, warn() {}, error() {} };

function target(url: string, over: {
  interval?: number;
  timeout?: number;
  http?: Partial<HTTPClientConfig>;
  config?: Partial<ScrapeConfig>;
  streamParse?: boolean;
  sampleLimit?: number;
  /** A `case` label, so that targets on one server have series of their own. */
  label?: string;
} = {}): ScrapeTarget {
  const interval = over.interval ?? 1000;
  const timeout = over.timeout ?? 1000;
  const config = makeConfig({
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    http: { headers: [], followRedirects: true, ...over.http },
    ...over.config,
  });
  const t = makeTarget(url, {
    config,
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    streamParse: over.streamParse ?? false,
    sampleLimit: over.sampleLimit ?? 0,
  });
  if (over.label !== undefined) {
    t.labels = [{ name: "case", value: over.label }, ...t.labels];
    t.key += "#" + over.label;
    t.id += "#" + over.label;
  }
  return t;
}

/** The last value of each auto series (`up`, `scrape_*`) of the target with `case` label `c`. */
function autoOf(sink: CollectingSink, c: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const batch of sink.batches) {
    for (const ts of batch) {
      if (!ts.labels.some((l) => l.name === "case" && l.value === c)) continue;
      const name = ts.labels.find((l) => l.name === "__name__")?.value ?? "";
      const v = ts.samples[0].value;
      if ((name === "up" || name.startsWith("scrape_")) && !isStaleNaN(v)) out[name] = v;
    }
  }
  return out;
}

/** Waits until the target has been scraped at least `n` times and returns its status. */
function scraped(pool: ScrapePool, t: ScrapeTarget, n = 1): Promise<ScrapeStatus> {
  return waitFor(
    `${t.scrapeUrl} scraped ${n} times`,
    () => {
      const s = pool.statusOf(t.key);
      return s !== undefined && s.scrapesTotal >= n ? { ...s } : undefined;
    },
    20_000,
    50,
  );
}

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

/** A server that misbehaves in many ways, one path each. */
async function misbehavingServer() {
  const bomb = new Uint8Array(
    await new Response(
      new Blob([new Uint8Array(64 * 1024 * 1024)]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
  const gzipped = new Uint8Array(
    await new Response(
      new Blob([GZIP_BODY]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const seenAuth: string[] = [];
  const seenHeaders: [string, string][][] = [];
  const seenQueries: string[] = [];
  /** The client ports each path was requested from (one port: one connection). */
  const ports = new Map<string, Set<number>>();
  const handler = async (req: Request, info: Deno.ServeHandlerInfo): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname;
    const seen = ports.get(path) ?? new Set<number>();
    ports.set(path, seen.add((info.remoteAddr as Deno.NetAddr).port));
    switch (path) {
      case "/ok":
      case "/keepalive":
      case "/nokeepalive":
        return new Response("good 1\n");
      case "/auth":
        seenAuth.push(req.headers.get("authorization") ?? "");
        return new Response("good 1\n");
      case "/headers":
        seenHeaders.push([...req.headers].filter(([k]) => k !== "host"));
        return new Response("good 1\n");
      case "/params":
        seenQueries.push(url.search);
        return new Response("good 1\n");
      case "/redirect":
        return new Response(null, { status: 302, headers: { location: "/ok" } });
      case "/gzip":
        return new Response(gzipped, { headers: { "content-encoding": "gzip" } });
      case "/slow":
        // Slower than the 300 ms scrape timeout of its target.
        await new Promise((r) => setTimeout(r, 1500));
        return new Response("late 1\n");
      case "/slowbody": {
        // Headers at once, the rest of the body after the 300 ms scrape timeout.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const body = new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("early 1\n"));
            timer = setTimeout(() => {
              try {
                c.enqueue(new TextEncoder().encode("late 1\n"));
                c.close();
              } catch {
                // the client has gone
              }
            }, 1500);
          },
          cancel() {
            clearTimeout(timer);
          },
        });
        return new Response(body);
      }
      case "/huge":
        return new Response("x".repeat(200_000) + " 1\n");
      case "/bomb":
        return new Response(bomb, { headers: { "content-encoding": "gzip" } });
      case "/status":
        return new Response("service unavailable\n", { status: 503 });
      case "/malformed":
        return new Response(MALFORMED_BODY);
      case "/drop": {
        const body = new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("partial 1\n"));
            setTimeout(() => c.error(new Error("dropped")), 20);
          },
        });
        return new Response(body);
      }
      case "/many":
        return new Response(MANY_BODY);
      default:
        return new Response("not found", { status: 404 });
    }
  };
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const https = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: Deno.readTextFileSync(TLS_DIR + "server.pem"),
    key: Deno.readTextFileSync(TLS_DIR + "server-key.pem"),
    onListen() {},
  }, handler);
  return {
    base: `http://127.0.0.1:${http.addr.port}`,
    tlsBase: `https://127.0.0.1:${https.addr.port}`,
    seenAuth,
    seenHeaders,
    seenQueries,
    ports,
    async close() {
      await http.shutdown();
      await https.shutdown();
    },
  };
}

const GZIP_BODY = Array.from({ length: 100 }, (_, i) => `gz_series{i="${i}"} ${i}\n`).join("");
const MANY_BODY = Array.from({ length: 20_000 }, (_, i) => `many_series{i="${i}"} ${i}\n`).join("");
const MALFORMED_BODY = "a 1\nthis is not a line\nb{x} 2\nc 3\n";

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
      const again = await scraped(pool, tt, 3);
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

Deno.test("ScrapePool scrapes HTTPS with a private CA, server_name and insecure_skip_verify", async () => {
  const srv = await misbehavingServer();
  const sink = new CollectingSink();
  const pool = new ScrapePool({ sink, metrics: new MetricsRegistry(), logger: quiet });
  const url = `${srv.tlsBase}/ok`;
  const withName = target(url, {
    http: {
      tlsConfig: {
        caFile: TLS_DIR + "ca.pem",
        serverName: "example.test",
        insecureSkipVerify: false,
      },
    },
  });
  const insecure = target(url, { http: { tlsConfig: { insecureSkipVerify: true } } });
  const wrongName = target(url, {
    http: { tlsConfig: { caFile: TLS_DIR + "ca.pem", insecureSkipVerify: false } },
  });
  const noCA = target(url, {
    http: { tlsConfig: { serverName: "example.test", insecureSkipVerify: false } },
  });
  insecure.key += "#insecure";
  wrongName.key += "#wrongName";
  noCA.key += "#noCA";
  try {
    await pool.sync([withName, insecure, wrongName, noCA]);
    const a = await scraped(pool, withName);
    equal(a.health, "up", a.lastError);
    const b = await scraped(pool, insecure);
    equal(b.health, "up", b.lastError);
    const c = await scraped(pool, wrongName);
    equal(c.health, "down");
    match(c.lastError, /^cannot perform request to "https:\/\/127\.0\.0\.1:\d+\/ok": /);
    const d = await scraped(pool, noCA);
    equal(d.health, "down");
    match(d.lastError, /certificate/i);
  } finally {
    await pool.stop();
    await srv.close();
  }
});

/**
 * An HTTPS server (certificate for IP 127.0.0.1 from the mTLS test CA) that requires a client
 * certificate from that CA and answers with the client certificate's common name.
 */
function mtlsServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = nodeHttps.createServer({
    cert: Deno.readTextFileSync(TLS_DIR + "server-ip.pem"),
    key: Deno.readTextFileSync(TLS_DIR + "server-ip-key.pem"),
    ca: Deno.readTextFileSync(TLS_DIR + "mtls-ca.pem"),
    requestCert: true,
    rejectUnauthorized: true,
  }, (req, res) => {
    const cn = (req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? "";
    res.writeHead(200, { "content-type": "text/plain" }).end(`client_cn{cn="${cn}"} 1\n`);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `https://127.0.0.1:${(server.address() as { port: number }).port}/metrics`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }))
  );
}

Deno.test("ScrapePool presents the tls_config client certificate", async () => {
  const srv = await mtlsServer();
  const sink = new CollectingSink();
  const pool = new ScrapePool({
    sink,
    metrics: new MetricsRegistry(),
    logger: quiet,
    disableKeepAlive: true,
  });
  const client = { certFile: TLS_DIR + "client.pem", keyFile: TLS_DIR + "client-key.pem" };
  // Verified against the CA (Deno's fetch), or not verified at all (node:https).
  const verified = target(srv.url, {
    http: { tlsConfig: { caFile: TLS_DIR + "mtls-ca.pem", ...client, insecureSkipVerify: false } },
    label: "verified",
  });
  const insecure = target(srv.url, {
    http: { tlsConfig: { ...client, insecureSkipVerify: true } },
    label: "insecure",
  });
  const noCert = target(srv.url, {
    http: { tlsConfig: { caFile: TLS_DIR + "mtls-ca.pem", insecureSkipVerify: false } },
    label: "nocert",
  });
  try {
    await pool.sync([verified, insecure, noCert]);
    for (const [tt, name] of [[verified, "verified"], [insecure, "insecure"]] as const) {
      const st = await scraped(pool, tt);
      equal(st.health, "up", `${name}: ${st.lastError}`);
      equal(
        sink.lines().some((l) =>
          l.startsWith(`client_cn{cn="vmagent-deno scrape client",case="${name}",`)
        ),
        true,
        name,
      );
    }
    const st = await scraped(pool, noCert);
    equal(st.health, "down");
    match(
      st.lastError,
      /^cannot (perform request to|read data from) "?https:\/\/127\.0\.0\.1:\d+\/metrics/,
    );
    equal(autoOf(sink, "nocert").up, 0);
  } finally {
    await pool.stop();
    await srv.close();
  }
});

/** A minimal forward proxy (absolute-form GET and CONNECT) that records request heads. */
function forwardProxy() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const heads: string[] = [];
  const conns = new Set<Deno.Conn>();
  const serve = async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const buf = new Uint8Array(16384);
        let head = "";
        let rest = new Uint8Array(0);
        while (!head.includes("\r\n\r\n")) {
          const n = await conn.read(buf);
          if (n === null) return;
          const chunk = new TextDecoder().decode(buf.subarray(0, n));
          head += chunk;
        }
        const end = head.indexOf("\r\n\r\n") + 4;
        rest = new TextEncoder().encode(head.substring(end));
        head = head.substring(0, end);
        heads.push(head);
        const [method, target] = head.split(" ");
        let upstream: Deno.Conn;
        if (method === "CONNECT") {
          const [host, port] = target.split(":");
          upstream = await Deno.connect({ hostname: host, port: Number(port) });
          conns.add(upstream);
          await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
        } else {
          const u = new URL(target);
          upstream = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
          conns.add(upstream);
          const lines = head.split("\r\n").filter((l) => !/^proxy-/i.test(l));
          lines[0] = `${method} ${u.pathname}${u.search} HTTP/1.1`;
          await upstream.write(new TextEncoder().encode(lines.join("\r\n")));
        }
        if (rest.length > 0) await upstream.write(rest);
        await Promise.all([
          conn.readable.pipeTo(upstream.writable).catch(() => {}),
          upstream.readable.pipeTo(conn.writable).catch(() => {}),
        ]);
      })().catch(() => {});
    }
  };
  const done = serve().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    heads,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // already closed
        }
      }
      await done;
    },
  };
}

Deno.test("ScrapePool scrapes through proxy_url, with proxy basic auth, over HTTP and HTTPS", async () => {
  const srv = await misbehavingServer();
  const proxy = forwardProxy();
  const sink = new CollectingSink();
  const pool = new ScrapePool({
    sink,
    metrics: new MetricsRegistry(),
    logger: quiet,
    disableKeepAlive: true,
  });
  const proxyWithAuth = proxy.url.replace("http://", "http://pu:pp@");
  const plain = target(`${srv.base}/ok`, { http: { proxyUrl: proxyWithAuth } });
  const tls = target(`${srv.tlsBase}/ok`, {
    http: {
      proxyUrl: proxy.url,
      proxyClientConfig: { basicAuth: { username: "tu", password: "tp" }, headers: [] },
      tlsConfig: { insecureSkipVerify: true },
    },
  });
  try {
    await pool.sync([plain, tls]);
    const a = await scraped(pool, plain);
    equal(a.health, "up", a.lastError);
    const b = await scraped(pool, tls);
    equal(b.health, "up", b.lastError);
    const get = proxy.heads.find((h) => h.startsWith(`GET ${srv.base}/ok `));
    equal(get !== undefined, true, proxy.heads.join("\n---\n"));
    match(get!, new RegExp(`\\r\\nproxy-authorization: Basic ${btoa("pu:pp")}\\r\\n`, "i"));
    const connect = proxy.heads.find((h) =>
      h.startsWith(`CONNECT 127.0.0.1:${new URL(srv.tlsBase).port} `)
    );
    equal(connect !== undefined, true, proxy.heads.join("\n---\n"));
    match(connect!, new RegExp(`\\r\\nproxy-authorization: Basic ${btoa("tu:tp")}\\r\\n`, "i"));
  } finally {
    await pool.stop();
    await proxy.close();
    await srv.close();
  }
});

/**
 * Scraping over real sockets: Debian's prometheus-node-exporter on loopback, and
 * a local misbehaving server (slow, huge, gzip bomb, wrong status, malformed
 * lines, dropped connection, TLS with a private CA and server name).
 *
 * @module
 */
import { equal, match } from "node:assert/strict";
import { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import type { ScrapeStatus, ScrapeTarget } from "../../lib/targets/types.ts";
import type { HTTPClientConfig } from "../../lib/config/types.ts";
import type { Logger } from "../../lib/util/log.ts";
import { CollectingSink, makeConfig, makeTarget } from "../scrape/_helpers.ts";
import { freePort, havePeers, peerPath, start, tryGetText, waitFor } from "./_peers.ts";

const TLS_DIR = new URL("../testdata/scrape/tls/", import.meta.url).pathname;
const quiet: Logger = { info() {}, warn() {}, error() {} };

function target(url: string, over: {
  interval?: number;
  timeout?: number;
  http?: Partial<HTTPClientConfig>;
  streamParse?: boolean;
  sampleLimit?: number;
} = {}): ScrapeTarget {
  const interval = over.interval ?? 1000;
  const timeout = over.timeout ?? 1000;
  const config = makeConfig({
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    http: { headers: [], followRedirects: true, ...over.http },
  });
  return makeTarget(url, {
    config,
    scrapeInterval: interval,
    scrapeTimeout: timeout,
    streamParse: over.streamParse ?? false,
    sampleLimit: over.sampleLimit ?? 0,
  });
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
  const seenAuth: string[] = [];
  const handler = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    switch (path) {
      case "/ok":
        return new Response("good 1\n");
      case "/auth":
        seenAuth.push(req.headers.get("authorization") ?? "");
        return new Response("good 1\n");
      case "/slow":
        // Slower than the 300 ms scrape timeout of its target.
        await new Promise((r) => setTimeout(r, 1500));
        return new Response("late 1\n");
      case "/huge":
        return new Response("x".repeat(200_000) + " 1\n");
      case "/bomb":
        return new Response(bomb, { headers: { "content-encoding": "gzip" } });
      case "/status":
        return new Response("service unavailable\n", { status: 503 });
      case "/malformed":
        return new Response("a 1\nthis is not a line\nb{x} 2\nc 3\n");
      case "/drop": {
        const body = new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("partial 1\n"));
            setTimeout(() => c.error(new Error("dropped")), 20);
          },
        });
        return new Response(body);
      }
      case "/many": {
        let s = "";
        for (let i = 0; i < 20_000; i++) s += `many_series{i="${i}"} ${i}\n`;
        return new Response(s);
      }
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
    async close() {
      await http.shutdown();
      await https.shutdown();
    },
  };
}

Deno.test("ScrapePool reports each kind of misbehaving target precisely", async () => {
  const srv = await misbehavingServer();
  const sink = new CollectingSink();
  const registry = new MetricsRegistry();
  const pool = new ScrapePool({ sink, metrics: registry, logger: quiet, maxScrapeSize: 100_000 });
  const refusedPort = freePort();
  const t = {
    ok: target(`${srv.base}/ok`),
    slow: target(`${srv.base}/slow`, { timeout: 300 }),
    huge: target(`${srv.base}/huge`),
    bomb: target(`${srv.base}/bomb`),
    status: target(`${srv.base}/status`),
    malformed: target(`${srv.base}/malformed`),
    drop: target(`${srv.base}/drop`),
    refused: target(`http://127.0.0.1:${refusedPort}/metrics`),
    stream: target(`${srv.base}/many`, { streamParse: true }),
    limited: target(`${srv.base}/many`, { sampleLimit: 100 }),
    auth: target(`${srv.base}/auth`, { http: { basicAuth: { username: "user", password: "pw" } } }),
  };
  t.stream.maxScrapeSize = t.limited.maxScrapeSize = 10 * 1024 * 1024;
  t.limited.key += "#limited";
  t.limited.id += "#limited";
  try {
    await pool.sync(Object.values(t));
    const st: Record<string, ScrapeStatus> = {};
    for (const [name, tt] of Object.entries(t)) st[name] = await scraped(pool, tt);

    equal(st.ok.health, "up");
    equal(st.slow.health, "down");
    equal(
      st.slow.lastError,
      `cannot perform request to "${srv.base}/slow": timeout: no response within scrape_timeout=300ms`,
    );
    equal(registry.counter("vm_promscrape_scrapes_timed_out_total").get() >= 1, true);
    match(
      st.huge.lastError,
      /^the response from "http:\/\/127\.0\.0\.1:\d+\/huge" exceeds -promscrape\.maxScrapeSize or max_scrape_size in the scrape config \(100000 bytes\)/,
    );
    match(
      st.bomb.lastError,
      /^the uncompressed response from "http:\/\/127\.0\.0\.1:\d+\/bomb" exceeds -promscrape\.maxScrapeSize/,
    );
    equal(registry.counter("vm_promscrape_max_scrape_size_exceeded_errors_total").get() >= 2, true);
    equal(
      st.status.lastError,
      `unexpected status code returned when scraping "${srv.base}/status": 503; expecting 200; response body: "service unavailable\\n"`,
    );
    equal(st.malformed.health, "up");
    equal(st.malformed.lastSamplesScraped, 2);
    equal(registry.counter('vm_rows_invalid_total{type="prometheus"}').get() >= 2, true);
    equal(st.drop.health, "down");
    match(
      st.drop.lastError,
      new RegExp(
        `^cannot read data from ${srv.base}/drop: (connection reset by peer|unexpected EOF)$`,
      ),
    );
    equal(
      st.refused.lastError,
      `cannot perform request to "http://127.0.0.1:${refusedPort}/metrics": connection refused`,
    );
    equal(st.stream.health, "up", st.stream.lastError);
    equal(st.stream.lastSamplesScraped, 20_000);
    equal(st.limited.health, "down");
    match(st.limited.lastError, /exceeds sample_limit=100; either reduce the sample count/);
    equal(st.auth.health, "up");
    equal(srv.seenAuth[0], "Basic " + btoa("user:pw"));
    // Every target's up series went to the sink with its value.
    const ups = sink.linesOf("up");
    equal(
      ups.some((l) => l.includes("/ok") || l.includes(`instance="${new URL(srv.base).host}"`)),
      true,
    );
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

/**
 * Scraping over TLS on loopback: a private CA, server_name and insecure_skip_verify;
 * a client certificate from tls_config presented to a server that requires one
 * (mTLS); and proxy_url, with proxy basic auth, over HTTP (absolute-form GET) and
 * HTTPS (CONNECT).
 *
 * @module
 */
import { equal, match } from "node:assert/strict";
import nodeHttps from "node:https";
import type { TLSSocket } from "node:tls";
import { ScrapePool } from "../../lib/scrape/scrape_pool.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { CollectingSink } from "../scrape/_helpers.ts";
import { autoOf, misbehavingServer, quiet, scraped, target, TLS_DIR } from "./_scrape_targets.ts";
import { forwardProxy } from "./_forward_proxy.ts";

/** A pool that opens a new connection for every scrape. */
function noKeepAlivePool(sink: CollectingSink): ScrapePool {
  return new ScrapePool({
    sink,
    metrics: new MetricsRegistry(),
    logger: quiet,
    disableKeepAlive: true,
  });
}

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
  const pool = noKeepAlivePool(sink);
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

Deno.test("ScrapePool scrapes through proxy_url, with proxy basic auth, over HTTP and HTTPS", async () => {
  const srv = await misbehavingServer();
  const proxy = forwardProxy();
  const sink = new CollectingSink();
  const pool = noKeepAlivePool(sink);
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

/**
 * Remote write against real storages: VictoriaMetrics single node and
 * Prometheus 2.42, reading back the exact samples, labels and staleness markers;
 * and against local receivers and a proxy, through the real HTTP client: headers,
 * basic auth, bearer tokens, TLS and `-remoteWrite.proxyURL`.
 */
import assert from "node:assert/strict";
import nodeHttps from "node:https";
import type { TLSSocket } from "node:tls";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { RemoteWrite } from "../../lib/remotewrite/remote_write.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { STALE_NAN, type TimeSeries } from "../../lib/util/series.ts";
import { captureLogs } from "../queue/_helpers.ts";
import { metricValue } from "../remotewrite/_fakes.ts";
import { forwardProxy } from "./_forward_proxy.ts";
import { freePort, havePeers, peerPath, start, tempDir, waitFor } from "./_peers.ts";
import { promQuery, startPrometheus, startVictoriaMetrics, vmExport } from "./_vm.ts";

/**
 * Builds a series. "stale" stands for the staleness marker: a NaN kept in a
 * literal array of numbers would lose its payload bits (V8 stores such arrays as
 * doubles and canonicalises NaN), so the marker is put straight into the object.
 */
const series = (
  name: string,
  labels: Record<string, string>,
  points: [number, number | "stale"][],
): TimeSeries => ({
  labels: [
    { name: "__name__", value: name },
    ...Object.entries(labels).map(([n, v]) => ({ name: n, value: v })),
  ],
  samples: points.map(([timestamp, value]) => ({
    value: value === "stale" ? STALE_NAN : value,
    timestamp,
  })),
});

Deno.test({
  name:
    "RemoteWrite delivers exact values, timestamps, labels and staleness markers to VictoriaMetrics",
  ignore: !havePeers("victoria-metrics"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const vm = await startVictoriaMetrics(`${dir.path}/vm`);
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [{ url: vm.writeURL }],
      tmpDataPath: `${dir.path}/rw`,
      labels: ["agent=deno"],
      flushInterval: 200,
      registry: reg,
    });
    try {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
      // One series per value: VictoriaMetrics stores a block of a series with one decimal
      // exponent, so mixing 1e-10 and 1e300 in a series would lose precision there.
      const values = [0, 1, -1, 0.1, 1e-10, -2.5e300, 123456789.123, Infinity, -Infinity];
      const input = [
        ...values.map((v, i) =>
          series("rwtest_values", { kind: `v${i}` }, [[t0 + i * 15_000, v], [
            t0 + i * 15_000 + 1,
            v,
          ]])
        ),
        series("rwtest_values", { kind: "stale" }, [[t0, 5], [t0 + 15_000, 6], [
          t0 + 30_000,
          "stale",
        ]]),
        series("rwtest_labels", { path: '/a"b\\c', unicode: "ünïcödé 😀", empty_next: "x" }, [[
          t0,
          42,
        ]]),
      ];
      for (let i = 0; i < 200; i++) {
        input.push(series("rwtest_many", { i: String(i) }, [[t0 + i, i]]));
      }
      assert.ok(rw.push(input));
      rw.flush();
      const got = await waitFor(
        "all series exported",
        async () => {
          const rows = await vmExport(vm, '{__name__=~"rwtest_.*"}');
          return rows.length === 211 ? rows : undefined;
        },
        30_000,
        300,
      );
      const byKey = new Map(got.map((r) => [`${r.name}/${JSON.stringify(r.labels)}`, r.points]));
      values.forEach((v, i) => {
        const t = t0 + i * 15_000;
        assert.deepEqual(
          byKey.get(`rwtest_values/${JSON.stringify({ agent: "deno", kind: `v${i}` })}`),
          [[t, v], [t + 1, v]],
        );
      });
      // A staleness marker comes back as null from /api/v1/export.
      assert.deepEqual(
        byKey.get(`rwtest_values/${JSON.stringify({ agent: "deno", kind: "stale" })}`),
        [[t0, 5], [t0 + 15_000, 6], [t0 + 30_000, null]],
      );
      const labeled = got.find((r) => r.name === "rwtest_labels")!;
      assert.deepEqual(labeled.labels, {
        agent: "deno",
        empty_next: "x",
        path: '/a"b\\c',
        unicode: "ünïcödé 😀",
      });
      for (let i = 0; i < 200; i++) {
        assert.deepEqual(
          byKey.get(`rwtest_many/${JSON.stringify({ agent: "deno", i: String(i) })}`),
          [[t0 + i, i]],
        );
      }
      assert.ok(
        metricValue(
          reg,
          'vmagent_remotewrite_requests_total{url="1:secret-url",status_code="2XX"}',
        ) >= 1,
      );
      assert.equal(
        metricValue(reg, 'vmagent_remotewrite_packets_dropped_total{url="1:secret-url"}'),
        0,
      );
    } finally {
      await rw.close();
      await vm.stop();
    }
  },
});

Deno.test({
  name:
    "RemoteWrite delivers samples and staleness markers to Prometheus, and drops what it rejects (400)",
  ignore: !havePeers("prometheus"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const prom = await startPrometheus(`${dir.path}/prom`);
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [{ url: prom.writeURL, queues: 1 }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
      registry: reg,
    });
    const U = 'url="1:secret-url"';
    try {
      const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
      rw.push([
        series("rwtest_prom", { job: "a" }, [[t0, 1.5], [t0 + 15_000, -2], [t0 + 30_000, 1e-9]]),
        series("rwtest_prom", { job: "b" }, [[t0, 7], [t0 + 15_000, "stale"]]),
      ]);
      rw.flush();
      await waitFor(
        "first block sent",
        () =>
          metricValue(reg, `vmagent_remotewrite_blocks_sent_total{${U}}`) >= 1 ? true : undefined,
        20_000,
        100,
      );
      const range = await promQuery(prom, "rwtest_prom[2m]", t0 + 60_000);
      const byJob = Object.fromEntries(range.map((r) => [r.metric.job, r.values]));
      assert.deepEqual(byJob.a, [[t0 / 1000, "1.5"], [(t0 + 15_000) / 1000, "-2"], [
        (t0 + 30_000) / 1000,
        "1e-09",
      ]]);
      assert.deepEqual(
        byJob.b,
        [[t0 / 1000, "7"]],
        "a staleness marker is not returned as a sample",
      );
      // It ends series b at once, while series a stays visible for the 5-minute lookback.
      const instant = await promQuery(prom, "rwtest_prom", t0 + 20_000);
      assert.deepEqual(instant.map((r) => r.metric.job), ["a"]);
      const before = await promQuery(prom, "rwtest_prom", t0 + 10_000);
      assert.deepEqual(before.map((r) => r.metric.job).sort(), ["a", "b"]);
      // An out-of-order sample: Prometheus answers 400 and the block is dropped, not retried.
      rw.push([series("rwtest_prom", { job: "a" }, [[t0 - 100_000, 0]])]);
      rw.flush();
      await waitFor(
        "rejected block dropped",
        () =>
          metricValue(reg, `vmagent_remotewrite_packets_dropped_total{${U}}`) === 1
            ? true
            : undefined,
        20_000,
        100,
      );
      assert.equal(
        metricValue(reg, `vmagent_remotewrite_requests_total{${U},status_code="400"}`),
        1,
      );
      // Later data still flows.
      rw.push([series("rwtest_prom", { job: "a" }, [[t0 + 45_000, 3]])]);
      rw.flush();
      await waitFor(
        "later sample stored",
        async () => {
          const r = await promQuery(prom, "rwtest_prom{job='a'}", t0 + 50_000);
          return r.length === 1 && r[0].value?.[1] === "3" ? true : undefined;
        },
        20_000,
        100,
      );
    } finally {
      await rw.close();
      await prom.stop();
    }
  },
});

Deno.test({
  name: "vmagent 1.79.5 sends a queue left by our remote write (same folder, same format)",
  ignore: !havePeers("victoria-metrics", "vmagent"),
  sanitizeResources: false,
  async fn() {
    await using dir = await tempDir();
    using _logs = captureLogs();
    const vmPort = freePort();
    const url = `http://127.0.0.1:${vmPort}/api/v1/write`;
    // Storage down: everything stays in our queue, which close() saves.
    const rw = await RemoteWrite.open({
      urls: [{ url }],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
    });
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const input = Array.from(
      { length: 50 },
      (_, i) =>
        series("rwtest_handover", { i: String(i) }, [[t0 + i, i], [t0 + i + 1000, i + 0.5]]),
    );
    rw.push(input);
    await new Promise((r) => setTimeout(r, 300));
    await rw.close();
    const vm = await startVictoriaMetrics(`${dir.path}/vm`, { port: vmPort });
    const agentPort = freePort();
    const agent = start(peerPath("vmagent")!, [
      `-httpListenAddr=127.0.0.1:${agentPort}`,
      `-remoteWrite.url=${url}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    try {
      const got = await waitFor(
        "vmagent forwarded our queue",
        async () => {
          const rows = await vmExport(vm, '{__name__="rwtest_handover"}');
          return rows.length === 50 ? rows : undefined;
        },
        30_000,
        300,
      );
      for (const row of got) {
        const i = Number(row.labels.i);
        assert.deepEqual(row.points, [[t0 + i, i], [t0 + i + 1000, i + 0.5]]);
      }
    } finally {
      await agent.stop("SIGTERM", 10_000);
      await vm.stop();
    }
  },
});

const TLS = new URL("../testdata/remotewrite/tls/", import.meta.url).pathname;

/** What a test receiver got in one request: its query `u`, headers and series. */
interface Got {
  u: string;
  headers: Headers;
  series: TimeSeries[];
}

/** A remote write receiver over HTTP, or HTTPS with the example.test certificate. */
function receiver(got: Got[], tls: boolean): Deno.HttpServer<Deno.NetAddr> {
  const opts = { hostname: "127.0.0.1", port: 0, onListen() {} };
  const handler = async (req: Request) => {
    const body = new Uint8Array(await req.arrayBuffer());
    got.push({
      u: new URL(req.url).searchParams.get("u") ?? "",
      headers: req.headers,
      series: decodeWriteRequest(snappyDecompress(body)),
    });
    return new Response(null, { status: 204 });
  };
  if (!tls) return Deno.serve(opts, handler);
  return Deno.serve({
    ...opts,
    cert: Deno.readTextFileSync(`${TLS}server.pem`),
    key: Deno.readTextFileSync(`${TLS}server-key.pem`),
  }, handler);
}

/**
 * A remote write receiver over HTTPS (certificate for IP 127.0.0.1) that requires a
 * client certificate signed by the test CA; `u` is the query's `u`, a colon and the
 * client certificate's common name.
 */
function mtlsReceiver(got: Got[]): Promise<{ port: number; close(): Promise<void> }> {
  const server = nodeHttps.createServer({
    cert: Deno.readTextFileSync(`${TLS}server-ip.pem`),
    key: Deno.readTextFileSync(`${TLS}server-ip-key.pem`),
    ca: Deno.readTextFileSync(`${TLS}ca.pem`),
    requestCert: true,
    rejectUnauthorized: true,
  }, (req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (c: Uint8Array) => chunks.push(c));
    req.on("end", () => {
      const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((off, c) => (body.set(c, off), off + c.length), 0);
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === "string") headers.set(k, v);
      }
      got.push({
        u: `${new URL(req.url ?? "/", "https://x").searchParams.get("u")}:${peer.subject?.CN}`,
        headers,
        series: decodeWriteRequest(snappyDecompress(body)),
      });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as { port: number }).port,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }))
  );
}

Deno.test({
  name:
    "RemoteWrite sends -remoteWrite.headers, basic auth, bearer tokens (re-read from files), over TLS (CA, server name, client certificates) and through -remoteWrite.proxyURL",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    using logs = captureLogs();
    const got: Got[] = [];
    const http = receiver(got, false);
    const https = receiver(got, true);
    const mtls = await mtlsReceiver(got);
    const proxy = forwardProxy();
    const plain = (u: number) => `http://127.0.0.1:${http.addr.port}/api/v1/write?u=${u}`;
    const secure = (u: number) => `https://127.0.0.1:${https.addr.port}/api/v1/write?u=${u}`;
    const pwFile = `${dir.path}/password`;
    const tokenFile = `${dir.path}/token`;
    await Deno.writeTextFile(pwFile, "p@ss\n");
    await Deno.writeTextFile(tokenFile, "token-one\n");
    const retry = { retryMinInterval: 200, retryMaxInterval: 1000 };
    const reg = new MetricsRegistry();
    const rw = await RemoteWrite.open({
      urls: [
        {
          url: plain(1),
          headers: "X-Scope-OrgID: team-a^^X-Other:b",
          basicAuthUsername: "user",
          basicAuthPasswordFile: pwFile,
          ...retry,
        },
        {
          url: secure(2),
          tlsCAFile: `${TLS}ca.pem`,
          tlsServerName: "example.test",
          bearerTokenFile: tokenFile,
          ...retry,
        },
        { url: secure(3), tlsInsecureSkipVerify: true, bearerToken: "token-three", ...retry },
        // The certificate is for example.test, not 127.0.0.1: verification must fail.
        { url: secure(4), tlsCAFile: `${TLS}ca.pem`, ...retry },
        { url: plain(5), proxyURL: `http://pu:pp@127.0.0.1:${proxy.port}`, ...retry },
        {
          url: secure(6),
          proxyURL: `http://127.0.0.1:${proxy.port}`,
          tlsCAFile: `${TLS}ca.pem`,
          tlsServerName: "example.test",
          ...retry,
        },
        // Client certificates, over Deno's TLS (7) and over node:https (8: insecureSkipVerify).
        {
          url: `https://127.0.0.1:${mtls.port}/api/v1/write?u=7`,
          tlsCAFile: `${TLS}ca.pem`,
          tlsCertFile: `${TLS}client.pem`,
          tlsKeyFile: `${TLS}client-key.pem`,
          ...retry,
        },
        {
          url: `https://127.0.0.1:${mtls.port}/api/v1/write?u=8`,
          tlsInsecureSkipVerify: true,
          tlsCertFile: `${TLS}client.pem`,
          tlsKeyFile: `${TLS}client-key.pem`,
          ...retry,
        },
        // No client certificate: the server refuses the handshake.
        {
          url: `https://127.0.0.1:${mtls.port}/api/v1/write?u=9`,
          tlsCAFile: `${TLS}ca.pem`,
          ...retry,
        },
      ],
      tmpDataPath: `${dir.path}/rw`,
      flushInterval: 100,
      registry: reg,
    });
    const client = "vmagent-deno client";
    const delivered = ["1", "2", "3", "5", "6", `7:${client}`, `8:${client}`];
    const waitAll = (name: string) =>
      waitFor(
        `${name} at URLs ${delivered}`,
        () => {
          const at = new Set(
            got.filter((g) => g.series.some((ts) => ts.labels[0].value === name)).map((g) => g.u),
          );
          return delivered.every((u) => at.has(u)) ? true : undefined;
        },
        20_000,
        100,
      ).catch((e) => {
        const at = [...new Set(got.map((g) => g.u))];
        throw new Error(`${e.message}; got requests at ${at}\n${logs.text().slice(-3000)}`);
      });
    try {
      const t0 = Date.now() - 60_000;
      rw.push([series("rwtest_auth", { n: "1" }, [[t0, 1]])]);
      await waitAll("rwtest_auth");
      const first = (u: string) => got.find((g) => g.u === u)!;
      for (const u of delivered) {
        const g = first(u);
        assert.deepEqual(g.series, [series("rwtest_auth", { n: "1" }, [[t0, 1]])], `URL ${u}`);
        assert.equal(g.headers.get("content-encoding"), "snappy", `URL ${u}`);
        assert.equal(g.headers.get("content-type"), "application/x-protobuf", `URL ${u}`);
        assert.equal(g.headers.get("x-prometheus-remote-write-version"), "0.1.0", `URL ${u}`);
        assert.equal(g.headers.get("user-agent"), "vmagent", `URL ${u}`);
      }
      assert.equal(first("1").headers.get("authorization"), `Basic ${btoa("user:p@ss")}`);
      assert.equal(first("1").headers.get("x-scope-orgid"), "team-a");
      assert.equal(first("1").headers.get("x-other"), "b");
      assert.equal(first("5").headers.get("x-scope-orgid"), null, "headers are per URL");
      assert.equal(first("2").headers.get("authorization"), "Bearer token-one");
      assert.equal(first("3").headers.get("authorization"), "Bearer token-three");
      assert.equal(first("5").headers.get("authorization"), null);
      // Through the proxy: an absolute-form POST with proxy auth, and a CONNECT tunnel for https.
      const post = proxy.heads.find((h) => h.startsWith(`POST ${plain(5)} `));
      assert.ok(post, proxy.heads.join("\n---\n"));
      assert.match(
        post,
        new RegExp(`\\r\\nproxy-authorization: Basic ${btoa("pu:pp")}\\r\\n`, "i"),
      );
      assert.ok(
        proxy.heads.some((h) => h.startsWith(`CONNECT 127.0.0.1:${https.addr.port} `)),
        proxy.heads.join("\n---\n"),
      );
      // The unverifiable server (4) and the missing client certificate (9): nothing arrives,
      // the failures are counted and logged without the URL.
      for (
        const [n, why] of [["4", /certificate/i], ["9", /CertificateRequired|alert/i]] as const
      ) {
        await waitFor(
          `failed sends to URL ${n}`,
          () =>
            metricValue(reg, `vmagent_remotewrite_errors_total{url="${n}:secret-url"}`) >= 2
              ? true
              : undefined,
          10_000,
          100,
        );
        assert.ok(!got.some((g) => g.u.split(":")[0] === n), `nothing at URL ${n}`);
        const line = logs.lines.find((l) =>
          l.includes(`couldn't send a block`) && l.includes(`"${n}:secret-url"`)
        );
        assert.match(line ?? "", why, `URL ${n}: ${line}`);
      }
      for (const port of [http.addr.port, https.addr.port, mtls.port]) {
        assert.doesNotMatch(logs.text(), new RegExp(`:${port}(?![0-9])`), "no URL in the logs");
      }
      assert.doesNotMatch(logs.text(), /api\/v1\/write/, "no URL in the logs");

      // The token file is re-read (at most once a second).
      await Deno.writeTextFile(tokenFile, "token-two\n");
      await new Promise((r) => setTimeout(r, 1100));
      rw.push([series("rwtest_auth2", { n: "2" }, [[t0 + 1, 2]])]);
      await waitAll("rwtest_auth2");
      const second = got.find((g) =>
        g.u === "2" && g.series.some((ts) => ts.labels[0].value === "rwtest_auth2")
      )!;
      assert.equal(second.headers.get("authorization"), "Bearer token-two");
    } finally {
      await rw.close();
      await http.shutdown();
      await https.shutdown();
      await mtls.close();
      await proxy.close();
    }
  },
});

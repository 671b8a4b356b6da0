/**
 * The HTTP server on real loopback sockets: plain and TLS listeners, gzip,
 * remote write over the wire, the shutdown delay, and main.ts serving HTTPS
 * behind -httpAuth.
 */
import { equal, match, rejects } from "node:assert/strict";
import { createHandler } from "../../lib/server/router.ts";
import { serve } from "../../lib/server/serve.ts";
import { HealthState } from "../../lib/server/health_state.ts";
import { MetricsRegistry } from "../../lib/metrics/registry.ts";
import { configureLogger } from "../../lib/util/log.ts";
import {
  collectingLogger,
  encodeWriteRequest,
  recordingSink,
  snappyBlock,
} from "../server/_helpers.ts";
import { freePort, havePeers, peerPath, start, startAgent, tempDir, waitFor } from "./_peers.ts";

configureLogger({ write: () => {} });

function agent(health = new HealthState()) {
  const sink = recordingSink();
  const log = collectingLogger();
  const handler = createHandler({
    version: "v0.1.0",
    registry: new MetricsRegistry(),
    log,
    health,
    metricsText: () => "# big page\n" + "vm_metric_with_a_long_name_for_gzip 1\n".repeat(100),
    ingest: { sink, log },
  });
  return { handler, sink, log, health };
}

Deno.test("serve() answers on 127.0.0.1:0 and closes on shutdown", async () => {
  const { handler, sink } = agent();
  const server = serve(handler, { listenAddrs: ["127.0.0.1:0", ""], log: collectingLogger() });
  try {
    equal(server.addrs.length, 1);
    match(server.addr, /^127\.0\.0\.1:\d+$/);
    const base = `http://${server.addr}`;
    const health = await fetch(`${base}/health`);
    equal(await health.text(), "OK");

    const metrics = await fetch(`${base}/metrics`, { headers: { "Accept-Encoding": "gzip" } });
    equal(metrics.status, 200);
    match(await metrics.text(), /^# big page\nvm_metric_with_a_long_name_for_gzip 1\n/);

    const series = [{
      labels: [{ name: "__name__", value: "wire" }],
      samples: [{ value: 2, timestamp: 7 }],
    }];
    const rw = await fetch(`${base}/api/v1/write?extra_label=via=socket`, {
      method: "POST",
      body: snappyBlock(encodeWriteRequest(series)) as BodyInit,
      headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" },
    });
    equal(rw.status, 204);
    await rw.body?.cancel();
    equal(sink.pushed.length, 1);
    equal(sink.pushed[0][0].labels.at(-1)?.value, "socket");
  } finally {
    await server.shutdown();
  }
  await rejects(fetch(`http://${server.addr}/health`));
});

Deno.test("serve() compresses large answers with gzip for clients that ask", async () => {
  const { handler } = agent();
  const server = serve(handler, { listenAddrs: ["127.0.0.1:0"], log: collectingLogger() });
  try {
    // A raw request, so that no client decompresses behind our back.
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(server.addr.split(":")[1]),
    });
    await conn.write(
      new TextEncoder().encode(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n",
      ),
    );
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(65536);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    conn.close();
    const head = new TextDecoder().decode(chunks[0]).split("\r\n\r\n")[0].toLowerCase();
    match(head, /^http\/1\.1 200/);
    match(head, /content-encoding: gzip/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serve() keeps /health at 503 during -http.shutdownDelay, then closes", async () => {
  const health = new HealthState();
  const { handler } = agent(health);
  let release!: () => void;
  const delayed = new Promise<void>((r) => (release = r));
  let asked = 0;
  const server = serve(handler, {
    listenAddrs: ["127.0.0.1:0"],
    health,
    shutdownDelayMs: 5000,
    sleep: (ms) => {
      asked = ms;
      return delayed;
    },
    log: collectingLogger(),
  });
  const base = `http://${server.addr}`;
  equal(await (await fetch(`${base}/health`)).text(), "OK");
  const done = server.shutdown();
  const during = await fetch(`${base}/health`);
  equal(during.status, 503);
  match(
    await during.text(),
    /^The server is in delayed shutdown mode, which will end in \d\.\d{3}s\n$/,
  );
  equal(await (await fetch(`${base}/-/healthy`)).text(), "VictoriaMetrics is Healthy.\n");
  equal(asked, 5000);
  release();
  await done;
  await rejects(fetch(`${base}/health`));
  equal(server.shutdown(), done);
});

/**
 * Writes a throwaway CA and a server certificate for 127.0.0.1 it signs into `d`
 * (rustls refuses a CA as the server's certificate) and returns their paths.
 */
async function makeTestCert(d: string): Promise<{ cert: string; key: string; ca: string }> {
  const cert = `${d}/cert.pem`;
  const key = `${d}/key.pem`;
  await Deno.writeTextFile(
    `${d}/ext.cnf`,
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const steps = [
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      `${d}/ca.key`,
      "-out",
      `${d}/ca.pem`,
      "-days",
      "1",
      "-subj",
      "/CN=test-ca",
    ],
    ["req", ...ec, "-keyout", key, "-out", `${d}/server.csr`, "-subj", "/CN=127.0.0.1"],
    [
      "x509",
      "-req",
      "-in",
      `${d}/server.csr`,
      "-CA",
      `${d}/ca.pem`,
      "-CAkey",
      `${d}/ca.key`,
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "1",
      "-extfile",
      `${d}/ext.cnf`,
    ],
  ];
  for (const args of steps) {
    const out = await new Deno.Command("openssl", { args, stdout: "null", stderr: "piped" })
      .output();
    equal(out.success, true, new TextDecoder().decode(out.stderr));
  }
  return { cert, key, ca: `${d}/ca.pem` };
}

Deno.test("serve() serves TLS with -tlsCertFile and -tlsKeyFile", async () => {
  await using dir = await tempDir();
  const { cert, key, ca } = await makeTestCert(dir.path);
  const { handler } = agent();
  const log = collectingLogger();
  const server = serve(handler, {
    listenAddrs: ["127.0.0.1:0"],
    tls: [true],
    tlsCertFile: [cert],
    tlsKeyFile: [key],
    log,
  });
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca)] });
  try {
    match(log.lines[0], /^info started server at https:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(`https://${server.addr}/health`, { client });
    equal(await res.text(), "OK");
  } finally {
    client.close();
    await server.shutdown();
  }
});

Deno.test("serve() fails clearly on a missing TLS file or a taken port", async () => {
  const { handler } = agent();
  let msg = "";
  try {
    serve(handler, {
      listenAddrs: ["127.0.0.1:0"],
      tls: [true],
      tlsCertFile: ["/nonexistent/c.pem"],
      log: collectingLogger(),
    });
  } catch (e) {
    msg = (e as Error).message;
  }
  match(msg, /^cannot load TLS cert from -tlsCertFile="\/nonexistent\/c\.pem", -tlsKeyFile="": /);
  const first = serve(handler, { listenAddrs: ["127.0.0.1:0"], log: collectingLogger() });
  try {
    let taken = false;
    try {
      serve(handler, { listenAddrs: ["127.0.0.1:0", first.addr], log: collectingLogger() });
    } catch (e) {
      taken = e instanceof Deno.errors.AddrInUse;
    }
    equal(taken, true);
  } finally {
    await first.shutdown();
  }
});

Deno.test({
  name: "serve() takes remote write from Debian's vmagent 1.79.5",
  ignore: !havePeers("vmagent"),
  async fn() {
    await using dir = await tempDir();
    const { handler, sink } = agent();
    const server = serve(handler, { listenAddrs: ["127.0.0.1:0"], log: collectingLogger() });
    const port = freePort();
    await Deno.writeTextFile(
      `${dir.path}/scrape.yml`,
      `scrape_configs:\n- job_name: self\n  scrape_interval: 1s\n  static_configs:\n  - targets: ["127.0.0.1:${port}"]\n`,
    );
    const vmagent = start(peerPath("vmagent")!, [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-promscrape.config=${dir.path}/scrape.yml`,
      `-remoteWrite.url=http://${server.addr}/api/v1/write?extra_label=from=peer`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-remoteWrite.flushInterval=200ms",
    ]);
    try {
      const up = await waitFor("an `up` series from vmagent", () => {
        for (const batch of sink.pushed) {
          for (const s of batch) {
            if (s.labels.some((l) => l.name === "__name__" && l.value === "up")) return s;
          }
        }
        return undefined;
      }, 30_000);
      const labels = Object.fromEntries(up.labels.map((l) => [l.name, l.value]));
      equal(labels.job, "self");
      equal(labels.instance, `127.0.0.1:${port}`);
      equal(labels.from, "peer");
      equal(up.samples[0].value, 1);
    } finally {
      await vmagent.stop();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "main.ts serves HTTPS with -tls and -httpAuth, and its embedded config scrapes itself",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const { cert, key, ca } = await makeTestCert(dir.path);
    const port = freePort();
    const password = "pw-e2e-7Zq";
    // The empty first address keeps the -tls, -tlsCertFile and -tlsKeyFile items by position,
    // as vmagent's array flags do.
    const proc = startAgent([
      `-httpListenAddr=,127.0.0.1:${port}`,
      "-tls=false,true",
      `-tlsCertFile=,${cert}`,
      `-tlsKeyFile=,${key}`,
      "-httpAuth.username=admin",
      `-httpAuth.password=${password}`,
    ]);
    const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca)] });
    const base = `https://127.0.0.1:${port}`;
    const auth = { Authorization: "Basic " + btoa(`admin:${password}`) };
    const get = async (path: string, headers: HeadersInit = {}) => {
      const r = await fetch(base + path, { client, headers });
      return { status: r.status, text: await r.text() };
    };
    let code: number;
    try {
      await waitFor(
        "the agent to answer /health over https",
        async () => {
          if (/cannot start/.test(proc.output())) throw new Error(proc.output());
          return (await get("/health").catch(() => undefined))?.text === "OK" || undefined;
        },
        30_000,
        100,
      );
      equal((await get("/metrics")).status, 401);
      equal((await get("/metrics", { Authorization: "Basic " + btoa("admin:x") })).status, 401);
      const metrics = await get("/metrics", auth);
      equal(metrics.status, 200);
      match(metrics.text, /^vm_app_version\{/m);
      // Plain HTTP on the TLS port is refused.
      await rejects(async () => {
        const r = await fetch(`http://127.0.0.1:${port}/health`);
        if (r.status < 400) throw new Error(`status ${r.status}`);
        await r.body?.cancel();
        throw new Error("answered with an error");
      });
      // The embedded config scraped /metrics over https with the credentials: up is 1.
      const up = new RegExp(
        `^up\\{instance="127\\.0\\.0\\.1:${port}",job="vmagent"\\} 1 \\d{13}$`,
        "m",
      );
      await waitFor(
        "an up=1 sample of the self-scrape on stdout",
        () => {
          return up.test(proc.output()) || undefined;
        },
        20_000,
        100,
      ).catch((e) => {
        throw new Error(`${e}\n${proc.output()}`);
      });
      const config = await get("/config", auth);
      match(config.text, /scheme: https/);
      match(config.text, /password: <secret>/);
    } finally {
      client.close();
      code = await proc.stop();
    }
    equal(code, 0, proc.output());
    equal(proc.output().includes(password), false, "the password was printed");
  },
});

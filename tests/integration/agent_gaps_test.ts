/**
 * End to end: the flags and behaviours of vmagent HEAD wired into the agent after its first
 * version: the HTTP server flags (`-http.pathPrefix`, `-http.header.*`, `-http.disableCORS`,
 * `-http.disableResponseCompression`, `-maxInsertRequestSize`), the logger flags
 * (`-loggerDisableTimestamps`, `-loggerJSONFields`), the Kubernetes discovery flags, the
 * `-remoteWrite.basicAuth.usernameFile` flag, `global.external_labels` changed by a reload,
 * `vm_promscrape_scrape_pool_targets`, and start-up errors that name the bad address or path.
 */
import assert from "node:assert/strict";
import {
  agentMetric,
  assertNoStackTrace,
  received,
  runAgentToExit,
  startLiveAgent,
  startTestReceiver,
  startTestTarget,
  writeFileAtomic,
} from "./_agent_run.ts";
import { freePort, startAgent, tempDir, tryGetText, waitFor } from "./_peers.ts";
import { serve } from "../../lib/server/serve.ts";
import { isStaleNaN } from "../../lib/util/series.ts";

const firstLine = (text: string) => text.split("\n").find((l) => l.trim() !== "") ?? "";

Deno.test({
  name: "main.ts names -remoteWrite.tmpDataPath when it cannot create the folder",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const file = `${dir.path}/a-file`;
    await Deno.writeTextFile(file, "");
    const got = await runAgentToExit([
      "-httpListenAddr=",
      "-remoteWrite.url=http://127.0.0.1:9/api/v1/write",
      `-remoteWrite.tmpDataPath=${file}/x`,
    ]);
    assert.equal(got.code, 1, got.stderr);
    assert.match(
      got.stderr,
      new RegExp(
        `^cannot start vmagent-deno: cannot create -remoteWrite.tmpDataPath=${file}/x: ` +
          "Not a directory \\(os error 20\\)$",
        "m",
      ),
    );
    assertNoStackTrace(got.stderr);
  },
});

Deno.test({
  name: "serve() and main.ts name the listen address that is in use",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    using busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const addr = `127.0.0.1:${(busy.addr as Deno.NetAddr).port}`;
    const handler = () => Promise.resolve(new Response("ok"));
    // the second address is busy: the first listener must be closed again
    const free = `127.0.0.1:${freePort()}`;
    assert.throws(
      () => serve(handler, { listenAddrs: [free, addr] }),
      (e: Error) => {
        assert.match(e.message, new RegExp(`^cannot start http server at ${addr}: .*in use`, "i"));
        assert.ok(e instanceof Deno.errors.AddrInUse, "the error keeps its class");
        return true;
      },
    );
    // ...which happens in the background, as serve() returns at once
    const again = await waitFor(
      "the first address to be free again",
      () => {
        try {
          return serve(handler, { listenAddrs: [free] });
        } catch {
          return undefined;
        }
      },
      5_000,
      50,
    );
    await again.shutdown();

    const got = await runAgentToExit([`-httpListenAddr=${addr}`]);
    assert.equal(got.code, 1);
    const line = firstLine(
      got.stderr.split("\n").filter((l) => l.startsWith("cannot start")).join("\n"),
    );
    assert.match(
      line,
      new RegExp(`^cannot start vmagent-deno: cannot start http server at ${addr}: .*in use`, "i"),
    );
    assertNoStackTrace(got.stderr);
  },
});

Deno.test({
  name: "main.ts applies the -http.*, -maxInsertRequestSize and logger flags",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const port = freePort();
    const base = `http://127.0.0.1:${port}/pfx`;
    const proc = startAgent([
      `-httpListenAddr=127.0.0.1:${port}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-http.pathPrefix=/pfx",
      "-http.header.hsts=max-age=31536000; includeSubDomains",
      "-http.header.frameOptions=DENY",
      "-http.header.csp=default-src 'self'",
      "-http.disableCORS",
      "-http.disableResponseCompression",
      "-http.maxGracefulShutdownDuration=3s",
      "-maxInsertRequestSize=100",
      "-loggerFormat=json",
      "-loggerDisableTimestamps",
      "-loggerJSONFields=msg:message,level:severity",
    ]);
    try {
      await waitFor("the agent to serve /pfx/health", async () => {
        if (proc.output().includes("cannot start")) throw new Error(proc.output());
        return await tryGetText(`${base}/health`);
      });
      const health = await fetch(`${base}/health`);
      await health.body?.cancel();
      assert.equal(
        health.headers.get("Strict-Transport-Security"),
        "max-age=31536000; includeSubDomains",
      );
      assert.equal(health.headers.get("X-Frame-Options"), "DENY");
      assert.equal(health.headers.get("Content-Security-Policy"), "default-src 'self'");
      assert.equal(health.headers.get("X-Server-Hostname"), Deno.hostname());

      const outside = await fetch(`http://127.0.0.1:${port}/metrics`);
      await outside.body?.cancel();
      assert.notEqual(outside.status, 200, "paths outside -http.pathPrefix are not served");

      const metrics = await fetch(`${base}/metrics`, { headers: { "Accept-Encoding": "gzip" } });
      const text = await metrics.text();
      assert.equal(metrics.status, 200);
      assert.equal(metrics.headers.get("Content-Encoding"), null);
      assert.match(text, /^flag\{name="maxInsertRequestSize", value="100", is_set="true"\} 1$/m);

      const preflight = await fetch(`${base}/api/v1/write`, { method: "OPTIONS" });
      await preflight.body?.cancel();
      assert.equal(preflight.headers.get("Access-Control-Allow-Origin"), null);

      const big = await fetch(`${base}/api/v1/write`, {
        method: "POST",
        headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" },
        body: new Uint8Array(101),
      });
      assert.equal(big.status, 400);
      assert.match(await big.text(), /exceeding -maxInsertRequestSize=100 bytes/);

      // the embedded self-scrape config follows -http.pathPrefix
      await waitFor("the self-scrape at /pfx/metrics to be up", async () => {
        const r = await tryGetText(`${base}/api/v1/targets?state=active`);
        return r !== undefined && JSON.parse(r).data.activeTargets[0]?.health === "up"
          ? true
          : undefined;
      }, 20_000);
    } finally {
      await proc.stop("SIGTERM");
    }
    const lines = proc.output().split("\n").filter((l) => l.startsWith("{"));
    assert.ok(lines.length > 2, proc.output());
    for (const l of lines) {
      const entry = JSON.parse(l);
      assert.deepEqual(Object.keys(entry).sort(), ["caller", "message", "severity"], l);
    }
    assert.ok(lines.some((l) => l.includes('"severity":"info"') && l.includes("started server")));
  },
});

/** A fake Kubernetes API server with empty lists; watches stay open until it is closed. */
function fakeKubernetesAPI() {
  const requests: string[] = [];
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    requests.push(url.pathname + url.search);
    if (url.searchParams.get("watch") === "1") {
      const body = new ReadableStream<Uint8Array>({
        start: (c) => void streams.add(c),
        cancel: () => {},
      });
      return new Response(body, { headers: { "Content-Type": "application/json" } });
    }
    const kind = url.pathname.split("/").pop()!;
    const list = {
      kind: `${kind}List`,
      apiVersion: "v1",
      metadata: { resourceVersion: "7" },
      items: [],
    };
    return Response.json(list);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      for (const c of streams) {
        try {
          c.close();
        } catch {
          // already closed by the client
        }
      }
      await server.shutdown();
    },
  };
}

Deno.test({
  name: "main.ts passes the -promscrape.kubernetes.* flags to kubernetes_sd_configs",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using api = fakeKubernetesAPI();
    await using dir = await tempDir();
    const config = `${dir.path}/scrape.yml`;
    await Deno.writeTextFile(
      config,
      `scrape_configs:
- job_name: k8s
  kubernetes_sd_configs:
  - role: pod
    api_server: ${api.url}
`,
    );
    await using _agent = await startLiveAgent([
      `-promscrape.config=${config}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-promscrape.kubernetes.apiServerTimeout=100s",
      "-promscrape.kubernetes.attachNodeMetadataAll",
      "-promscrape.kubernetes.attachNamespaceMetadataAll",
    ]);
    const watched = (path: string) =>
      api.requests.find((r) => r.startsWith(`${path}?`) && r.includes("watch=1"));
    for (const path of ["/api/v1/pods", "/api/v1/nodes", "/api/v1/namespaces"]) {
      const req = await waitFor(`a watch of ${path}`, () => watched(path), 15_000);
      // watches ask for 90% of -promscrape.kubernetes.apiServerTimeout
      assert.match(req, /[?&]timeoutSeconds=90(&|$)/, req);
    }
  },
});

Deno.test({
  name: "a reload that changes global.external_labels restarts the targets with the new labels",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using target = startTestTarget();
    await using recv = startTestReceiver();
    await using dir = await tempDir();
    const dead = `127.0.0.1:${freePort()}`;
    const config = `${dir.path}/scrape.yml`;
    const configText = (dc: string, extraJob: boolean) =>
      `global:
  external_labels:
    dc: ${dc}
scrape_configs:
- job_name: gaps
  scrape_interval: 1s
  static_configs:
  - targets: ["${target.address}", "${dead}"]
` + (extraJob
        ? `- job_name: gone
  scrape_interval: 1s
  static_configs:
  - targets: ["${target.address}"]
`
        : "");
    await writeFileAtomic(config, configText("a", true));
    await Deno.writeTextFile(`${dir.path}/user`, "agent\n");
    await using agent = await startLiveAgent([
      `-promscrape.config=${config}`,
      `-remoteWrite.url=${recv.url}`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      `-remoteWrite.basicAuth.usernameFile=${dir.path}/user`,
      "-remoteWrite.basicAuth.password=pw",
      "-remoteWrite.flushInterval=200ms",
    ]);
    const gauge = (job: string, status: string) =>
      `vm_promscrape_scrape_pool_targets{scrape_job="${job}", status="${status}"}`;
    const series = (dc: string) =>
      received(recv, "agent_test_gauge").filter((s) =>
        s.labels.dc === dc && s.labels.job === "gaps"
      );
    await waitFor("samples with dc=a", () => series("a").length > 0 || undefined, 15_000);
    assert.equal(recv.lastHeaders?.get("Authorization"), `Basic ${btoa("agent:pw")}`);
    await waitFor("the pool target gauges", async () => {
      const text = await tryGetText(`${agent.base}/metrics`);
      if (text === undefined) return undefined;
      const want = [
        `${gauge("gaps", "up")} 1`,
        `${gauge("gaps", "down")} 1`,
        `${gauge("gone", "up")} 1`,
        `${gauge("gone", "down")} 0`,
      ];
      return want.every((l) => text.includes(`\n${l}\n`)) ? true : undefined;
    }, 15_000);

    await writeFileAtomic(config, configText("b", false));
    const reload = await fetch(`${agent.base}/-/reload`);
    await reload.body?.cancel();
    assert.equal(reload.status, 200);
    await waitFor("samples with dc=b", () => series("b").length > 0 || undefined, 15_000);
    // the series with the old labels ended with a staleness marker
    await waitFor("a staleness marker for dc=a", () => {
      const samples = series("a").flatMap((s) => s.samples).sort((x, y) => x[0] - y[0]);
      return samples.length > 0 && isStaleNaN(samples[samples.length - 1][1]) ? true : undefined;
    }, 15_000);
    await waitFor("the gauges of the removed job to go", async () => {
      const text = await tryGetText(`${agent.base}/metrics`);
      return text !== undefined && !text.includes('scrape_job="gone"') &&
          text.includes(`\n${gauge("gaps", "up")} 1\n`)
        ? true
        : undefined;
    }, 15_000);
    assert.equal(await agentMetric(agent.base, "vm_promscrape_config_reloads_total"), 1);
  },
});

/**
 * End to end: the agent started with no flags but a listen address scrapes its own
 * `/metrics` with the embedded config and prints the samples to stdout, both through
 * `main.ts` and through `deno task start` exactly as the README says. Then, what a
 * started agent shows: `/ready` is 425 until discovery has listed its targets, and no
 * secret of the scrape config or the flags appears on a page or in the log.
 */
import assert from "node:assert/strict";
import {
  freePort,
  type Proc,
  REPO_ROOT,
  start,
  startAgent,
  tempDir,
  tryGetText,
  waitFor,
} from "./_peers.ts";
import {
  assertNoStackTrace,
  startLiveAgent,
  startTestReceiver,
  startTestTarget,
} from "./_agent_run.ts";

/** Waits for an `up` sample of the agent's own target on stdout and returns its timestamp. */
async function waitForOwnUp(proc: Proc, port: number): Promise<number> {
  const up = new RegExp(
    `^up\\{instance="127\\.0\\.0\\.1:${port}",job="vmagent"\\} 1 (\\d+)$`,
    "m",
  );
  const m = await waitFor(
    `an up sample of 127.0.0.1:${port} on stdout`,
    () => {
      const got = up.exec(proc.output());
      return got ?? undefined;
    },
    15_000,
    100,
  );
  return Number(m[1]);
}

Deno.test({
  name: "main.ts scrapes its own /metrics and prints timestamped samples when given no config",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freePort();
    const before = Date.now();
    const proc = startAgent([`-httpListenAddr=127.0.0.1:${port}`]);
    try {
      const ts = await waitForOwnUp(proc, port);
      assert.ok(ts >= before - 5_000 && ts <= Date.now(), `timestamp ${ts} is not recent`);
      const out = proc.output();
      assert.match(out, /no -remoteWrite\.url is set/);
      // Scraped self-metrics carry the target labels and a millisecond timestamp.
      assert.match(
        out,
        new RegExp(
          `^scrape_samples_scraped\\{instance="127\\.0\\.0\\.1:${port}",job="vmagent"\\} \\d+ \\d{13}$`,
          "m",
        ),
      );
      assert.match(out, /^vm_app_version\{.*job="vmagent".*\} 1 \d{13}$/m);
      // vmagent's resource gauges: the memory limit, and -memory.allowedPercent (60) of it.
      const gauge = (name: string) => {
        const m = out.match(new RegExp(`^${name}\\{[^}]*\\} (\\S+) \\d{13}$`, "m"));
        assert.ok(m, `${name} was not scraped`);
        return Number(m[1]);
      };
      const available = gauge("vm_available_memory_bytes");
      assert.ok(available > 0);
      assert.equal(gauge("vm_allowed_memory_bytes"), Math.floor(available * 0.6));
      assert.ok(gauge("vm_available_cpu_cores") >= 1);
    } finally {
      assert.equal(await proc.stop(), 0, proc.output());
    }
    assertNoStackTrace(proc.output());
  },
});

Deno.test({
  name: "deno task start passes the flags after the task name through to the agent",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const port = freePort();
    // Exactly as the README: `deno task start <flags>`, with the real deno binary.
    const proc = start(Deno.execPath(), ["task", "start", `-httpListenAddr=127.0.0.1:${port}`], {
      cwd: REPO_ROOT,
      env: { NO_COLOR: "1" },
    });
    try {
      await waitForOwnUp(proc, port);
      assert.match(
        proc.output(),
        new RegExp(`listening for http connections at 127\\.0\\.0\\.1:${port}`),
      );
    } finally {
      // deno task forwards SIGTERM to the agent, which stops gracefully.
      assert.equal(await proc.stop(), 0, proc.output());
    }
    assert.match(proc.output(), /stopped/);
  },
});

Deno.test({
  name: "/ready answers 425 until every discovery mechanism has produced its first list",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using target = startTestTarget();
    // A Kubernetes API server whose first pod list waits until the test releases it;
    // watches stay open until it is closed.
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
    const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
      const url = new URL(req.url);
      if (url.searchParams.get("watch") === "1") {
        const body = new ReadableStream<Uint8Array>({ start: (c) => void streams.add(c) });
        return new Response(body, { headers: { "Content-Type": "application/json" } });
      }
      await released;
      return Response.json({
        kind: "PodList",
        apiVersion: "v1",
        metadata: { resourceVersion: "7" },
        items: [],
      });
    });
    try {
      const cfg = `${dir.path}/scrape.yml`;
      await Deno.writeTextFile(
        cfg,
        `scrape_configs:
- job_name: static
  scrape_interval: 1s
  static_configs:
  - targets: ["${target.address}"]
- job_name: k8s
  kubernetes_sd_configs:
  - role: pod
    api_server: http://127.0.0.1:${api.addr.port}
`,
      );
      await using agent = await startLiveAgent([
        `-promscrape.config=${cfg}`,
        `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      ]);
      const ready = async () => {
        const r = await fetch(`${agent.base}/ready`);
        return { status: r.status, text: await r.text() };
      };
      assert.deepEqual(await ready(), {
        status: 425,
        text: "waiting for scrapes to init, left: 1\n",
      });
      assert.equal(await tryGetText(`${agent.base}/health`), "OK");
      release();
      await waitFor("/ready to answer 200", async () => {
        const r = await ready();
        return r.status === 200 ? r : undefined;
      }, 10_000).then((r) => assert.equal(r.text, "OK"));
      await waitFor("a scrape of the static target", () => target.requests() > 0 || undefined);
    } finally {
      release();
      for (const c of streams) {
        try {
          c.close();
        } catch {
          // already closed by the client
        }
      }
      await api.shutdown();
    }
  },
});

Deno.test({
  name: "secrets from the scrape config and the flags appear on no page and in no log line",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using target = startTestTarget();
    await using recv = startTestReceiver();
    const secrets = {
      basicAuth: "cfg-basic-S3cr",
      bearer: "cfg-bearer-S3cr",
      credentials: "cfg-cred-S3cr",
      proxy: "cfg-proxy-S3cr",
      rwURL: "rw-url-S3cr",
      rwQuery: "rw-query-S3cr",
      rwBearer: "rw-bearer-S3cr",
      http: "http-pass-S3cr",
      metricsKey: "metrics-key-S3cr",
      flagsKey: "flags-key-S3cr",
      configKey: "config-key-S3cr",
      reloadKey: "reload-key-S3cr",
    };
    const cfg = `${dir.path}/scrape.yml`;
    const job = (name: string, extra: string) =>
      `- job_name: ${name}\n  scrape_interval: 1s\n${extra}  static_configs:\n  - targets: ["${target.address}"]\n`;
    await Deno.writeTextFile(
      cfg,
      "scrape_configs:\n" +
        job("basic", `  basic_auth:\n    username: u\n    password: ${secrets.basicAuth}\n`) +
        job("bearer", `  bearer_token: ${secrets.bearer}\n`) +
        job(
          "authz",
          `  authorization:\n    type: Token\n    credentials: ${secrets.credentials}\n`,
        ) +
        // Nothing listens at the proxy: its scrapes fail, and the error is shown and logged.
        job("proxied", `  proxy_url: http://pu:${secrets.proxy}@127.0.0.1:${freePort()}\n`),
    );
    const url = new URL(recv.url);
    url.username = "rwuser";
    url.password = secrets.rwURL;
    url.searchParams.set("token", secrets.rwQuery);
    await using agent = await startLiveAgent([
      `-promscrape.config=${cfg}`,
      `-remoteWrite.url=${url}`,
      `-remoteWrite.bearerToken=${secrets.rwBearer}`,
      "-remoteWrite.flushInterval=100ms",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
      "-httpAuth.username=admin",
      `-httpAuth.password=${secrets.http}`,
      `-metricsAuthKey=${secrets.metricsKey}`,
      `-flagsAuthKey=${secrets.flagsKey}`,
      `-configAuthKey=${secrets.configKey}`,
      `-reloadAuthKey=${secrets.reloadKey}`,
    ]);
    const auth = { Authorization: "Basic " + btoa(`admin:${secrets.http}`) };
    const get = async (path: string, headers: HeadersInit = {}) => {
      const r = await fetch(agent.base + path, { headers: { ...auth, ...headers } });
      const text = await r.text();
      assert.equal(r.status, 200, `${path}: ${text}`);
      return text;
    };
    // Every job scraped (the proxied one with an error), and data sent upstream.
    await waitFor("a scrape error of the proxied job", async () => {
      const body = JSON.parse(await get("/api/v1/targets"));
      const active = body.data.activeTargets as { scrapePool: string; lastError: string }[];
      return active.length === 4 && active.find((t) => t.scrapePool === "proxied")?.lastError
        ? true
        : undefined;
    }, 15_000);
    await waitFor("samples at the receiver", () => recv.series.length > 0 || undefined, 15_000);
    const reload = await fetch(`${agent.base}/-/reload?authKey=${secrets.reloadKey}`, {
      method: "POST",
    });
    assert.equal(reload.status, 200, await reload.text());
    const pages: Record<string, string> = {};
    for (
      const p of [
        "/",
        `/metrics?authKey=${secrets.metricsKey}`,
        `/flags?authKey=${secrets.flagsKey}`,
        `/config?authKey=${secrets.configKey}`,
        `/api/v1/status/config?authKey=${secrets.configKey}`,
        "/targets",
        "/api/v1/targets",
        "/service-discovery",
      ]
    ) {
      pages[p.split("?")[0]] = await get(p);
    }
    pages["/targets (html)"] = await get("/targets", { Accept: "text/html" });
    // The pages do show what the secrets belong to.
    assert.match(pages["/config"], /password: <secret>/);
    assert.match(pages["/flags"], /-httpAuth\.password="secret"/);
    assert.match(
      pages["/metrics"],
      /^flag\{name="metricsAuthKey", value="secret", is_set="true"\} 1$/m,
    );
    assert.match(pages["/metrics"], /url="1:secret-url"/);
    assert.match(pages["/targets"], /proxied/);
    assert.equal(await agent.proc.stop(), 0);
    pages["log and stdout"] = agent.proc.output();
    for (const [where, text] of Object.entries(pages)) {
      for (const [name, secret] of Object.entries(secrets)) {
        assert.equal(text.includes(secret), false, `the ${name} secret is shown on ${where}`);
      }
    }
  },
});

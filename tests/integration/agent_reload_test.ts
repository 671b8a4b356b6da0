/**
 * End to end: config reloads by SIGHUP, `/-/reload` (GET, and POST behind
 * `-reloadAuthKey`) and `-promscrape.configCheckInterval`. For each trigger, one agent
 * (printing to stdout, the local default) lives through it all: a new config changes the
 * targets (the removed one ends with staleness markers); identical content changes
 * nothing; a broken config is logged with its file:line and the running targets keep
 * being scraped; data pushed to `/api/v1/write` comes out; SIGTERM ends it with exit
 * code 0 and no staleness markers for the targets still running.
 */
import assert from "node:assert/strict";
import {
  agentMetric,
  type LiveAgent,
  received,
  startLiveAgent,
  startTestReceiver,
  startTestTarget,
  targetKeys,
  writeFileAtomic,
} from "./_agent_run.ts";
import { freePort, startAgent, tempDir, waitFor } from "./_peers.ts";
import { encodeWriteRequest } from "../../lib/remotewrite/write_request_encoder.ts";
import { snappyCompress } from "../../lib/remotewrite/snappy.ts";

const RELOADS = "vm_promscrape_config_reloads_total";
const RELOAD_ERRORS = "vm_promscrape_config_reloads_errors_total";
const LAST_OK = "vm_promscrape_config_last_reload_successful";
const STARTED = 'vm_promscrape_scrapers_started_total{type="static_configs"}';
const STOPPED = 'vm_promscrape_scrapers_stopped_total{type="static_configs"}';

/** How one kind of trigger is set up and fired. */
interface Trigger {
  name: string;
  args: string[];
  /** Fires one reload; for the timer trigger, does nothing (the agent reloads by itself). */
  fire(agent: LiveAgent): Promise<void>;
  /** True when the agent reloads by itself (`-promscrape.configCheckInterval`). */
  periodic?: boolean;
  /** Extra checks right after the agent is up. */
  before?(agent: LiveAgent): Promise<void>;
}

const configA = (live: string, dead: string) =>
  `scrape_configs:
- job_name: e2e
  scrape_interval: 1s
  static_configs:
  - targets: ["${live}", "${dead}"]
`;

const configB = (live: string) =>
  `scrape_configs:
- job_name: e2e
  scrape_interval: 1s
  static_configs:
  - targets: ["${live}"]
- job_name: e2e-second
  scrape_interval: 1s
  static_configs:
  - targets: ["${live}"]
    labels:
      extra: x
`;

// The bad regex is on line 6, column 12.
const configBroken = (live: string) =>
  `scrape_configs:
- job_name: e2e
  scrape_interval: 1s
  relabel_configs:
  - source_labels: [__address__]
    regex: "(unclosed"
  static_configs:
  - targets: ["${live}"]
`;

/** Polls `/metrics` (rebuilt at most once a second) until `id` equals `want`; returns it. */
const agentMetricEventually = (base: string, id: string, want: number) =>
  waitFor(`${id} == ${want}`, async () => {
    const v = await agentMetric(base, id);
    return v === want ? v : undefined;
  }, 10_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (text: string, needle: string) => text.split(needle).length - 1;
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function scenario(trigger: Trigger): Promise<void> {
  await using dir = await tempDir();
  await using target = startTestTarget();
  const dead = `127.0.0.1:${freePort()}`;
  const cfg = `${dir.path}/scrape.yml`;
  await writeFileAtomic(cfg, configA(target.address, dead));
  await using agent = await startLiveAgent([
    `-promscrape.config=${cfg}`,
    `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ...trigger.args,
  ]);
  const { base } = agent;
  const ctx = () =>
    `[${trigger.name}]\n--- agent log ---\n${
      agent.proc.output().split("\n").filter((l) => !/^\w+\{.*\} \S+ \d+$/.test(l)).join("\n")
    }`;
  // `/metrics` is rebuilt at most once a second, so every check of a metric polls.
  const metricIs = (id: string, ok: (v: number) => boolean) =>
    waitFor(`${id} to reach the expected value`, async () => {
      const v = await agentMetric(base, id);
      return ok(v) ? v : undefined;
    }, 10_000);
  const eq = (n: number) => (v: number) => v === n;
  try {
    await waitFor("the first targets", async () => {
      const keys = await targetKeys(base);
      return keys.length === 2 ? keys : undefined;
    }, 10_000);
    assert.deepEqual(await targetKeys(base), [`e2e/${dead}`, `e2e/${target.address}`].sort());
    await metricIs(STARTED, eq(2));
    await waitFor("a first scrape of the live target", () => target.requests() > 0 || undefined);
    // Printed by the local default (no -remoteWrite.url): `name{labels} value timestamp`.
    const deadUp = (value: string) =>
      new RegExp(`^up\\{[^}]*instance="${re(dead)}"[^}]*\\} ${value} \\d+$`, "m");
    await waitFor("up=0 of the dead target on stdout", () => {
      return deadUp("0").test(agent.proc.output()) || undefined;
    }, 10_000);
    await trigger.before?.(agent);

    // (a) A new config: the dead target goes, a second job comes.
    await writeFileAtomic(cfg, configB(target.address));
    await trigger.fire(agent);
    const want = [`e2e-second/${target.address}`, `e2e/${target.address}`].sort();
    await waitFor("the new targets", async () => {
      const keys = await targetKeys(base);
      return JSON.stringify(keys) === JSON.stringify(want) ? keys : undefined;
    }, 10_000);
    // vmagent counts applied changes only in vm_promscrape_config_reloads_total.
    await metricIs(RELOADS, eq(1));
    await metricIs(STARTED, eq(3));
    await metricIs(STOPPED, eq(1));
    await metricIs(LAST_OK, eq(1));
    assert.match(agent.proc.output(), new RegExp(`reloaded 2 scrape configs from ${re(cfg)}`));
    // The removed target's series end with staleness markers.
    await waitFor("a staleness marker for the dead target", () => {
      return deadUp("NaN").test(agent.proc.output()) || undefined;
    }, 10_000);

    // (c) Identical content: nothing changes.
    const unchanged = count(agent.proc.output(), `nothing changed in ${cfg}`);
    await writeFileAtomic(cfg, configB(target.address));
    await trigger.fire(agent);
    if (trigger.periodic) {
      // The periodic check is silent on no change, as vmagent's: let it run a few times.
      await sleep(2_500);
    } else {
      await waitFor(
        "a no-op reload",
        () => count(agent.proc.output(), `nothing changed in ${cfg}`) > unchanged || undefined,
        10_000,
      );
      // Let the cached /metrics page expire, so that what follows reads after the reload.
      await sleep(1_100);
    }
    assert.deepEqual(await targetKeys(base), want);
    await metricIs(RELOADS, eq(1));
    await metricIs(STARTED, eq(3));
    await metricIs(STOPPED, eq(1));
    await metricIs(LAST_OK, eq(1));

    // (b) A broken config: an error naming file:line:column, the old targets keep running.
    await writeFileAtomic(cfg, configBroken(target.address));
    await trigger.fire(agent);
    await metricIs(RELOAD_ERRORS, (v) => v >= 1);
    await metricIs(LAST_OK, eq(0));
    await metricIs(RELOADS, eq(1));
    assert.match(
      agent.proc.output(),
      new RegExp(
        `cannot reload config; keeping the previous one: ${re(cfg)}:6:12: ${
          re(
            'scrape_configs[0].relabel_configs[0].regex: cannot parse `regex` "^(?:(unclosed)$": ' +
              "error parsing regexp: missing closing ): `^(?:(unclosed)$`",
          )
        }`,
      ),
    );
    assert.deepEqual(await targetKeys(base), want);
    const seen = target.requests();
    // Two jobs scrape it every second: it keeps being scraped under the old config.
    await waitFor("scrapes under the old config", () => target.requests() >= seen + 2 || undefined);
    await metricIs(STARTED, eq(3));
    await metricIs(STOPPED, eq(1));

    // (d) Data pushed over /api/v1/write comes out with its labels, value and timestamp.
    const t = Date.now();
    const pushed = new Uint8Array(snappyCompress(encodeWriteRequest([{
      labels: [{ name: "__name__", value: "e2e_reload_pushed" }, {
        name: "trigger",
        value: trigger.name,
      }],
      samples: [{ value: 7.5, timestamp: t }],
    }])));
    const r = await fetch(`${base}/api/v1/write`, { method: "POST", body: pushed });
    assert.equal(r.status, 204, await r.text());
    const line = new RegExp(
      `^e2e_reload_pushed\\{trigger="${re(trigger.name)}"\\} 7\\.5 ${t}$`,
      "m",
    );
    await waitFor("the pushed sample on stdout", () => line.test(agent.proc.output()) || undefined);

    // (e) SIGTERM: a graceful stop, exit code 0, and no staleness markers for the live target.
    agent.proc.child.kill("SIGTERM");
    const code = await waitFor("the agent to exit", async () => {
      const exited = await Promise.race([agent.proc.status, sleep(100).then(() => undefined)]);
      return exited?.code;
    }, 20_000);
    const out = agent.proc.output();
    assert.equal(code, 0);
    assert.match(out, /received a stop signal; stopping gracefully/);
    assert.match(out, /\tstopped$/m);
    const liveStale = new RegExp(`^\\S*instance="${re(target.address)}"\\S* NaN \\d+$`, "m");
    assert.doesNotMatch(out, liveStale, "a staleness marker for a target still running");
    assert.match(out, new RegExp(`^agent_test_gauge\\{[^}]*instance="${re(target.address)}"`, "m"));
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.stack : e}\n${ctx()}`);
  }
}

const byHTTP = (method: "GET" | "POST", query = ""): Trigger["fire"] => async (agent) => {
  const r = await fetch(`${agent.base}/-/reload${query}`, { method });
  await r.body?.cancel();
  assert.equal(r.status, 200);
};

Deno.test({
  name:
    "the agent reloads its config on SIGHUP, /-/reload and -promscrape.configCheckInterval, takes pushes, stops on SIGTERM",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const triggers: Trigger[] = [
      {
        name: "SIGHUP",
        args: [],
        fire: (agent) => Promise.resolve(agent.proc.child.kill("SIGHUP")),
      },
      { name: "GET /-/reload", args: [], fire: byHTTP("GET") },
      {
        name: "POST /-/reload with -reloadAuthKey",
        args: ["-reloadAuthKey=s3cret"],
        fire: byHTTP("POST", "?authKey=s3cret"),
        async before(agent) {
          for (const q of ["", "?authKey=wrong"]) {
            const r = await fetch(`${agent.base}/-/reload${q}`, { method: "POST" });
            const text = await r.text();
            assert.equal(r.status, 401, `POST /-/reload${q}: ${text}`);
            assert.match(text, /reloadAuthKey/);
          }
          // Let the cached /metrics page expire: no reload has happened.
          await sleep(1_100);
          assert.equal(await agentMetric(agent.base, RELOADS), 0);
        },
      },
      {
        name: "-promscrape.configCheckInterval=1s",
        args: ["-promscrape.configCheckInterval=1s"],
        periodic: true,
        fire: () => Promise.resolve(),
      },
    ];
    // Each scenario has its own agent, ports and files: run them side by side.
    await Promise.all(triggers.map((tr) =>
      t.step({
        name: tr.name,
        fn: () => scenario(tr),
        sanitizeOps: false,
        sanitizeResources: false,
        sanitizeExit: false,
      })
    ));
  },
});

Deno.test({
  name: "a SIGHUP during start-up neither ends the agent nor is lost",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using target = startTestTarget();
    const dead = `127.0.0.1:${freePort()}`;
    // The config is served over HTTP; the first answer waits until the test has sent SIGHUP,
    // so the signal arrives while the agent is still reading its config.
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    let requests = 0;
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
      requests++;
      if (requests === 1) {
        await released;
        return new Response(configA(target.address, dead));
      }
      return new Response(configB(target.address));
    });
    const port = freePort();
    const proc = startAgent([
      `-httpListenAddr=127.0.0.1:${port}`,
      `-promscrape.config=http://127.0.0.1:${server.addr.port}/scrape.yml`,
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    let exited = false;
    proc.status.then(() => exited = true);
    let code: number;
    try {
      await waitFor("the agent to ask for its config", () => requests > 0 || undefined, 30_000);
      proc.child.kill("SIGHUP");
      release();
      const base = `http://127.0.0.1:${port}`;
      const want = [`e2e-second/${target.address}`, `e2e/${target.address}`].sort();
      await waitFor("the targets of the config read by the reload", async () => {
        if (exited) throw new Error(`the agent exited: ${JSON.stringify(await proc.status)}`);
        const keys = await targetKeys(base);
        return JSON.stringify(keys) === JSON.stringify(want) ? keys : undefined;
      }, 15_000).catch((e) => {
        throw new Error(`${e}\n--- agent output ---\n${proc.output()}`);
      });
      assert.equal(requests, 2);
      assert.equal(await agentMetricEventually(base, RELOADS, 1), 1);
    } finally {
      release();
      code = await proc.stop();
      await server.shutdown();
    }
    assert.equal(code, 0, proc.output());
  },
});

Deno.test({
  name: "SIGHUP reloads -remoteWrite.relabelConfig apart from the scrape config",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    await using target = startTestTarget();
    await using recv = startTestReceiver();
    const cfg = `${dir.path}/scrape.yml`;
    const rel = `${dir.path}/relabel.yml`;
    const relabel = (v: string) =>
      `- target_label: rw\n  replacement: ${v}\n- action: keep\n  source_labels: [__name__]\n  regex: e2e_relabel_probe\n`;
    await writeFileAtomic(cfg, "scrape_configs: []\n");
    await writeFileAtomic(rel, relabel("v1"));
    await using agent = await startLiveAgent([
      `-promscrape.config=${cfg}`,
      `-remoteWrite.url=${recv.url}`,
      `-remoteWrite.relabelConfig=${rel}`,
      "-remoteWrite.flushInterval=100ms",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ]);
    const metricIs = (id: string, want: number) => agentMetricEventually(agent.base, id, want);
    let n = 0;
    /** Pushes one probe sample and returns the `rw` label it arrived with. */
    const probe = async (): Promise<string> => {
      const i = String(++n);
      const r = await fetch(`${agent.base}/api/v1/import/prometheus`, {
        method: "POST",
        body: `e2e_relabel_probe{i="${i}"} 1\n`,
      });
      assert.equal(r.status, 204, await r.text());
      const row = await waitFor(
        `probe ${i} at the receiver`,
        () => received(recv, "e2e_relabel_probe").find((s) => s.labels.i === i),
      );
      return row.labels.rw;
    };
    const sighup = () => agent.proc.child.kill("SIGHUP");

    assert.equal(await probe(), "v1");
    await metricIs("vmagent_relabel_config_last_reload_successful", 1);

    // A new relabel file applies on SIGHUP; the unchanged scrape config is not counted.
    await writeFileAtomic(rel, relabel("v2"));
    sighup();
    await metricIs("vmagent_relabel_config_reloads_total", 1);
    assert.equal(await probe(), "v2");
    await metricIs(RELOADS, 0);

    // A broken relabel file is kept out, while the scrape config change goes through.
    await writeFileAtomic(rel, "- action: replace\n  regex: '(x'\n  target_label: rw\n");
    await writeFileAtomic(
      cfg,
      `scrape_configs:\n- job_name: e2e\n  scrape_interval: 1s\n  static_configs:\n  - targets: ["${target.address}"]\n`,
    );
    sighup();
    await waitFor("the new scrape target", async () => {
      const keys = await targetKeys(agent.base);
      return keys.length === 1 ? keys : undefined;
    }, 10_000);
    await metricIs(RELOADS, 1);
    await metricIs("vmagent_relabel_config_reloads_errors_total", 1);
    await metricIs("vmagent_relabel_config_last_reload_successful", 0);
    assert.match(
      agent.proc.output(),
      new RegExp(`cannot reload relabel configs; keeping the previous ones: ${re(rel)}:2:10: `),
    );
    assert.equal(await probe(), "v2");
  },
});

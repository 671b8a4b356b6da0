/**
 * End to end: the agent started with no flags but a listen address scrapes its own
 * `/metrics` with the embedded config and prints the samples to stdout, both through
 * `main.ts` and through `deno task start` exactly as the README says.
 */
import assert from "node:assert/strict";
import { freePort, type Proc, REPO_ROOT, start, startAgent, waitFor } from "./_peers.ts";
import { assertNoStackTrace } from "./_agent_run.ts";

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

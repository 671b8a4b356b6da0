/**
 * The flag defaults that follow the CPU count read the cgroup CPU quota, as vmagent's do:
 * the agent started inside a cgroup limited to one CPU sends with two queues (2 × CPUs),
 * whatever the machine's core count. Needs a writable cgroup v1
 * `cpu` hierarchy (root on this kind of machine); ignored where there is none. Deno asks
 * for --allow-all to write under /sys, so a shell does the cgroup work.
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort, REPO_ROOT, start, tempDir, tryGetText, waitFor } from "./_peers.ts";

const CPU_ROOT = "/sys/fs/cgroup/cpu";

function sh(script: string): boolean {
  return new Deno.Command("/bin/sh", { args: ["-c", script], stdout: "null", stderr: "null" })
    .outputSync().success;
}

const probe = `${CPU_ROOT}/vmagent-deno-probe-${Deno.pid}`;
const writable = sh(`mkdir ${probe} && rmdir ${probe}`);

Deno.test({
  name: "a 1-CPU cgroup quota makes the default of -remoteWrite.queues 2",
  ignore: !writable,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using dir = await tempDir();
    const cg = `${CPU_ROOT}/vmagent-deno-test-${Deno.pid}`;
    assert.ok(
      sh(
        `mkdir ${cg} && echo 100000 > ${cg}/cpu.cfs_period_us && ` +
          `echo 100000 > ${cg}/cpu.cfs_quota_us`,
      ),
      "cannot set up the cgroup",
    );
    const port = freePort();
    // The shell joins the cgroup, then becomes the agent (exec), which so runs inside it.
    const agent = start("/bin/sh", [
      "-c",
      `echo $$ > ${cg}/cgroup.procs && exec "$0" "$@"`,
      Deno.execPath(),
      "run",
      "-P=agent",
      `${REPO_ROOT}main.ts`,
      `-httpListenAddr=127.0.0.1:${port}`,
      "-remoteWrite.url=http://127.0.0.1:1/api/v1/write",
      `-remoteWrite.tmpDataPath=${dir.path}/rw`,
    ], { cwd: REPO_ROOT });
    try {
      const text = await waitFor(
        "the agent's /metrics",
        () => tryGetText(`http://127.0.0.1:${port}/metrics`),
        30_000,
      );
      assert.match(text, /^vmagent_remotewrite_queues\{url="1:secret-url"\} 2$/m);
      // The resource gauges vmagent's dashboard reads report the quota too.
      assert.match(text, /^vm_available_cpu_cores 1$/m);
      assert.match(text, /^process_cpu_cores_available 1$/m);
    } finally {
      await agent.stop();
      sh(`rmdir ${cg}`);
    }
  },
});

/**
 * The receiver helpers of `_vm.ts` never leave a process behind: when a receiver they
 * started exits or does not answer in time, the start call rejects with a clear message
 * after killing and reaping that process, which is checked by its exit status (SIGKILL
 * is ours) and by its pid no longer existing.
 */
import assert from "node:assert/strict";
import { freePort, havePeers, tempDir } from "./_peers.ts";
import {
  type ReceiverOptions,
  ReceiverStartError,
  startPrometheus,
  startVictoriaMetrics,
} from "./_vm.ts";

type Starter = typeof startVictoriaMetrics;

/** True when no process has `pid` (a harmless SIGCONT to it fails with ESRCH). */
function gone(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  }
}

/**
 * Starts a receiver that cannot become ready and checks the rejection: its message
 * matches `message`, the process was `killed` by us (SIGKILL) or exited by itself, and
 * its pid no longer exists.
 */
async function f(
  startReceiver: Starter,
  opts: ReceiverOptions,
  want: { message: RegExp; killed: boolean },
): Promise<void> {
  await using dir = await tempDir();
  const err = await startReceiver(`${dir.path}/data`, opts).then(
    (r) => r.stop().then(() => assert.fail("the receiver became ready")),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ReceiverStartError, `a ReceiverStartError: ${err}`);
  assert.match(err.message, want.message);
  assert.match(err.message, new RegExp(`its process ${err.pid} `));
  assert.equal(err.status.signal === "SIGKILL", want.killed, err.message);
  if (!want.killed) assert.notEqual(err.status.code, 0, err.message);
  assert.ok(gone(err.pid), `process ${err.pid} is gone`);
}

/** One receiver that cannot become ready, and how its start must fail. */
interface Case {
  name: string;
  peer: "victoria-metrics" | "prometheus";
  opts: () => ReceiverOptions & Partial<Disposable>;
  want: { message: RegExp; killed: boolean };
}

const cases: Case[] = [{
  name: "startVictoriaMetrics() kills and reaps its process when it is not ready in time",
  peer: "victoria-metrics",
  // With a path prefix, /health answers 400 while the process keeps running.
  opts: () => ({ extraArgs: ["-http.pathPrefix=/elsewhere"], readyTimeoutMs: 1_500 }),
  want: {
    message: /^victoria-metrics did not become ready at .*\/health \(timed out after 1500ms/,
    killed: true,
  },
}, {
  name: "startVictoriaMetrics() rejects with the peer's output when it exits before it is ready",
  peer: "victoria-metrics",
  opts: () => ({ extraArgs: ["-no-such-flag"] }),
  want: {
    message: /a process exited while waiting[^]*exited with code 2[^]*no-such-flag/,
    killed: false,
  },
}, {
  name: "startVictoriaMetrics() rejects when its port is already taken",
  peer: "victoria-metrics",
  // The listener never accepts, so a readiness probe there would hang but for its own timeout.
  opts: () => {
    const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    return { port: (taken.addr as Deno.NetAddr).port, [Symbol.dispose]: () => taken.close() };
  },
  want: { message: /a process exited while waiting[^]*address already in use/, killed: false },
}, {
  name: "startPrometheus() kills and reaps its process when it is not ready in time",
  peer: "prometheus",
  // With a route prefix, /-/ready answers 404 while the process keeps running.
  opts: () => ({ extraArgs: ["--web.route-prefix=/elsewhere"], readyTimeoutMs: 1_500 }),
  want: {
    message: /^prometheus did not become ready at .*\/-\/ready \(timed out after 1500ms/,
    killed: true,
  },
}, {
  name: "startPrometheus() rejects with the peer's output when it exits before it is ready",
  peer: "prometheus",
  opts: () => ({ extraArgs: ["--no-such-flag"] }),
  want: { message: /exited with code 1[^]*unknown long flag '--no-such-flag'/, killed: false },
}];

for (const c of cases) {
  Deno.test({
    name: c.name,
    ignore: !havePeers(c.peer),
    async fn() {
      const opts = c.opts();
      try {
        await f(c.peer === "prometheus" ? startPrometheus : startVictoriaMetrics, opts, c.want);
      } finally {
        opts[Symbol.dispose]?.();
      }
    },
  });
}

Deno.test("freePort() returns a bindable port below the kernel's ephemeral range", () => {
  const seen = new Set<number>();
  for (let i = 0; i < 20; i++) {
    const port = freePort();
    assert.ok(port >= 20_000 && port < 32_768, `port ${port} is outside 20000..32767`);
    const l = Deno.listen({ hostname: "127.0.0.1", port });
    l.close();
    seen.add(port);
  }
  assert.ok(seen.size > 1, "twenty picks gave one port: the draw is not random");
});

/**
 * Helpers for the end-to-end tests of the whole agent (`agent_*_test.ts`): run `main.ts`
 * to completion or in the background on a free loopback port, a scrape target and a
 * remote write receiver served from the test process, and small readers of the
 * agent's `/metrics` and `/api/v1/targets`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeWriteRequest } from "../../lib/remotewrite/write_request_decoder.ts";
import { snappyDecompress } from "../../lib/remotewrite/snappy.ts";
import type { TimeSeries } from "../../lib/util/series.ts";
import {
  AGENT_PERMISSION_ARGS,
  freePort,
  type Proc,
  REPO_ROOT,
  startAgent,
  tryGetText,
  waitFor,
} from "./_peers.ts";

/** Test fixtures of these tests. */
export const AGENT_TESTDATA: string = `${REPO_ROOT}tests/testdata/agent`;

/** What a finished agent run printed and how it exited. */
export interface AgentExit {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `main.ts` with `args` until it exits (killed after `timeoutMs`) and returns its output.
 * Deno's own warning about permissions in the config file is removed from stderr.
 * Unless `args` name `-httpListenAddr`, it is set to `127.0.0.1:0`, so a run that starts
 * serving by mistake listens on loopback only, never on vmagent's default `:8429`.
 */
export async function runAgentToExit(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<AgentExit> {
  const listen = args.some((a) => /^--?httpListenAddr(=|$)/.test(a))
    ? []
    : ["-httpListenAddr=127.0.0.1:0"];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...AGENT_PERMISSION_ARGS, `${REPO_ROOT}main.ts`, ...listen, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...opts.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: withoutDenoWarnings(dec.decode(out.stderr)),
  };
}

/** Removes Deno's "Permissions in the config file is an experimental feature" line. */
export function withoutDenoWarnings(text: string): string {
  return text.split("\n").filter((l) => !/^Warning\b.*experimental feature/.test(l)).join("\n");
}

/** Asserts that `text` holds no JavaScript stack trace and no uncaught error report. */
export function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^ {4}at /m, `a stack trace was printed:\n${text}`);
  assert.doesNotMatch(text, /error: Uncaught/, `an uncaught error was printed:\n${text}`);
}

/** A background agent on a free loopback port, stopped (SIGTERM) on dispose. */
export interface LiveAgent extends AsyncDisposable {
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  proc: Proc;
}

/**
 * Starts `main.ts` with `-httpListenAddr=127.0.0.1:<free port>` plus `args` and waits until
 * `/health` answers (or the process exits, which fails with its output).
 */
export async function startLiveAgent(
  args: string[],
  opts: { env?: Record<string, string>; port?: number } = {},
): Promise<LiveAgent> {
  const port = opts.port ?? freePort();
  const proc = startAgent([`-httpListenAddr=127.0.0.1:${port}`, ...args], { env: opts.env });
  const base = `http://127.0.0.1:${port}`;
  let exited = false;
  proc.status.then(() => exited = true);
  try {
    await waitFor(
      `agent on ${base} to serve /health`,
      async () => {
        if (exited) throw new Error(`the agent exited early:\n${proc.output()}`);
        return await tryGetText(`${base}/health`);
      },
      30_000,
      100,
    );
  } catch (e) {
    await proc.stop("SIGKILL");
    throw new Error(`${e}\n--- agent output ---\n${proc.output()}`);
  }
  return {
    port,
    base,
    proc,
    async [Symbol.asyncDispose]() {
      await proc.stop("SIGTERM", 10_000);
    },
  };
}

/**
 * Returns the value of the series `id` (exactly as written, e.g. `up{job="a"}`) in a
 * Prometheus text exposition, or undefined when it is not there.
 */
export function metricValue(text: string, id: string): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(id + " ")) return Number(line.slice(id.length + 1).split(" ")[0]);
  }
  return undefined;
}

/** Fetches the agent's `/metrics` and returns the value of `id` (0 when absent). */
export async function agentMetric(base: string, id: string): Promise<number> {
  const text = await tryGetText(`${base}/metrics`);
  if (text === undefined) throw new Error(`cannot read ${base}/metrics`);
  return metricValue(text, id) ?? 0;
}

/** An active target as `/api/v1/targets` shows it. */
export interface ApiTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: string;
  lastScrape: string;
}

/** Reads the active targets from the agent's `/api/v1/targets`. */
export async function activeTargets(base: string): Promise<ApiTarget[]> {
  const r = await fetch(`${base}/api/v1/targets?state=active`);
  assert.equal(r.status, 200);
  const body = await r.json();
  return body.data.activeTargets as ApiTarget[];
}

/** `job/instance` of each active target, sorted: a compact view for comparisons. */
export async function targetKeys(base: string): Promise<string[]> {
  return (await activeTargets(base)).map((t) => `${t.scrapePool}/${t.labels.instance}`).sort();
}

/** A scrape target served from the test process. */
export interface TestTarget extends AsyncDisposable {
  /** `127.0.0.1:<port>` */
  address: string;
  /** How many scrapes it has answered so far. */
  requests(): number;
}

/** Serves `/metrics` with one gauge on a free loopback port and counts the scrapes. */
export function startTestTarget(): TestTarget {
  let n = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => {
      n++;
      return new Response(`# TYPE agent_test_gauge gauge\nagent_test_gauge{kind="e2e"} 42\n`, {
        headers: { "Content-Type": "text/plain; version=0.0.4" },
      });
    },
  );
  return {
    address: `127.0.0.1:${server.addr.port}`,
    requests: () => n,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A Prometheus remote write receiver served from the test process. */
export interface TestReceiver extends AsyncDisposable {
  port: number;
  /** `http://127.0.0.1:<port>/api/v1/write` */
  url: string;
  /** Every series received so far, decoded. */
  series: TimeSeries[];
  /** The headers of the last request. */
  lastHeaders?: Headers;
}

/**
 * Serves `/api/v1/write` on `port` (free by default): decodes each snappy `WriteRequest`
 * with the project's decoder and keeps the series; answers 204, or 400 on a bad body.
 */
export function startTestReceiver(port = 0): TestReceiver {
  const recv: Omit<TestReceiver, "port" | "url" | typeof Symbol.asyncDispose> = { series: [] };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    async (req) => {
      recv.lastHeaders = req.headers;
      try {
        const body = new Uint8Array(await req.arrayBuffer());
        recv.series.push(...decodeWriteRequest(snappyDecompress(body)));
        return new Response(null, { status: 204 });
      } catch (e) {
        return new Response(String(e), { status: 400 });
      }
    },
  );
  const p = server.addr.port;
  return Object.assign(recv, {
    port: p,
    url: `http://127.0.0.1:${p}/api/v1/write`,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  });
}

/** The series received with metric name `name`, as `{labels, samples}` with labels as an object. */
export function received(
  recv: TestReceiver,
  name: string,
): { labels: Record<string, string>; samples: [number, number][] }[] {
  return recv.series
    .filter((s) => s.labels.some((l) => l.name === "__name__" && l.value === name))
    .map((s) => ({
      labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
      samples: s.samples.map((x) => [x.timestamp, x.value] as [number, number]),
    }));
}

/** Writes `text` to `path` atomically (write then rename), so a reload never reads half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
}

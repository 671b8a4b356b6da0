/**
 * Real receivers for the integration tests: VictoriaMetrics single node and
 * Prometheus 2.42 (remote write receiver) on loopback, restartable on the same
 * port and data folder, with readers that return exact samples: VictoriaMetrics'
 * `/api/v1/export` (which prints `+Inf`, `-Inf` and `NaN` unquoted, so it is not
 * plain JSON) and `/api/v1/series`, Prometheus' `/api/v1/query` and `/api/v1/series`.
 *
 * This module alone starts and stops these receivers. A process it spawned that does not
 * become ready (it exits, or does not answer in time) is killed through its own
 * `ChildProcess` handle and reaped before the start call rejects.
 *
 * @module
 */
import { freePort, peerPath, type Proc, start, tryGetText, waitFor } from "./_peers.ts";

/** How long one readiness probe may take. */
const PROBE_TIMEOUT_MS = 2_000;
/** How long a graceful stop waits before SIGKILL. */
const STOP_WAIT_MS = 15_000;
/** How long to wait after SIGKILL before sending it again (the wait for exit goes on). */
const KILL_WAIT_MS = 5_000;

/** A running receiver. `restart()` starts it again on the same port and data folder. */
export interface Receiver {
  readonly kind: "victoria-metrics" | "prometheus";
  readonly port: number;
  readonly dataDir: string;
  /** The remote write URL (`/api/v1/write`). */
  readonly writeURL: string;
  /** The current process (replaced by `restart()`). */
  proc: Proc;
  /** Stops the process gracefully (SIGTERM, SIGKILL after 15 s) and waits for it. */
  stop(): Promise<void>;
  /** Starts the process again on the same port and data folder and waits until it is ready. */
  restart(): Promise<void>;
}

/** Options of {@linkcode startVictoriaMetrics} and {@linkcode startPrometheus}. */
export interface ReceiverOptions {
  /** The loopback port to listen on. @default a free port */
  port?: number;
  /** How long to wait for the readiness path to answer 2xx. @default 30_000 */
  readyTimeoutMs?: number;
  /** Flags put after ours (for a flag given twice, the later one wins). @default [] */
  extraArgs?: string[];
}

/**
 * Thrown by {@linkcode startVictoriaMetrics}, {@linkcode startPrometheus} and
 * {@linkcode Receiver.restart} when the receiver did not become ready. The process is
 * already gone: `status` is its exit status after it exited or was killed.
 */
export class ReceiverStartError extends Error {
  /** The process id of the receiver that was started (and is now reaped). */
  readonly pid: number;
  /** Its exit status; `signal` is `"SIGKILL"` when it was alive and we killed it. */
  readonly status: Deno.CommandStatus;

  /** Builds the error; `message` says why the receiver was not ready. */
  constructor(message: string, pid: number, status: Deno.CommandStatus) {
    super(message);
    this.name = "ReceiverStartError";
    this.pid = pid;
    this.status = status;
  }
}

/**
 * One series read back: its name, its other labels, and `[timestamp ms, value]` points
 * (a staleness marker reads as `null` or NaN: see {@linkcode isStaleMarker}).
 */
export interface ExportedSeries {
  name: string;
  labels: Record<string, string>;
  points: [number, number | null][];
}

/** How to run one receiver and tell when it is ready. */
interface Launch {
  kind: Receiver["kind"];
  bin: string;
  args: string[];
  port: number;
  readyPath: string;
  readyTimeoutMs: number;
}

/**
 * Spawns the receiver and waits until `readyPath` answers 2xx. When it exits first or the
 * wait times out, kills it (SIGKILL through its handle), waits for it, and throws.
 */
async function spawnReady(l: Launch): Promise<Proc> {
  const url = `http://127.0.0.1:${l.port}${l.readyPath}`;
  const proc = start(l.bin, l.args);
  try {
    await waitWhileRunning(
      [proc],
      `${l.kind} at ${url}`,
      () => tryGetText(url, { timeoutMs: PROBE_TIMEOUT_MS }),
      l.readyTimeoutMs,
    );
    return proc;
  } catch (e) {
    await proc.stop("SIGKILL", KILL_WAIT_MS);
    const status = await proc.status;
    const how = status.signal === null
      ? `exited with code ${status.code}`
      : `was stopped by ${status.signal}`;
    const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    throw new ReceiverStartError(
      `${l.kind} did not become ready at ${url} (${reason}); its process ${proc.child.pid} ${how}; ` +
        `last output:\n${proc.output().slice(-2000)}`,
      proc.child.pid,
      status,
    );
  }
}

async function launch(
  kind: Receiver["kind"],
  dataDir: string,
  ourArgs: (port: number) => string[],
  readyPath: string,
  opts: ReceiverOptions,
): Promise<Receiver> {
  const bin = peerPath(kind);
  if (bin === undefined) throw new Error(`peer ${kind} is not available`);
  const port = opts.port ?? freePort();
  const l: Launch = {
    kind,
    bin,
    args: [...ourArgs(port), ...opts.extraArgs ?? []],
    port,
    readyPath,
    readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
  };
  const r: Receiver = {
    kind,
    port,
    dataDir,
    writeURL: `http://127.0.0.1:${port}/api/v1/write`,
    proc: await spawnReady(l),
    async stop() {
      await r.proc.stop("SIGTERM", STOP_WAIT_MS);
    },
    async restart() {
      await r.proc.stop("SIGTERM", STOP_WAIT_MS);
      r.proc = await spawnReady(l);
    },
  };
  return r;
}

/**
 * Starts VictoriaMetrics single node storing in `dataDir` with the query latency offset
 * and the search cache off, and waits for `/health`. Rejects with a
 * {@linkcode ReceiverStartError} (the process already killed) when it is not ready.
 *
 * @example
 * ```ts
 * await using dir = await tempDir();
 * const vm = await startVictoriaMetrics(`${dir.path}/vm`);
 * try {
 *   // ... write to vm.writeURL, then: await vmExport(vm, '{job="x"}')
 * } finally {
 *   await vm.stop();
 * }
 * ```
 */
export async function startVictoriaMetrics(
  dataDir: string,
  opts: ReceiverOptions = {},
): Promise<Receiver> {
  return await launch(
    "victoria-metrics",
    dataDir,
    (port) => [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dataDir}`,
      "-retentionPeriod=100y",
      "-search.latencyOffset=0s",
      "-search.disableCache",
      "-loggerLevel=ERROR",
    ],
    "/health",
    opts,
  );
}

/**
 * Starts Prometheus 2.42 with the remote write receiver on, storing in `dataDir` with a
 * config that scrapes nothing, and waits for `/-/ready`. Rejects with a
 * {@linkcode ReceiverStartError} (the process already killed) when it is not ready.
 */
export async function startPrometheus(
  dataDir: string,
  opts: ReceiverOptions = {},
): Promise<Receiver> {
  await Deno.mkdir(dataDir, { recursive: true });
  const config = `${dataDir}/prometheus.yml`;
  await Deno.writeTextFile(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
  return await launch(
    "prometheus",
    dataDir,
    (port) => [
      "--web.enable-remote-write-receiver",
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${dataDir}/tsdb`,
      `--config.file=${config}`,
      "--log.level=error",
    ],
    "/-/ready",
    opts,
  );
}

/**
 * True for a staleness marker in {@linkcode vmExport} output: VictoriaMetrics drops plain
 * NaN samples and prints the markers as `null` (or `NaN`).
 */
export function isStaleMarker(value: number | null): boolean {
  return value === null || Number.isNaN(value);
}

/** Makes VictoriaMetrics' recently ingested data searchable at once. */
export async function vmForceFlush(vm: Receiver): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${vm.port}/internal/force_flush`);
  await r.body?.cancel();
  if (!r.ok) throw new Error(`force_flush: ${r.status}`);
}

/**
 * Parses one line of VictoriaMetrics' `/api/v1/export`. Its `values` array holds bare
 * `+Inf`, `-Inf`, `NaN` and `null` (a staleness marker); every other part is JSON. A label
 * value cannot contain the bare text `"values":[` (its quotes would be escaped), so the
 * array is found by that key.
 *
 * @example
 * ```ts
 * parseExportLine('{"metric":{"__name__":"a"},"values":[1,+Inf,null],"timestamps":[1,2,3]}');
 * // { name: "a", labels: {}, points: [[1, 1], [2, Infinity], [3, null]] }
 * ```
 */
export function parseExportLine(line: string): ExportedSeries {
  const key = '"values":[';
  const at = line.indexOf(key);
  if (at < 0) throw new Error(`no values in export line: ${line}`);
  const end = line.indexOf("]", at + key.length);
  const raw = line.slice(at + key.length, end).trim();
  const values = raw === "" ? [] : raw.split(",").map((s): number | null => {
    const t = s.trim();
    if (t === "null") return null;
    if (t === "+Inf" || t === "Inf") return Infinity;
    if (t === "-Inf") return -Infinity;
    if (t === "NaN") return NaN;
    const v = Number(t);
    if (t === "" || Number.isNaN(v)) throw new Error(`bad value ${t} in export line: ${line}`);
    return v;
  });
  const row = JSON.parse(line.slice(0, at) + '"values":[]' + line.slice(end + 1)) as {
    metric: Record<string, string>;
    timestamps: number[];
  };
  if (row.timestamps.length !== values.length) {
    throw new Error(`values and timestamps differ in length: ${line}`);
  }
  const { __name__: name = "", ...labels } = row.metric;
  return { name, labels, points: row.timestamps.map((t, i) => [t, values[i]]) };
}

/**
 * Reads every series matching `selector` (a series selector such as `{agent="ours"}`)
 * from VictoriaMetrics' `/api/v1/export` over all time, after a forced flush. Points are
 * sorted by timestamp, as VictoriaMetrics returns them.
 */
export async function vmExport(vm: Receiver, selector: string): Promise<ExportedSeries[]> {
  await vmForceFlush(vm);
  const u = new URL(`http://127.0.0.1:${vm.port}/api/v1/export`);
  u.searchParams.set("match[]", selector);
  u.searchParams.set("start", "0");
  const r = await fetch(u);
  const text = await r.text();
  if (!r.ok) throw new Error(`export ${selector}: ${r.status} ${text}`);
  return text.split("\n").filter((l) => l.trim() !== "").map(parseExportLine);
}

/** Reads the label sets of every series matching `selector` from VictoriaMetrics' `/api/v1/series`. */
export async function vmSeries(vm: Receiver, selector: string): Promise<Record<string, string>[]> {
  await vmForceFlush(vm);
  return await apiData(vm, "/api/v1/series", { "match[]": selector, start: "0" });
}

/** A Prometheus API vector or matrix element. */
export interface PromResult {
  metric: Record<string, string>;
  /** Instant vector: `[seconds, "value"]`. */
  value?: [number, string];
  /** Range vector: `[seconds, "value"]` pairs. */
  values?: [number, string][];
}

/** Runs `/api/v1/query` at `timeMs` (the receiver's clock: now by default) and returns `data.result`. */
export async function promQuery(
  p: Receiver,
  query: string,
  timeMs: number = Date.now(),
): Promise<PromResult[]> {
  const data = await apiData<{ result: PromResult[] }>(p, "/api/v1/query", {
    query,
    time: String(timeMs / 1000),
  });
  return data.result;
}

/** Reads the label sets of every series matching `selector` from Prometheus' `/api/v1/series` (all time). */
export async function promSeries(p: Receiver, selector: string): Promise<Record<string, string>[]> {
  return await apiData(p, "/api/v1/series", { "match[]": selector, start: "0" });
}

async function apiData<T>(r: Receiver, path: string, params: Record<string, string>): Promise<T> {
  const u = new URL(`http://127.0.0.1:${r.port}${path}`);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  const res = await fetch(u);
  const text = await res.text();
  let body: { status?: string; data?: T; error?: string };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${r.kind} ${path}: ${res.status} ${text.slice(0, 500)}`);
  }
  if (body.status !== "success") throw new Error(`${r.kind} ${path}: ${text.slice(0, 500)}`);
  return body.data as T;
}

/** A label set as one sorted, comparable line: `name{a="1",b="2"}` with JSON-quoted values. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels).sort().map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return `${name}{${parts.join(",")}}`;
}

/**
 * Polls `fn` like {@linkcode waitFor} (every 300 ms, up to `timeoutMs`), but fails at once,
 * with the process's last output, when one of `procs` exits meanwhile.
 */
export async function waitWhileRunning<T>(
  procs: readonly Proc[],
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  let dead: Proc | undefined;
  for (const p of procs) p.status.then(() => dead ??= p);
  const r = await waitFor(
    what,
    async (): Promise<{ value: T } | undefined> => {
      if (dead !== undefined) return { value: undefined as T };
      const v = await fn();
      return v === undefined ? undefined : { value: v };
    },
    timeoutMs,
    300,
  );
  if (dead !== undefined) {
    throw new Error(`a process exited while waiting for ${what}:\n${dead.output().slice(-3000)}`);
  }
  return r.value;
}

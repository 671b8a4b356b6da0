/**
 * Real remote storages for the remote write integration tests: VictoriaMetrics
 * single node and Prometheus 2.42 (remote write receiver) on loopback, with
 * helpers that read back exact samples.
 *
 * @module
 */
import {
  freePort,
  peerPath,
  type Proc,
  start,
  tryGetText,
  waitFor,
} from "../integration/_peers.ts";

/** A running storage with its write URL. */
export interface Storage {
  proc: Proc;
  port: number;
  writeURL: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** One exported series: labels (without `__name__`), its name, and [timestamp, value] pairs. */
export interface ExportedSeries {
  name: string;
  labels: Record<string, string>;
  points: [number, number | null][];
}

/**
 * Starts VictoriaMetrics single node on `port` (a free one by default), storing in `dataDir`.
 * Resolves once it answers `/health`.
 */
export async function startVictoriaMetrics(dataDir: string, port = freePort()): Promise<Storage> {
  const bin = peerPath("victoria-metrics");
  if (bin === undefined) throw new Error("victoria-metrics peer is missing");
  const proc = start(bin, [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${dataDir}`,
    "-retentionPeriod=100y",
    "-search.latencyOffset=0s",
    "-search.disableCache",
    "-loggerLevel=ERROR",
  ]);
  await waitFor(
    "victoria-metrics /health",
    () => tryGetText(`http://127.0.0.1:${port}/health`),
    30_000,
    100,
  );
  return {
    proc,
    port,
    dataDir,
    writeURL: `http://127.0.0.1:${port}/api/v1/write`,
    stop: async () => {
      await proc.stop("SIGTERM", 10_000);
    },
  };
}

/** Makes VictoriaMetrics' recent data searchable at once. */
export async function forceFlush(s: Storage): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${s.port}/internal/force_flush`);
  await r.body?.cancel();
}

/** Reads every series matching `selector` from VictoriaMetrics' `/api/v1/export` (all time). */
export async function exportVM(s: Storage, selector: string): Promise<ExportedSeries[]> {
  await forceFlush(s);
  const u = new URL(`http://127.0.0.1:${s.port}/api/v1/export`);
  u.searchParams.set("match[]", selector);
  u.searchParams.set("start", "0");
  const r = await fetch(u);
  const text = await r.text();
  if (!r.ok) throw new Error(`export: ${r.status} ${text}`);
  const out: ExportedSeries[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    // VictoriaMetrics writes infinities bare (`+Inf`), which is not JSON.
    const json = line.replace(/([,[])([+-]Inf|NaN)(?=[,\]])/g, '$1"$2"');
    const row = JSON.parse(json) as {
      metric: Record<string, string>;
      values: (number | null | string)[];
      timestamps: number[];
    };
    const { __name__: name = "", ...labels } = row.metric;
    out.push({
      name,
      labels,
      points: row.timestamps.map((t, i) => {
        const v = row.values[i];
        if (v === null) return [t, null];
        if (v === "+Inf") return [t, Infinity];
        if (v === "-Inf") return [t, -Infinity];
        return [t, Number(v)];
      }),
    });
  }
  return out.sort((a, b) =>
    JSON.stringify([a.name, a.labels]) < JSON.stringify([b.name, b.labels]) ? -1 : 1
  );
}

/** Starts Prometheus 2.42 with the remote write receiver on, storing in `dataDir`. */
export async function startPrometheus(dataDir: string, port = freePort()): Promise<Storage> {
  const bin = peerPath("prometheus");
  if (bin === undefined) throw new Error("prometheus peer is missing");
  const config = `${dataDir}/prometheus.yml`;
  Deno.mkdirSync(dataDir, { recursive: true });
  Deno.writeTextFileSync(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
  const proc = start(bin, [
    "--web.enable-remote-write-receiver",
    `--web.listen-address=127.0.0.1:${port}`,
    `--storage.tsdb.path=${dataDir}/tsdb`,
    `--config.file=${config}`,
    "--log.level=error",
  ]);
  await waitFor(
    "prometheus /-/ready",
    () => tryGetText(`http://127.0.0.1:${port}/-/ready`),
    30_000,
    100,
  );
  return {
    proc,
    port,
    dataDir,
    writeURL: `http://127.0.0.1:${port}/api/v1/write`,
    stop: async () => {
      await proc.stop("SIGTERM", 10_000);
    },
  };
}

/** Runs a Prometheus HTTP API query and returns `data.result`. */
export async function queryPrometheus(
  s: Storage,
  query: string,
  timeMs: number,
): Promise<
  { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[]
> {
  const u = new URL(`http://127.0.0.1:${s.port}/api/v1/query`);
  u.searchParams.set("query", query);
  u.searchParams.set("time", String(timeMs / 1000));
  const r = await fetch(u);
  const body = await r.json();
  if (body.status !== "success") throw new Error(`query ${query}: ${JSON.stringify(body)}`);
  return body.data.result;
}

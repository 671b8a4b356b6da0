/**
 * One measured run: start an agent against the running farm and sink, wait for
 * data, let it warm up, then measure a window (CPU and memory from /proc, what
 * the farm served, what the sink received) and stop it.
 *
 * @module
 */
import { freePort } from "../tests/integration/_peers.ts";
import { type AgentName, logTail, startAgent } from "./_agent.ts";
import type { FarmStats } from "./_farm.ts";
import type { Load } from "./_options.ts";
import { loadAverage, machineTicks, readProcTree, selfCpuSeconds } from "./_proc.ts";
import type { RunResult } from "./_report.ts";
import type { WorkerClient } from "./_rpc.ts";
import type { SinkWindow } from "./_sink.ts";
import type { SinkCounts } from "./_sink_counter.ts";

/** What a run needs. */
export interface RunContext {
  farm: WorkerClient;
  sink: WorkerClient;
  sinkPort: number;
  configPath: string;
  load: Load;
  warmupMs: number;
  windowMs: number;
  /** Progress lines go here. */
  log: (line: string) => void;
}

const MIB = 1024 * 1024;
/** Longest wait after the window for its samples to arrive. */
const DRAIN_MAX_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Heap figures from the agent's /metrics: ours reports V8's heap
 * (`deno_memory_*`), vmagent Go's (`go_memstats_heap_*`, no external buffers).
 * NaN when unreadable.
 */
async function readHeap(port: number): Promise<{ inUse: number; total: number; external: number }> {
  let text = "";
  try {
    const r = await fetch(`http://127.0.0.1:${port}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    text = await r.text();
  } catch {
    return { inUse: NaN, total: NaN, external: NaN };
  }
  const get = (name: string) => {
    const m = text.match(new RegExp(`^${name} (\\S+)$`, "m"));
    return m === null ? NaN : Number(m[1]);
  };
  if (text.includes("\ndeno_memory_heap_used_bytes ")) {
    return {
      inUse: get("deno_memory_heap_used_bytes"),
      total: get("deno_memory_heap_total_bytes"),
      external: get("deno_memory_external_bytes"),
    };
  }
  return {
    inUse: get("go_memstats_heap_inuse_bytes"),
    total: get("go_memstats_heap_sys_bytes"),
    external: NaN,
  };
}

/** Runs `agent` on the context's load; throws (with the agent's log tail) when it delivers nothing. */
export async function runAgent(agent: AgentName, ctx: RunContext): Promise<RunResult> {
  const workDir = await Deno.makeTempDir({ prefix: `vmagent-deno-bench-${agent}-` });
  const { load } = ctx;
  await ctx.sink.call({ type: "reset" });
  await ctx.farm.call({ type: "resetGaps" });
  const httpPort = freePort();
  const proc = await startAgent(agent, {
    configPath: ctx.configPath,
    remoteWriteUrl: `http://127.0.0.1:${ctx.sinkPort}/api/v1/write`,
    workDir,
    httpPort,
  });
  let exitCode: number | undefined;
  proc.exited.then((c) => exitCode = c);
  const started = performance.now();
  try {
    // Wait for the first samples (bounded: the first scrape may come one interval after start).
    const deadline = started + Math.max(60_000, 3 * load.intervalMs);
    for (;;) {
      const c = await ctx.sink.call<SinkCounts>({ type: "snapshot" });
      if (c.samples > 0) break;
      if (exitCode !== undefined) throw new Error(`${agent} exited with code ${exitCode}`);
      if (performance.now() > deadline) {
        const p = readProcTree(proc.pid);
        throw new Error(
          `${agent} delivered nothing in ${((performance.now() - started) / 1000).toFixed(0)}s` +
            (p ? ` (alive, ${p.cpuSeconds.toFixed(1)} CPU s used)` : " (gone)"),
        );
      }
      await sleep(250);
    }
    ctx.log(`${agent}: first samples after ${((performance.now() - started) / 1000).toFixed(1)}s`);
    const rest = ctx.warmupMs - (performance.now() - started);
    if (rest > 0) await sleep(rest);

    // The window: whole seconds, starting on a second boundary, so samples can be
    // matched to it by their timestamps (the sink counts them per second).
    const windowSeconds = Math.max(1, Math.round(ctx.windowMs / 1000));
    const wall0 = Math.ceil(Date.now() / 1000) * 1000;
    const wall1 = wall0 + windowSeconds * 1000;
    await sleep(wall0 - Date.now());
    const p0 = readProcTree(proc.pid);
    if (p0 === undefined) throw new Error(`${agent} is gone before the window`);
    const f0 = await ctx.farm.call<FarmStats>({ type: "snapshot" });
    const s0 = await ctx.sink.call<SinkCounts>({ type: "snapshot" });
    const h0 = selfCpuSeconds();
    const m0 = machineTicks();
    const t0 = performance.now();
    ctx.log(`${agent}: measuring ${windowSeconds}s`);
    let peak = p0.rssBytes;
    while (Date.now() < wall1) {
      await sleep(Math.min(1000, wall1 - Date.now()));
      const p = readProcTree(proc.pid);
      if (p === undefined) throw new Error(`${agent} exited during the window (code ${exitCode})`);
      if (p.rssBytes > peak) peak = p.rssBytes;
    }
    const p1 = readProcTree(proc.pid)!;
    const f1 = await ctx.farm.call<FarmStats>({ type: "snapshot" });
    const s1 = await ctx.sink.call<SinkCounts>({ type: "snapshot" });
    const h1 = selfCpuSeconds();
    const m1 = machineTicks();
    const seconds = (performance.now() - t0) / 1000;
    if (p1.rssBytes > peak) peak = p1.rssBytes;
    const heap = await readHeap(httpPort);

    // Let the scrapes of the window reach the sink before reading their samples: wait
    // until every scrape the schedule puts in the window has its `up` sample, at most
    // DRAIN_MAX_MS. Scrapes are counted by timestamp (one served just after the window
    // may belong to it), so the farm's count of scrapes served in the window is not the bar.
    const expected = (load.targets * (wall1 - wall0)) / load.intervalMs;
    const drainStart = performance.now();
    let w: SinkWindow;
    for (;;) {
      await sleep(1000);
      w = await ctx.sink.call<SinkWindow>({ type: "window", fromMs: wall0, toMs: wall1 });
      if (w.scrapes >= expected || performance.now() - drainStart >= DRAIN_MAX_MS) break;
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;

    const served = f1.samples - f0.samples;
    const delivered = s1.samples - s0.samples;
    const cpu = p1.cpuSeconds - p0.cpuSeconds;
    return {
      agent,
      load,
      windowSeconds,
      drainSeconds,
      servedPerSecond: served / seconds,
      deliveredPerSecond: delivered / seconds,
      deliveredRatio: w.targetSamples / ((w.scrapes - w.failedScrapes) * load.series),
      cpuSeconds: cpu,
      cpuCores: cpu / seconds,
      // Per sample served: an agent that fell behind during the warm-up delivers its backlog
      // in the window, and dividing by what arrived would credit it with work done before.
      cpuPerMillion: cpu / (served / 1e6),
      rssEndMiB: p1.rssBytes / MIB,
      rssPeakMiB: peak / MIB,
      hwmMiB: p1.hwmBytes / MIB,
      threads: p1.threads,
      heapInUseMiB: heap.inUse / MIB,
      heapReservedMiB: heap.total / MIB,
      externalMiB: heap.external / MIB,
      wireBytesPerSample: (s1.wireBytes - s0.wireBytes) / delivered,
      rawBytesPerSample: (s1.rawBytes - s0.rawBytes) / delivered,
      requestsPerSecond: (s1.requests - s0.requests) / seconds,
      samplesPerRequest: delivered / (s1.requests - s0.requests),
      scrapeP50ms: w.durationP50 * 1000,
      scrapeP99ms: w.durationP99 * 1000,
      lagP50s: w.lagP50,
      lagP99s: w.lagP99,
      scrapesExpected: Math.round(expected),
      scrapesServed: f1.scrapes - f0.scrapes,
      scrapesDelivered: w.scrapes,
      failedScrapes: w.failedScrapes,
      missedScrapes: Math.round(expected) - (f1.scrapes - f0.scrapes),
      missedByGaps: f1.missedByGaps - f0.missedByGaps,
      staleMarkers: s1.staleMarkers - s0.staleMarkers,
      sinkErrors: s1.errors - s0.errors,
      harnessCores: (h1 - h0) / seconds,
      machineBusyPercent: (100 * (m1.busy - m0.busy)) / (m1.total - m0.total),
      loadAverage: loadAverage(),
    };
  } catch (e) {
    const tail = logTail(proc.logPath);
    throw new Error(`${e instanceof Error ? e.message : e}\n--- ${proc.logPath} (tail)\n${tail}`);
  } finally {
    const code = await proc.stop();
    ctx.log(`${agent}: stopped (exit code ${code})`);
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/**
 * End-to-end benchmark: `deno task bench [--targets=N --series=N --interval=D
 * --warmup=D --window=D --only=ours|vmagent]`.
 *
 * For each load it starts a synthetic target farm (a Worker serving T targets
 * on T loopback ports), a counting remote write sink (another Worker), then
 * runs each agent in turn as a subprocess with its real flags, and prints one
 * table per run and, when both ran, a comparison with ours/vmagent ratios.
 * Figures are printed, never asserted.
 *
 * @module
 */
import { agentCommand, type AgentName, prepareOurs, scrapeConfigYaml } from "./_agent.ts";
import { type BenchOptions, describeLoad, type Load, parseBenchArgs, USAGE } from "./_options.ts";
import { formatComparison, formatRun, formatSummary, type RunResult } from "./_report.ts";
import { WorkerClient } from "./_rpc.ts";
import { runAgent } from "./_run.ts";

// The benchmark is a command-line tool: its tables go to stdout, progress to stderr.
const out = (s: string) => console.log(s);
const progress = (s: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

function available(agents: AgentName[]): AgentName[] {
  const probe = {
    configPath: "/dev/null",
    remoteWriteUrl: "http://127.0.0.1:1/",
    workDir: "/tmp",
    httpPort: 1,
  };
  return agents.filter((a) => {
    if (agentCommand(a, probe) !== undefined) return true;
    progress(
      a === "ours"
        ? "ours: main.ts not found, skipped"
        : "vmagent: peer not unpacked (.ci/install-peers), skipped",
    );
    return false;
  });
}

async function runLoad(
  load: Load,
  opts: BenchOptions,
  agents: AgentName[],
  sink: WorkerClient,
  sinkPort: number,
): Promise<RunResult[]> {
  const farm = new WorkerClient(new URL("./_farm_worker.ts", import.meta.url), "farm");
  const dir = await Deno.makeTempDir({ prefix: "vmagent-deno-bench-" });
  const results: RunResult[] = [];
  try {
    const { ports } = await farm.call<{ ports: number[] }>({
      type: "start",
      options: { targets: load.targets, series: load.series, intervalMs: load.intervalMs },
    });
    const configPath = `${dir}/scrape.yml`;
    await Deno.writeTextFile(configPath, scrapeConfigYaml(ports, load.intervalMs));
    progress(`load: ${describeLoad(load)}; farm on ${ports.length} ports, sink on ${sinkPort}`);
    for (const agent of agents) {
      try {
        const r = await runAgent(agent, {
          farm,
          sink,
          sinkPort,
          configPath,
          load,
          warmupMs: opts.warmupMs,
          windowMs: opts.windowMs,
          log: progress,
        });
        results.push(r);
        out(`\n${formatRun(r)}`);
      } catch (e) {
        out(`\n${agent}: ${describeLoad(load)}: run failed: ${e instanceof Error ? e.message : e}`);
      }
    }
    const ours = results.find((r) => r.agent === "ours");
    const vm = results.find((r) => r.agent === "vmagent");
    if (ours !== undefined && vm !== undefined) out(`\n${formatComparison(ours, vm)}`);
  } finally {
    await farm.call({ type: "stop" }).catch(() => {});
    farm.terminate();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  return results;
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchArgs(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    return 2;
  }
  if (opts.help) {
    out(USAGE);
    return 0;
  }
  const agents = available(opts.agents);
  if (agents.length === 0) {
    console.error("no agent to run");
    return 1;
  }
  if (agents.includes("ours")) {
    const err = await prepareOurs();
    if (err !== undefined) progress(`ours: deno cache main.ts failed:\n${err}`);
  }
  const sink = new WorkerClient(new URL("./_sink_worker.ts", import.meta.url), "sink");
  const all: RunResult[] = [];
  try {
    const { port } = await sink.call<{ port: number }>({ type: "start" });
    const perRun = (opts.warmupMs + opts.windowMs) / 1000;
    progress(
      `${opts.loads.length} load(s) x ${agents.join(", ")}: about ` +
        `${Math.ceil((opts.loads.length * agents.length * (perRun + 15)) / 60)} min`,
    );
    for (const load of opts.loads) all.push(...await runLoad(load, opts, agents, sink, port));
    if (all.length > 1) out(`\n${formatSummary(all)}`);
  } finally {
    await sink.call({ type: "stop" }).catch(() => {});
    sink.terminate();
  }
  return all.length > 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
